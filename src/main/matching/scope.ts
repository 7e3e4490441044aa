// Which events a run looks at: everything (full), or the new events closed under every relation a rule could use (incremental).
import type { LedgerDb } from '../ledger/database.ts';
import type { Rule, RuleSet } from '../../shared/rules/ruleSet.ts';
import type { MEvent } from './model.ts';
import { comparable, fieldValue, reachMs, sideMatches, tolerance } from './strategies/candidates.ts';

const COLUMNS = `event_id AS id, kind, source, external_id AS externalId, order_ref AS orderRef, customer_ref AS customerRef,
  payout_ref AS payoutRef, trace_id AS traceId, amount_minor AS amount, currency, fee_minor AS fee, net_minor AS net, state,
  occurred_at AS occurredAt, attributes AS attributesJson`;

type Row = Omit<MEvent, 't'>;
const toEvent = (r: Row): MEvent => ({ ...r, t: Date.parse(r.occurredAt) });

/** Full run: one SELECT over the events table. */
export function loadAllEvents(db: LedgerDb): MEvent[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM events`).all() as Row[]).map(toEvent);
}

const INDEXED = new Set(['order_ref', 'trace_id', 'payout_ref', 'external_id']);

/**
 * Incremental scope: the closure of the new events under "could be a candidate of". A strategy only
 * ever compares a left event with right events that (a) share an exactly-equal key (exact_key,
 * partial_payments, payout_items), or (b) lie inside the rule's reach (max of before/after/extended
 * days) in the same currency — with the compared amount within tolerance for amount_window/fuzzy, any
 * amount for bank_payout and for keys the SQL indexes cannot answer (normalized_equal, contains,
 * similarity). Existing active matches and exceptions add their events too, so anything they held can
 * be ended. Because the closure is closed under the candidate relation, no event outside it can take or
 * give a candidate to an event inside it, and the matcher's fixed order (rule priority, then occurred_at,
 * event id) makes its result on the closure equal to a full run's result restricted to those events.
 */
export function incrementalScope(db: LedgerDb, ruleSet: RuleSet, newIds: string[]): MEvent[] {
  const q = prepareScopeQueries(db);
  const sources = db.prepare('SELECT DISTINCT source FROM import_batches ORDER BY source').pluck().all() as string[];
  const seen = new Map<string, MEvent>();
  const frontier: string[] = [];
  const add = (id: string): void => {
    if (seen.has(id)) return;
    const row = q.byId.get(id) as Row | undefined;
    if (row === undefined) return;
    seen.set(id, toEvent(row));
    frontier.push(id);
  };
  for (const id of [...newIds].sort()) add(id);
  while (frontier.length > 0) {
    const e = seen.get(frontier.pop() as string) as MEvent;
    for (const id of q.partners.all({ id: e.id }) as string[]) add(id);
    for (const rule of ruleSet.rules) {
      if (sideMatches(rule.left, e)) neighbours(q, sources, rule, e, 'left').forEach(add);
      if (sideMatches(rule.right, e)) neighbours(q, sources, rule, e, 'right').forEach(add);
    }
  }
  return [...seen.values()];
}

type ScopeQueries = ReturnType<typeof prepareScopeQueries>;

function prepareScopeQueries(db: LedgerDb) {
  return {
    byId: db.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id = ?`),
    partners: db.prepare(
      `SELECT me2.event_id FROM match_events me JOIN matches m ON m.match_id = me.match_id AND m.ended_at IS NULL
         JOIN match_events me2 ON me2.match_id = me.match_id WHERE me.event_id = @id
       UNION SELECT xe2.event_id FROM exception_events xe JOIN exceptions x ON x.exception_id = xe.exception_id AND x.ended_at IS NULL
         JOIN exception_events xe2 ON xe2.exception_id = xe.exception_id WHERE xe.event_id = @id`,
    ).pluck(),
    byField: {
      order_ref: db.prepare('SELECT event_id FROM events WHERE order_ref = ?').pluck(),
      trace_id: db.prepare('SELECT event_id FROM events WHERE trace_id = ?').pluck(),
      payout_ref: db.prepare('SELECT event_id FROM events WHERE payout_ref = ?').pluck(),
    } as Record<string, ReturnType<LedgerDb['prepare']>>,
    byExternal: db.prepare('SELECT event_id FROM events WHERE source = ? AND external_id = ?').pluck(),
    window: db.prepare(`SELECT ${COLUMNS} FROM events WHERE kind = ? AND currency = ? AND occurred_at BETWEEN ? AND ?`),
  };
}

/** Events on the other side of `rule` that could be compared with `e`. */
function neighbours(q: ScopeQueries, sources: string[], rule: Rule, e: MEvent, side: 'left' | 'right'): string[] {
  const other = side === 'left' ? rule.right : rule.left;
  const out: string[] = [];
  const keyed = (rule.strategy === 'exact_key' || rule.strategy === 'partial_payments' || rule.strategy === 'payout_items') &&
    rule.keys.every((k) => k.compare === 'equal' && INDEXED.has(k.left) && INDEXED.has(k.right));
  if (keyed) {
    for (const k of rule.keys) {
      const value = fieldValue(e, side === 'left' ? k.left : k.right);
      const target = side === 'left' ? k.right : k.left;
      if (value === null) continue;
      if (target === 'external_id') for (const s of sources) out.push(...(q.byExternal.all(s, value) as string[]));
      else out.push(...(q.byField[target]?.pluck().all(value) as string[]));
    }
    return out;
  }
  const reach = reachMs(rule) + 1000;
  const lo = new Date(e.t - reach).toISOString();
  const hi = new Date(e.t + reach).toISOString();
  const amountBound = rule.strategy === 'amount_window' || rule.strategy === 'fuzzy';
  for (const kind of other.kinds) {
    for (const r of q.window.all(kind, e.currency, lo, hi) as Row[]) {
      if (amountBound && !amountClose(rule, side, e, toEvent(r))) continue;
      out.push(r.id);
    }
  }
  return out;
}

function amountClose(rule: Rule, side: 'left' | 'right', e: MEvent, o: MEvent): boolean {
  const [left, right] = side === 'left' ? [e, o] : [o, e];
  const reach = Math.max(tolerance(rule, left.amount), rule.amount.rounding_minor);
  return Math.abs(comparable(rule, right) - left.amount) <= reach;
}
