// The stored identity of what the rules decide: match and exception ids are hashes of what they join.
import { sha256Hex } from '../../ledger/canonicalJson.ts';
import type { DesiredMatch } from '../rules/model.ts';
import { exceptionKey, identifiedBy } from '../rules/outcomes.ts';

export function matchIdFor(link: string, ruleId: string, eventIds: string[]): string {
  return `m_${sha256Hex(`${link}\u001f${ruleId}\u001f${[...eventIds].sort().join(',')}`).slice(0, 32)}`;
}

/** A computed match's id: a hash of its link, rule and identifying events (rules/outcomes.ts identifiedBy), so the same match found again is the same row. */
export function desiredMatchId(d: Pick<DesiredMatch, 'link' | 'rule' | 'left' | 'right'>): string {
  const ids: string[] = [];
  for (const e of d.left) ids.push(e.id);
  if (identifiedBy(d.rule) === 'all') for (const e of d.right) ids.push(e.id);
  return matchIdFor(d.link, d.rule.id, ids);
}

export function exceptionIdFor(code: string, eventIds: readonly string[]): string {
  return exceptionIdOfKey(exceptionKey(code, eventIds));
}

/** `x_` + the first 32 hex digits of sha256(the exception's key: code ␟ sorted event ids). */
export function exceptionIdOfKey(key: string): string {
  return `x_${sha256Hex(key).slice(0, 32)}`;
}
