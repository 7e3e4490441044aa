// The day × platform table: what each ad platform says it spent and earned on a day, against the store's orders of
// that day, and where the gap between the two comes from (docs/growth.md states the model and why the parts add up).
import type { GapBreakdown, GrowthRow } from '../../shared/growth/growthReport.ts';
import { num, type LedgerEvent } from './growthEvents.ts';
import { dayIn, type OrderFacts } from './orderFacts.ts';

export const NOT_ATTRIBUTABLE = 'not_attributable';
const EVENTS_PER_PART = 50;

export interface DayTableInput {
  days: readonly string[];
  platforms: readonly string[];
  currency: string;
  storeTimeZone: string;
  platformTimeZones: Readonly<Record<string, string>>;
  /** Spend rows of single days (period totals are apart), billing charges. */
  spend: readonly LedgerEvent[];
  charges: readonly LedgerEvent[];
  orders: readonly OrderFacts[];
  /** Each order's gross in `currency` where its own currency differs: the processor's conversion (FX basis). */
  converted: ReadonlyMap<number, number>;
}

interface Cell {
  spend: number | null;
  billed: number | null;
  conversions: number | null;
  value: number | null;
  orders: number;
  net: number;
  parts: Omit<GapBreakdown, 'residualMinor'>;
  events: Record<string, string[]>;
}

const emptyParts = (): Cell['parts'] => ({
  refundedOrCancelledMinor: 0,
  testOrDraftMinor: 0,
  timeZoneShiftMinor: 0,
  currencyMinor: 0,
  duplicatesMinor: 0,
});

function note(cell: Cell, part: string, eventId: string): void {
  const list = (cell.events[part] ??= []);
  if (list.length < EVENTS_PER_PART && !list.includes(eventId)) list.push(eventId);
}

/** An order's gross and net in the table currency; null when it is in another currency with no FX basis. */
export function convertedValues(o: OrderFacts, currency: string, converted: ReadonlyMap<number, number>): { gross: number; net: number } | null {
  if (o.event.currency === currency) return { gross: o.grossMinor, net: o.netMinor };
  const gross = converted.get(o.event.seq);
  if (gross === undefined) return null;
  // The net scales with the conversion the processor applied to the gross (integer arithmetic, half up).
  const net = o.grossMinor === 0 ? 0 : Number((BigInt(o.netMinor) * BigInt(gross) * 2n + BigInt(o.grossMinor)) / (2n * BigInt(o.grossMinor)));
  return { gross, net };
}

export function buildDayTable(input: DayTableInput): GrowthRow[] {
  const cells = new Map<string, Cell>();
  const daySet = new Set(input.days);
  const cellFor = (day: string, platform: string): Cell | null => {
    if (!daySet.has(day)) return null;
    const key = `${day}\u0000${platform}`;
    let c = cells.get(key);
    if (c === undefined) {
      c = { spend: null, billed: null, conversions: null, value: null, orders: 0, net: 0, parts: emptyParts(), events: {} };
      cells.set(key, c);
    }
    return c;
  };
  const add = (a: number | null, b: number): number => (a ?? 0) + b;

  for (const e of input.spend) {
    const platform = e.channel ?? '';
    const c = e.localDate === null || e.currency !== input.currency ? null : cellFor(e.localDate, platform);
    if (c === null) continue;
    c.spend = add(c.spend, -e.amountMinor);
    const conversions = num(e.attrs, 'conversions');
    const value = num(e.attrs, 'conversion_value_minor');
    if (conversions !== null) c.conversions = Math.round(add(c.conversions, conversions) * 100) / 100;
    if (value !== null) c.value = add(c.value, value);
    note(c, 'spend', e.eventId);
  }
  for (const e of input.charges) {
    const c = e.localDate === null || e.currency !== input.currency ? null : cellFor(e.localDate, e.channel ?? '');
    if (c === null) continue;
    c.billed = add(c.billed, -e.amountMinor);
    note(c, 'billed', e.eventId);
  }
  for (const o of input.orders) placeOrder(o, input, cellFor);

  const rows: GrowthRow[] = [];
  for (const day of input.days) {
    for (const platform of [...input.platforms, NOT_ATTRIBUTABLE]) {
      const c = cellFor(day, platform) as Cell;
      if (platform === NOT_ATTRIBUTABLE) {
        rows.push({
          date: day,
          platform,
          spendMinor: null,
          billedMinor: null,
          platformConversions: null,
          platformValueMinor: null,
          storeOrders: c.orders,
          storeNetMinor: c.net,
          gapMinor: null,
          breakdown: null,
          events: c.events,
        });
        continue;
      }
      const gap = (c.value ?? 0) - c.net;
      const explained = Object.values(c.parts).reduce((s, v) => s + v, 0);
      rows.push({
        date: day,
        platform,
        spendMinor: c.spend,
        billedMinor: c.billed,
        platformConversions: c.conversions,
        platformValueMinor: c.value,
        storeOrders: c.orders,
        storeNetMinor: c.net,
        gapMinor: gap,
        breakdown: { ...c.parts, residualMinor: gap - explained },
        events: c.events,
      });
    }
  }
  return rows;
}

/** One order into every cell it touches: its store day's, and each platform day where a platform counts it. */
function placeOrder(o: OrderFacts, input: DayTableInput, cellFor: (day: string, platform: string) => Cell | null): void {
  const storeDay = dayIn(o.placedAt, input.storeTimeZone);
  const values = convertedValues(o, input.currency, input.converted);
  const id = o.event.eventId;
  const attributed = o.attribution.platform;
  if (attributed === null) {
    const c = cellFor(storeDay, NOT_ATTRIBUTABLE);
    if (c !== null && o.excluded === null && values !== null) {
      if (!o.cancelled) c.orders++;
      c.net += values.net;
      note(c, o.attribution.reason, id);
    }
  } else {
    const c = cellFor(storeDay, attributed);
    if (c !== null) {
      const conv = values?.gross ?? 0;
      const convNet = values?.net ?? 0;
      if (o.excluded !== null) {
        c.parts.testOrDraftMinor += conv;
        note(c, 'testOrDraft', id);
      } else {
        if (!o.cancelled) c.orders++;
        c.net += convNet;
        note(c, 'store', id);
        if (conv !== convNet) {
          c.parts.refundedOrCancelledMinor += conv - convNet;
          note(c, 'refundedOrCancelled', id);
        }
      }
      if (o.event.currency !== input.currency) {
        c.parts.currencyMinor += o.grossMinor - conv;
        note(c, 'currency', id);
      }
      // The platform counts the order on its own day: out of the store day here…
      const zone = input.platformTimeZones[attributed] ?? input.storeTimeZone;
      const platformDay = dayIn(o.placedAt, zone);
      if (platformDay !== storeDay) {
        c.parts.timeZoneShiftMinor -= o.grossMinor;
        note(c, 'timeZoneShift', id);
        // …and into the platform day (which may hold no other order of it).
        const p = cellFor(platformDay, attributed);
        if (p !== null) {
          p.parts.timeZoneShiftMinor += o.grossMinor;
          note(p, 'timeZoneShift', id);
        }
      }
    } else {
      // The store day is outside the period but the platform day may be inside it.
      const zone = input.platformTimeZones[attributed] ?? input.storeTimeZone;
      const p = cellFor(dayIn(o.placedAt, zone), attributed);
      if (p !== null) {
        p.parts.timeZoneShiftMinor += o.grossMinor;
        note(p, 'timeZoneShift', id);
      }
    }
  }
  // Every other platform whose click id the order carries can claim it too.
  for (const platform of o.clicks) {
    if (platform === attributed) continue;
    const zone = input.platformTimeZones[platform] ?? input.storeTimeZone;
    const d = cellFor(dayIn(o.placedAt, zone), platform);
    if (d === null) continue;
    d.parts.duplicatesMinor += o.grossMinor;
    note(d, 'duplicates', id);
  }
}
