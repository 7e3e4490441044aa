// Raw source lines of events read back from stored artifacts: the batch's encoding, CRLF files, and a CRLF that
// straddles the 1 MiB chunk boundary of the stored bytes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { ARTIFACT_CHUNK_BYTES } from '../../src/main/ledger/artifacts.ts';
import { eventDetails } from '../../src/main/review/eventDetails.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-review-raw-');
let ws: Workspace;

const HEADER = 'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email';
const row = (id: string, description: string): string =>
  `${id},2026-10-02 12:00:00,,usd,10.00,0.00,10.00,charge,ch_${id},${description},a@example.com`;

function importFile(name: string, bytes: Uint8Array): string {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return importFiles(ws.db, ws.settings, { source: 'stripe:raw', files: [path], actor: 'user:test' }).files[0]?.batchId as string;
}

function eventOf(externalId: string): string {
  return ws.db.prepare("SELECT event_id FROM events WHERE source = 'stripe:raw' AND external_id = ?").pluck().get(externalId) as string;
}

beforeAll(() => {
  ws = createWorkspace(join(root, 'ws'), { name: 'Raw' });
});
afterAll(() => ws.close());

describe('raw lines', () => {
  it('decodes a Windows-1252 CRLF file as the importer did', () => {
    const text = [HEADER, row('txn_w1', 'Café Zürich'), row('txn_w2', 'Crème brûlée'), ''].join('\r\n');
    const bytes = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    const batch = importFile('cp1252.csv', bytes);
    expect(ws.db.prepare('SELECT encoding FROM import_batches WHERE batch_id = ?').pluck().get(batch)).toBe('windows-1252');
    const [one, two] = eventDetails(ws.db, [eventOf('txn_w1'), eventOf('txn_w2')]);
    expect(one?.raw).toMatchObject({ fileName: 'cp1252.csv', lineStart: 2, lineEnd: 2, text: row('txn_w1', 'Café Zürich'), truncated: false });
    expect(two?.raw.text).toBe(row('txn_w2', 'Crème brûlée'));
  });

  it('counts a CRLF split across two stored chunks as one line break', () => {
    // Row 2's CR is the last byte of the first 1 MiB chunk, its LF the first byte of the second.
    const head = `${HEADER}\r\n`;
    const prefix = row('txn_big', '');
    const pad = ARTIFACT_CHUNK_BYTES - 1 - head.length - prefix.length;
    const big = row('txn_big', 'x'.repeat(pad));
    const text = `${head}${big}\r\n${row('txn_after', 'after the boundary')}\r\n`;
    expect(text.indexOf('\r\n', head.length)).toBe(ARTIFACT_CHUNK_BYTES - 1);
    importFile('boundary.csv', new TextEncoder().encode(text));
    const [big1, after] = eventDetails(ws.db, [eventOf('txn_big'), eventOf('txn_after')]);
    expect(after?.raw).toMatchObject({ lineStart: 3, lineEnd: 3, text: row('txn_after', 'after the boundary'), truncated: false });
    expect(big1?.raw.truncated).toBe(true);
    expect(big.startsWith(big1?.raw.text as string)).toBe(true);
  });
});
