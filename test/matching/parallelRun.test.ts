// A full run computed in a worker thread while the calling thread writes (parallelOutcome.ts) gives exactly the run
// computed on one thread: the same matches, explanations, member rows, exceptions and digest; and a worker that fails
// leaves nothing written.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { makeTempDir } from '../support/tempDir.ts';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { parallelOutcome } from '../../src/main/matching/engine/parallelOutcome.ts';
import type { MatchWriter } from '../../src/main/matching/engine/matchWriter.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { snapshot, importGeneratedMonth } from './monthBuilder.ts';

const dir = makeTempDir('tieout-parallel-');
const month = writeMonthFiles(join(dir, 'month'), { orders: 1500, seed: 13 });

function imported(name: string): Workspace {
  const ws = createWorkspace(join(dir, name), { name, reportingCurrency: 'USD', timeZone: 'America/New_York' });
  importGeneratedMonth(ws, month);
  return ws;
}

/** Every stored fact of the projections a run writes, by the rows' text ids. */
function rows(ws: Workspace): unknown {
  return {
    matches: ws.db.prepare('SELECT match_id, link, status, rule_id, score, explanation, ended_at FROM matches ORDER BY match_id').all(),
    members: ws.db.prepare('SELECT match_id, event_id, side FROM match_event_ids ORDER BY match_id, event_id').all(),
    exceptions: ws.db.prepare('SELECT exception_id, code, class, state, amount_minor, explanation FROM exceptions ORDER BY exception_id').all(),
    links: ws.db.prepare('SELECT exception_id, event_id FROM exception_event_ids ORDER BY exception_id, event_id').all(),
  };
}

describe('a full run computed in a worker thread', () => {
  it('writes what the one-thread run writes, and finds it all again on the next run', () => {
    const here = imported('here');
    const there = imported('there');
    const a = reconcile(here.db, here.settings, { mode: 'full', parallel: 'never' });
    const phases: string[] = [];
    const b = reconcile(there.db, there.settings, { mode: 'full', parallel: 'always', onProgress: (p) => phases.push(p.detail ?? p.phase) });
    expect(b.matches_created).toBeGreaterThan(1500);
    expect({ ...b, run_id: '' }).toEqual({ ...a, run_id: '' });
    expect(rows(there)).toEqual(rows(here));
    expect(snapshot(there)).toEqual(snapshot(here));
    // The worker's progress reaches the caller: loading, each rule, then the writing.
    expect(phases).toEqual(expect.arrayContaining(['loading', 'order-payment.exact-key', 'leftovers', 'writing matches', 'writing exceptions']));
    expect(verifyLedger(there.db).ok).toBe(true);
    const again = reconcile(there.db, there.settings, { mode: 'full', parallel: 'always' });
    expect([again.matches_created, again.matches_ended, again.exceptions_opened, again.exceptions_closed]).toEqual([0, 0, 0, 0]);
    here.close();
    there.close();
  });

  it('gives the same result when an event id is not of the usual shape (ids kept as strings on both threads)', () => {
    const odd = (ws: Workspace): void => {
      // A copy of the first payment under an id no importer makes: the shared id table cannot hold it.
      const cols = (
        ws.db.prepare("SELECT name FROM pragma_table_info('events') WHERE name NOT IN ('seq', 'event_id', 'external_id')").pluck().all() as string[]
      ).join(', ');
      ws.db
        .prepare(
          `INSERT INTO events (event_id, external_id, ${cols}) SELECT 'legacy-1', 'legacy-ext-1', ${cols} FROM events WHERE kind = 'payment' ORDER BY seq LIMIT 1`,
        )
        .run();
    };
    const here = imported('odd-here');
    const there = imported('odd-there');
    odd(here);
    odd(there);
    const a = reconcile(here.db, here.settings, { mode: 'full', parallel: 'never' });
    const b = reconcile(there.db, there.settings, { mode: 'full', parallel: 'always' });
    expect({ ...b, run_id: '' }).toEqual({ ...a, run_id: '' });
    expect(rows(there)).toEqual(rows(here));
    expect(there.db.prepare("SELECT count(*) FROM exception_event_ids WHERE event_id = 'legacy-1'").pluck().get()).toBeGreaterThan(0);
    here.close();
    there.close();
  });

  it('fails with the worker’s own error, having written nothing', () => {
    const writer = { add: () => expect.unreachable('no match can come from a ledger that does not open') } as unknown as MatchWriter;
    const ws = imported('missing');
    expect(() =>
      parallelOutcome(
        ws.db,
        join(dir, 'no-such-ledger.sqlite'),
        DEFAULT_RULE_SET,
        writer,
        () => {},
        () => {},
      ),
    ).toThrow(/matching worker: .*(unable to open|does not exist|directory does not exist)/i);
    ws.close();
  });
});
