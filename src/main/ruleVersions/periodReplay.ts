// Period replay (issue 11): any version over a past date range, a closed period included, as a diff only. The version
// and the active one each run in full into a temporary lane restricted to the range's events; the two are compared
// as a shadow is with the live projection; the lanes are then removed. Nothing in the ledger changes.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { parseDateTimeToUtc } from '../../shared/time/dateText.ts';
import { sameVersion, versionLabel, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import type { ReconcileProgress } from '../matching/engine/engine.ts';
import { activeVersion, ruleSetOf, RuleVersionError } from './versionStates.ts';
import { ledgerPathOf, openLane, removeLaneFile } from './shadowFile.ts';
import { runLane } from './shadowRuns.ts';
import { allDiffs, computeDiffs, diffSummary, makeDiffsTable, type ComparisonSummary, type DiffRow } from './shadowComparison.ts';

export interface Replay {
  version: string;
  /** What it is compared with: the active version replayed over the same range. */
  against: string;
  from: string;
  to: string;
  /** The range as UTC instants: events with occurred_at in [fromInstant, toInstant). */
  fromInstant: string;
  toInstant: string;
  events: number;
  summary: ComparisonSummary;
  diffs: DiffRow[];
}

/** The first instant of a calendar day in the workspace's time zone. */
function dayStart(date: string, timeZone: string, flag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RuleVersionError(`${flag} ${date}: write a date as YYYY-MM-DD`);
  const r = parseDateTimeToUtc(`${date} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (!r.ok) throw new RuleVersionError(`${flag} ${date}: ${r.error}`);
  return r.iso;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Replays `v` over the days `from`..`to` (inclusive, in the workspace's time zone) and compares it with the active
 * version replayed over the same days. Both see only the range's events, so a counterpart outside it is missing for
 * both: the diff is what the rules change, not the cut.
 */
export function replayPeriod(
  db: LedgerDb,
  settings: WorkspaceSettings,
  input: { version: VersionRef; from: string; to: string; onProgress?: (p: ReconcileProgress) => void },
): Replay {
  const fromInstant = dayStart(input.from, settings.time_zone, '--from');
  const toInstant = dayStart(nextDay(input.to), settings.time_zone, '--to');
  if (toInstant <= fromInstant) throw new RuleVersionError(`--to ${input.to} is before --from ${input.from}`);
  const ruleSet = ruleSetOf(db, input.version);
  const base = activeVersion(db);
  const range = { from: fromInstant, to: toInstant };
  const dir = join(dirname(ledgerPathOf(db)), 'shadow');
  const tag = randomBytes(6).toString('hex');
  const mine = join(dir, `replay-${tag}-${versionLabel(input.version)}.sqlite`);
  const theirs = join(dir, `replay-${tag}-base-${versionLabel(base)}.sqlite`);
  try {
    runLane(db, settings, input.version, { mode: 'full', file: mine, range, onProgress: input.onProgress });
    if (!sameVersion(base, input.version)) runLane(db, settings, base, { mode: 'full', file: theirs, range });
    const { db: lane } = openLane(ledgerPathOf(db), input.version, { file: mine });
    try {
      if (!sameVersion(base, input.version)) lane.prepare('ATTACH DATABASE ? AS base').run(theirs);
      const baseSchema = sameVersion(base, input.version) ? 'main' : 'base';
      makeDiffsTable(lane);
      lane.transaction(() => computeDiffs(lane, ruleSet, baseSchema))();
      const events = lane.prepare('SELECT count(*) FROM events').pluck().get() as number;
      return {
        version: versionLabel(input.version),
        against: versionLabel(base),
        from: input.from,
        to: input.to,
        fromInstant,
        toInstant,
        events,
        summary: { ...diffSummary(lane, input.version, baseSchema), live: versionLabel(base) },
        diffs: [...allDiffs(lane)],
      };
    } finally {
      lane.close();
    }
  } finally {
    removeLaneFile(mine);
    removeLaneFile(theirs);
  }
}
