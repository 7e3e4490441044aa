// The synthetic month's growth side (issue 15): which ad platform each order came from, what Meta and Google claim
// per day, their spend and billing, and the ShipStation shipments, with injected gaps and their truth.
//
// Model (own random stream, so the order-to-cash month is byte-for-byte what it was without it):
//   attribution  35% of orders utm_source=facebook with an fbclid, 25% utm_source=google with a gclid, the rest none;
//                6% of Google's also carry an fbclid (Meta claims them too: duplicates); 1.5% of Meta's are tagged
//                `test` (test orders the pixel counted).
//   claims       each platform claims its orders at their gross on its own day (Meta's account is in
//                America/Los_Angeles, the store in New York: orders placed before 03:00 ET fall on the previous Meta
//                day), Meta also the duplicates, plus a view-through/attribution residual of 8% (Meta) and 5%
//                (Google) of that day's attributed gross. Refunds are in the month already (the store nets them).
//   spend        a third of the day's claimed value, split 60/40 over two campaigns.
//   billing      Meta charges 2,000.00 each time the unbilled balance (spend − a 50.00 ad credit on the 15th) reaches
//                it; Google 1,500.00. The month-end remainder stays unbilled (charged next month): that is the truth's
//                `unbilled`.
//   fulfilment   the store fulfils every order it keeps (the order-to-cash month leaves 30% unfulfilled): an unfulfilled
//                order not fully refunded is fulfilled 1-3 days after it was paid, except 1.5% left paid and never
//                shipped (the truth's `paidNotShipped`).
//   shipments    one ShipStation label per fulfilled order on its fulfilment day, except: 2% never reach ShipStation
//                (the store says fulfilled), 2% have a voided label and its replacement, 3% ship in two parcels, 1% ship
//                one unit short; plus two shipments for orders that do not exist and one whose order id a spreadsheet
//                mangled. A fully refunded order that shipped is reported as such.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utcInstantToLocalDate } from '../../shared/time/dateText.ts';
import { seededRandom } from './stripeBalanceCsvWriter.ts';
import type { SyntheticOrder } from './monthGenerator.ts';
import { csvField } from './shopifyOrdersWriter.ts';

const DAY_MS = 86_400_000;

export const META_TIME_ZONE = 'America/Los_Angeles';
export const STORE_TIME_ZONE = 'America/New_York';
export const GROWTH_FILES = {
  metaAds: 'meta-ads-export.csv',
  googleAds: 'google-ads-report.csv',
  metaBilling: 'meta-billing.csv',
  googleBilling: 'google-ads-billing.csv',
  shipstation: 'shipstation-shipments.csv',
  truth: 'growth-truth.json',
} as const;

const RESIDUAL_PERCENT: Record<'meta' | 'google', number> = { meta: 8, google: 5 };
const THRESHOLD_MINOR: Record<'meta' | 'google', number> = { meta: 200_000, google: 150_000 };
const META_CREDIT_MINOR = 5000;
const GOOGLE_PROMOTION_MINOR = 10_000;

export interface GrowthTruth {
  period: string;
  /** Per platform and day: the parts of the gap the month injected. */
  days: Array<{ platform: 'meta' | 'google'; date: string; claimedMinor: number; residualMinor: number; duplicatesMinor: number }>;
  /** Per store day: Meta-attributed test orders' gross. */
  metaTestOrders: Array<{ date: string; grossMinor: number; orders: string[] }>;
  billing: Array<{
    platform: 'meta' | 'google';
    spendMinor: number;
    creditsMinor: number;
    billedMinor: number;
    unbilledMinor: number;
    charges: number;
  }>;
  shipments: {
    storeFulfilledNoShipment: string[];
    /** Paid, never fulfilled by the store nor shipped. */
    paidNotShipped: string[];
    voided: string[];
    split: string[];
    quantityShort: string[];
    refundedButShipped: string[];
    orphans: string[];
    mangled: string[];
  };
}

interface OrderNote {
  name: string;
  id: string;
  createdMs: number;
  grossMinor: number;
  platform: 'meta' | 'google' | null;
  alsoMeta: boolean;
  test: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const money = (minor: number): string => `${Math.floor(minor / 100)}.${pad(minor % 100)}`;
const grouped = (minor: number): string => {
  const units = Math.floor(minor / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${units}.${pad(minor % 100)}`;
};
const dayOf = (ms: number, zone: string): string => utcInstantToLocalDate(new Date(ms).toISOString(), zone);
const usDate = (date: string): string => `${date.slice(5, 7)}/${date.slice(8, 10)}/${date.slice(0, 4)}`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const longDate = (date: string): string => `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}, ${date.slice(0, 4)}`;

export class GrowthMonth {
  private readonly rnd: () => number;
  private readonly notes: OrderNote[] = [];
  private readonly shipments: string[] = [];
  private readonly truthShipments: GrowthTruth['shipments'] = {
    storeFulfilledNoShipment: [],
    paidNotShipped: [],
    voided: [],
    split: [],
    quantityShort: [],
    refundedButShipped: [],
    orphans: [],
    mangled: [],
  };
  private tracking = 0;
  private readonly period: string;

  constructor(seed: number, startDate: string) {
    this.rnd = seededRandom((seed ^ 0x9e3779b9) >>> 0);
    this.period = startDate.slice(0, 7);
  }

  /** Decides the order's attribution (writing its Note Attributes and Tags) and its shipments; call before it is written. */
  observe(o: SyntheticOrder): void {
    const u = this.rnd();
    const platform: OrderNote['platform'] = u < 0.35 ? 'meta' : u < 0.6 ? 'google' : null;
    const alsoMeta = platform === 'google' && this.rnd() < 0.06;
    const test = platform === 'meta' && this.rnd() < 0.015;
    const lines: string[] = [];
    if (platform === 'meta') lines.push('utm_source: facebook', 'utm_medium: paid_social', `fbclid: IwAR${o.orderNumber.toString(36)}`);
    if (platform === 'google') lines.push('utm_source: google', 'utm_medium: cpc', `gclid: Cj0K${o.orderNumber.toString(36)}`);
    if (alsoMeta) lines.push(`fbclid: IwAR${o.orderNumber.toString(36)}x`);
    if (lines.length > 0) o.noteAttributes = lines.join('\n');
    if (test) o.tags = 'test';
    this.notes.push({ name: o.name, id: o.id, createdMs: o.createdMs, grossMinor: o.totalMinor, platform, alsoMeta, test });
    this.shipOrder(o);
  }

  private label(o: SyntheticOrder, date: string, items: Array<[string, string, number]>, voided: boolean, orderNumber = o.name): void {
    const trk = `1Z9G${String(++this.tracking).padStart(12, '0')}`;
    const cost = 600 + Math.floor(this.rnd() * 900);
    for (const [sku, name, qty] of items) {
      this.shipments.push(
        [orderNumber, usDate(date), 'UPS', 'UPS Ground', trk, money(cost), voided ? 'true' : 'false', sku, name, String(qty)].map(csvField).join(','),
      );
    }
  }

  /** The store fulfils what the order-to-cash month left unfulfilled, but for the injected paid-and-never-shipped. */
  private fulfil(o: SyntheticOrder): void {
    if (o.fulfilledMs !== null || o.financialStatus === 'refunded') return;
    if (this.rnd() < 0.015) {
      this.truthShipments.paidNotShipped.push(o.name);
      return;
    }
    o.fulfilledMs = o.paidMs + Math.floor((1 + this.rnd() * 2) * DAY_MS);
  }

  private shipOrder(o: SyntheticOrder): void {
    this.fulfil(o);
    if (o.fulfilledMs === null) return;
    const date = dayOf(o.fulfilledMs, STORE_TIME_ZONE);
    const items = o.lineItems.map((l): [string, string, number] => [l.sku, l.name, l.quantity]);
    const units = items.reduce((s, i) => s + i[2], 0);
    const u = this.rnd();
    if (u < 0.02) {
      this.truthShipments.storeFulfilledNoShipment.push(o.name);
      return;
    }
    if (u < 0.04) {
      this.label(o, date, items, true);
      this.label(o, date, items, false);
      this.truthShipments.voided.push(o.name);
    } else if (u < 0.07 && items.length >= 2) {
      this.label(o, date, items.slice(0, 1), false);
      this.label(o, date, items.slice(1), false);
      this.truthShipments.split.push(o.name);
    } else if (u < 0.08 && units >= 2) {
      const short = items.map((i, k): [string, string, number] => (k === 0 && i[2] >= 2 ? [i[0], i[1], i[2] - 1] : i));
      const shortened = short.reduce((s, i) => s + i[2], 0) < units ? short : items.slice(1);
      this.label(o, date, shortened, false);
      if (o.financialStatus !== 'refunded') this.truthShipments.quantityShort.push(o.name);
    } else {
      this.label(o, date, items, false);
    }
    if (o.financialStatus === 'refunded') this.truthShipments.refundedButShipped.push(o.name);
  }

  /** Writes the ad exports, billing, shipments and the growth truth into `dir`. */
  finish(dir: string): GrowthTruth {
    const claims = { meta: new Map<string, [number, number, number]>(), google: new Map<string, [number, number, number]>() };
    const testByDay = new Map<string, { gross: number; orders: string[] }>();
    const add = (platform: 'meta' | 'google', date: string, attributed: number, duplicate: number): void => {
      const c = claims[platform].get(date) ?? [0, 0, 0];
      c[0] += attributed;
      c[1] += duplicate;
      c[2] += (attributed > 0 ? 1 : 0) + (duplicate > 0 ? 1 : 0);
      claims[platform].set(date, c);
    };
    for (const n of this.notes) {
      if (n.platform === 'meta') add('meta', dayOf(n.createdMs, META_TIME_ZONE), n.grossMinor, 0);
      if (n.platform === 'google') add('google', dayOf(n.createdMs, STORE_TIME_ZONE), n.grossMinor, 0);
      if (n.alsoMeta) add('meta', dayOf(n.createdMs, META_TIME_ZONE), 0, n.grossMinor);
      if (n.test) {
        const d = dayOf(n.createdMs, STORE_TIME_ZONE);
        const t = testByDay.get(d) ?? { gross: 0, orders: [] };
        t.gross += n.grossMinor;
        t.orders.push(n.name);
        testByDay.set(d, t);
      }
    }
    const truth: GrowthTruth = { period: this.period, days: [], metaTestOrders: [], billing: [], shipments: this.truthShipments };
    const daily = { meta: [] as Array<[string, number, number, number]>, google: [] as Array<[string, number, number, number]> };
    for (const platform of ['meta', 'google'] as const) {
      for (const [date, [attributed, duplicate, count]] of [...claims[platform].entries()].sort()) {
        if (!date.startsWith(this.period)) continue;
        const residual = Math.floor((attributed * RESIDUAL_PERCENT[platform]) / 100);
        const claimed = attributed + duplicate + residual;
        truth.days.push({ platform, date, claimedMinor: claimed, residualMinor: residual, duplicatesMinor: duplicate });
        daily[platform].push([date, claimed, count, Math.floor(claimed / 3)]);
      }
    }
    truth.metaTestOrders = [...testByDay.entries()].sort().map(([date, t]) => ({ date, grossMinor: t.gross, orders: t.orders }));
    writeFileSync(join(dir, GROWTH_FILES.metaAds), this.metaExport(daily.meta));
    writeFileSync(join(dir, GROWTH_FILES.googleAds), this.googleReport(daily.google));
    truth.billing.push(this.writeMetaBilling(dir, daily.meta), this.writeGoogleBilling(dir, daily.google));
    this.orphanShipments();
    const header =
      'Order - Number,Date - Ship Date,Shipment - Carrier,Shipment - Service,Shipment - Tracking Number,Amount - Shipping Cost,Shipment - Voided,Item - SKU,Item - Name,Item - Qty';
    writeFileSync(join(dir, GROWTH_FILES.shipstation), `${[header, ...this.shipments].join('\r\n')}\r\n`);
    writeFileSync(join(dir, GROWTH_FILES.truth), `${JSON.stringify(truth, null, 2)}\n`);
    return truth;
  }

  private orphanShipments(): void {
    const date = `${this.period}-15`;
    for (const name of ['#990001', '#990002']) {
      this.shipments.push(
        [name, usDate(date), 'USPS', 'Priority Mail', `94001${name.slice(1)}`, '7.10', 'false', 'GIFT-25', 'Gift Card', '1'].map(csvField).join(','),
      );
      this.truthShipments.orphans.push(name);
    }
    this.shipments.push(
      ['5.20001E+12', usDate(date), 'FedEx', 'Home Delivery', '794600000001', '11.25', 'false', 'CF-LAMP-03', 'Headlamp 300', '1']
        .map(csvField)
        .join(','),
    );
    this.truthShipments.mangled.push('5.20001E+12');
  }

  private split(total: number): [number, number] {
    const a = Math.floor((total * 6) / 10);
    return [a, total - a];
  }

  /** Ads Manager's export with a Day breakdown: the summary row first, then one row per day and campaign. */
  private metaExport(days: ReadonlyArray<[string, number, number, number]>): string {
    const first = `${this.period}-01`;
    const last = days.length === 0 ? first : (days[days.length - 1] as [string, number, number, number])[0];
    const q = (s: string): string => `"${s}"`;
    const lines = [
      [
        'Reporting starts',
        'Reporting ends',
        'Day',
        'Campaign name',
        'Campaign ID',
        'Amount spent (USD)',
        'Impressions',
        'Purchases',
        'Purchases conversion value',
      ]
        .map(q)
        .join(','),
    ];
    const spend = days.reduce((s, d) => s + d[3], 0);
    const value = days.reduce((s, d) => s + d[1], 0);
    const count = days.reduce((s, d) => s + d[2], 0);
    lines.push([first, last, '', '', '', grouped(spend), String(Math.round(spend / 4)), String(count), grouped(value)].map(q).join(','));
    for (const [date, claimed, n, spent] of days) {
      const [s1, s2] = this.split(spent);
      const [v1, v2] = this.split(claimed);
      const n1 = Math.floor((n * 6) / 10);
      lines.push(
        [first, last, date, 'Prospecting - Fall', '120210000000000001', grouped(s1), String(s1 * 3), String(n1), grouped(v1)].map(q).join(','),
      );
      lines.push([first, last, date, 'Retargeting', '120210000000000002', grouped(s2), String(s2 * 3), String(n - n1), grouped(v2)].map(q).join(','));
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  /** A Google Ads campaign report download: name, date range, header, rows, `Total:` footer. */
  private googleReport(days: ReadonlyArray<[string, number, number, number]>): string {
    const first = `${this.period}-01`;
    const lastDay = new Date(Date.UTC(Number(this.period.slice(0, 4)), Number(this.period.slice(5, 7)), 0)).getUTCDate();
    const month = FULL_MONTHS[Number(this.period.slice(5, 7)) - 1] as string;
    const range = `${month} 1, ${first.slice(0, 4)} - ${month} ${lastDay}, ${first.slice(0, 4)}`;
    const lines = ['Campaign report', `"${range}"`, 'Day,Campaign,Campaign ID,Currency code,Cost,Conversions,Conv. value'];
    let cost = 0;
    let value = 0;
    for (const [date, claimed, n, spent] of days) {
      const [s1, s2] = this.split(spent);
      const [v1, v2] = this.split(claimed);
      const n1 = Math.floor((n * 6) / 10);
      lines.push([date, 'Search - Brand', '17000000001', 'USD', grouped(s1), `${n1}.00`, grouped(v1)].map(csvField).join(','));
      lines.push([date, 'Shopping - All', '17000000002', 'USD', grouped(s2), `${n - n1}.00`, grouped(v2)].map(csvField).join(','));
      cost += spent;
      value += claimed;
    }
    lines.push(['Total: Account', ' --', ' --', 'USD', grouped(cost), ' --', grouped(value)].map(csvField).join(','));
    return `${lines.join('\r\n')}\r\n`;
  }

  private charges(
    days: ReadonlyArray<[string, number, number, number]>,
    threshold: number,
    creditDay: string | null,
    credit: number,
  ): { dates: string[]; unbilled: number; spend: number } {
    let owed = 0;
    let spend = 0;
    const dates: string[] = [];
    for (const [date, , , spent] of days) {
      owed += spent;
      spend += spent;
      if (date === creditDay) owed -= credit;
      while (owed >= threshold) {
        dates.push(date);
        owed -= threshold;
      }
    }
    return { dates, unbilled: owed, spend };
  }

  private writeMetaBilling(dir: string, days: ReadonlyArray<[string, number, number, number]>): GrowthTruth['billing'][number] {
    const creditDay = `${this.period}-15`;
    const c = this.charges(days, THRESHOLD_MINOR.meta, creditDay, META_CREDIT_MINOR);
    const lines = [
      'Ad account,Ridge Outfitters (act_104455667788)',
      `Date range,${this.period}-01 - ${this.period}-31`,
      'Currency,USD',
      '',
      'Date,Transaction ID,Payment Method,Amount,Currency,Status',
    ];
    c.dates.forEach((date, i) =>
      lines.push(
        [`${date} 12:00`, `60211877444${pad(i)}-88223${pad(i)}`, 'Visa ending in 4242', `$${grouped(THRESHOLD_MINOR.meta)}`, 'USD', 'Paid']
          .map(csvField)
          .join(','),
      ),
    );
    lines.push(
      '',
      'Ad credits',
      'Date,Description,Amount,Currency',
      `${creditDay},Ad credit for service disruption,${money(META_CREDIT_MINOR)},USD`,
      '',
      'Tax,0.00,USD',
    );
    writeFileSync(join(dir, GROWTH_FILES.metaBilling), `${lines.join('\r\n')}\r\n`);
    const billed = c.dates.length * THRESHOLD_MINOR.meta;
    return {
      platform: 'meta',
      spendMinor: c.spend,
      creditsMinor: META_CREDIT_MINOR,
      billedMinor: billed,
      unbilledMinor: c.spend - META_CREDIT_MINOR - billed,
      charges: c.dates.length,
    };
  }

  private writeGoogleBilling(dir: string, days: ReadonlyArray<[string, number, number, number]>): GrowthTruth['billing'][number] {
    const c = this.charges(days, THRESHOLD_MINOR.google, null, 0);
    const range = `${MONTHS[Number(this.period.slice(5, 7)) - 1]} 1 - ${new Date(Date.UTC(Number(this.period.slice(0, 4)), Number(this.period.slice(5, 7)), 0)).getUTCDate()}, ${this.period.slice(0, 4)}`;
    const lines = ['Billing activity', 'Ridge Outfitters (123-456-7890)', 'Date,Type,Description,Amount,Currency code'];
    lines.push([range, 'Costs', 'All campaigns', grouped(c.spend), 'USD'].map(csvField).join(','));
    for (const date of c.dates)
      lines.push(
        [longDate(date), 'Payment', 'Automatic payment: Visa ••••4242', `-${grouped(THRESHOLD_MINOR.google)}`, 'USD'].map(csvField).join(','),
      );
    lines.push([range, 'Promotions', 'New account promotion', `-${money(GOOGLE_PROMOTION_MINOR)}`, 'USD'].map(csvField).join(','));
    writeFileSync(join(dir, GROWTH_FILES.googleBilling), `${lines.join('\r\n')}\r\n`);
    const billed = c.dates.length * THRESHOLD_MINOR.google;
    return {
      platform: 'google',
      spendMinor: c.spend,
      creditsMinor: GOOGLE_PROMOTION_MINOR,
      billedMinor: billed,
      unbilledMinor: c.spend - GOOGLE_PROMOTION_MINOR - billed,
      charges: c.dates.length,
    };
  }
}
