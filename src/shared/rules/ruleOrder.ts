// The order rules run in: priority, then id (a tie between priorities is never left to the order of the file).
import type { Rule, RuleSet } from './ruleSet.ts';

export function byPriority(a: Pick<Rule, 'priority' | 'id'>, b: Pick<Rule, 'priority' | 'id'>): number {
  return a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function orderedRules(ruleSet: Pick<RuleSet, 'rules'>): Rule[] {
  return [...ruleSet.rules].sort(byPriority);
}
