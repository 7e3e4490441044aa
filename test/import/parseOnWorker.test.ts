// An import whose file is read and parsed on a worker thread writes exactly what one parsed on the importing thread
// writes, fails the same way (FILE:LINE:COLUMN, nothing written), and stores the file's bytes compressed, byte-exact.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles, ImportError, type ImportRequest } from '../../src/main/import/importFiles.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { readArtifactChunks, compressChunk, ARTIFACT_CHUNK_BYTES } from '../../src/main/ledger/artifacts.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { writeZip } from '../../src/main/synthetic/zipWriter.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { stripeCsv, stripeCsvRange, stripeRow } from '../support/stripeCsv.ts';

const root = makeTempDir();
let n = 0;
let ws: Workspace;

beforeEach(() => {
  ws = createWorkspace(join(root, `ws${n++}`));
});
afterEach(() => ws.close());

function file(name: string, content: string | Uint8Array): string {
  const path = join(root, `${n}-${name}`);
  writeFileSync(path, content);
  return path;
}

const count = (sql: string): number => ws.db.prepare(sql).pluck().get() as number;
const run = (files: string[], extra: Partial<ImportRequest> = {}) =>
  importFiles(ws.db, ws.settings, { source: 'stripe:main', files, actor: 'user:test', parseOn: 'worker', ...extra });

/** Everything an import wrote that does not depend on when it ran or its random batch id. */
function written(w: Workspace): unknown {
  const events = w.db.prepare('SELECT * FROM events ORDER BY seq').all() as Array<Record<string, unknown>>;
  const batchIds = [...new Set(events.map((e) => e['batch_id'] as string))];
  const anon = (text: string): string => batchIds.reduce((t, id, i) => t.replaceAll(id, `batch${i}`), text);
  return {
    events: events.map(({ batch_id: b, received_at: _r, ...e }) => ({ ...e, batch: batchIds.indexOf(b as string) })),
    journal: (w.db.prepare('SELECT entry_type, payload FROM journal ORDER BY seq').all() as Array<{ entry_type: string; payload: string }>).map(
      (j) => {
        const payload = JSON.parse(anon(j.payload)) as Record<string, unknown>;
        delete payload['events_digest']; // covers received_at, the batch's start time
        return { type: j.entry_type, payload };
      },
    ),
    chunks: w.db.prepare('SELECT artifact_id, seq, codec, length(bytes) AS n FROM artifact_chunks ORDER BY artifact_id, seq').all(),
  };
}

describe('parsing on a worker thread', () => {
  it('writes the same events, journal and chunks as parsing on the importing thread, and both verify', () => {
    const month = writeMonthFiles(join(root, 'month'), { orders: 400, seed: 7 });
    const other = createWorkspace(join(root, `ws${n++}`));
    try {
      for (const [w, parseOn] of [
        [ws, 'worker'],
        [other, 'this-thread'],
      ] as const) {
        for (const [source, f] of [
          ['shopify:store', month.shopifyCsv],
          ['stripe:main', month.stripeCsv],
          ['bank:main', month.camtPath],
        ] as const) {
          importFiles(w.db, w.settings, { source, files: [f], actor: 'user:test', parseOn });
        }
        // A generic CSV through a saved mapping (semicolons, Windows-1252): the worker rebuilds the same parser.
        const samples = join(PROJECT_ROOT, 'resources/samples');
        importFiles(w.db, w.settings, {
          source: 'bank:ridge',
          files: [join(samples, 'bank-statement-2026-10.csv')],
          format: 'generic-csv',
          mappingPath: join(samples, 'bank-statement-mapping.json'),
          actor: 'user:test',
          parseOn,
        });
        expect(verifyLedger(w.db).ok).toBe(true);
      }
      expect(count('SELECT count(*) FROM events')).toBeGreaterThan(800);
      expect(written(ws)).toEqual(written(other));
    } finally {
      other.close();
    }
  });

  it('fails a bad row with FILE:LINE:COLUMN and writes nothing', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => stripeRow(i + 1));
    rows[2500] = (rows[2500] as string).replace(',usd,', ',xyz,');
    const bad = file('bad.csv', stripeCsv(rows));
    let error: unknown;
    try {
      run([file('good.csv', stripeCsvRange(5001, 5003)), bad]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(/bad\.csv:2502:4: .*currency/i);
    for (const table of ['event_rows', 'artifacts', 'artifact_chunks', 'journal', 'import_batches'])
      expect(count(`SELECT count(*) FROM ${table}`)).toBe(0);
  });

  it('reads every member of a ZIP on the same worker, one after another', () => {
    const zip = join(root, `${n}-two.zip`);
    writeZip(zip, [
      { name: 'sep.csv', data: stripeCsvRange(1, 2500) },
      { name: 'oct/oct.csv', data: stripeCsvRange(2400, 5000) },
    ]);
    const r = run([zip]);
    expect(r.files.map((f) => [f.file.replace(/^.*!/, ''), f.eventsCreated, f.duplicatesSkipped, f.duplicateRecords])).toEqual([
      ['sep.csv', 2500, 0, 0],
      ['oct/oct.csv', 2500, 101, 101],
    ]);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('fails a file the parser refuses (a FormatError in the worker) with its position and writes nothing', () => {
    const notStripe = file('other.csv', 'id,amount,when\n1,2.00,2026-10-01\n');
    expect(() => run([notStripe], { format: 'stripe-balance-csv' })).toThrow(/other\.csv:1:\d+: .*(header|column)/i);
    const empty = file('empty.csv', '');
    expect(() => run([empty], { format: 'shopify-orders-csv' })).toThrow(/empty\.csv:1:1: /);
    expect(count('SELECT count(*) FROM event_rows') + count('SELECT count(*) FROM artifacts')).toBe(0);
  });

  it('journals rejected rows with --skip-invalid and records DUPLICATE_RECORD for records another file delivered', () => {
    const first = run([file('sep.csv', stripeCsvRange(1, 6))]);
    expect(first.eventsCreated).toBe(6);
    const rows = Array.from({ length: 10 }, (_, i) => stripeRow(i + 4));
    rows[5] = stripeRow(9).replace('19.00', 'abc');
    const r = run([file('oct.csv', stripeCsv(rows))], { skipInvalid: true });
    expect(r.files[0]).toMatchObject({ rowsRead: 10, eventsCreated: 6, duplicatesSkipped: 3, duplicateRecords: 3, rowsRejected: 1 });
    expect(r.files[0]?.rejected).toEqual([{ line: 7, column: 5, message: expect.stringMatching(/gross/) }]);
    expect(count("SELECT count(*) FROM exceptions WHERE code = 'DUPLICATE_RECORD'")).toBe(3);
    // Some of the file's records were already in the ledger: its digest covers the events it created, as stored.
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('stores a multi-chunk file compressed and gives back its exact bytes; an incompressible chunk is stored as it is', () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => stripeRow(i + 1));
    const big = file('big.csv', stripeCsv(rows, '\r\n'));
    run([big]);
    const sha = ws.db.prepare('SELECT artifact_id FROM artifacts').pluck().get() as string;
    const stored = ws.db.prepare('SELECT codec, length(bytes) AS n FROM artifact_chunks WHERE artifact_id = ? ORDER BY seq').all(sha) as Array<{
      codec: string | null;
      n: number;
    }>;
    expect(stored.length).toBe(Math.ceil(readFileSync(big).length / ARTIFACT_CHUNK_BYTES));
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.every((c) => c.codec === 'br' && c.n < ARTIFACT_CHUNK_BYTES / 3)).toBe(true);
    expect(Buffer.concat([...readArtifactChunks(ws.db, sha)]).equals(readFileSync(big))).toBe(true);

    expect(verifyLedger(ws.db).ok).toBe(true);
    // A chunk compression does not shrink (random bytes: an archive, a photo) is stored as it is.
    const noise = randomBytes(ARTIFACT_CHUNK_BYTES);
    expect(compressChunk(noise)).toEqual({ bytes: noise, codec: null });
  });

  it('refuses a file that changes while it is being read (the bytes parsed must be the bytes hashed)', () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => stripeRow(i + 1));
    const growing = file('growing.csv', stripeCsv(rows));
    let appended = false;
    expect(() =>
      run([growing], {
        parseOn: 'this-thread',
        onProgress: () => {
          if (appended) return;
          appended = true;
          appendFileSync(growing, `${stripeRow(40_001)}\n`);
        },
      }),
    ).toThrow(/growing\.csv: the file changed while it was being imported/);
    expect(count('SELECT count(*) FROM event_rows') + count('SELECT count(*) FROM artifacts')).toBe(0);
  });
});
