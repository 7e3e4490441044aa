// The explanation stored on every match and exception, and how `tieout explain` finds and prints it.
import { formatAmount } from '../../../shared/money/amountText.ts';
import type { LedgerDb } from '../../ledger/database.ts';
import { unpackExplanation } from './explanationText.ts';
import { composeMatchSummary, type Explanation } from '../rules/explanation.ts';
import { RuleSetSchema, type Rule, type RuleSet } from '../../../shared/rules/ruleSet.ts';
import { KeyDictionary } from './eventKeys.ts';
import { EVENT_ROW_COLUMNS, eventFromRow, type EventRow } from './eventLoad.ts';
import { compareKeys, keyAgreements } from '../rules/strategies/candidates.ts';
import { EVENT_TEXTS } from '../rules/eventFields.ts';

export interface ExplainedItem {
  type: 'match' | 'exception';
  id: string;
  label: string;
  active: boolean;
  event_ids: string[];
  explanation: Explanation;
}

/** What a reader needs to recognise an event without looking it up. */
export interface EventSummary {
  event_id: string;
  source: string;
  kind: string;
  external_id: string;
  amount_minor: number;
  currency: string;
  occurred_at: string;
}

export interface ExplainResult {
  query: string;
  items: ExplainedItem[];
  /** Every event the items name (members and runner-ups), by id. */
  events: Record<string, EventSummary>;
}

interface MatchRow extends StoredMatchColumns {
  match_id: string;
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
  link: string;
  status: string;
  origin: string;
  explanation: string;
  ended_at: string | null;
}
interface ExceptionRow {
  exception_id: string;
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
  code: string;
  class: string;
  state: string;
  explanation: string;
  ended_at: string | null;
}

/** The stored columns a match's explanation is read with. */
export interface StoredMatchColumns {
  seq: number;
  explanation: string;
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
  score: number | null;
}

/** Rule set versions are immutable: each is parsed once per connection. */
const ruleSetsRead = new WeakMap<LedgerDb, Map<string, RuleSet | null>>();

function storedRule(db: LedgerDb, ruleSetId: string | null, version: number | null, ruleId: string | null): Rule | undefined {
  if (ruleSetId === null || version === null || ruleId === null) return undefined;
  let cache = ruleSetsRead.get(db);
  if (cache === undefined) {
    cache = new Map();
    ruleSetsRead.set(db, cache);
  }
  const key = `${ruleSetId}\u001f${version}`;
  if (!cache.has(key)) {
    const definition = db.prepare('SELECT definition FROM rule_sets WHERE rule_set_id = ? AND version = ?').pluck().get(ruleSetId, version) as
      string | undefined;
    cache.set(key, definition === undefined ? null : RuleSetSchema.parse(JSON.parse(definition)));
  }
  return cache.get(key)?.rules.find((r) => r.id === ruleId);
}

/**
 * A stored match's explanation as people read it. A standard match (explanationText.ts `"e":1`) has its keys compared
 * again between its two events under its rule version, with the texts compared; its strategy, link and score come
 * from the rule and the row, its summary is composed. Other explanations read as stored.
 */
export function readMatchExplanation(db: LedgerDb, row: StoredMatchColumns): Explanation {
  const e = unpackExplanation(row.explanation, row);
  if (e.keys_from_events !== true) return e;
  delete e.keys_from_events;
  const rule = storedRule(db, row.rule_set_id, row.rule_version, row.rule_id);
  const side = db.prepare(
    `SELECT ${EVENT_ROW_COLUMNS} FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq WHERE mm.match_seq = ? AND mm.side = ? ORDER BY e.event_id LIMIT 1`,
  );
  const left = side.get(row.seq, 'left') as EventRow | undefined;
  const right = side.get(row.seq, 'right') as EventRow | undefined;
  if (rule !== undefined && left !== undefined && right !== undefined) {
    const keys = new KeyDictionary();
    e.keys = keyAgreements(compareKeys(rule, eventFromRow(left, keys), eventFromRow(right, keys), EVENT_TEXTS), EVENT_TEXTS);
    e.strategy = rule.strategy;
    e.link = rule.link;
  }
  e.score = row.score;
  e.summary = composeMatchSummary(e);
  return e;
}

/** The record for a match id (`m_…`), an exception id (`x_…`), or every match and exception involving an event id. */
export function explain(db: LedgerDb, id: string): ExplainResult {
  const matchEvents = db
    .prepare(
      `SELECT e.event_id FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.match_id = ? ORDER BY mm.side, e.event_id`,
    )
    .pluck();
  const excEvents = db
    .prepare(
      `SELECT e.event_id FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq CROSS JOIN events e ON e.seq = xm.event_seq
       WHERE x.exception_id = ? ORDER BY e.event_id`,
    )
    .pluck();
  const fromMatch = (r: MatchRow): ExplainedItem => ({
    type: 'match',
    id: r.match_id,
    label: `${r.link} ${r.status} (${r.origin})`,
    active: r.ended_at === null,
    event_ids: matchEvents.all(r.match_id) as string[],
    explanation: readMatchExplanation(db, r),
  });
  const fromException = (r: ExceptionRow): ExplainedItem => ({
    type: 'exception',
    id: r.exception_id,
    label: `${r.code} class ${r.class} ${r.state}`,
    active: r.ended_at === null,
    event_ids: excEvents.all(r.exception_id) as string[],
    explanation: unpackExplanation(r.explanation, r),
  });
  const matches = db
    .prepare(
      `SELECT DISTINCT m.* FROM matches m WHERE m.match_id = @id
     OR m.seq IN (SELECT mm.match_seq FROM events e CROSS JOIN match_members mm ON mm.event_seq = e.seq WHERE e.event_id = @id)
     ORDER BY m.created_at, m.match_id`,
    )
    .all({ id }) as MatchRow[];
  const exceptions = db
    .prepare(
      `SELECT DISTINCT x.* FROM exceptions x WHERE x.exception_id = @id
     OR x.seq IN (SELECT xm.exception_seq FROM events e CROSS JOIN exception_members xm ON xm.event_seq = e.seq WHERE e.event_id = @id)
     ORDER BY x.created_at, x.exception_id`,
    )
    .all({ id }) as ExceptionRow[];
  const items = [...matches.map(fromMatch), ...exceptions.map(fromException)];
  const summary = db.prepare('SELECT event_id, source, kind, external_id, amount_minor, currency, occurred_at FROM events WHERE event_id = ?');
  const events: Record<string, EventSummary> = {};
  for (const item of items) {
    for (const eventId of [...item.event_ids, ...item.explanation.runners_up.map((r) => r.event_id)]) {
      const row = events[eventId] === undefined ? (summary.get(eventId) as EventSummary | undefined) : undefined;
      if (row !== undefined) events[eventId] = row;
    }
  }
  return { query: id, items, events };
}

function describeEvent(id: string, events: Record<string, EventSummary>): string {
  const e = events[id];
  if (e === undefined) return id;
  return `${id} (${e.kind} ${e.source}/${e.external_id}, ${formatAmount(e.amount_minor, e.currency, { code: 'suffix' })}, ${e.occurred_at.slice(0, 10)})`;
}

/** Plain text for the CLI: one block per match or exception. */
export function formatExplanation(result: ExplainResult): string {
  if (result.items.length === 0) return `nothing recorded for ${result.query}\n`;
  return result.items.map((item) => formatItem(item, result.events)).join('\n');
}

function formatItem(item: ExplainedItem, events: Record<string, EventSummary>): string {
  const e = item.explanation;
  const lines = [
    `${item.type} ${item.id}: ${item.label}${item.active ? '' : ' [ended]'}`,
    `  ${e.summary}`,
    `  rule ${e.rule_id ?? '(none)'}${e.rule_set_id === null ? '' : ` of ${e.rule_set_id} v${e.rule_version ?? '?'}`}${e.strategy === null ? '' : `, strategy ${e.strategy}`}`,
    ...item.event_ids.map((id) => `  event ${describeEvent(id, events)}`),
  ];
  for (const k of e.keys) {
    lines.push(
      `  key ${k.left_field}=${k.left_value} ${k.compare} ${k.right_field}=${k.right_value}: ${k.agreed ? 'agrees' : 'differs'} (${k.value})`,
    );
  }
  if (e.amount_delta_minor !== null) lines.push(`  amount delta: ${e.amount_delta_minor} minor units`);
  if (e.time_delta_hours !== null) lines.push(`  time delta: ${e.time_delta_hours} h`);
  if (e.score !== null) lines.push(`  score: ${e.score}`);
  if (e.policy !== undefined) lines.push(`  policy: ${e.policy}`);
  for (const r of e.runners_up) {
    lines.push(`  runner-up ${describeEvent(r.event_id, events)}${r.score === null ? '' : ` score ${r.score}`}: ${r.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
