// Continuous matching: an import followed by an incremental reconcile over what the ledger owes a run (at least what it
// brought), and by one run of each shadow lane, so every version watched in shadow observes the new data too.
import type { Workspace } from '../workspace/workspace.ts';
import { importFiles, type ImportRequest, type ImportResult } from '../import/importFiles.ts';
import { reconcile, type ReconcileProgress, type RunReport } from '../matching/engine/engine.ts';
import { owesWork } from '../matching/engine/pendingWork.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { sameVersion } from '../../shared/rules/ruleVersions.ts';
import { canaryVersion } from '../ruleVersions/versionStates.ts';
import { laneVersions, runLanes, type LaneRun } from '../ruleVersions/shadowRuns.ts';
import { useDirectly } from '../ruleVersions/versionLifecycle.ts';
import { ruleSetInForce } from '../matching/engine/ruleSetInForce.ts';

export interface ImportAndReconcileResult {
  import: ImportResult;
  /** Null when the import created no events (nothing new to match) or reconciling was turned off. */
  reconcile: RunReport | null;
  /** The shadow lanes' runs after it (a lane that failed says why; its work stays owed). */
  shadows: LaneRun[];
}

/**
 * The import lands in its own transaction first; the incremental run is a second one, so a failed run never loses an
 * import: the run owes every event after the last committed run's mark (engine/pendingWork.ts), so the next run, full
 * or incremental, whatever starts it, takes them. An import that created nothing runs only when earlier work is owed.
 * `ruleSet` (`import --rules`) is used directly: it becomes the active version (versionLifecycle.ts useDirectly).
 */
export function importAndReconcile(
  ws: Workspace,
  request: ImportRequest,
  options: { reconcile?: boolean; ruleSet?: RuleSet; onReconcileProgress?: (p: ReconcileProgress) => void } = {},
): ImportAndReconcileResult {
  const result = importFiles(ws.db, ws.settings, request);
  if (options.reconcile === false || (result.eventsCreated === 0 && !owesWork(ws.db) && options.ruleSet === undefined)) {
    return { import: result, reconcile: null, shadows: [] };
  }
  if (options.ruleSet !== undefined)
    useDirectly(ws.db, options.ruleSet, { actor: request.actor, reason: 'named for the run after an import (--rules)' });
  const { run, shadows } = liveAndLanes(
    ws,
    (onProgress) => reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine', onProgress }),
    options.onReconcileProgress,
  );
  return { import: result, reconcile: run, shadows };
}

/**
 * A live run and the lanes' runs around it. While a canary runs, the previous version's lane goes first: the canary's
 * run asks it which exceptions that version auto-resolves (ruleVersions/canaryGate.ts).
 */
export function liveAndLanes(
  ws: Workspace,
  live: (onProgress?: (p: ReconcileProgress) => void) => RunReport,
  onProgress?: (p: ReconcileProgress) => void,
): { run: RunReport; shadows: LaneRun[] } {
  const lanes = laneVersions(ws.db);
  const first = canaryVersion(ws.db) === null ? 0 : 1;
  const before = runLanes(ws.db, ws.settings, lanes.slice(0, first));
  const run = live(onProgress);
  return { run, shadows: [...before, ...runLanes(ws.db, ws.settings, lanes.slice(first))] };
}

/** Whether the live projection was made by other rules than those in force (a promotion whose full run did not finish). */
function rulesChanged(ws: Workspace): boolean {
  const last = ws.db.prepare('SELECT rule_set_id, rule_version FROM recon_runs ORDER BY rowid DESC LIMIT 1').get() as
    { rule_set_id: string; rule_version: number } | undefined;
  if (last === undefined) return false;
  const inForce = ruleSetInForce(ws.db);
  return !sameVersion({ ruleSetId: last.rule_set_id, version: last.rule_version }, { ruleSetId: inForce.rule_set_id, version: inForce.version });
}

/** The app opening a workspace: a run for whatever an earlier process left owed (a run killed after its import), lanes after it. */
export function catchUp(ws: Workspace, onProgress?: (p: ReconcileProgress) => void): RunReport | null {
  if (!owesWork(ws.db) && !rulesChanged(ws)) return null;
  return liveAndLanes(ws, (p) => reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine', onProgress: p }), onProgress).run;
}
