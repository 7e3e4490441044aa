// A run that writes many matches or exception links drops those tables' secondary indexes and rebuilds them (engine.ts
// bulkIndexes): same result as maintaining them row by row, the same index definitions afterwards, a sound ledger.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { makeTempDir } from '../support/tempDir.ts';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { snapshot, importGeneratedMonth } from './monthBuilder.ts';

const dir = makeTempDir('tieout-bulk-');
const month = writeMonthFiles(join(dir, 'month'), { orders: 1500, seed: 7 });

function imported(name: string): Workspace {
  const ws = createWorkspace(join(dir, name), { name, reportingCurrency: 'USD', timeZone: 'America/New_York' });
  importGeneratedMonth(ws, month);
  return ws;
}

const indexes = (ws: Workspace): string[] =>
  ws.db
    .prepare(
      "SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('matches', 'match_members', 'exceptions', 'exception_members') ORDER BY name",
    )
    .pluck()
    .all() as string[];

describe('bulk writes of a full run', () => {
  it('give the row-by-row result, keep every index definition, and leave a ledger that verifies', () => {
    const bulk = imported('bulk');
    const rowByRow = imported('row-by-row');
    const before = indexes(bulk);
    expect(before.length).toBeGreaterThanOrEqual(8);
    const a = reconcile(bulk.db, bulk.settings, { mode: 'full', bulkRows: 1 });
    const b = reconcile(rowByRow.db, rowByRow.settings, { mode: 'full', bulkRows: Number.POSITIVE_INFINITY });
    expect(a.matches_created).toBeGreaterThan(1000);
    expect(a.digest).toBe(b.digest);
    expect(snapshot(bulk)).toEqual(snapshot(rowByRow));
    expect(indexes(bulk)).toEqual(before);
    expect(bulk.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(verifyLedger(bulk.db).ok).toBe(true);
    // The rebuilt indexes serve the queries they were made for.
    const plan = bulk.db.prepare('EXPLAIN QUERY PLAN SELECT match_seq FROM match_members WHERE event_seq = 7').all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/match_members_by_event/);
    // A second full run over an unchanged ledger changes nothing, whichever path it would take.
    expect(reconcile(bulk.db, bulk.settings, { mode: 'full', bulkRows: 1 }).matches_created).toBe(0);
    bulk.close();
    rowByRow.close();
  });
});
