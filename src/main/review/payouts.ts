// Payouts: the list with their bank status, and the waterfall from gross sales down to what reached the bank.
//
// A payout's items are decided as the engine's payout_items strategy decides them (strategies/payoutItems.ts), so
// the waterfall's unexplained remainder is the PAYOUT_MISMATCH amount: the items of the payout's active payout_items
// match, else those its active PAYOUT_MISMATCH names, else the rule's own membership — right-side events sharing
// the rule's key (payout_ref) in the payout's currency and window, not used by another payout, not blocked.
// Sign convention (DESIGN §3): a payout is negative on the processor balance; its net to the bank is −amount, and
// equals the sum of its items' nets (amount − fee) when nothing is unexplained.
import type { z } from 'zod';
import type { LedgerDb } from '../ledger/database.ts';
import type { EventLine, PayoutRow, PayoutWaterfall, PayoutsViewSchema } from '../../shared/api/contract.ts';
import { WATERFALL_STEPS } from '../../shared/api/contract.ts';
import type { Rule, RuleSet, RuleSide } from '../../shared/rules/ruleSet.ts';
import { DEFAULT_RULE_SET } from '../../shared/rules/defaultRuleSet.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { orderedRules } from '../../shared/rules/ruleOrder.ts';
import { ruleSetInForce } from '../matching/engine/ruleSetInForce.ts';
import { DAY_MS, EVENT_LINE_COLUMNS, containsPattern, notFound, pageBounds, toEventLine, type EventLineRow } from './reviewSupport.ts';
import { eventInPeriod } from './businessTime.ts';
import { utcInstantToLocalDate } from '../../shared/time/dateText.ts';

/** What the grid shows (filter, period), paged or not. */
export type PayoutsView = z.output<typeof PayoutsViewSchema>;

type Bank = PayoutRow['bank'];
type Step = PayoutWaterfall['steps'][number];

interface PayoutEventRow extends EventLineRow {
  payout_ref: string | null;
  order_ref: string | null;
  trace_id: string | null;
}

interface ItemRow extends EventLineRow {
  fee_minor: number | null;
  net_minor: number | null;
}

const PAYOUT_COLUMNS = `${EVENT_LINE_COLUMNS}, e.payout_ref, e.order_ref, e.trace_id`;
const ITEM_COLUMNS = `${EVENT_LINE_COLUMNS}, e.fee_minor, e.net_minor`;
/** An item's net as the payout_items rule compares it (net_fees): the source's net, else amount − fee. */
const NET_SQL = 'coalesce(e.net_minor, e.amount_minor - coalesce(e.fee_minor, 0))';
const INDEXED_KEY_FIELDS = new Set(['order_ref', 'payout_ref', 'trace_id']);

function itemNet(r: ItemRow): number {
  return r.net_minor ?? r.amount_minor - (r.fee_minor ?? 0);
}

function sideAccepts(side: RuleSide, kind: string, source: string): boolean {
  if (!side.kinds.includes(kind as never)) return false;
  if (side.sources === undefined || side.sources.length === 0) return true;
  const sourceKind = source.split(':')[0];
  return side.sources.some((s) => s === source || s === sourceKind);
}

/** How payout items and bank lines are found under the rule set in force. */
interface PayoutRules {
  /** The payout_items rule that runs first; the default rule set's when the rule set in force has none. */
  items: Rule;
  /** Links whose bank_payout rules pair payouts with bank lines. */
  bankLinks: string[];
}

function payoutRules(ruleSet: RuleSet): PayoutRules {
  const isItems = (r: Rule): boolean => r.strategy === 'payout_items' && r.left.kinds.includes('payout');
  const items = orderedRules(ruleSet).find(isItems) ?? (orderedRules(DEFAULT_RULE_SET).find(isItems) as Rule);
  const bankLinks = [...new Set(ruleSet.rules.filter((r) => r.strategy === 'bank_payout').map((r) => r.link))].sort();
  return { items, bankLinks };
}

type Membership = { via: 'match'; id: string } | { via: 'exception'; id: string } | { via: 'rule' };

function statements(db: LedgerDb) {
  return {
    itemsMatch: db
      .prepare(
        `SELECT m.match_id FROM events ev CROSS JOIN match_members mm ON mm.event_seq = ev.seq CROSS JOIN matches m ON m.seq = mm.match_seq
         WHERE ev.event_id = ? AND mm.side = 'left' AND m.link = ? AND m.ended_at IS NULL ORDER BY m.match_id LIMIT 1`,
      )
      .pluck(),
    mismatch: db
      .prepare(
        `SELECT x.exception_id FROM events ev CROSS JOIN exception_members xm ON xm.event_seq = ev.seq CROSS JOIN exceptions x ON x.seq = xm.exception_seq
         WHERE ev.event_id = ? AND x.code = 'PAYOUT_MISMATCH' AND x.ended_at IS NULL ORDER BY x.created_at DESC, x.exception_id LIMIT 1`,
      )
      .pluck(),
    matchItems: db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.match_id = ? AND mm.side = 'right' ORDER BY e.occurred_at, e.event_id`,
    ),
    matchTotals: db.prepare(
      `SELECT count(*) AS n, coalesce(sum(${NET_SQL}), 0) AS net FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq
         CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.match_id = ? AND mm.side = 'right'`,
    ),
    exceptionItems: db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq CROSS JOIN events e ON e.seq = xm.event_seq
       WHERE x.exception_id = ? AND e.event_id <> ? ORDER BY e.occurred_at, e.event_id`,
    ),
    exceptionTotals: db.prepare(
      `SELECT count(*) AS n, coalesce(sum(${NET_SQL}), 0) AS net FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq
         CROSS JOIN events e ON e.seq = xm.event_seq
       WHERE x.exception_id = ? AND e.event_id <> ?`,
    ),
    /** Used elsewhere in the link: held by an active match, or consumed by another payout's PAYOUT_MISMATCH. */
    used: db.prepare(
      `SELECT 1 FROM events ev CROSS JOIN match_members mm ON mm.event_seq = ev.seq CROSS JOIN matches m ON m.seq = mm.match_seq
       WHERE ev.event_id = @item AND m.link = @link AND m.ended_at IS NULL
       UNION ALL SELECT 1 FROM events ev CROSS JOIN exception_members xm ON xm.event_seq = ev.seq CROSS JOIN exceptions x ON x.seq = xm.exception_seq
       WHERE ev.event_id = @item AND x.code = 'PAYOUT_MISMATCH' AND x.ended_at IS NULL AND x.rule_id IN (SELECT value FROM json_each(@ruleIds))
       LIMIT 1`,
    ),
    blocked: db.prepare('SELECT 1 FROM blocked_pairs WHERE link = ? AND left_event_id = ? AND right_event_id = ?'),
    bankMatch: db.prepare(
      `SELECT m.match_id, mm.side FROM events ev CROSS JOIN match_members mm ON mm.event_seq = ev.seq CROSS JOIN matches m ON m.seq = mm.match_seq
       WHERE ev.event_id = @event AND m.link IN (SELECT value FROM json_each(@links)) AND m.ended_at IS NULL
       ORDER BY m.created_at DESC, m.match_id LIMIT 1`,
    ),
    bankEvent: db.prepare(
      `SELECT ${EVENT_LINE_COLUMNS} FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.match_id = ? AND mm.side <> ? ORDER BY e.occurred_at, e.event_id LIMIT 1`,
    ),
    notInBank: db
      .prepare(
        `SELECT 1 FROM events ev CROSS JOIN exception_members xm ON xm.event_seq = ev.seq CROSS JOIN exceptions x ON x.seq = xm.exception_seq
         WHERE ev.event_id = ? AND x.code = 'PAYOUT_NOT_IN_BANK' AND x.ended_at IS NULL AND x.state IN (${OPEN_STATES_SQL}) LIMIT 1`,
      )
      .pluck(),
  };
}

type Statements = ReturnType<typeof statements>;

class PayoutReader {
  private readonly s: Statements;
  private readonly db: LedgerDb;
  private readonly rules: PayoutRules;

  constructor(db: LedgerDb, rules: PayoutRules) {
    this.db = db;
    this.rules = rules;
    this.s = statements(db);
  }

  membership(p: PayoutEventRow): Membership {
    const matchId = this.s.itemsMatch.get(p.event_id, this.rules.items.link) as string | undefined;
    if (matchId !== undefined) return { via: 'match', id: matchId };
    const exceptionId = this.s.mismatch.get(p.event_id) as string | undefined;
    if (exceptionId !== undefined) return { via: 'exception', id: exceptionId };
    return { via: 'rule' };
  }

  items(p: PayoutEventRow): ItemRow[] {
    const m = this.membership(p);
    if (m.via === 'match') return this.s.matchItems.all(m.id) as ItemRow[];
    if (m.via === 'exception') return this.s.exceptionItems.all(m.id, p.event_id) as ItemRow[];
    return this.ruleItems(p);
  }

  /** Item count and the payout net minus the items' nets, summed in SQL for matched and mismatched payouts. */
  totals(p: PayoutEventRow): { itemCount: number; unexplainedMinor: number } {
    const m = this.membership(p);
    const t =
      m.via === 'match'
        ? (this.s.matchTotals.get(m.id) as { n: number; net: number })
        : m.via === 'exception'
          ? (this.s.exceptionTotals.get(m.id, p.event_id) as { n: number; net: number })
          : this.ruleItems(p).reduce((acc, r) => ({ n: acc.n + 1, net: acc.net + itemNet(r) }), { n: 0, net: 0 });
    return { itemCount: t.n, unexplainedMinor: -p.amount_minor - t.net };
  }

  /** What the rule would take now (no match and no mismatch recorded yet): runPayoutItems' membership. */
  private ruleItems(p: PayoutEventRow): ItemRow[] {
    const rule = this.rules.items;
    if (!sideAccepts(rule.left, p.kind, p.source)) return [];
    const found = new Map<string, ItemRow>();
    for (const k of rule.keys) {
      const value = k.compare === 'equal' ? this.field(p, k.left) : null;
      if (value === null || !INDEXED_KEY_FIELDS.has(k.right)) continue;
      const rows = this.db
        .prepare(`SELECT ${ITEM_COLUMNS} FROM events e WHERE e.${k.right} = ? AND e.currency = ?`)
        .all(value, p.currency) as ItemRow[];
      for (const r of rows) found.set(r.event_id, r);
    }
    const t = Date.parse(p.occurred_at);
    const ruleIds = JSON.stringify([rule.id]);
    return [...found.values()]
      .filter((r) => {
        if (r.event_id === p.event_id || !sideAccepts(rule.right, r.kind, r.source)) return false;
        const dt = Date.parse(r.occurred_at) - t;
        if (dt < -rule.window.before_days * DAY_MS || dt > rule.window.after_days * DAY_MS) return false;
        if (this.s.used.get({ item: r.event_id, link: rule.link, ruleIds }) !== undefined) return false;
        return this.s.blocked.get(rule.link, p.event_id, r.event_id) === undefined;
      })
      .sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : a.event_id < b.event_id ? -1 : 1));
  }

  private field(p: PayoutEventRow, field: string): string | null {
    if (field === 'payout_ref') return p.payout_ref;
    if (field === 'order_ref') return p.order_ref;
    if (field === 'trace_id') return p.trace_id;
    if (field === 'external_id') return p.external_id;
    return null;
  }

  /** The bank line an active bank_payout match ties the payout to; else missing (open PAYOUT_NOT_IN_BANK) or pending. */
  bank(p: PayoutEventRow): { status: Bank; event: EventLine | null; matchId: string | null } {
    const m = this.s.bankMatch.get({ event: p.event_id, links: JSON.stringify(this.rules.bankLinks) }) as
      { match_id: string; side: string } | undefined;
    if (m !== undefined) {
      const e = this.s.bankEvent.get(m.match_id, m.side) as EventLineRow | undefined;
      if (e !== undefined) return { status: 'matched', event: toEventLine(e), matchId: m.match_id };
    }
    return { status: this.s.notInBank.get(p.event_id) !== undefined ? 'missing' : 'pending', event: null, matchId: null };
  }
}

/**
 * Payouts newest first in the period (by their occurred_at: a processor's payout date), filtered by bank status,
 * unexplained remainder and a search of their id or payout ref.
 */
function payoutsInViewRows(
  db: LedgerDb,
  reader: PayoutReader,
  view: PayoutsView,
  timeZone: string,
): Array<{ p: PayoutEventRow; bank: ReturnType<PayoutReader['bank']>; totals: ReturnType<PayoutReader['totals']> | null }> {
  const search = view.filter.search?.trim() ?? '';
  const inPeriod = eventInPeriod(view.period, timeZone);
  const payouts = db
    .prepare(
      `SELECT ${PAYOUT_COLUMNS} FROM events e WHERE e.kind = 'payout' AND ${inPeriod.sql}
       ${search === '' ? '' : "AND (e.external_id LIKE @like ESCAPE '\\' OR e.payout_ref LIKE @like ESCAPE '\\' OR e.event_id = @q)"}
       ORDER BY e.occurred_at DESC, e.event_id`,
    )
    .all({ ...inPeriod.params, ...(search === '' ? {} : { like: containsPattern(search), q: search }) }) as PayoutEventRow[];
  let listed = payouts.map((p) => ({ p, bank: reader.bank(p), totals: null as ReturnType<PayoutReader['totals']> | null }));
  if (view.filter.bank !== undefined) listed = listed.filter((r) => r.bank.status === view.filter.bank);
  if (view.filter.unexplainedOnly === true) {
    for (const r of listed) r.totals = reader.totals(r.p);
    listed = listed.filter((r) => r.totals?.unexplainedMinor !== 0);
  }
  return listed;
}

function payoutRow(
  reader: PayoutReader,
  timeZone: string,
  r: { p: PayoutEventRow; bank: ReturnType<PayoutReader['bank']>; totals: ReturnType<PayoutReader['totals']> | null },
): PayoutRow {
  const { p, bank } = r;
  const t = r.totals ?? reader.totals(p);
  return {
    payoutEventId: p.event_id,
    source: p.source,
    externalId: p.external_id,
    payoutRef: p.payout_ref,
    occurredAt: p.occurred_at,
    businessDate: utcInstantToLocalDate(p.occurred_at, timeZone),
    description: toEventLine(p).description,
    netMinor: -p.amount_minor,
    currency: p.currency,
    itemCount: t.itemCount,
    unexplainedMinor: t.unexplainedMinor,
    bank: bank.status,
    bankEventId: bank.event?.eventId ?? null,
  };
}

export function queryPayouts(
  db: LedgerDb,
  request: PayoutsView & { startRow: number; endRow: number },
  timeZone: string,
): { rows: PayoutRow[]; totalRows: number } {
  const { limit, offset } = pageBounds(request);
  return db.transaction(() => {
    const reader = new PayoutReader(db, payoutRules(ruleSetInForce(db)));
    const listed = payoutsInViewRows(db, reader, request, timeZone);
    return { rows: listed.slice(offset, offset + limit).map((r) => payoutRow(reader, timeZone, r)), totalRows: listed.length };
  })();
}

/** Every row of the view in its order (an export of the grid as it stands). */
export function* payoutsInView(db: LedgerDb, view: PayoutsView, timeZone: string): Generator<PayoutRow> {
  const reader = new PayoutReader(db, payoutRules(ruleSetInForce(db)));
  for (const r of payoutsInViewRows(db, reader, view, timeZone)) yield payoutRow(reader, timeZone, r);
}

const STEP_LABELS: Record<Step['step'], string> = {
  gross_sales: 'Gross sales',
  fees: 'Fees',
  refunds: 'Refunds',
  disputes: 'Disputes',
  adjustments: 'Adjustments',
  unexplained: 'Unexplained',
};

const KIND_STEP: Record<string, Step['step']> = { payment: 'gross_sales', refund: 'refunds', dispute: 'disputes', fee: 'fees' };

/**
 * From gross sales down to the payout net: payments' gross, fees (the fee part of every item, amount − net, and fee
 * events), refunds, disputes, adjustments (any other item kind), each at its amount; `unexplained` is the payout net
 * minus their sum, shown even when 0.
 */
export function payoutWaterfall(db: LedgerDb, payoutEventId: string): PayoutWaterfall {
  return db.transaction(() => {
    const p = db.prepare(`SELECT ${PAYOUT_COLUMNS} FROM events e WHERE e.event_id = ? AND e.kind = 'payout'`).get(payoutEventId) as
      PayoutEventRow | undefined;
    if (p === undefined) throw notFound('payout', payoutEventId);
    const reader = new PayoutReader(db, payoutRules(ruleSetInForce(db)));
    const steps = new Map<Step['step'], Step>(
      WATERFALL_STEPS.map((step) => [step, { step, label: STEP_LABELS[step], amountMinor: 0, count: 0, items: [] }]),
    );
    const put = (step: Step['step'], amount: number, item: ItemRow): void => {
      const s = steps.get(step) as Step;
      s.amountMinor += amount;
      s.count++;
      s.items.push({ ...toEventLine(item), stepAmountMinor: amount });
    };
    for (const item of reader.items(p)) {
      const net = itemNet(item);
      const step = KIND_STEP[item.kind] ?? 'adjustments';
      if (step === 'fees') {
        put('fees', net, item);
        continue;
      }
      put(step, item.amount_minor, item);
      if (net !== item.amount_minor) put('fees', net - item.amount_minor, item);
    }
    const payoutNet = -p.amount_minor;
    let explained = 0;
    for (const s of steps.values()) explained += s.amountMinor;
    const unexplained = steps.get('unexplained') as Step;
    unexplained.amountMinor = payoutNet - explained;
    const bank = reader.bank(p);
    const exceptions = db
      .prepare(
        `SELECT x.exception_id, x.code, x.state, x.amount_minor, x.currency FROM events ev CROSS JOIN exception_members xm ON xm.event_seq = ev.seq
           CROSS JOIN exceptions x ON x.seq = xm.exception_seq
         WHERE ev.event_id = ? AND x.ended_at IS NULL ORDER BY x.created_at, x.exception_id`,
      )
      .all(p.event_id) as Array<{ exception_id: string; code: string; state: string; amount_minor: number; currency: string }>;
    return {
      payout: toEventLine(p),
      currency: p.currency,
      steps: [...steps.values()],
      payoutNetMinor: payoutNet,
      unexplainedMinor: unexplained.amountMinor,
      bank: bank.event === null || bank.matchId === null ? null : { event: bank.event, matchId: bank.matchId },
      exceptions: exceptions.map((x) => ({
        exceptionId: x.exception_id,
        code: x.code as PayoutWaterfall['exceptions'][number]['code'],
        state: x.state as PayoutWaterfall['exceptions'][number]['state'],
        amountMinor: x.amount_minor,
        currency: x.currency,
      })),
    };
  })();
}
