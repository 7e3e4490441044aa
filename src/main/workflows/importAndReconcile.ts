// Continuous matching: an import followed by an incremental reconcile over what the ledger owes a run (at least what it brought).
import type { Workspace } from '../workspace/workspace.ts';
import { importFiles, type ImportRequest, type ImportResult } from '../import/importFiles.ts';
import { reconcile, type ReconcileProgress, type RunReport } from '../matching/engine/engine.ts';
import { owesWork } from '../matching/engine/pendingWork.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';

export interface ImportAndReconcileResult {
  import: ImportResult;
  /** Null when the import created no events (nothing new to match) or reconciling was turned off. */
  reconcile: RunReport | null;
}

/**
 * The import lands in its own transaction first; the incremental run is a second one, so a failed run never loses an
 * import: the run owes every event after the last committed run's mark (engine/pendingWork.ts), so the next run, full
 * or incremental, whatever starts it, takes them. An import that created nothing runs only when earlier work is owed.
 */
export function importAndReconcile(
  ws: Workspace,
  request: ImportRequest,
  options: { reconcile?: boolean; ruleSet?: RuleSet; onReconcileProgress?: (p: ReconcileProgress) => void } = {},
): ImportAndReconcileResult {
  const result = importFiles(ws.db, ws.settings, request);
  if (options.reconcile === false || (result.eventsCreated === 0 && !owesWork(ws.db))) return { import: result, reconcile: null };
  const run = reconcile(ws.db, ws.settings, { mode: 'incremental', ruleSet: options.ruleSet, actor: 'system:engine', onProgress: options.onReconcileProgress });
  return { import: result, reconcile: run };
}

/** The app opening a workspace: a run for whatever an earlier process left owed (a run killed after its import). */
export function catchUp(ws: Workspace, onProgress?: (p: ReconcileProgress) => void): RunReport | null {
  if (!owesWork(ws.db)) return null;
  return reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine', onProgress });
}
