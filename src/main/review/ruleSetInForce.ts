// The rule set in force: the version the latest reconcile run used, as stored in the ledger.
import type { LedgerDb } from '../ledger/database.ts';
import { ApiError } from '../../shared/api/contract.ts';
import { parseRuleSet, type RuleSet } from '../../shared/rules/ruleSet.ts';
import { DEFAULT_RULE_SET } from '../../shared/rules/defaultRuleSet.ts';

/**
 * The definition stored in `rule_sets` for the latest `recon_runs` row; the default rule set when nothing ran yet
 * (the version a first run would use). A stored definition this build cannot read is an error, not a silent default:
 * the screens would otherwise describe rules that did not make the ledger's matches.
 */
export function ruleSetInForce(db: LedgerDb): RuleSet {
  const run = db
    .prepare('SELECT rule_set_id, rule_version FROM recon_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1')
    .get() as { rule_set_id: string; rule_version: number } | undefined;
  if (run === undefined) return DEFAULT_RULE_SET;
  const definition = db
    .prepare('SELECT definition FROM rule_sets WHERE rule_set_id = ? AND version = ?')
    .pluck()
    .get(run.rule_set_id, run.rule_version) as string | undefined;
  const fail = (why: string): ApiError =>
    new ApiError({ kind: 'internal', message: `rule set ${run.rule_set_id} v${run.rule_version} of the latest run ${why}`, field: null });
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
