// Counterparts a person may match an exception's events with by hand: free events of the kinds the rule set links
// them to, found through the ledger's indexes and ranked by amount, keys and time.
import type { LedgerDb } from '../ledger/database.ts';
import type { ExceptionDetail } from '../../shared/api/contract.ts';
import type { KeyComparison, Rule, RuleSet } from '../../shared/rules/ruleSet.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import type { MatchEvent } from '../matching/rules/model.ts';
import { comparable, compareKey, compareKeys, score as ruleScore, sideMatches, tolerance } from '../matching/rules/strategies/candidates.ts';
import { EVENT_TEXTS } from '../matching/rules/eventFields.ts';
import { CANDIDATE_COLUMNS, CandidateEventReader, type CandidateEventRow } from '../matching/engine/candidateEvents.ts';
import { DAY_MS, HOUR_MS } from '../../shared/time/duration.ts';
import { toEventLine } from './reviewSupport.ts';

export { CANDIDATE_COLUMNS, type CandidateEventRow };

/** A field's text of an event read here (the events carry their texts). */
const fieldValue = (e: MatchEvent, field: string): string | null => EVENT_TEXTS.text(e, field);

export type Candidate = ExceptionDetail['candidates'][number];
type Side = Candidate['side'];

/** At most this many candidates, best first. */
export const MAX_CANDIDATES = 10;
/** An exception's events looked at (an AMBIGUOUS_MATCH may name thousands; the first ones say enough). */
const MAX_OWN_EVENTS = 20;
/** Rows read per index probe (nearest first in time where the index allows it). */
const PROBE_LIMIT = 25;
/** Amount ranges up to this many values are probed value by value, nearest in time first; wider ones as one range. */
const MAX_AMOUNT_VALUES = 21;
/** The window the suggestions look in: the rule's, doubled, and never under two weeks either way. */
const MIN_WINDOW_MS = 14 * DAY_MS;

/** The rules of one link that take `own` on one side, and what they look for on the other. */
interface LinkGroup {
  link: string;
  /** The side candidates go on. */
  side: Side;
  rules: Rule[];
  /** Candidate time − own time, in ms. */
  fromMs: number;
  toMs: number;
}

function linkGroups(ruleSet: RuleSet, own: MatchEvent, onlyLink: string | null): LinkGroup[] {
  const groups = new Map<string, LinkGroup>();
  for (const rule of ruleSet.rules) {
    if (onlyLink !== null && rule.link !== onlyLink) continue;
    for (const side of ['left', 'right'] as const) {
      if (!sideMatches(side === 'left' ? rule.left : rule.right, own)) continue;
      const candidateSide: Side = side === 'left' ? 'right' : 'left';
      const before = Math.max(2 * rule.window.before_days * DAY_MS, MIN_WINDOW_MS);
      const after = Math.max(2 * Math.max(rule.window.after_days, rule.window.extended_after_days ?? 0) * DAY_MS, MIN_WINDOW_MS);
      // The window says where right falls relative to left; seen from a right event, left falls the other way.
      const [fromMs, toMs] = candidateSide === 'right' ? [-before, after] : [-after, before];
      const key = `${rule.link}\u001f${candidateSide}`;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { link: rule.link, side: candidateSide, rules: [rule], fromMs, toMs });
      else {
        g.rules.push(rule);
        g.fromMs = Math.min(g.fromMs, fromMs);
        g.toMs = Math.max(g.toMs, toMs);
      }
    }
  }
  return [...groups.values()];
}

function otherSide(rule: Rule, side: Side): Rule['left'] {
  return side === 'left' ? rule.left : rule.right;
}

const SAME_FIELD_KEYS = ['order_ref', 'customer_ref', 'payout_ref', 'trace_id'] as const;
const FIELD_LABELS: Record<string, string> = {
  order_ref: 'order ref',
  customer_ref: 'customer',
  payout_ref: 'payout ref',
  trace_id: 'trace id',
  external_id: 'external id',
};
/** Fields the events table has an index for (external_id through (source, external_id)). */
const INDEXED_FIELDS = new Set(['order_ref', 'payout_ref', 'trace_id', 'external_id']);

function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field.replace(/^attributes\./, '');
}

interface Scored {
  candidate: Candidate;
  absDelta: number;
  absDt: number;
}

/**
 * Suggested counterparts for a manual match of `own` (the exception's events). For each event and each link whose
 * rules take it on one side (only `onlyLink` when the exception names its link), candidates are events of the other
 * side's kinds and sources, in the same currency, inside a generous window, that no active match of the link holds,
 * that are not among `own`, and that no person blocked with the event. They are found through indexes only: equal
 * join keys (order_ref, payout_ref, trace_id, and the rules' cross-field keys such as trace_id = external_id) and
 * amounts within the rules' tolerance (events_by_kind_amount), nearest in time first. Each is scored as the engine
 * scores a candidate (rules/strategies/candidates.ts `score`, under the link's rule that scores it best); the best 10,
 * each with the reasons it was proposed.
 */
export function matchCandidates(db: LedgerDb, ruleSet: RuleSet, own: readonly CandidateEventRow[], onlyLink: string | null): Candidate[] {
  const ownIds = new Set(own.map((e) => e.event_id));
  const reader = new CandidateEventReader();
  const sources = db.prepare('SELECT DISTINCT source FROM import_batches').pluck().all() as string[];
  const q = queries(db);
  const best = new Map<string, Scored>();
  for (const row of own.slice(0, MAX_OWN_EVENTS)) {
    const e = reader.toMatchEvent(row);
    for (const g of linkGroups(ruleSet, e, onlyLink)) {
      if (q.inActiveMatch.get(e.id, g.link) !== undefined) continue;
      const kinds = [...new Set(g.rules.flatMap((r) => otherSide(r, g.side).kinds))];
      const found = new Map<string, CandidateEventRow>();
      const window = { from: new Date(e.t + g.fromMs).toISOString(), to: new Date(e.t + g.toMs).toISOString() };
      const add = (rows: CandidateEventRow[]): void => {
        for (const r of rows) found.set(r.event_id, r);
      };
      for (const probe of keyProbes(g, e)) {
        const params = { value: probe.value, currency: e.currency, kinds: JSON.stringify(kinds), link: g.link, ...window };
        add(
          (probe.field === 'external_id'
            ? q.byExternalId.all({ ...params, sources: JSON.stringify(sources) })
            : q.byField(probe.field).all(params)) as CandidateEventRow[],
        );
      }
      for (const kind of kinds) {
        for (const range of amountRanges(g, e)) {
          const params = { kind, currency: e.currency, link: g.link, ...window };
          if (range.high - range.low + 1 <= MAX_AMOUNT_VALUES) {
            for (let amount = range.low; amount <= range.high; amount++) {
              const at = { ...params, amount, t: new Date(e.t).toISOString() };
              add(q.amountAfter.all(at) as CandidateEventRow[]);
              add(q.amountBefore.all(at) as CandidateEventRow[]);
            }
          } else add(q.amountRange.all({ ...params, low: range.low, high: range.high }) as CandidateEventRow[]);
        }
      }
      for (const r of found.values()) {
        if (ownIds.has(r.event_id)) continue;
        const c = reader.toMatchEvent(r);
        const rules = g.rules.filter((rule) => sideMatches(otherSide(rule, g.side), c));
        if (rules.length === 0) continue;
        const [left, right] = g.side === 'right' ? [e.id, c.id] : [c.id, e.id];
        if (q.blocked.get(g.link, left, right) !== undefined) continue;
        const scored = score(g, rules, e, c, r);
        const key = `${g.link}\u001f${c.id}`;
        const prior = best.get(key);
        if (prior === undefined || scored.candidate.score > prior.candidate.score) best.set(key, scored);
      }
    }
  }
  return [...best.values()]
    .sort(
      (a, b) =>
        b.candidate.score - a.candidate.score ||
        a.absDelta - b.absDelta ||
        a.absDt - b.absDt ||
        (a.candidate.event.eventId < b.candidate.event.eventId ? -1 : a.candidate.event.eventId > b.candidate.event.eventId ? 1 : 0),
    )
    .slice(0, MAX_CANDIDATES)
    .map((s) => s.candidate);
}

function queries(db: LedgerDb) {
  // Free in the link: no active match of the link holds the event (member rows by event first: the other loop order
  // walks every active match of the link for each event).
  const free = `NOT EXISTS (SELECT 1 FROM match_members mm CROSS JOIN matches m ON m.seq = mm.match_seq
    WHERE mm.event_seq = e.seq AND m.link = @link AND m.ended_at IS NULL)`;
  // Key probes seek the key's index; the unary + keeps the planner off the (kind, currency, time) indexes, which
  // would read every event of the window instead.
  const common = `+e.kind IN (SELECT value FROM json_each(@kinds)) AND +e.currency = @currency AND +e.occurred_at BETWEEN @from AND @to AND ${free}`;
  const byField = new Map<string, ReturnType<LedgerDb['prepare']>>();
  return {
    inActiveMatch: db.prepare(
      `SELECT 1 FROM events e CROSS JOIN match_members mm ON mm.event_seq = e.seq CROSS JOIN matches m ON m.seq = mm.match_seq
       WHERE e.event_id = ? AND m.link = ? AND m.ended_at IS NULL`,
    ),
    blocked: db.prepare('SELECT 1 FROM blocked_pairs WHERE link = ? AND left_event_id = ? AND right_event_id = ?'),
    byField: (field: 'order_ref' | 'payout_ref' | 'trace_id') => {
      let s = byField.get(field);
      if (s === undefined) {
        s = db.prepare(`SELECT ${CANDIDATE_COLUMNS} FROM events e WHERE e.${field} = @value AND ${common} LIMIT ${PROBE_LIMIT * 2}`);
        byField.set(field, s);
      }
      return s;
    },
    byExternalId: db.prepare(
      `SELECT ${CANDIDATE_COLUMNS} FROM events e WHERE e.source IN (SELECT value FROM json_each(@sources)) AND e.external_id = @value AND ${common}
       LIMIT ${PROBE_LIMIT * 2}`,
    ),
    amountAfter: db.prepare(
      `SELECT ${CANDIDATE_COLUMNS} FROM events e WHERE e.kind = @kind AND e.currency = @currency AND e.amount_minor = @amount
         AND e.occurred_at >= @t AND e.occurred_at <= @to AND ${free} ORDER BY e.occurred_at LIMIT ${PROBE_LIMIT}`,
    ),
    amountBefore: db.prepare(
      `SELECT ${CANDIDATE_COLUMNS} FROM events e WHERE e.kind = @kind AND e.currency = @currency AND e.amount_minor = @amount
         AND e.occurred_at < @t AND e.occurred_at >= @from AND ${free} ORDER BY e.occurred_at DESC LIMIT ${PROBE_LIMIT}`,
    ),
    amountRange: db.prepare(
      `SELECT ${CANDIDATE_COLUMNS} FROM events e WHERE e.kind = @kind AND e.currency = @currency AND e.amount_minor BETWEEN @low AND @high
         AND e.occurred_at BETWEEN @from AND @to AND ${free} LIMIT ${PROBE_LIMIT * 4}`,
    ),
  };
}

type FieldRefValue = 'order_ref' | 'payout_ref' | 'trace_id' | 'external_id';

/** Index probes for `own`'s keys: same-field equality, and each rule's equal comparisons oriented towards the candidate. */
function keyProbes(g: LinkGroup, own: MatchEvent): Array<{ field: FieldRefValue; value: string }> {
  const probes = new Map<string, { field: FieldRefValue; value: string }>();
  const add = (field: string, value: string | null): void => {
    if (value === null || !INDEXED_FIELDS.has(field)) return;
    probes.set(`${field}\u001f${value}`, { field: field as FieldRefValue, value });
  };
  for (const f of ['order_ref', 'payout_ref', 'trace_id'] as const) add(f, fieldValue(own, f));
  for (const rule of g.rules) {
    for (const k of rule.keys) {
      if (k.compare !== 'equal') continue;
      const [ownField, candidateField] = g.side === 'right' ? [k.left, k.right] : [k.right, k.left];
      add(candidateField, INDEXED_FIELDS.has(ownField) ? fieldValue(own, ownField) : null);
    }
  }
  return [...probes.values()];
}

/**
 * The candidate amounts each rule accepts: the candidate's amount_minor that compares equal to `own`'s, ± the rule's
 * tolerance and rounding. Rules comparing nets (payout ↔ its items) have no single-event amount to look for.
 */
function amountRanges(g: LinkGroup, own: MatchEvent): Array<{ low: number; high: number }> {
  const ranges = new Map<string, { low: number; high: number }>();
  for (const rule of g.rules) {
    if (rule.amount.net_fees) continue;
    const sign = rule.amount.sign === 'opposite' ? -1 : 1;
    // Own on the left: the candidate's compared amount (sign-adjusted) equals own's. Own on the right: the
    // candidate (left) equals own's compared amount. Either way, candidate amount = sign × own amount.
    const target = sign * own.amount;
    const leftAmount = g.side === 'right' ? own.amount : target;
    const slack = Math.max(tolerance(rule, leftAmount), rule.amount.rounding_minor);
    ranges.set(`${target - slack}:${target + slack}`, { low: target - slack, high: target + slack });
  }
  return [...ranges.values()];
}

function score(g: LinkGroup, rules: Rule[], own: MatchEvent, c: MatchEvent, row: CandidateEventRow): Scored {
  const [left, right] = g.side === 'right' ? [own, c] : [c, own];
  // The rule that scores the pair best decides, with the engine's own score; its tolerance words the amount.
  let best = { score: -1, delta: Number.POSITIVE_INFINITY, slack: 0 };
  for (const rule of rules) {
    const delta = comparable(rule, right) - left.amount;
    const s = ruleScore(rule, compareKeys(rule, left, right, EVENT_TEXTS), delta, left.amount, right.t - left.t);
    if (s > best.score || (s === best.score && Math.abs(delta) < Math.abs(best.delta))) {
      best = { score: s, delta, slack: Math.max(tolerance(rule, left.amount), rule.amount.rounding_minor) };
    }
  }
  const dt = c.t - own.t;
  const reasons = [amountReason(best.delta, best.slack, own, c), timeReason(dt), ...keyAgreements(rules, left, right).map((x) => x.reason)];
  return {
    candidate: { event: toEventLine(row), link: g.link, side: g.side, score: best.score, reasons },
    absDelta: Math.abs(best.delta),
    absDt: Math.abs(dt),
  };
}

interface Agreement {
  value: number;
  reason: string;
}

/**
 * The rules' own comparisons (cross-field, contains, similarity), then the four join keys compared field to field
 * where no rule already compares that field with itself (a customer compared by e-mail similarity is not compared
 * again for equality).
 */
function keyAgreements(rules: Rule[], left: MatchEvent, right: MatchEvent): Agreement[] {
  const out = new Map<string, Agreement>();
  for (const rule of rules) {
    for (const k of rule.keys) {
      const id = `${k.left}\u001f${k.right}`;
      if (out.has(id)) continue;
      const a = compareKey(k, left, right, EVENT_TEXTS);
      if (a === null) continue;
      out.set(id, { value: a.value, reason: keyReason(k, fieldValue(left, k.left) ?? '', fieldValue(right, k.right) ?? '', a.value, a.agreed) });
    }
  }
  for (const f of SAME_FIELD_KEYS) {
    const l = fieldValue(left, f);
    const r = fieldValue(right, f);
    const id = `${f}\u001f${f}`;
    if (l === null || r === null || out.has(id)) continue;
    out.set(id, { value: l === r ? 1 : 0, reason: l === r ? `same ${fieldLabel(f)} ${l}` : `different ${fieldLabel(f)} (${l} / ${r})` });
  }
  return [...out.values()];
}

function keyReason(k: KeyComparison, l: string, r: string, value: number, agreed: boolean): string {
  const lf = fieldLabel(k.left);
  const rf = fieldLabel(k.right);
  if (k.compare === 'similarity') {
    if (l === r) return `same ${lf} ${l}`;
    return `${agreed ? 'similar' : 'dissimilar'} ${lf === rf ? lf : `${lf} / ${rf}`} (${l} / ${r}, ${Math.round(value * 100)}% alike)`;
  }
  if (k.compare === 'contains') return agreed ? `${rf} names ${lf} ${l}` : `${rf} does not name ${lf} ${l}`;
  if (k.left === k.right) return agreed ? `same ${lf} ${l}` : `different ${lf} (${l} / ${r})`;
  return agreed ? `${lf} ${l} = ${rf}` : `${lf} ${l} ≠ ${rf} ${r}`;
}

function money(minor: number, currency: string): string {
  try {
    return formatAmount(minor, currency, { code: 'suffix' });
  } catch {
    return `${minor} ${currency}`;
  }
}

function amountReason(delta: number, slack: number, own: MatchEvent, c: MatchEvent): string {
  if (delta === 0) return `same amount ${money(Math.abs(c.amount), c.currency)}`;
  if (!Number.isFinite(delta)) return `amount ${money(c.amount, c.currency)}`;
  const off = money(Math.abs(delta), own.currency);
  return Math.abs(delta) <= slack ? `amount within tolerance (off by ${off})` : `amount differs by ${off}`;
}

function timeReason(dtMs: number): string {
  const abs = Math.abs(dtMs);
  const dir = dtMs >= 0 ? 'after' : 'before';
  if (abs < HOUR_MS) return `${Math.max(1, Math.round(abs / 60_000))} min ${dir}`;
  if (abs < 2 * DAY_MS) {
    const h = Math.round(abs / HOUR_MS);
    return `${h} hour${h === 1 ? '' : 's'} ${dir}`;
  }
  return `${Math.round(abs / DAY_MS)} days ${dir}`;
}
