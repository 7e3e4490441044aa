import { it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles, ImportError } from '../../src/main/import/importFiles.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';
import { makeTempDir } from '../support/tempDir.ts';

// Whole-pipeline fuzz: a damaged statement either imports (whole, and the ledger verifies) or fails
// with a positioned ImportError and leaves the ledger exactly as it was — never a partial write.

const FAMILIES = ['bank/camt', 'bank/camt/oca', 'bank/mt940', 'bank/ofx', 'providers/paypal'];
const RUNS_PER_FAMILY = 40;

function fixtureFiles(): string[] {
  return FAMILIES.flatMap((dir) =>
    readdirSync(join(FIXTURES_DIR, dir))
      .filter((f) => /\.(xml|sta|txt|ofx|csv)$/.test(f) && statSync(join(FIXTURES_DIR, dir, f)).isFile())
      .map((f) => join(FIXTURES_DIR, dir, f)),
  );
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dropline' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('junk' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
);

interface Mutation {
  op: string;
  at: number;
  byte?: number;
  text?: string;
}

function mutate(bytes: Buffer, m: Mutation): Buffer {
  if (bytes.length === 0) return bytes;
  const at = m.at % bytes.length;
  const lines = bytes.toString('latin1').split('\n');
  const li = m.at % lines.length;
  switch (m.op) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[at] = m.byte ?? 0;
      return copy;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'dupline':
      lines.splice(li, 0, lines[li] ?? '');
      return Buffer.from(lines.join('\n'), 'latin1');
    case 'dropline':
      lines.splice(li, 1);
      return Buffer.from(lines.join('\n'), 'latin1');
    default:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text ?? '', 'utf8'), bytes.subarray(at)]);
  }
}

describeWithFixtures('import pipeline under damaged statements', () => {
  const root = makeTempDir();
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace(join(root, 'ws'));
  });
  afterAll(() => ws.close());

  const counts = () =>
    ['events', 'artifacts', 'artifact_chunks', 'journal', 'import_batches'].map(
      (t) => ws.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number,
    );

  it('every outcome is a whole import or a positioned error with nothing written', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThan(20);
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...files), mutation, (file, m) => {
        const damaged = join(root, `f${n++}-${file.split('/').pop() as string}`);
        writeFileSync(damaged, mutate(readFileSync(file), m));
        const before = counts();
        try {
          importFiles(ws.db, ws.settings, { source: 'bank:fuzz', files: [damaged], actor: 'user:fuzz' });
        } catch (err) {
          if (!(err instanceof ImportError)) throw err;
          expect(err.message.startsWith(damaged)).toBe(true);
          expect(counts()).toEqual(before);
          return;
        }
        const after = counts();
        expect(after[3]).toBeGreaterThan(before[3] as number);
      }),
      { numRuns: RUNS_PER_FAMILY * FAMILIES.length, seed: 20261123 },
    );
    expect(verifyLedger(ws.db).ok).toBe(true);
  });
});
