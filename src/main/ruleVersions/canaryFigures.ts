// What the Rules screen shows about a running canary: what it auto-resolved inside its scope, what it held for a person
// outside it, and how many of its auto-resolutions people have reopened since it started.
import type { LedgerDb } from '../ledger/database.ts';
import { versionLabel, type CanaryScope } from '../../shared/rules/ruleVersions.ts';
import { activeVersion, canaryVersion } from './versionStates.ts';

export interface CanaryFigures {
  version: string;
  /** The version that stays active meanwhile (what a rollback keeps, what decides outside the scope). */
  previous: string;
  scope: CanaryScope;
  since: string;
  /** Active exceptions the canary's runs auto-resolved (class A). */
  autoResolved: number;
  /** Active exceptions it would auto-resolve but held for a person (outside its scope, not auto-resolved by the previous version). */
  heldForPeople: number;
  /** Its auto-resolutions a person reopened since the canary started. */
  reopened: number;
}

export function canaryFigures(db: LedgerDb): CanaryFigures | null {
  const canary = canaryVersion(db);
  if (canary === null) return null;
  const first = db
    .prepare(
      "SELECT min(at) FROM rule_set_states WHERE rule_set_id = ? AND version = ? AND state = 'canary' AND seq > coalesce((SELECT max(seq) FROM rule_set_states WHERE rule_set_id = ? AND version = ? AND state <> 'canary'), 0)",
    )
    .pluck()
    .get(canary.ruleSetId, canary.version, canary.ruleSetId, canary.version) as string;
  const mine = 'x.rule_set_id = @id AND x.rule_version = @version AND x.ended_at IS NULL';
  const params = { id: canary.ruleSetId, version: canary.version, since: first };
  const count = (sql: string): number => db.prepare(sql).pluck().get(params) as number;
  return {
    version: versionLabel(canary),
    previous: versionLabel(canary.replaces ?? activeVersion(db)),
    scope: canary.scope ?? { sources: [], codes: [] },
    since: first,
    autoResolved: count(`SELECT count(*) FROM exceptions x WHERE ${mine} AND x.class = 'A' AND x.resolved_by LIKE 'system:%'`),
    heldForPeople: count(`SELECT count(*) FROM exceptions x WHERE ${mine} AND x.default_class = 'A' AND x.class = 'C' AND x.policy_gated = 0`),
    reopened: count(
      `SELECT count(DISTINCT j.subject_id) FROM journal j JOIN exceptions x ON x.exception_id = j.subject_id
       WHERE j.entry_type = 'exception.reopened' AND j.actor LIKE 'user:%' AND j.created_at >= @since AND x.rule_set_id = @id AND x.rule_version = @version
         AND x.default_class = 'A'`,
    ),
  };
}
