// `tieout reconcile` and the app's "Run full reconcile": a full live run under the rules in force (or a rule set named
// for it, which then becomes the active version), followed by the shadow lanes catching up.
import type { Workspace } from '../workspace/workspace.ts';
import { reconcile, type ReconcileProgress, type RunReport } from '../matching/engine/engine.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { useDirectly } from '../ruleVersions/versionLifecycle.ts';
import type { LaneRun } from '../ruleVersions/shadowRuns.ts';
import { liveAndLanes } from './importAndReconcile.ts';

export function fullReconcile(
  ws: Workspace,
  options: { ruleSet?: RuleSet; actor: string; onProgress?: (p: ReconcileProgress) => void },
): { run: RunReport; shadows: LaneRun[] } {
  if (options.ruleSet !== undefined) useDirectly(ws.db, options.ruleSet, { actor: options.actor, reason: 'named for a full reconcile (--rules)' });
  return liveAndLanes(ws, (p) => reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:engine', onProgress: p }), options.onProgress);
}
