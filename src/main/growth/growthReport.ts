// The growth tie-out for one month (issue 15): the day × platform table and its gaps, spend ↔ billing ↔ cash,
// orders ↔ shipments and the campaign-ready figure, computed from the ledger. One service for the CLI
// (`tieout growth`), the API (`growth.report`) and the Growth screen.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { GrowthReport } from '../../shared/growth/growthReport.ts';
import { AD_STATES } from '../import/ads/adRecords.ts';
import { sourceTimeZone } from '../import/importFiles.ts';
import { latestEvents, num, type LedgerEvent } from './growthEvents.ts';
import { dayIn, orderFacts, type OrderFacts } from './orderFacts.ts';
import { buildDayTable } from './dayTable.ts';
import { spendBillingByPlatform } from './spendBilling.ts';
import { DEFAULT_PAID_NOT_SHIPPED_DAYS, orderKey, tieOrdersToShipments } from './orderShipments.ts';
import { campaignReadyByDay, ordersTiedToCash } from './campaignReady.ts';
import { readGrowthFeeds } from './growthFeeds.ts';
import { startOfDay } from '../import/ads/adRecords.ts';
import { UserError } from '../../shared/errors/userError.ts';

export class GrowthError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export interface GrowthOptions {
  /** YYYY-MM; default: the month of the latest ad spend (else order) in the ledger. */
  period?: string;
  paidNotShippedDays?: number;
}

/** Orders and shipments are read this many days either side of the period: a platform day can start a day early. */
const MARGIN_DAYS = 2;

export function monthDays(period: string): string[] {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: n }, (_, i) => `${period}-${String(i + 1).padStart(2, '0')}`);
}

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function defaultPeriod(db: LedgerDb): string {
  const latest =
    (db.prepare("SELECT max(local_date) FROM events WHERE kind = 'ad_spend' AND state = 'spent'").pluck().get() as string | null) ??
    (db.prepare("SELECT max(occurred_at) FROM events WHERE kind = 'order'").pluck().get() as string | null);
  if (latest === null)
    throw new GrowthError('the ledger holds no ad spend and no orders yet: import an ad platform export and a store orders export first');
  return latest.slice(0, 7);
}

/** The processor's conversion of orders in another currency: the amount of their matched payment in `currency`. */
export function fxBasis(db: LedgerDb, orders: readonly OrderFacts[], currency: string): Map<number, number> {
  const foreign = orders.filter((o) => o.event.currency !== currency).map((o) => o.event.seq);
  const out = new Map<number, number>();
  if (foreign.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT o.event_seq, sum(p.amount_minor)
         FROM matches m
         JOIN match_members o ON o.match_seq = m.seq AND o.side = 'left'
         JOIN match_members pm ON pm.match_seq = m.seq AND pm.side = 'right'
         JOIN events p ON p.seq = pm.event_seq
        WHERE m.link = 'order_payment' AND m.ended_at IS NULL AND p.currency = ? AND o.event_seq IN (SELECT value FROM json_each(?))
        GROUP BY o.event_seq`,
    )
    .raw()
    .all(currency, JSON.stringify(foreign)) as Array<[number, number]>;
  for (const [seq, amount] of rows) out.set(seq, amount);
  return out;
}

/** The zone each platform's days are in: its spend source's (source_time_zones), else the workspace's. */
export function platformZones(settings: WorkspaceSettings, adEvents: readonly LedgerEvent[]): Record<string, string> {
  const zones: Record<string, string> = {};
  for (const e of adEvents) if (e.state === AD_STATES.spent && e.channel !== null) zones[e.channel] ??= sourceTimeZone(settings, e.source);
  return zones;
}

/** Every order name the ledger knows (any period), folded as orders and shipments join. */
export function knownOrderKeys(db: LedgerDb): Set<string> {
  return new Set(
    (db.prepare("SELECT DISTINCT order_ref FROM events WHERE kind = 'order' AND order_ref IS NOT NULL").pluck().all() as string[]).map(orderKey),
  );
}

/** The ledger's latest business time: "now" for every figure, never the wall clock. */
export function ledgerAsOf(db: LedgerDb): string | null {
  return db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
}

export function paidNotShippedDays(settings: WorkspaceSettings): number {
  return settings.growth?.paid_not_shipped_days ?? DEFAULT_PAID_NOT_SHIPPED_DAYS;
}

export function computeGrowth(db: LedgerDb, settings: WorkspaceSettings, options: GrowthOptions = {}): GrowthReport {
  const period = options.period ?? defaultPeriod(db);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new GrowthError(`--period "${period}" is not a month (YYYY-MM)`);
  const currency = settings.reporting_currency;
  const storeTimeZone = settings.time_zone;
  const days = monthDays(period);
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const from = startOfDay(shiftDate(first, -MARGIN_DAYS), 'UTC');
  const to = startOfDay(shiftDate(last, MARGIN_DAYS + 1), 'UTC');

  const adEvents = latestEvents(db, 'ad_spend', from, to).filter((e) => inPeriod(e, first, last));
  const platforms = [...new Set(adEvents.map((e) => e.channel ?? '').filter((p) => p !== ''))].sort();
  const platformTimeZones = platformZones(settings, adEvents);
  const orders = latestEvents(db, 'order', from, to).map(orderFacts);
  for (const o of orders) {
    const p = o.attribution.platform;
    if (p !== null && !platforms.includes(p)) platforms.push(p);
  }
  platforms.sort();
  const converted = fxBasis(db, orders, currency);
  const spendRows = adEvents.filter((e) => e.state === AD_STATES.spent && e.attrs.period_total !== true);
  const rows = buildDayTable({
    days,
    platforms,
    currency,
    storeTimeZone,
    platformTimeZones,
    spend: spendRows,
    charges: adEvents.filter((e) => e.state === AD_STATES.billed),
    orders,
    converted,
  });

  const debits = latestEvents(db, 'bank_debit', from, startOfDay(shiftDate(last, 8), 'UTC'));
  const fulfillments = latestEvents(db, 'fulfillment', from, startOfDay(shiftDate(last, 60), 'UTC'));
  const asOf = ledgerAsOf(db) ?? to;
  const shipmentsThrough = readGrowthFeeds(db).shipmentsThrough;
  const tied = ordersTiedToCash(db);
  const asOfDay = dayIn(asOf, storeTimeZone);
  return {
    period,
    currency,
    storeTimeZone,
    platformTimeZones,
    rows,
    periodTotals: adEvents
      .filter((e) => e.state === AD_STATES.spent && e.attrs.period_total === true)
      .map((e) => ({
        platform: e.channel ?? '',
        source: e.source,
        start: String(e.attrs.reporting_start),
        end: String(e.attrs.reporting_end),
        spendMinor: -e.amountMinor,
        currency: e.currency,
        platformConversions: num(e.attrs, 'conversions'),
        platformValueMinor: num(e.attrs, 'conversion_value_minor'),
      })),
    unconverted: unconverted(spendRows, orders, currency, converted, storeTimeZone, new Set(days)),
    spendBilling: spendBillingByPlatform({ platforms, adEvents, debits }),
    shipments: tieOrdersToShipments({
      orders,
      fulfillments,
      storeTimeZone,
      asOf: shipmentsThrough === null ? null : new Date(shipmentsThrough).toISOString(),
      paidNotShippedDays: options.paidNotShippedDays ?? paidNotShippedDays(settings),
      days: new Set(days),
      knownOrderKeys: knownOrderKeys(db),
    }),
    campaignReady: campaignReadyByDay(days, orders, tied, currency, storeTimeZone, converted),
    yesterday: asOfDay > first ? (shiftDate(asOfDay, -1) > last ? last : shiftDate(asOfDay, -1)) : null,
  };
}

/** Whether an ad event belongs to the period: its platform day, or (period totals, billing ranges) its period's end. */
function inPeriod(e: LedgerEvent, first: string, last: string): boolean {
  const day = e.localDate ?? (typeof e.attrs.reporting_end === 'string' ? e.attrs.reporting_end : e.occurredAt.slice(0, 10));
  return day >= first && day <= last;
}

function unconverted(
  spend: readonly LedgerEvent[],
  orders: readonly OrderFacts[],
  currency: string,
  converted: ReadonlyMap<number, number>,
  storeTimeZone: string,
  days: ReadonlySet<string>,
): GrowthReport['unconverted'] {
  const out = new Map<string, GrowthReport['unconverted'][number]>();
  const entry = (platform: string, cur: string): GrowthReport['unconverted'][number] => {
    const key = `${platform}\u0000${cur}`;
    let e = out.get(key);
    if (e === undefined) {
      e = { platform, currency: cur, spendMinor: 0, valueMinor: 0, orders: 0 };
      out.set(key, e);
    }
    return e;
  };
  for (const e of spend) {
    if (e.currency === currency) continue;
    const u = entry(e.channel ?? '', e.currency);
    u.spendMinor += -e.amountMinor;
    u.valueMinor += num(e.attrs, 'conversion_value_minor') ?? 0;
  }
  for (const o of orders) {
    if (o.event.currency === currency || converted.has(o.event.seq) || !days.has(dayIn(o.placedAt, storeTimeZone))) continue;
    const u = entry(o.attribution.platform ?? 'not_attributable', o.event.currency);
    u.orders++;
    u.valueMinor += o.grossMinor;
  }
  return [...out.values()];
}
