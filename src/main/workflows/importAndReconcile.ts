// Continuous matching: an import followed by an incremental reconcile over exactly the events it brought.
import type { Workspace } from '../workspace/workspace.ts';
import { importFiles, type ImportRequest, type ImportResult } from '../import/importFiles.ts';
import { reconcile, type ReconcileProgress, type RunReport } from '../matching/engine/engine.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';

export interface ImportAndReconcileResult {
  import: ImportResult;
  /** Null when the import created no events (nothing new to match) or reconciling was turned off. */
  reconcile: RunReport | null;
}

/**
 * The import lands in its own transaction first; the incremental run is a second one, so a failed run
 * never loses an import (the next run, full or incremental, catches up).
 */
export function importAndReconcile(
  ws: Workspace,
  request: ImportRequest,
  options: { reconcile?: boolean; ruleSet?: RuleSet; onReconcileProgress?: (p: ReconcileProgress) => void } = {},
): ImportAndReconcileResult {
  const result = importFiles(ws.db, ws.settings, request);
  if (options.reconcile === false || result.eventsCreated === 0) return { import: result, reconcile: null };
  const batchIds = result.files.map((f) => f.batchId);
  const newEventIds = ws.db
    .prepare(`SELECT event_id FROM events WHERE batch_id IN (${batchIds.map(() => '?').join(',')}) ORDER BY seq`)
    .pluck()
    .all(...batchIds) as string[];
  const run = reconcile(ws.db, ws.settings, {
    mode: 'incremental', newEventIds, ruleSet: options.ruleSet, actor: 'system:engine', onProgress: options.onReconcileProgress,
  });
  return { import: result, reconcile: run };
}
