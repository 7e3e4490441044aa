// The rule set in force: what a run uses when none is named. The shipped default, unless the latest run used
// another rule set (`tieout reconcile --rules`, or workspace tolerances saved in Settings), which then stays.
import type { LedgerDb } from '../../ledger/database.ts';
import { RuleSetVersionError } from './projectionWriters.ts';
import { parseRuleSet, type RuleSet } from '../../../shared/rules/ruleSet.ts';
import { DEFAULT_RULE_SET } from '../../../shared/rules/defaultRuleSet.ts';

/**
 * The definition stored in `rule_sets` for the latest `recon_runs` row, or this build's default rule set when
 * nothing ran yet or the latest run used the default (any version: a newer build's default takes over). A stored
 * definition this build cannot read is an error, not a silent default: runs and screens would otherwise use rules
 * that did not make the ledger's matches.
 */
export function ruleSetInForce(db: LedgerDb): RuleSet {
  const run = db
    .prepare('SELECT rule_set_id, rule_version FROM recon_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1')
    .get() as { rule_set_id: string; rule_version: number } | undefined;
  if (run === undefined || run.rule_set_id === DEFAULT_RULE_SET.rule_set_id) return DEFAULT_RULE_SET;
  const definition = db
    .prepare('SELECT definition FROM rule_sets WHERE rule_set_id = ? AND version = ?')
    .pluck()
    .get(run.rule_set_id, run.rule_version) as string | undefined;
  const fail = (why: string): RuleSetVersionError => new RuleSetVersionError(`rule set ${run.rule_set_id} v${run.rule_version} of the latest run ${why}`);
  if (definition === undefined) throw fail('is not stored in the ledger');
  let json: unknown;
  try {
    json = JSON.parse(definition);
  } catch {
    throw fail('is not valid JSON');
  }
  const parsed = parseRuleSet(json);
  if (!parsed.ok) throw fail(`cannot be read by this build: ${parsed.errors.slice(0, 3).join('; ')}`);
  return parsed.ruleSet;
}
