// A shadow lane follows the ledger as the live runs do: its incremental runs after each import (and after people's
// decisions) end where one full run of the version ends, on one thread or two, and the live projection is untouched.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { unmatchByHand, matchByHand } from '../../src/main/workflows/matchDecisions.ts';
import { createVersion } from '../../src/main/ruleVersions/versionLifecycle.ts';
import { laneVersions, runLane, runLanes } from '../../src/main/ruleVersions/shadowRuns.ts';
import { laneFile } from '../../src/main/ruleVersions/shadowFile.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { editedDefault, laneProjection, projection } from './ruleVersionSupport.ts';

const root = makeTempDir('tieout-lane-');

/** Splits a CSV into two files at its middle row (the header in both). */
function halves(path: string): [string, string] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const mid = Math.floor(rows.length / 2);
  const a = path.replace(/\.csv$/, '-a.csv');
  const b = path.replace(/\.csv$/, '-b.csv');
  writeFileSync(a, `${[header, ...rows.slice(0, mid)].join('\n')}\n`);
  writeFileSync(b, `${[header, ...rows.slice(mid)].join('\n')}\n`);
  return [a, b];
}

describe('a shadow lane over a month delivered in pieces', () => {
  const ws = createWorkspace(join(root, 'ws'), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  const month = writeMonthFiles(join(root, 'files'), { orders: 600, seed: 7 });
  // A version that differs: wider windows for the amount rule, no rounding on the key rule.
  const wider = editedDefault({ 'order-payment.exact-key': { rounding_minor: 0 }, 'order-payment.amount-window': { tolerance_minor: 5 } }, 'wider');
  const created = createVersion(ws.db, ws.settings, { definition: wider, reason: 'try', actor: 'user:ana' });
  const v = created.version;
  const [stripeA, stripeB] = halves(month.stripeCsv);
  const end = month.summary.dateRange.to;

  it('runs after every import, incrementally once the lane has its first full run', () => {
    const modes: string[] = [];
    for (const [source, file, periodEnd] of [
      ['stripe:main', stripeA, undefined],
      ['shopify:store', month.shopifyCsv, end],
      ['stripe:main', stripeB, end],
      ['bank:main', month.camtPath, undefined],
    ] as const) {
      const r = importAndReconcile(ws, { source, files: [file], actor: 'user:test', periodEnd });
      expect(r.shadows.map((s) => [s.version, s.error])).toEqual([['workspace@1', null]]);
      modes.push((r.shadows[0]?.report?.mode ?? '-') as string);
    }
    // The first import into an empty ledger owes the lane everything (a full run); later ones only their own events,
    // unless they are a large share of the ledger (the bank statement's few lines are not).
    expect(modes[3]).toBe('incremental');
  });

  it("follows people's decisions on the ledger at its next run", () => {
    const m = ws.db
      .prepare("SELECT match_id FROM matches WHERE ended_at IS NULL AND link = 'order_payment' AND origin = 'engine' ORDER BY match_id LIMIT 2")
      .pluck()
      .all() as string[];
    unmatchByHand(ws, { matchId: m[0] as string, actor: 'user:ana', reason: 'not this payment' });
    const events = ws.db
      .prepare(
        'SELECT e.event_id, mm.side FROM matches m JOIN match_members mm ON mm.match_seq = m.seq JOIN events e ON e.seq = mm.event_seq WHERE m.match_id = ?',
      )
      .all(m[1]) as Array<{ event_id: string; side: string }>;
    matchByHand(ws, {
      link: 'order_payment',
      leftEventIds: events.filter((e) => e.side === 'left').map((e) => e.event_id),
      rightEventIds: events.filter((e) => e.side === 'right').map((e) => e.event_id),
      actor: 'user:ana',
      reason: 'confirmed with the customer',
    });
    const runs = runLanes(ws.db, ws.settings, laneVersions(ws.db));
    expect(runs.map((r) => r.report?.mode)).toEqual(['incremental']);
  });

  it('ends where one full run of the version ends, on one thread and on two', () => {
    const incremental = laneProjection(laneFile(ws.db.name, v));
    const one = join(root, 'full-one.sqlite');
    const two = join(root, 'full-two.sqlite');
    runLane(ws.db, ws.settings, v, { mode: 'full', file: one, parallel: 'never' });
    runLane(ws.db, ws.settings, v, { mode: 'full', file: two, parallel: 'always' });
    const full = laneProjection(one);
    expect(full.matches.length).toBeGreaterThan(600);
    expect(incremental).toEqual(full);
    expect(laneProjection(two)).toEqual(full);
    // The version does differ from the live rules, and the live projection is the live rules' alone.
    const live = projection(ws.db);
    expect(live.exceptions).not.toEqual(full.exceptions);
    const liveAgain = reconcile(ws.db, ws.settings, { mode: 'full' });
    expect(liveAgain.rule_set_id).toBe('default');
    expect(projection(ws.db)).toEqual(live);
  });
});
