// How a match reads in the grid and the detail: status words, "rule v3", the events column.
import { DEFAULT_RULE_SET } from '../../../../shared/rules/defaultRuleSet.ts';
import type { MatchRow } from '../../../../shared/api/contract.ts';

export const STATUS_LABELS: Record<MatchRow['status'], string> = { matched: 'matched', auto_resolved: 'auto-resolved', manual: 'by hand' };

export function ruleText(row: Pick<MatchRow, 'ruleId' | 'ruleVersion'>): string {
  if (row.ruleId === null) return '—';
  return row.ruleVersion === null ? row.ruleId : `${row.ruleId} v${row.ruleVersion}`;
}

/** The match id, then the first events' external ids and, when the row carries only some of them, how many there are. */
export function eventsText(row: Pick<MatchRow, 'matchId' | 'events' | 'eventCount'>): string {
  const ids = row.events.map((e) => e.externalId).join(', ');
  const more = row.eventCount - row.events.length;
  return `${row.matchId} · ${more > 0 ? `${ids} +${more} more (${row.eventCount})` : `${ids} (${row.eventCount})`}`;
}

/** The links the filter offers: the default rule set's, and any other seen in loaded rows. */
export function linkChoices(seen: readonly string[]): string[] {
  return [...new Set([...DEFAULT_RULE_SET.rules.map((r) => r.link), ...seen])].sort();
}
