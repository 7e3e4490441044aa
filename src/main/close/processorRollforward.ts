// Processor clearing rollforward (DESIGN §13): each processor account (source × currency) treated as a clearing account,
// opening + sales − fees − refunds − disputes ± adjustments − payouts = closing for a month, tied to the processor's own
// balance where its data states one; payouts in transit at the month's end; settlements straddling the cut-off.
import type { LedgerDb } from '../ledger/database.ts';
import type { InTransitPayout, ProcessorRollforward, StraddlingSettlement } from '../../shared/close/closeReport.ts';
import { PROCESSORS } from '../../shared/rules/defaultRuleSet.ts';
import { beforePeriodSql, currentRevisionSql, businessDate, inPeriodSql, periodParams, shiftMonth, type ClosePeriod } from './closePeriod.ts';
import type { ClosePayload, PeriodEntry } from './periodStates.ts';
import type { LedgerStatement } from './statements.ts';

const PROCESSOR_KINDS_SQL = PROCESSORS.map((k) => `'${k}'`).join(', ');
/** The source kind (before the colon) is a processor's. */
export const PROCESSOR_SOURCE_SQL = (e: string): string =>
  `(CASE WHEN instr(${e}.source, ':') > 0 THEN substr(${e}.source, 1, instr(${e}.source, ':') - 1) ELSE ${e}.source END) IN (${PROCESSOR_KINDS_SQL})`;
const BALANCE_KINDS_SQL = "'payment', 'refund', 'dispute', 'fee', 'adjustment', 'payout'";
/** An event's effect on the processor balance: its amount less the processor's fee (Stripe's net). */
const EFFECT_SQL = 'e.amount_minor - coalesce(e.fee_minor, 0)';

export const accountKey = (source: string, currency: string): string => `${source} ${currency}`;

interface KindSums {
  source: string;
  currency: string;
  kind: string;
  amount: number;
  fee: number;
  n: number;
}

function emptyRow(source: string, currency: string): ProcessorRollforward {
  return {
    key: accountKey(source, currency),
    source,
    currency,
    opening: 0,
    openingBasis: '',
    sales: 0,
    fees: 0,
    refunds: 0,
    disputes: 0,
    adjustments: 0,
    priorPeriodItems: 0,
    payouts: 0,
    closing: 0,
    processorClosing: null,
    processorBasis: null,
    difference: null,
    inTransit: { count: 0, amount: 0 },
    carriedForward: 0,
    carryForwardReversed: 0,
    events: 0,
  };
}

/** Adds one kind's sums to its rollforward line; each line is written as accountants read it (fees, refunds positive). */
function addKind(r: ProcessorRollforward, s: KindSums): void {
  r.events += s.n;
  const effect = s.amount - s.fee;
  switch (s.kind) {
    case 'payment':
      r.sales += s.amount;
      r.fees += s.fee;
      return;
    case 'refund':
      r.refunds -= s.amount;
      r.fees += s.fee;
      return;
    case 'dispute':
      r.disputes -= s.amount;
      r.fees += s.fee;
      return;
    case 'fee':
      r.fees -= effect;
      return;
    case 'payout':
      r.payouts -= effect;
      return;
    default:
      r.adjustments += effect;
  }
}

export interface ProcessorInputs {
  /** The previous month's close in force, when it is closed: its closing balances open this month. */
  previousClose: PeriodEntry | null;
  statements: LedgerStatement[];
}

export function processorRollforward(
  db: LedgerDb,
  p: ClosePeriod,
  inputs: ProcessorInputs,
): { rows: ProcessorRollforward[]; inTransit: InTransitPayout[]; straddling: StraddlingSettlement[] } {
  const params = periodParams(p);
  const rows = new Map<string, ProcessorRollforward>();
  const row = (source: string, currency: string): ProcessorRollforward => {
    const key = accountKey(source, currency);
    const r = rows.get(key) ?? emptyRow(source, currency);
    rows.set(key, r);
    return r;
  };
  const sums = db
    .prepare(
      `SELECT e.source, e.currency, e.kind, sum(e.amount_minor) AS amount, sum(coalesce(e.fee_minor, 0)) AS fee, count(*) AS n FROM events e
       WHERE ${inPeriodSql(p, 'e')} AND e.kind IN (${BALANCE_KINDS_SQL}) AND ${PROCESSOR_SOURCE_SQL('e')} AND ${currentRevisionSql('e')}
       GROUP BY e.source, e.currency, e.kind`,
    )
    .all(params) as KindSums[];
  for (const s of sums) addKind(row(s.source, s.currency), s);
  openings(db, p, inputs.previousClose, row);
  for (const r of rows.values()) {
    r.closing = r.opening + r.sales - r.fees - r.refunds - r.disputes + r.adjustments + r.priorPeriodItems - r.payouts;
    processorBalance(db, p, r, inputs.statements);
  }
  const inTransit = payoutsInTransit(db, p);
  for (const t of inTransit) {
    const r = row(t.source, t.currency);
    r.inTransit.count++;
    r.inTransit.amount += t.amount;
  }
  const straddling = straddlingSettlements(db, p);
  for (const s of straddling) {
    const r = row(s.source, s.currency);
    if (s.direction === 'carried forward') r.carriedForward += s.amount;
    else r.carryForwardReversed += s.amount;
  }
  return { rows: [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : 1)), inTransit, straddling };
}

/**
 * Opening balances: the previous month's closing as signed off (then items of closed months that arrived after its
 * close are this month's prior-period items), else everything the ledger holds before the month.
 */
function openings(db: LedgerDb, p: ClosePeriod, previous: PeriodEntry | null, row: (s: string, c: string) => ProcessorRollforward): void {
  const params = periodParams(p);
  const prevMonth = shiftMonth(p.month, -1);
  if (previous !== null) {
    const payload = previous.payload as Pick<ClosePayload, 'closing_balances' | 'events_through_seq'>;
    for (const b of payload.closing_balances ?? []) {
      if (b.type !== 'processor') continue;
      const r = row(b.source, b.currency);
      r.opening = b.amount;
      r.openingBasis = `closing of ${prevMonth} as signed off`;
    }
    const late = db
      .prepare(
        `SELECT e.source, e.currency, sum(${EFFECT_SQL}) AS effect FROM events e
         WHERE e.seq > @through AND ${beforePeriodSql('e')} AND e.kind IN (${BALANCE_KINDS_SQL}) AND ${PROCESSOR_SOURCE_SQL('e')} AND ${currentRevisionSql('e')}
         GROUP BY e.source, e.currency`,
      )
      .all({ ...params, through: payload.events_through_seq ?? 0 }) as Array<{ source: string; currency: string; effect: number }>;
    for (const l of late) row(l.source, l.currency).priorPeriodItems += l.effect;
    return;
  }
  const before = db
    .prepare(
      `SELECT e.source, e.currency, sum(${EFFECT_SQL}) AS effect, count(*) AS n FROM events e
       WHERE ${beforePeriodSql('e')} AND e.kind IN (${BALANCE_KINDS_SQL}) AND ${PROCESSOR_SOURCE_SQL('e')} AND ${currentRevisionSql('e')}
       GROUP BY e.source, e.currency`,
    )
    .all(params) as Array<{ source: string; currency: string; effect: number; n: number }>;
  for (const b of before) {
    const r = row(b.source, b.currency);
    r.opening = b.effect;
    r.openingBasis = `the ledger's ${b.n} earlier events`;
  }
}

/** The processor's own balance at the month's end: a statement it gave (balance summary) or the running balance of its last row (PayPal). */
function processorBalance(db: LedgerDb, p: ClosePeriod, r: ProcessorRollforward, statements: LedgerStatement[]): void {
  const stated = statements
    .filter(
      (s) =>
        s.source === r.source &&
        s.currency === r.currency &&
        s.closingMinor !== null &&
        s.lastDate !== null &&
        s.lastDate >= p.fromDate &&
        s.lastDate <= p.toDate,
    )
    .sort((a, b) => ((a.lastDate as string) < (b.lastDate as string) ? -1 : 1))
    .at(-1);
  if (stated !== undefined) {
    r.processorClosing = stated.closingMinor;
    r.processorBasis = `statement ${stated.statementId} to ${stated.lastDate} (${stated.fileName})`;
  } else {
    const last = db
      .prepare(
        `SELECT json_extract(e.attributes, '$.balance') AS balance, e.occurred_at, e.external_id, ${EFFECT_SQL} AS effect FROM events e
         WHERE ${inPeriodSql(p, 'e')} AND e.source = @source AND e.currency = @currency AND json_extract(e.attributes, '$.balance') IS NOT NULL
         ORDER BY e.occurred_at DESC, e.raw_line_end DESC LIMIT 1`,
      )
      .get({ ...periodParams(p), source: r.source, currency: r.currency }) as
      { balance: number; occurred_at: string; external_id: string } | undefined;
    if (last !== undefined && Number.isSafeInteger(last.balance)) {
      r.processorClosing = last.balance;
      r.processorBasis = `running balance after ${last.external_id} (${last.occurred_at})`;
      if (r.openingBasis === '') runningOpening(db, p, r);
    }
  }
  if (r.openingBasis === '') r.openingBasis = 'no earlier data in the ledger';
  if (r.processorClosing !== null) r.difference = r.processorClosing - r.closing;
}

/**
 * When the ledger has nothing of this account before the month, the processor's running balance says what it opened
 * with: the balance after its first row of the month, less that row's effect.
 */
function runningOpening(db: LedgerDb, p: ClosePeriod, r: ProcessorRollforward): void {
  const first = db
    .prepare(
      `SELECT json_extract(e.attributes, '$.balance') AS balance, ${EFFECT_SQL} AS effect, e.external_id FROM events e
       WHERE ${inPeriodSql(p, 'e')} AND e.source = @source AND e.currency = @currency AND json_extract(e.attributes, '$.balance') IS NOT NULL
       ORDER BY e.occurred_at, e.raw_line_end LIMIT 1`,
    )
    .get({ ...periodParams(p), source: r.source, currency: r.currency }) as { balance: number; effect: number; external_id: string } | undefined;
  if (first === undefined || !Number.isSafeInteger(first.balance)) return;
  r.opening = first.balance - first.effect;
  r.openingBasis = `the processor's balance before ${first.external_id}`;
  r.closing = r.opening + r.sales - r.fees - r.refunds - r.disputes + r.adjustments + r.priorPeriodItems - r.payouts;
}

/** Payouts to the bank made in the month that the bank had not booked by its end: matched to a later bank line, or to none yet. */
export function payoutsInTransit(db: LedgerDb, p: ClosePeriod): InTransitPayout[] {
  const payouts = db
    .prepare(
      `SELECT e.seq, e.source, e.currency, e.external_id, e.payout_ref, e.amount_minor, e.kind, e.occurred_at, e.local_date FROM events e
       WHERE ${inPeriodSql(p, 'e')} AND e.kind = 'payout' AND e.amount_minor < 0 AND ${PROCESSOR_SOURCE_SQL('e')} AND ${currentRevisionSql('e')} ORDER BY e.occurred_at, e.seq`,
    )
    .all(periodParams(p)) as Array<{
    seq: number;
    source: string;
    currency: string;
    external_id: string;
    payout_ref: string | null;
    amount_minor: number;
    kind: string;
    occurred_at: string;
    local_date: string | null;
  }>;
  const bankLine = db.prepare(
    `SELECT b.kind, b.occurred_at, b.local_date FROM match_members mm
     JOIN matches m ON m.seq = mm.match_seq AND m.link = 'bank_payout' AND m.ended_at IS NULL
     JOIN match_members mb ON mb.match_seq = m.seq AND mb.event_seq <> mm.event_seq
     JOIN events b ON b.seq = mb.event_seq AND b.kind IN ('bank_credit', 'bank_debit')
     WHERE mm.event_seq = ? ORDER BY b.occurred_at LIMIT 1`,
  );
  const out: InTransitPayout[] = [];
  for (const po of payouts) {
    const bank = bankLine.get(po.seq) as { kind: string; occurred_at: string; local_date: string | null } | undefined;
    const bankedOn = bank === undefined ? null : businessDate(bank.kind, bank.occurred_at, bank.local_date, p.timeZone);
    if (bankedOn !== null && bankedOn <= p.toDate) continue;
    out.push({
      source: po.source,
      currency: po.currency,
      payout: po.payout_ref ?? po.external_id,
      amount: -po.amount_minor,
      paidOn: businessDate(po.kind, po.occurred_at, po.local_date, p.timeZone),
      bankedOn,
    });
  }
  return out;
}

/**
 * Settlements split at the cut-off (the month's end in the workspace time zone): this month's items whose payout is after
 * the month (carried forward in the closing balance), and earlier items settled by this month's payouts (the previous
 * month's carry-forward, reversed). Items find their payout by payout_ref within their source.
 */
export function straddlingSettlements(db: LedgerDb, p: ClosePeriod): StraddlingSettlement[] {
  const params = periodParams(p);
  const payoutOf = db.prepare(
    `SELECT e.kind, e.occurred_at, e.local_date FROM events e WHERE e.payout_ref = ? AND e.source = ? AND e.kind = 'payout' ORDER BY e.occurred_at LIMIT 1`,
  );
  const out: StraddlingSettlement[] = [];
  const grouped = db
    .prepare(
      `SELECT e.source, e.currency, e.payout_ref, sum(${EFFECT_SQL}) AS effect, count(*) AS n FROM events e
       WHERE ${inPeriodSql(p, 'e')} AND e.payout_ref IS NOT NULL AND e.kind IN ('payment', 'refund', 'dispute', 'fee', 'adjustment') AND ${PROCESSOR_SOURCE_SQL('e')} AND ${currentRevisionSql('e')}
       GROUP BY e.source, e.currency, e.payout_ref ORDER BY e.source, e.currency, e.payout_ref`,
    )
    .all(params) as Array<{ source: string; currency: string; payout_ref: string; effect: number; n: number }>;
  for (const g of grouped) {
    const po = payoutOf.get(g.payout_ref, g.source) as { kind: string; occurred_at: string; local_date: string | null } | undefined;
    const paidOn = po === undefined ? null : businessDate(po.kind, po.occurred_at, po.local_date, p.timeZone);
    if (paidOn !== null && paidOn <= p.toDate) continue;
    out.push({ source: g.source, currency: g.currency, payout: g.payout_ref, paidOn, direction: 'carried forward', amount: g.effect, items: g.n });
  }
  const payouts = db
    .prepare(
      `SELECT DISTINCT e.source, e.currency, e.payout_ref, e.kind, e.occurred_at, e.local_date FROM events e
       WHERE ${inPeriodSql(p, 'e')} AND e.kind = 'payout' AND e.payout_ref IS NOT NULL AND ${PROCESSOR_SOURCE_SQL('e')} AND ${currentRevisionSql('e')} ORDER BY e.occurred_at, e.payout_ref`,
    )
    .all(params) as Array<{ source: string; currency: string; payout_ref: string; kind: string; occurred_at: string; local_date: string | null }>;
  const earlier = db.prepare(
    `SELECT sum(${EFFECT_SQL}) AS effect, count(*) AS n FROM events e
     WHERE e.payout_ref = @ref AND e.source = @source AND e.kind <> 'payout' AND ${beforePeriodSql('e')} AND ${currentRevisionSql('e')}`,
  );
  for (const po of payouts) {
    const r = earlier.get({ ...params, ref: po.payout_ref, source: po.source }) as { effect: number | null; n: number };
    if (r.n === 0) continue;
    out.push({
      source: po.source,
      currency: po.currency,
      payout: po.payout_ref,
      paidOn: businessDate(po.kind, po.occurred_at, po.local_date, p.timeZone),
      direction: 'reversed',
      amount: r.effect ?? 0,
      items: r.n,
    });
  }
  return out;
}
