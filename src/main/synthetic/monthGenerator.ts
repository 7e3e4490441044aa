// Deterministic synthetic e-commerce month (Shopify orders → Stripe balance → payouts → bank credits) with injected anomalies and its truth.
//
// Model (all money integer minor units, all times UTC unless stated):
//   orders      spread evenly from startDate to the end of its month, store time (UTC−4), jittered, in time order; 1–3 line items,
//               the customer's state sales tax, shipping 5.95–7.95 under 75.00, 10% off with WELCOME10 on some;
//               Name #1001, #1002, …; Payment Reference = the charge's payment intent (pi_…).
//   charge      one per order, 3–45 s after it is paid; fee = round(2.9% × amount) + 30, half up, in integers;
//               available_on = created date + 2 days (00:00 UTC).
//   payouts     one automatic payout per calendar day D (created D 02:00–02:59, arrival D+1) holding every
//               item whose available_on is D; payout amount = sum of those items' nets (Stripe gross = −amount).
//   bank        each payout is booked 1–3 business days after its creation date (weighted 50/35/15); remittance
//               "STRIPE PAYOUTS po_…" for 80%, plain "STRIPE" (match by amount + date) for the rest.
//   refunds     4% of clean orders, 60% partial, 1 h–10 d later but inside the month; disputes likewise (DISPUTE_OPEN).
// Anomalies: order-level codes are per-order probabilities; payout-level codes are shares of payout days (at least
// one when the rate is above 0). See the summary returned for what was actually injected.
import type { SyntheticStripeRow } from './stripeBalanceCsvWriter.ts';
import { seededRandom } from './stripeBalanceCsvWriter.ts';
import { DAY_MS, HOUR_MS } from '../../shared/time/duration.ts';

export const ORDER_ANOMALIES = [
  'MISSING_PAYMENT',
  'MISSING_ORDER',
  'AMOUNT_MISMATCH',
  'ROUNDING_DIFF',
  'DUPLICATE_PAYMENT',
  'REFUND_UNMATCHED',
  'DISPUTE_OPEN',
] as const;
export const PAYOUT_ANOMALIES = ['PAYOUT_MISMATCH', 'PAYOUT_NOT_IN_BANK', 'UNKNOWN_BANK_LINE', 'TIMING_DIFF', 'AMBIGUOUS_MATCH'] as const;
export type OrderAnomaly = (typeof ORDER_ANOMALIES)[number];
export type PayoutAnomaly = (typeof PAYOUT_ANOMALIES)[number];
export type AnomalyCode = OrderAnomaly | PayoutAnomaly;
export const ANOMALY_CODES: readonly AnomalyCode[] = [...ORDER_ANOMALIES, ...PAYOUT_ANOMALIES];

/** Order-level: probability per order. Payout-level: share of payout days (AMBIGUOUS_MATCH: pairs). */
export const DEFAULT_ANOMALY_RATES: Readonly<Record<AnomalyCode, number>> = {
  MISSING_PAYMENT: 0.003,
  MISSING_ORDER: 0.003,
  AMOUNT_MISMATCH: 0.002,
  ROUNDING_DIFF: 0.002,
  DUPLICATE_PAYMENT: 0.001,
  REFUND_UNMATCHED: 0.001,
  DISPUTE_OPEN: 0.001,
  PAYOUT_MISMATCH: 0.09,
  PAYOUT_NOT_IN_BANK: 0.09,
  UNKNOWN_BANK_LINE: 0.09,
  TIMING_DIFF: 0.09,
  AMBIGUOUS_MATCH: 0.06,
};

/**
 * Bank timing the truth assumes, in calendar days after the payout is created: a normal credit lands within
 * BANK_NORMAL_WINDOW_DAYS (1–3 business days); a TIMING_DIFF credit lands TIMING_DIFF_MIN_DAYS or one day
 * later (then the next business day), past a 7-day window and inside BANK_EXTENDED_WINDOW_DAYS.
 */
export const BANK_NORMAL_WINDOW_DAYS = 5;
export const TIMING_DIFF_MIN_DAYS = 8;
export const BANK_EXTENDED_WINDOW_DAYS = 14;
export const REFUND_RATE = 0.04;
export const DISPUTE_FEE_MINOR = 1500;
/** Shopify writes store-local times; the synthetic store is in US Eastern daylight time. */
export const STORE_UTC_OFFSET = '-0400';

/** payment_payout and payout_bank are the default rule set's payout_items and bank_payout links. */
export type TruthLink = 'order_payment' | 'payment_payout' | 'refund_payment' | 'order_refund' | 'dispute_payment' | 'payout_bank';
export const TRUTH_LINKS: readonly TruthLink[] = [
  'order_payment',
  'payment_payout',
  'refund_payment',
  'order_refund',
  'dispute_payment',
  'payout_bank',
];

/**
 * One expected outcome. Ids are event external ids: Shopify `Id`, Stripe `balance_transaction_id`,
 * bank `bankReference`. A class-A anomaly (ROUNDING_DIFF, TIMING_DIFF) is both a match (autoResolved = code)
 * and an exception record.
 */
export type TruthRecord =
  | { type: 'match'; strategy: TruthLink; keys: { left: string[]; right: string[] }; autoResolved?: AnomalyCode }
  | { type: 'exception'; code: AnomalyCode; externalIds: string[]; note: string };

export interface SyntheticLineItem {
  name: string;
  sku: string;
  priceMinor: number;
  quantity: number;
  vendor: string;
}

export interface SyntheticOrder {
  id: string;
  name: string;
  orderNumber: number;
  email: string;
  customerName: string;
  currency: string;
  createdMs: number;
  paidMs: number;
  financialStatus: 'paid' | 'partially_refunded' | 'refunded';
  fulfilledMs: number | null;
  subtotalMinor: number;
  shippingMinor: number;
  taxesMinor: number;
  discountMinor: number;
  discountCode: string;
  totalMinor: number;
  refundedMinor: number;
  lineItems: SyntheticLineItem[];
  /** Index into CUSTOMER_ADDRESSES (a customer keeps one address; it sets the tax rate). */
  addressIndex: number;
  /** The Stripe payment intent Shopify records (Payment Reference); for MISSING_PAYMENT one that never appears in Stripe. */
  paymentReference: string;
  /** Cart attributes the store's tracking wrote (`utm_source: facebook` lines); set by the growth month (growthMonth.ts). */
  noteAttributes?: string;
  /** Shopify Tags (comma-separated); the growth month marks test orders `test`. */
  tags?: string;
}

/** The stripeBalanceCsvWriter row plus the id columns the project's Stripe parser reads. */
export interface SyntheticMonthStripeRow extends SyntheticStripeRow {
  paymentIntentId: string;
  chargeId: string;
  customerId: string;
}

/** Shaped like the import's BankEntry so a statement writer can take it as is. */
export interface SyntheticBankLine {
  /** Unique; a camt writer puts it in AcctSvcrRef, and it becomes the event's external id. */
  bankReference: string;
  bookingDate: string;
  valueDate: string;
  /** Credit positive, debit negative. */
  amountMinor: number;
  currency: string;
  counterpartyName: string;
  remittance: string;
}

export interface MonthSink {
  order(o: SyntheticOrder): void;
  stripeRow(r: SyntheticMonthStripeRow): void;
  bankLine(b: SyntheticBankLine): void;
  truth(t: TruthRecord): void;
}

export interface MonthOptions {
  orders: number;
  seed: number;
  currency?: 'USD';
  /** YYYY-MM-DD; orders span the rest of that calendar month. Default 2026-10-01. */
  startDate?: string;
  anomalyRates?: Partial<Record<AnomalyCode, number>>;
}

export interface MonthSummary {
  seed: number;
  currency: string;
  /** First order day to the last day any record (payout, bank line) carries. */
  dateRange: { from: string; to: string };
  /** Order numbers used, including MISSING_ORDER ones that have no Shopify row. */
  orderNumbers: number;
  /** Orders delivered to the sink (Shopify export orders). */
  orders: number;
  lineItems: number;
  stripeRows: number;
  stripeByCategory: Record<'charge' | 'refund' | 'dispute' | 'payout', number>;
  payouts: number;
  bankLines: number;
  matches: Record<TruthLink, number>;
  anomalies: Record<AnomalyCode, number>;
  truthRecords: number;
}

const MIN_MS = 60_000;

type PayoutPlan = 'normal' | 'PAYOUT_MISMATCH' | 'PAYOUT_NOT_IN_BANK' | 'TIMING_DIFF' | 'AMBIGUOUS_MATCH';
/** Where a balance item goes on an AMBIGUOUS_MATCH day: twin charges split a/b; everything else rolls to the next payout. */
type PayoutRole = 'a' | 'b' | 'other';

interface Bucket {
  day: number;
  role: 'a' | 'b';
  payoutId: string;
  txnId: string;
  sumNet: number;
  items: number;
  flushed: boolean;
}

interface Queued {
  t: number;
  seq: number;
  run: () => void;
}

/** Min-heap on (time, insertion order): future Stripe rows and payout flushes, released as the order clock passes them. */
class EventQueue {
  private readonly heap: Queued[] = [];
  private seq = 0;

  push(t: number, run: () => void): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as Queued, h[p] as Queued)) break;
      [h[i], h[p]] = [h[p] as Queued, h[i] as Queued];
      i = p;
    }
  }

  runUntil(t: number): void {
    while (this.heap.length > 0 && (this.heap[0] as Queued).t <= t) this.pop().run();
  }

  private pop(): Queued {
    const h = this.heap;
    const top = h[0] as Queued;
    const last = h.pop() as Queued;
    if (h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Queued, h[m] as Queued)) m = l;
      if (r < h.length && before(h[r] as Queued, h[m] as Queued)) m = r;
      if (m === i) return top;
      [h[i], h[m]] = [h[m] as Queued, h[i] as Queued];
      i = m;
    }
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

/** A charge not yet written: twin "a" charges wait here for their "b" partner. */
interface ChargeSpec {
  t: number;
  order: SyntheticOrder;
  amountMinor: number;
  txnId: string;
  chargeId: string;
  intentId: string;
  customerId: string;
}

interface Held {
  day: number;
  charge: ChargeSpec;
}

interface Ctx {
  sink: MonthSink;
  rnd: () => number;
  rates: Record<AnomalyCode, number>;
  currency: string;
  tag: string;
  startMs: number;
  endMs: number;
  orderCount: number;
  plan: Map<number, PayoutPlan>;
  buckets: Map<string, Bucket>;
  queue: EventQueue;
  held: Held | null;
  bankLines: SyntheticBankLine[];
  counter: number;
  summary: MonthSummary;
}

/** Streams one synthetic month into `sink` and returns what was produced. Same options, same records, same order. */
export function generateMonth(options: MonthOptions, sink: MonthSink): MonthSummary {
  const g = createContext(options, sink);
  for (let i = 0; i < g.orderCount; i++) generateOrder(g, i);
  releaseHeld(g);
  g.queue.runUntil(Number.POSITIVE_INFINITY);
  addUnknownBankLines(g);
  g.bankLines.sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : a.bankReference < b.bankReference ? -1 : 1));
  for (const line of g.bankLines) {
    sink.bankLine(line);
    noteDate(g, line.bookingDate);
  }
  g.summary.bankLines = g.bankLines.length;
  return g.summary;
}

function createContext(options: MonthOptions, sink: MonthSink): Ctx {
  const startDate = options.startDate ?? '2026-10-01';
  // The month is the store's: it starts at local midnight, as a Shopify export for the month would.
  const offset = `${STORE_UTC_OFFSET.slice(0, 3)}:${STORE_UTC_OFFSET.slice(3)}`;
  const startMs = Date.parse(`${startDate}T00:00:00${offset}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(startMs)) throw new RangeError(`startDate "${startDate}" is not YYYY-MM-DD`);
  if (!Number.isInteger(options.orders) || options.orders < 0) throw new RangeError(`orders must be a whole number ≥ 0, got ${options.orders}`);
  const rates = { ...DEFAULT_ANOMALY_RATES, ...options.anomalyRates };
  const orderShare = ORDER_ANOMALIES.reduce((s, c) => s + rates[c], 0);
  if (ANOMALY_CODES.some((c) => !(rates[c] >= 0 && rates[c] <= 1)) || orderShare > 1)
    throw new RangeError('anomaly rates must be in [0, 1] and the order-level ones sum to at most 1');
  const [year, month] = startDate.split('-').map(Number) as [number, number];
  const monthEnd = Date.parse(`${new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10)}T00:00:00${offset}`);
  const rnd = seededRandom(options.seed);
  const g: Ctx = {
    sink,
    rnd,
    rates,
    currency: options.currency ?? 'USD',
    tag: idTag(rnd),
    startMs,
    endMs: monthEnd,
    orderCount: options.orders,
    plan: new Map(),
    buckets: new Map(),
    queue: new EventQueue(),
    held: null,
    bankLines: [],
    counter: 0,
    summary: emptySummary(options.seed, options.currency ?? 'USD', startDate),
  };
  planPayoutDays(g);
  return g;
}

function emptySummary(seed: number, currency: string, from: string): MonthSummary {
  return {
    seed,
    currency,
    dateRange: { from, to: from },
    orderNumbers: 0,
    orders: 0,
    lineItems: 0,
    stripeRows: 0,
    stripeByCategory: { charge: 0, refund: 0, dispute: 0, payout: 0 },
    payouts: 0,
    bankLines: 0,
    matches: { order_payment: 0, payment_payout: 0, refund_payment: 0, order_refund: 0, dispute_payment: 0, payout_bank: 0 },
    anomalies: Object.fromEntries(ANOMALY_CODES.map((c) => [c, 0])) as Record<AnomalyCode, number>,
    truthRecords: 0,
  };
}

/** Picks distinct payout days for each payout-level anomaly; twin (AMBIGUOUS) days are never adjacent to each other. */
function planPayoutDays(g: Ctx): void {
  const first = dayOf(g.startMs) + 2;
  const days: number[] = [];
  for (let d = first; d <= dayOf(g.endMs - 1) + 2; d++) days.push(d);
  for (let i = days.length - 1; i > 0; i--) {
    const j = Math.floor(g.rnd() * (i + 1));
    [days[i], days[j]] = [days[j] as number, days[i] as number];
  }
  const wanted = (code: PayoutAnomaly): number => (g.rates[code] > 0 ? Math.max(1, Math.round(g.rates[code] * days.length)) : 0);
  const plans: PayoutPlan[] = ['AMBIGUOUS_MATCH', 'PAYOUT_MISMATCH', 'PAYOUT_NOT_IN_BANK', 'TIMING_DIFF'];
  for (const plan of plans) {
    let n = wanted(plan as PayoutAnomaly);
    for (const d of days) {
      if (n === 0) break;
      if (g.plan.has(d)) continue;
      if (plan === 'AMBIGUOUS_MATCH' && (g.plan.get(d - 1) === plan || g.plan.get(d + 1) === plan)) continue;
      g.plan.set(d, plan);
      n--;
    }
  }
}

// ---------------------------------------------------------------- orders

const FIRST_ORDER_NUMBER = 1001;

function generateOrder(g: Ctx, i: number): void {
  const span = g.endMs - g.startMs;
  const t = g.startMs + Math.floor(((i + g.rnd()) * span) / g.orderCount);
  g.queue.runUntil(t);
  const day = dayOf(t);
  if (g.held !== null && g.held.day !== day) releaseHeld(g);
  g.summary.orderNumbers++;
  if (g.plan.get(day + 2) === 'AMBIGUOUS_MATCH') {
    twinOrder(g, i, t, day);
    return;
  }
  const code = drawOrderAnomaly(g);
  const order = makeOrder(g, i, t, null);
  if (code === null || code === 'DISPUTE_OPEN') cleanOrder(g, order, code === 'DISPUTE_OPEN');
  else anomalousOrder(g, order, code);
}

function drawOrderAnomaly(g: Ctx): OrderAnomaly | null {
  let u = g.rnd();
  for (const code of ORDER_ANOMALIES) {
    u -= g.rates[code];
    if (u < 0) return code;
  }
  return null;
}

const FIRST_NAMES = [
  'ana',
  'ben',
  'chloe',
  'dev',
  'emma',
  'felix',
  'grace',
  'hiro',
  'isla',
  'jonas',
  'kira',
  'liam',
  'maya',
  'noah',
  'olga',
  'priya',
];
const LAST_NAMES = ['lopez', 'okafor', 'martin', 'patel', 'schmidt', 'nguyen', 'rossi', 'kim', 'dubois', 'silva', 'cohen', 'berg'];
/** [street, city, zip, province, province name, sales tax in basis points]. */
export const CUSTOMER_ADDRESSES: ReadonlyArray<readonly [string, string, string, string, string, number]> = [
  ['12 Hudson St', 'New York', '10013', 'NY', 'New York', 888],
  ['480 Pine Ave', 'Portland', '97205', 'OR', 'Oregon', 0],
  ['77 Elm Rd', 'Denver', '80203', 'CO', 'Colorado', 881],
  ['3 Harbor Way', 'Boston', '02110', 'MA', 'Massachusetts', 625],
  ['901 Lake Dr', 'Chicago', '60601', 'IL', 'Illinois', 1025],
  ['250 Congress Ave', 'Austin', '78701', 'TX', 'Texas', 825],
  ['18 Ocean Blvd', 'Miami', '33139', 'FL', 'Florida', 700],
];

const CATALOG: ReadonlyArray<[string, string, number, string]> = [
  ['Trail Socks', 'RO-SOCK-01', 1200, 'Ridge Outfitters'],
  ['Merino Beanie', 'RO-BEAN-02', 3400, 'Ridge Outfitters'],
  ['Rain Shell', 'RO-SHEL-03', 12950, 'Ridge Outfitters'],
  ['Down Vest', 'RO-VEST-04', 14900, 'Ridge Outfitters'],
  ['Camp Mug', 'CF-MUG-01', 1899, 'Campfire Goods'],
  ['Titanium Spork', 'CF-SPRK-02', 1495, 'Campfire Goods'],
  ['Headlamp 300', 'CF-LAMP-03', 4499, 'Campfire Goods'],
  ['Dry Bag 20L', 'CF-DRY-04', 2999, 'Campfire Goods'],
  ['Hiking Boots', 'SM-BOOT-01', 18999, 'Summit Footwear'],
  ['Trail Runners', 'SM-RUN-02', 13499, 'Summit Footwear'],
  ['Gaiters', 'SM-GAIT-03', 3999, 'Summit Footwear'],
  ['Gift Card', 'GIFT-25', 2500, 'Ridge Outfitters'],
];

/** A new order at paid time `t`; with `basket` it copies that order's lines and totals (the AMBIGUOUS twin). */
function makeOrder(g: Ctx, i: number, t: number, basket: SyntheticOrder | null): SyntheticOrder {
  const k = Math.floor(g.rnd() ** 2 * Math.max(50, Math.floor(g.orderCount / 3)));
  const first = FIRST_NAMES[k % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[Math.floor(k / FIRST_NAMES.length) % LAST_NAMES.length] as string;
  const createdMs = t - Math.floor(g.rnd() * 20_000);
  const fulfilled = g.rnd() < 0.7;
  const addressIndex = k % CUSTOMER_ADDRESSES.length;
  const amounts = basket ?? makeBasket(g, addressIndex);
  return {
    id: String(5_200_000_000_000 + (g.tag.charCodeAt(0) % 90) * 10_000_000 + i),
    name: `#${FIRST_ORDER_NUMBER + i}`,
    orderNumber: FIRST_ORDER_NUMBER + i,
    email: `${first}.${last}${k}@example.com`,
    customerName: `${capital(first)} ${capital(last)}`,
    currency: g.currency,
    createdMs,
    paidMs: t,
    financialStatus: 'paid',
    fulfilledMs: fulfilled ? t + Math.floor((1 + g.rnd() * 2) * DAY_MS) : null,
    subtotalMinor: amounts.subtotalMinor,
    shippingMinor: amounts.shippingMinor,
    taxesMinor: amounts.taxesMinor,
    discountMinor: amounts.discountMinor,
    discountCode: amounts.discountCode,
    totalMinor: amounts.totalMinor,
    refundedMinor: 0,
    lineItems: amounts.lineItems.map((l) => ({ ...l })),
    addressIndex,
    paymentReference: stripeId(g, 'pi'),
  };
}

type Basket = Pick<SyntheticOrder, 'subtotalMinor' | 'shippingMinor' | 'taxesMinor' | 'discountMinor' | 'discountCode' | 'totalMinor' | 'lineItems'>;

function makeBasket(g: Ctx, addressIndex: number): Basket {
  const u = g.rnd();
  const lines = u < 0.7 ? 1 : u < 0.92 ? 2 : 3;
  const lineItems: SyntheticLineItem[] = [];
  for (let n = 0; n < lines; n++) {
    const [name, sku, priceMinor, vendor] = CATALOG[Math.floor(g.rnd() * CATALOG.length)] as [string, string, number, string];
    lineItems.push({ name, sku, priceMinor, quantity: g.rnd() < 0.8 ? 1 : 2, vendor });
  }
  const subtotalMinor = lineItems.reduce((s, l) => s + l.priceMinor * l.quantity, 0);
  const discountCode = g.rnd() < 0.1 ? 'WELCOME10' : '';
  const discountMinor = discountCode === '' ? 0 : Math.floor((subtotalMinor + 5) / 10);
  const shippingMinor = subtotalMinor >= 7500 ? 0 : 595 + 100 * (addressIndex % 3);
  // The customer's state sales tax on the discounted goods, rounded half up in integers.
  const taxBps = (CUSTOMER_ADDRESSES[addressIndex] as readonly [string, string, string, string, string, number])[5];
  const taxesMinor = Math.floor(((subtotalMinor - discountMinor) * taxBps + 5000) / 10_000);
  const totalMinor = subtotalMinor - discountMinor + shippingMinor + taxesMinor;
  return { subtotalMinor, shippingMinor, taxesMinor, discountMinor, discountCode, totalMinor, lineItems };
}

/** A normal order: its charge, maybe a refund, maybe (DISPUTE_OPEN) a dispute. */
function cleanOrder(g: Ctx, order: SyntheticOrder, disputed: boolean): void {
  const charge = chargeFor(g, order, order.totalMinor);
  if (!disputed && g.rnd() < REFUND_RATE) scheduleRefund(g, order, charge);
  if (disputed) scheduleDispute(g, order, charge);
  emitOrder(g, order);
  queueCharge(g, charge, 'other');
  matchTruth(g, 'order_payment', [order.id], [charge.txnId]);
}

function anomalousOrder(g: Ctx, order: SyntheticOrder, code: Exclude<OrderAnomaly, 'DISPUTE_OPEN'>): void {
  switch (code) {
    case 'MISSING_PAYMENT':
      emitOrder(g, order);
      exceptionTruth(
        g,
        code,
        [order.id],
        `order ${order.name} paid; its payment intent ${order.paymentReference} is deliberately absent from Stripe`,
      );
      return;
    case 'MISSING_ORDER': {
      // An off-catalog amount (a manual or phone charge), so no other unmatched order pairs with it by amount by chance.
      const charge = chargeFor(g, order, 1500 + Math.floor(g.rnd() * 58_500));
      queueCharge(g, charge, 'other');
      exceptionTruth(g, code, [charge.txnId], `charge for order ${order.name}, which is deliberately absent from Shopify`);
      return;
    }
    case 'AMOUNT_MISMATCH':
    case 'ROUNDING_DIFF':
      amountDifference(g, order, code);
      return;
    case 'DUPLICATE_PAYMENT':
      duplicatePayment(g, order);
      return;
    case 'REFUND_UNMATCHED':
      cleanOrder(g, order, false);
      orphanRefund(g, order.paidMs + Math.floor((5 + g.rnd() * 55) * MIN_MS));
      return;
  }
}

/** The charge is found by key (same payment intent) but its amount differs: by 1 minor unit, or well beyond any tolerance. */
function amountDifference(g: Ctx, order: SyntheticOrder, code: 'AMOUNT_MISMATCH' | 'ROUNDING_DIFF'): void {
  const sign = g.rnd() < 0.5 ? -1 : 1;
  let delta = code === 'ROUNDING_DIFF' ? sign : Math.max(200, Math.floor((order.totalMinor * (5 + Math.floor(g.rnd() * 20))) / 100));
  if (code === 'AMOUNT_MISMATCH' && (sign > 0 || order.totalMinor - delta < 100)) delta = Math.abs(delta);
  else if (code === 'AMOUNT_MISMATCH') delta = -delta;
  const charge = chargeFor(g, order, order.totalMinor + delta);
  emitOrder(g, order);
  queueCharge(g, charge, 'other');
  if (code === 'ROUNDING_DIFF') matchTruth(g, 'order_payment', [order.id], [charge.txnId], code);
  exceptionTruth(g, code, [order.id, charge.txnId], `order total ${order.totalMinor}, charge ${charge.amountMinor} (difference ${delta})`);
}

function duplicatePayment(g: Ctx, order: SyntheticOrder): void {
  const first = chargeFor(g, order, order.totalMinor);
  const second = chargeFor(g, order, order.totalMinor);
  second.t = first.t + Math.floor((2 + g.rnd() * 28) * MIN_MS);
  second.intentId = stripeId(g, 'pi');
  emitOrder(g, order);
  queueCharge(g, first, 'other');
  queueCharge(g, second, 'other');
  // The first charge carries the order's own payment reference: it is the order's payment. The second
  // is the duplicate to refund, reported with the order.
  matchTruth(g, 'order_payment', [order.id], [first.txnId]);
  exceptionTruth(g, 'DUPLICATE_PAYMENT', [order.id, first.txnId, second.txnId], `order ${order.name} charged twice`);
}

/** AMBIGUOUS_MATCH source day: orders come in identical-basket pairs whose charges go to payouts a and b. */
function twinOrder(g: Ctx, i: number, t: number, day: number): void {
  const partner = g.held?.charge.order ?? null;
  const order = makeOrder(g, i, t, partner);
  const charge = chargeFor(g, order, order.totalMinor);
  // A twin charge must stay on its order's day, or it would land in the next day's payout without its partner.
  charge.t = Math.min(charge.t, (day + 1) * DAY_MS - 1);
  emitOrder(g, order);
  matchTruth(g, 'order_payment', [order.id], [charge.txnId]);
  if (g.held === null) {
    g.held = { day, charge };
    return;
  }
  queueCharge(g, g.held.charge, 'a');
  queueCharge(g, charge, 'b');
  g.held = null;
}

/** A twin left without a partner at the end of its day goes to an ordinary payout. */
function releaseHeld(g: Ctx): void {
  if (g.held === null) return;
  queueCharge(g, g.held.charge, 'other');
  g.held = null;
}

function emitOrder(g: Ctx, order: SyntheticOrder): void {
  g.sink.order(order);
  g.summary.orders++;
  g.summary.lineItems += order.lineItems.length;
}

// ---------------------------------------------------------------- Stripe balance items

function chargeFor(g: Ctx, order: SyntheticOrder, amountMinor: number): ChargeSpec {
  return {
    t: order.paidMs + Math.floor((3 + g.rnd() * 42) * 1000),
    order,
    amountMinor,
    txnId: stripeId(g, 'txn'),
    chargeId: stripeId(g, 'ch'),
    intentId: order.paymentReference,
    customerId: `cus_${g.tag}${hashEmail(order.email)}`,
  };
}

/** Stripe's standard US pricing, 2.9% + 30¢, rounded half up without floats. */
export function stripeFee(amountMinor: number): number {
  return Math.floor((amountMinor * 29 + 500) / 1000) + 30;
}

function queueCharge(g: Ctx, c: ChargeSpec, role: PayoutRole): void {
  g.queue.push(c.t, () => {
    const fee = stripeFee(c.amountMinor);
    const row = stripeRow(g, c.t, 'charge', c.amountMinor, fee, {
      id: c.txnId,
      sourceId: c.chargeId,
      description: `Order ${c.order.name}`,
      email: c.order.email,
      orderId: String(c.order.orderNumber),
      paymentIntentId: c.intentId,
      chargeId: c.chargeId,
      customerId: c.customerId,
    });
    addToPayout(g, row, role);
  });
}

function scheduleRefund(g: Ctx, order: SyntheticOrder, c: ChargeSpec): void {
  const t = laterInMonth(g, c.t, 10);
  if (t === null) return;
  const full = g.rnd() < 0.4;
  const amount = full ? c.amountMinor : Math.max(1, Math.floor((c.amountMinor * (10 + Math.floor(g.rnd() * 80))) / 100));
  order.financialStatus = full ? 'refunded' : 'partially_refunded';
  order.refundedMinor = amount;
  const txnId = stripeId(g, 'txn');
  const refundId = stripeId(g, 're');
  matchTruth(g, 'refund_payment', [txnId], [c.txnId]);
  // The store shows the refund too (Refunded Amount): the processor's refund and the order's agree.
  matchTruth(g, 'order_refund', [order.id], [txnId]);
  g.queue.push(t, () => {
    const row = stripeRow(g, t, 'refund', -amount, 0, {
      ...linked(c),
      id: txnId,
      sourceId: refundId,
      description: `REFUND FOR CHARGE (Order ${order.name})`,
    });
    addToPayout(g, row, 'other');
  });
}

function scheduleDispute(g: Ctx, order: SyntheticOrder, c: ChargeSpec): void {
  const t = laterInMonth(g, c.t, 20) ?? c.t + 1000;
  const txnId = stripeId(g, 'txn');
  const disputeId = stripeId(g, 'du');
  exceptionTruth(g, 'DISPUTE_OPEN', [txnId, c.txnId, order.id], `chargeback on order ${order.name}, dispute fee ${DISPUTE_FEE_MINOR}`);
  matchTruth(g, 'dispute_payment', [txnId], [c.txnId]);
  g.queue.push(t, () => {
    const row = stripeRow(g, t, 'dispute', -c.amountMinor, DISPUTE_FEE_MINOR, {
      ...linked(c),
      id: txnId,
      sourceId: disputeId,
      description: `Chargeback withdrawal for ${c.chargeId}`,
    });
    addToPayout(g, row, 'other');
  });
}

/** REFUND_UNMATCHED: a refund of a charge (and order) that exist nowhere in these files, e.g. from before the period. */
function orphanRefund(g: Ctx, t: number): void {
  const txnId = stripeId(g, 'txn');
  const chargeId = stripeId(g, 'ch');
  const amount = 500 + Math.floor(g.rnd() * 20_000);
  exceptionTruth(g, 'REFUND_UNMATCHED', [txnId], `refund of ${chargeId}, a charge that is deliberately absent`);
  g.queue.push(t, () => {
    const row = stripeRow(g, t, 'refund', -amount, 0, {
      id: txnId,
      sourceId: stripeId(g, 're'),
      description: `REFUND FOR CHARGE (${chargeId})`,
      email: '',
      orderId: '',
      paymentIntentId: stripeId(g, 'pi'),
      chargeId,
      customerId: '',
    });
    addToPayout(g, row, 'other');
  });
}

type RowIds = Pick<SyntheticMonthStripeRow, 'id' | 'sourceId' | 'description' | 'email' | 'orderId' | 'paymentIntentId' | 'chargeId' | 'customerId'>;

function linked(c: ChargeSpec): Omit<RowIds, 'id' | 'sourceId' | 'description'> {
  return { email: c.order.email, orderId: String(c.order.orderNumber), paymentIntentId: c.intentId, chargeId: c.chargeId, customerId: c.customerId };
}

/** A balance item; available_on = created date + 2 days. The payout id is filled in by addToPayout. */
function stripeRow(g: Ctx, t: number, category: string, grossMinor: number, feeMinor: number, ids: RowIds): SyntheticMonthStripeRow {
  return {
    ...ids,
    created: utcText(t),
    available: utcText((dayOf(t) + 2) * DAY_MS),
    currency: g.currency.toLowerCase(),
    grossMinor,
    feeMinor,
    category,
    payoutId: '',
  };
}

/** A time 1 hour to `maxDays` days after `t` and before the month ends; null when the month has under 2 hours left. */
function laterInMonth(g: Ctx, t: number, maxDays: number): number | null {
  const room = Math.min(maxDays * DAY_MS, g.endMs - t - MIN_MS);
  if (room < 2 * HOUR_MS) return null;
  return t + HOUR_MS + Math.floor(g.rnd() * (room - HOUR_MS));
}

// ---------------------------------------------------------------- payouts and bank

function addToPayout(g: Ctx, row: SyntheticMonthStripeRow, role: PayoutRole): void {
  let day = Date.parse(`${row.available.slice(0, 10)}T00:00:00Z`) / DAY_MS;
  if (role === 'other') while (g.plan.get(day) === 'AMBIGUOUS_MATCH') day++;
  const bucket = bucketFor(g, day, role === 'b' ? 'b' : 'a');
  if (bucket.flushed) throw new Error(`internal: item ${row.id} reached payout ${bucket.payoutId} after it was paid out`);
  row.payoutId = bucket.payoutId;
  bucket.sumNet += row.grossMinor - row.feeMinor;
  bucket.items++;
  emitStripe(g, row);
  if (g.plan.get(day) !== 'PAYOUT_MISMATCH') matchTruth(g, 'payment_payout', [row.id], [bucket.txnId]);
}

function bucketFor(g: Ctx, day: number, role: 'a' | 'b'): Bucket {
  const key = `${day}${role}`;
  let bucket = g.buckets.get(key);
  if (bucket !== undefined) return bucket;
  bucket = { day, role, payoutId: stripeId(g, 'po'), txnId: stripeId(g, 'txn'), sumNet: 0, items: 0, flushed: false };
  g.buckets.set(key, bucket);
  if (!g.buckets.has(`${day}${role === 'a' ? 'b' : 'a'}`)) {
    const at = day * DAY_MS + 2 * HOUR_MS + Math.floor(g.rnd() * 59) * MIN_MS;
    g.queue.push(at, () => flushPayoutDay(g, day, at));
  }
  return bucket;
}

function flushPayoutDay(g: Ctx, day: number, at: number): void {
  const a = g.buckets.get(`${day}a`);
  const b = g.buckets.get(`${day}b`);
  g.buckets.delete(`${day}a`);
  g.buckets.delete(`${day}b`);
  const twins = a !== undefined && b !== undefined && a.sumNet === b.sumNet && a.sumNet > 0;
  if (twins) {
    ambiguousPair(g, a, b, at);
    return;
  }
  if (a !== undefined) payout(g, a, at, g.plan.get(day) === 'AMBIGUOUS_MATCH' ? 'normal' : (g.plan.get(day) ?? 'normal'));
  if (b !== undefined) payout(g, b, at + 3 * MIN_MS, 'normal');
}

function payoutRow(g: Ctx, bucket: Bucket, at: number, amountMinor: number): void {
  bucket.flushed = true;
  const row: SyntheticMonthStripeRow = {
    id: bucket.txnId,
    created: utcText(at),
    available: utcText((bucket.day + 1) * DAY_MS),
    currency: g.currency.toLowerCase(),
    grossMinor: -amountMinor,
    feeMinor: 0,
    category: 'payout',
    sourceId: bucket.payoutId,
    description: 'STRIPE PAYOUT',
    email: '',
    payoutId: bucket.payoutId,
    orderId: '',
    paymentIntentId: '',
    chargeId: '',
    customerId: '',
  };
  emitStripe(g, row);
  g.summary.payouts++;
}

function payout(g: Ctx, bucket: Bucket, at: number, plan: PayoutPlan): void {
  let amount = bucket.sumNet;
  if (plan === 'PAYOUT_MISMATCH') {
    const size = 100 + Math.floor(g.rnd() * 4900);
    // Short by `size` when that keeps the payout positive, else over by it.
    amount += g.rnd() < 0.5 && amount - size > 0 ? -size : size;
    exceptionTruth(g, plan, [bucket.txnId], `payout ${bucket.payoutId} of ${amount} but its ${bucket.items} items net ${bucket.sumNet}`);
  }
  payoutRow(g, bucket, at, amount);
  if (plan === 'PAYOUT_NOT_IN_BANK') {
    exceptionTruth(g, plan, [bucket.txnId], `payout ${bucket.payoutId} has no bank credit`);
    return;
  }
  if (amount === 0) return;
  const timing = plan === 'TIMING_DIFF';
  const booking = timing ? nextBusinessDay(bucket.day + TIMING_DIFF_MIN_DAYS + Math.floor(g.rnd() * 2)) : addBusinessDays(bucket.day, bankDelay(g));
  const withId = timing || g.rnd() < 0.8;
  const line = bankLine(g, booking, amount, withId ? `STRIPE PAYOUTS ${bucket.payoutId}` : 'STRIPE');
  if (timing) exceptionTruth(g, plan, [bucket.txnId, line.bankReference], `credited ${booking - bucket.day} days after the payout`);
  matchTruth(g, 'payout_bank', [bucket.txnId], [line.bankReference], timing ? plan : undefined);
}

/** Two payouts of one amount on one day, both credited the same day as plain "STRIPE": neither pairing is better. */
function ambiguousPair(g: Ctx, a: Bucket, b: Bucket, at: number): void {
  payoutRow(g, a, at, a.sumNet);
  payoutRow(g, b, at + 3 * MIN_MS, b.sumNet);
  const booking = addBusinessDays(a.day, bankDelay(g));
  const la = bankLine(g, booking, a.sumNet, 'STRIPE');
  const lb = bankLine(g, booking, b.sumNet, 'STRIPE');
  exceptionTruth(
    g,
    'AMBIGUOUS_MATCH',
    [a.txnId, b.txnId, la.bankReference, lb.bankReference],
    `payouts ${a.payoutId} and ${b.payoutId} both ${a.sumNet}, credited ${dateText(booking)} without ids`,
  );
}

function bankDelay(g: Ctx): number {
  const u = g.rnd();
  return u < 0.5 ? 1 : u < 0.85 ? 2 : 3;
}

const STRANGERS: ReadonlyArray<[string, string]> = [
  ['SHOPIFY CAPITAL', 'SHOPIFY CAPITAL ADVANCE'],
  ['FIRST NATIONAL', 'INTEREST CREDIT'],
  ['ACME WHOLESALE LLC', 'WIRE REFUND INV 88213'],
  ['US TREASURY', 'IRS TREAS 310 TAX REF'],
  ['PAYPAL', 'PAYPAL TRANSFER'],
];

function addUnknownBankLines(g: Ctx): void {
  const days = dayOf(g.endMs - 1) - dayOf(g.startMs) + 3;
  const n = g.rates.UNKNOWN_BANK_LINE > 0 ? Math.max(1, Math.round(g.rates.UNKNOWN_BANK_LINE * days)) : 0;
  for (let k = 0; k < n; k++) {
    const booking = nextBusinessDay(dayOf(g.startMs) + 1 + Math.floor(g.rnd() * (days - 1)));
    const [name, text] = STRANGERS[Math.floor(g.rnd() * STRANGERS.length)] as [string, string];
    const line = bankLine(g, booking, 1000 + Math.floor(g.rnd() * 250_000), text, name);
    exceptionTruth(g, 'UNKNOWN_BANK_LINE', [line.bankReference], `${text}: no payout behind it`);
  }
}

function bankLine(g: Ctx, bookingDay: number, amountMinor: number, remittance: string, counterparty = 'STRIPE'): SyntheticBankLine {
  const line: SyntheticBankLine = {
    bankReference: `BK${g.tag.toUpperCase()}${String(++g.counter).padStart(9, '0')}`,
    bookingDate: dateText(bookingDay),
    valueDate: dateText(bookingDay),
    amountMinor,
    currency: g.currency,
    counterpartyName: counterparty,
    remittance,
  };
  g.bankLines.push(line);
  return line;
}

// ---------------------------------------------------------------- output and helpers

function emitStripe(g: Ctx, row: SyntheticMonthStripeRow): void {
  g.sink.stripeRow(row);
  g.summary.stripeRows++;
  g.summary.stripeByCategory[row.category as keyof MonthSummary['stripeByCategory']]++;
  noteDate(g, row.created.slice(0, 10));
}

function matchTruth(g: Ctx, strategy: TruthLink, left: string[], right: string[], autoResolved?: AnomalyCode): void {
  g.sink.truth(
    autoResolved === undefined
      ? { type: 'match', strategy, keys: { left, right } }
      : { type: 'match', strategy, keys: { left, right }, autoResolved },
  );
  g.summary.matches[strategy]++;
  g.summary.truthRecords++;
}

function exceptionTruth(g: Ctx, code: AnomalyCode, externalIds: string[], note: string): void {
  g.sink.truth({ type: 'exception', code, externalIds, note });
  g.summary.anomalies[code]++;
  g.summary.truthRecords++;
}

function noteDate(g: Ctx, date: string): void {
  if (date > g.summary.dateRange.to) g.summary.dateRange.to = date;
}

/** Unique ids shaped like Stripe's: prefix, a per-seed tag, a counter (so two seeds never share an id). */
function stripeId(g: Ctx, prefix: string): string {
  return `${prefix}_3${g.tag}${(++g.counter).toString(36).padStart(10, '0')}`;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function idTag(rnd: () => number): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += ID_CHARS[Math.floor(rnd() * ID_CHARS.length)];
  return s;
}

function hashEmail(email: string): string {
  let h = 2166136261;
  for (let i = 0; i < email.length; i++) h = Math.imul(h ^ email.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36).padStart(7, '0');
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function dateText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Stripe's report format: `2026-10-01 13:12:50` (UTC). */
export function utcText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function isWeekend(day: number): boolean {
  const dow = (day + 4) % 7; // 1970-01-01 was a Thursday
  return dow === 0 || dow === 6;
}

function nextBusinessDay(day: number): number {
  let d = day;
  while (isWeekend(d)) d++;
  return d;
}

function addBusinessDays(day: number, n: number): number {
  let d = day;
  for (let k = 0; k < n; k++) d = nextBusinessDay(d + 1);
  return d;
}
