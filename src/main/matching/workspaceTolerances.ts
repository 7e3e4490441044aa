// Tolerances changed from the Rules screen (formerly Settings): a new version of the workspace's own rule set (rule sets
// are immutable once stored), created in shadow with the person's reason and before/after per rule, so it is proven
// against live data before it acts (DESIGN §8); promotion puts it in force (ruleVersions/promotion.ts).
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { RuleSetSchema, type RuleSet } from '../../shared/rules/ruleSet.ts';
import type { ReconcileProgress, RunReport } from './engine/engine.ts';
import { ruleSetInForce } from './engine/ruleSetInForce.ts';
import { DecisionError } from './decisions.ts';
import { createVersion } from '../ruleVersions/versionLifecycle.ts';
import { WORKSPACE_LINE } from '../../shared/rules/ruleVersions.ts';

/** The id of the rule set a workspace's own tolerance changes create (versions 1, 2, …). */
export const WORKSPACE_RULE_SET_ID = WORKSPACE_LINE;

export interface ToleranceChange {
  ruleId: string;
  toleranceMinor: number;
  toleranceBps: number;
  roundingMinor: number;
}

export interface SavedTolerances {
  ruleSet: RuleSet;
  state: 'shadow';
  /** The version's first shadow run (null when its lane could not be made: `laneError`). */
  run: RunReport | null;
  laneError: string | null;
}

type Amounts = Pick<RuleSet['rules'][number]['amount'], 'tolerance_minor' | 'tolerance_bps' | 'rounding_minor'>;

function amounts(a: Amounts): Amounts {
  return { tolerance_minor: a.tolerance_minor, tolerance_bps: a.tolerance_bps, rounding_minor: a.rounding_minor };
}

/**
 * Applies the changes to the rule set in force as a new version of the `workspace` rule set, in shadow: it runs in its
 * own lane and nothing live changes until it is promoted. Journals the person's decision (before/after per rule, the
 * reason, the version) beside the version's creation. Nothing changed → refused, so no empty version is stored.
 */
export function saveWorkspaceTolerances(
  db: LedgerDb,
  settings: WorkspaceSettings,
  input: { changes: readonly ToleranceChange[]; actor: string; reason: string; onProgress?: (p: ReconcileProgress) => void },
): SavedTolerances {
  const reason = input.reason.trim();
  if (reason === '') throw new DecisionError('a reason for changing the tolerances is required');
  const base = ruleSetInForce(db);
  const byId = new Map(input.changes.map((c) => [c.ruleId, c]));
  for (const id of byId.keys()) {
    if (!base.rules.some((r) => r.id === id)) throw new DecisionError(`rule ${id} is not in rule set ${base.rule_set_id} v${base.version}`);
  }
  const before: Record<string, Amounts> = {};
  const after: Record<string, Amounts> = {};
  const rules = base.rules.map((rule) => {
    const c = byId.get(rule.id);
    if (c === undefined) return rule;
    const next: Amounts = { tolerance_minor: c.toleranceMinor, tolerance_bps: c.toleranceBps, rounding_minor: c.roundingMinor };
    const old = amounts(rule.amount);
    if (JSON.stringify(old) === JSON.stringify(next)) return rule;
    before[rule.id] = old;
    after[rule.id] = next;
    return { ...rule, amount: { ...rule.amount, ...next } };
  });
  if (Object.keys(after).length === 0) throw new DecisionError('no tolerance differs from the rule set in force; nothing to save');
  const latest = db.prepare('SELECT max(version) FROM rule_sets WHERE rule_set_id = ?').pluck().get(WORKSPACE_RULE_SET_ID) as number | null;
  const parsed = RuleSetSchema.safeParse({
    ...base,
    rule_set_id: WORKSPACE_RULE_SET_ID,
    version: (latest ?? 0) + 1,
    name: `Workspace tolerances (from ${base.rule_set_id} v${base.version})`,
    rules,
  });
  if (!parsed.success) throw new DecisionError(`the new tolerances do not make a valid rule set: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const created = createVersion(db, settings, { definition: parsed.data, reason, actor: input.actor, state: 'shadow', basedOn: { ruleSetId: base.rule_set_id, version: base.version }, onProgress: input.onProgress });
  const ruleSet = created.ruleSet;
  db.transaction(() => {
    new JournalWriter(db).append({
      type: 'rules.tolerances_changed',
      actor: input.actor,
      reason,
      subjectId: `${ruleSet.rule_set_id}@${ruleSet.version}`,
      createdAt: new Date().toISOString(),
      payload: {
        from: { rule_set_id: base.rule_set_id, version: base.version },
        to: { rule_set_id: ruleSet.rule_set_id, version: ruleSet.version },
        state: 'shadow',
        shadow_run_id: created.run?.run_id ?? null,
        before,
        after,
      },
    });
  })();
  return { ruleSet, state: 'shadow', run: created.run, laneError: created.laneError };
}
