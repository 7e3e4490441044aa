// `tieout shadow compare`: a version's comparison with the live projection, its grading against people's decisions and
// its observation window, in one report.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { sameVersion, versionLabel, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { allDiffs, diffSummary, ensureDiffs, withLane, type ComparisonSummary, type DiffRow } from './shadowComparison.ts';
import { gradeRuleSet, type Grading } from './versionGrading.ts';
import { observationWindow, type ObservationWindow } from './promotion.ts';
import { activeVersion, canaryVersion, effectiveState, ruleSetOf, RuleVersionError } from './versionStates.ts';

export interface ComparisonReport {
  summary: ComparisonSummary;
  diffs: DiffRow[];
  grading: Grading & { live: Pick<Grading, 'decisions' | 'agreed' | 'agreement' | 'restsOn' | 'overturned' | 'falsePositiveRate'> };
  window: ObservationWindow | null;
}

/** The version must not be the one the live projection is made by: it would be compared with itself. */
export function requireComparable(db: LedgerDb, v: VersionRef): void {
  const live = canaryVersion(db) ?? activeVersion(db);
  if (sameVersion(live, v))
    throw new RuleVersionError(`${versionLabel(v)} makes the live projection: there is nothing to compare it with (compare a version in shadow)`);
}

/** Everything `shadow compare` prints: the differences (at most `limit`, all by default), the grading beside the live version's, the window. */
export function comparisonReport(db: LedgerDb, settings: WorkspaceSettings, v: VersionRef, options: { limit?: number } = {}): ComparisonReport {
  requireComparable(db, v);
  const ruleSet = ruleSetOf(db, v);
  const { summary, diffs } = withLane(db, settings, v, (lane) => {
    ensureDiffs(lane, ruleSet);
    const rows: DiffRow[] = [];
    for (const d of allDiffs(lane)) {
      if (options.limit !== undefined && rows.length >= options.limit) break;
      rows.push(d);
    }
    return { summary: diffSummary(lane, v), diffs: rows };
  });
  const grading = gradeRuleSet(db, settings, ruleSet);
  const live = gradeRuleSet(db, settings, ruleSetOf(db, canaryVersion(db) ?? activeVersion(db)));
  const window = effectiveState(db, v) === 'shadow' ? observationWindow(db, settings, v, grading) : null;
  return {
    summary,
    diffs,
    grading: {
      ...grading,
      live: {
        decisions: live.decisions,
        agreed: live.agreed,
        agreement: live.agreement,
        restsOn: live.restsOn,
        overturned: live.overturned,
        falsePositiveRate: live.falsePositiveRate,
      },
    },
    window,
  };
}
