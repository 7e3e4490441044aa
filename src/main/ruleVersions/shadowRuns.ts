// Shadow runs: a version's runs into its own lane (shadowFile.ts), full or incremental, never acting on the ledger.
// Every import's run is followed by one per lane, so a shadow version observes new data as it arrives.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { reconcile, type ReconcileProgress, type RunReport } from '../matching/engine/engine.ts';
import { versionLabel, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { activeVersion, canaryVersion, ruleSetOf, shadowVersions } from './versionStates.ts';
import { ensureRuleSet } from '../matching/engine/projectionWriters.ts';
import { LEDGER_SCHEMA, ledgerPathOf, openLane, readLaneMeta, writeLaneMeta } from './shadowFile.ts';

/** Who a lane's rows and journal entries name (the lane's journal is its own). */
export const SHADOW_ACTOR = 'system:shadow';

export interface LaneRun {
  version: string;
  report: RunReport | null;
  /** Why the lane could not run (its owed work stays owed: the next run takes it). */
  error: string | null;
}

/**
 * The events of people's match decisions the lane has not been told about (a person's match pins its events, an
 * unmatch frees them and blocks pairs: the lane's own matches of those events must be looked at again), and the
 * ledger journal seq they reach.
 */
function decisionsSince(lane: LedgerDb, through: number): { eventIds: string[]; through: number } {
  const rows = lane
    .prepare(
      `SELECT seq, entry_type, payload FROM ${LEDGER_SCHEMA}.journal WHERE seq > ? AND entry_type IN ('match.manual', 'match.broken') ORDER BY seq`,
    )
    .all(through) as Array<{ seq: number; entry_type: string; payload: string }>;
  const ids = new Set<string>();
  for (const r of rows) {
    const p = JSON.parse(r.payload) as { left?: string[]; right?: string[]; blocked_pairs?: Array<[string, string]> };
    for (const id of [...(p.left ?? []), ...(p.right ?? []), ...(p.blocked_pairs ?? []).flat()]) ids.add(id);
  }
  const head = (lane.prepare(`SELECT coalesce(max(seq), 0) FROM ${LEDGER_SCHEMA}.journal`).pluck().get() as number) ?? 0;
  return { eventIds: [...ids].sort(), through: Math.max(through, head) };
}

export interface LaneRunOptions {
  mode: 'full' | 'incremental';
  onProgress?: (p: ReconcileProgress) => void;
  parallel?: 'auto' | 'always' | 'never';
  /** A lane file other than the version's own (a replay's temporary lane). */
  file?: string;
  range?: { from: string; to: string };
}

/** One run of a version into its lane. The rule set is read from the ledger: a lane's version must be stored there. */
export function runLane(ledger: LedgerDb, settings: WorkspaceSettings, v: VersionRef, options: LaneRunOptions): RunReport {
  const ruleSet = ruleSetOf(ledger, v);
  // Stored on first use, on the ledger's own connection: the lane's connection may not write the ledger.
  ensureRuleSet(ledger, ruleSet, SHADOW_ACTOR, new Date().toISOString());
  const opened = openLane(ledgerPathOf(ledger), v, { file: options.file, range: options.range });
  const lane = opened.db;
  try {
    const decided = decisionsSince(lane, readLaneMeta(lane).ledger_journal_through);
    const report = reconcile(lane, settings, {
      mode: opened.fresh ? 'full' : options.mode,
      ruleSet,
      actor: SHADOW_ACTOR,
      newEventIds: decided.eventIds,
      onProgress: options.onProgress,
      parallel: options.parallel,
    });
    writeLaneMeta(lane, { ledger_journal_through: decided.through });
    return report;
  } finally {
    lane.close();
  }
}

/** The versions that run in lanes: every shadow version, and the active one while a canary runs live in its place. */
export function laneVersions(db: LedgerDb): VersionRef[] {
  const lanes: VersionRef[] = shadowVersions(db).map((s) => ({ ruleSetId: s.ruleSetId, version: s.version }));
  if (canaryVersion(db) !== null) lanes.unshift(activeVersion(db));
  return lanes;
}

/** Runs each lane (incrementally: each owes what arrived since its last run); a lane that fails is reported, not thrown. */
export function runLanes(
  ledger: LedgerDb,
  settings: WorkspaceSettings,
  versions: readonly VersionRef[],
  mode: 'full' | 'incremental' = 'incremental',
): LaneRun[] {
  if (ledger.memory || versions.length === 0) return [];
  return versions.map((v) => {
    try {
      return { version: versionLabel(v), report: runLane(ledger, settings, v, { mode }), error: null };
    } catch (err) {
      return { version: versionLabel(v), report: null, error: err instanceof Error ? err.message : String(err) };
    }
  });
}
