// The versions a ledger knows, with their states, as `tieout rules list` and the Rules screen show them.
import type { LedgerDb } from '../ledger/database.ts';
import { DEFAULT_RULE_SET } from '../../shared/rules/defaultRuleSet.ts';
import { sameVersion, versionLabel, type CanaryScope, type RuleVersionState, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { activeVersion, canaryVersion, currentStates } from './versionStates.ts';

export interface VersionListing {
  version: string;
  ruleSetId: string;
  number: number;
  name: string;
  state: RuleVersionState;
  createdAt: string | null;
  createdBy: string | null;
  /** Why it exists: the reason its creation was journaled with (or how it came into the ledger). */
  reason: string;
  /** Why it is in its state now, when, and who put it there (null: no state recorded yet). */
  stateReason: string | null;
  stateSince: string | null;
  stateBy: string | null;
  scope: CanaryScope | null;
  /** The live runs use it (the canary while one runs, else the active version). */
  inForce: boolean;
}

/** Every stored version, and this build's default when it is the implicit active version without being stored yet. Newest first per line. */
export function listVersions(db: LedgerDb): VersionListing[] {
  const rows = db
    .prepare('SELECT rule_set_id, version, name, created_at, created_by FROM rule_sets ORDER BY rule_set_id, version DESC')
    .all() as Array<{
    rule_set_id: string;
    version: number;
    name: string;
    created_at: string;
    created_by: string;
  }>;
  const active = activeVersion(db);
  const canary = canaryVersion(db);
  const inForce: VersionRef = canary ?? active;
  const states = new Map(currentStates(db).map((s) => [versionLabel(s), s]));
  const created = new Map(
    (
      db.prepare("SELECT subject_id, reason FROM journal WHERE entry_type = 'rules.version_created'").all() as Array<{
        subject_id: string;
        reason: string | null;
      }>
    ).map((r) => [r.subject_id, r.reason ?? '']),
  );
  const out: VersionListing[] = rows.map((r) => {
    const v = { ruleSetId: r.rule_set_id, version: r.version };
    const label = versionLabel(v);
    const s = states.get(label);
    const state: RuleVersionState = sameVersion(v, active) ? 'active' : s !== undefined && s.state !== 'active' ? s.state : 'retired';
    return {
      version: label,
      ruleSetId: r.rule_set_id,
      number: r.version,
      name: r.name,
      state,
      createdAt: r.created_at,
      createdBy: r.created_by,
      reason:
        created.get(label) ??
        (r.rule_set_id === DEFAULT_RULE_SET.rule_set_id
          ? 'the rule set this build ships, stored by its first run'
          : `stored by a run that used it (${r.created_by})`),
      stateReason: s?.reason ?? null,
      stateSince: s?.at ?? null,
      stateBy: s?.actor ?? null,
      scope: s?.scope ?? null,
      inForce: sameVersion(v, inForce),
    };
  });
  if (!out.some((o) => sameVersion({ ruleSetId: o.ruleSetId, version: o.number }, active))) {
    out.push({
      version: versionLabel(active),
      ruleSetId: active.ruleSetId,
      number: active.version,
      name: DEFAULT_RULE_SET.name,
      state: 'active',
      createdAt: null,
      createdBy: null,
      reason: 'the rule set this build ships (not stored until a run uses it)',
      stateReason: null,
      stateSince: null,
      stateBy: null,
      scope: null,
      inForce: sameVersion(active, inForce),
    });
  }
  const order: Record<RuleVersionState, number> = { canary: 0, active: 1, shadow: 2, draft: 3, retired: 4 };
  return out.sort(
    (a, b) => order[a.state] - order[b.state] || (a.ruleSetId < b.ruleSetId ? -1 : a.ruleSetId > b.ruleSetId ? 1 : b.number - a.number),
  );
}
