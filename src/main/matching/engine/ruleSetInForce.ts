// The rule set in force: what a live run uses when none is named. The canary version while one runs, else the active
// version (src/main/ruleVersions/versionStates.ts: the version whose latest state is active, or, in a ledger whose
// versions have no states yet, the rule set of the latest run; the default line is this build's default).
import type { LedgerDb } from '../../ledger/database.ts';
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import { activeVersion, canaryVersion, ruleSetOf } from '../../ruleVersions/versionStates.ts';
import { openCanaryGate, type CanaryGate } from '../../ruleVersions/canaryGate.ts';

/**
 * A stored definition this build cannot read is an error, not a silent default: runs and screens would otherwise use
 * rules that did not make the ledger's matches.
 */
export function ruleSetInForce(db: LedgerDb): RuleSet {
  return ruleSetOf(db, canaryVersion(db) ?? activeVersion(db));
}

/** A live run's rules: the rule set in force and, while a canary runs, its gate on auto-resolution (close it after the run). */
export function liveRules(db: LedgerDb): { ruleSet: RuleSet; canary: CanaryGate | null } {
  const canary = canaryVersion(db);
  if (canary === null || db.memory) return { ruleSet: ruleSetInForce(db), canary: null };
  const ruleSet = ruleSetOf(db, canary);
  return { ruleSet, canary: openCanaryGate(db, canary, canary.scope ?? { sources: [], codes: [] }, canary.replaces ?? activeVersion(db)) };
}
