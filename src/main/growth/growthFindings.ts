// The exceptions the growth tie-out deserves, as pure findings: which code, what identifies it from run to run, the
// amount at stake (docs/matching.md), its events and since when it holds. growthExceptions.ts gathers the inputs from
// the ledger and hands the findings to the exceptions store, the one place that raises and journals them.
import type { z } from 'zod';
import type { OrderShipmentSchema, ShipmentsSummarySchema, SpendBillingSchema } from '../../shared/growth/growthReport.ts';
import type { GrowthExceptionCode } from '../../shared/growth/growthCodes.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { DAY_MS } from '../../shared/time/duration.ts';
import type { MonthPosition } from './billingClose.ts';
import { startOfDay } from '../import/ads/adRecords.ts';

type OrderShipment = z.infer<typeof OrderShipmentSchema>;

export interface GrowthFinding {
  code: GrowthExceptionCode;
  /** With the code, what identifies the finding across runs: platform, currency and month; platform and day; a record. */
  key: string;
  /** Signed minor units of `currency` (docs/matching.md, "Amount at stake, per code"). */
  amountMinor: number;
  currency: string;
  eventIds: string[];
  /** When it began to hold (UTC instant): a class B finding's remediation window runs from here. */
  since: string;
  summary: string;
  /** What the journal entry records beside the code and amount. */
  facts: Record<string, string | number | boolean | null>;
}

const money = (minor: number, currency: string): string => `${formatAmount(minor, currency, { grouping: true })} ${currency}`;

/** Spend not billed, or billed beyond spend, for each month both of the platform's feeds have delivered past. */
export function billingFindings(positions: readonly MonthPosition[], platformTimeZones: Readonly<Record<string, string>>): GrowthFinding[] {
  const out: GrowthFinding[] = [];
  for (const p of positions) {
    if (!p.closed) continue;
    const since = startOfDay(p.graceEnd, platformTimeZones[p.platform] ?? 'UTC');
    const figures =
      `carried in ${money(p.carriedInMinor, p.currency)} + spend ${money(p.spendMinor, p.currency)} − credits ${money(p.creditsMinor, p.currency)} + ` +
      `tax ${money(p.taxMinor, p.currency)} − charged ${money(p.billedMinor, p.currency)} = ${money(p.closingMinor, p.currency)} owed at the month's end`;
    const facts = {
      platform: p.platform,
      month: p.month,
      carried_in_minor: p.carriedInMinor,
      spend_minor: p.spendMinor,
      credits_minor: p.creditsMinor,
      tax_minor: p.taxMinor,
      billed_minor: p.billedMinor,
      closing_minor: p.closingMinor,
      billed_after_minor: p.billedAfterMinor,
      grace_end: p.graceEnd,
    };
    const key = `${p.platform}\u0000${p.currency}\u0000${p.month}`;
    const unbilled = p.closingMinor - p.billedAfterMinor;
    if (p.closingMinor > 0 && unbilled > 0) {
      out.push({
        code: 'SPEND_NOT_BILLED',
        key,
        amountMinor: unbilled,
        currency: p.currency,
        eventIds: p.eventIds,
        since,
        facts,
        summary:
          `SPEND_NOT_BILLED: ${p.platform} ${p.month}: ${figures}; charges through ${p.graceEnd} settle ${money(p.billedAfterMinor, p.currency)}: ` +
          `${money(unbilled, p.currency)} of spend never billed`,
      });
    } else if (p.closingMinor < 0) {
      out.push({
        code: 'BILLED_NOT_SPENT',
        key,
        amountMinor: -p.closingMinor,
        currency: p.currency,
        eventIds: p.eventIds,
        since,
        facts,
        summary: `BILLED_NOT_SPENT: ${p.platform} ${p.month}: ${figures}: ${money(-p.closingMinor, p.currency)} charged beyond the spend`,
      });
    }
  }
  return out;
}

/** A card or bank debit naming a platform that no billing charge accounts for, once the platform's billing covers it. */
export function cardChargeFindings(
  spendBilling: ReadonlyArray<z.infer<typeof SpendBillingSchema>>,
  billingThrough: ReadonlyMap<string, number>,
  debitTimes: ReadonlyMap<string, { key: string; at: string; amountMinor: number }>,
): GrowthFinding[] {
  const out: GrowthFinding[] = [];
  for (const b of spendBilling) {
    const through = billingThrough.get(b.platform);
    if (through === undefined) continue;
    for (const c of b.cashWithoutCharge) {
      const debit = debitTimes.get(c.eventId);
      // A charge may be booked a day after its card line: wait until the billing feed is past that day.
      if (debit === undefined || through < Date.parse(debit.at) + DAY_MS) continue;
      out.push({
        code: 'CARD_CHARGE_NO_BILLING',
        key: debit.key,
        amountMinor: debit.amountMinor,
        currency: b.currency,
        eventIds: [c.eventId],
        since: debit.at,
        facts: { platform: b.platform, date: c.date, description: c.description },
        summary: `CARD_CHARGE_NO_BILLING: debit of ${money(c.amountMinor, b.currency)} on ${c.date} ("${c.description ?? ''}") names ${b.platform}, and no ${b.platform} billing charge of that amount is within its days`,
      });
    }
  }
  return out;
}

/** A platform's claims for one of its days, summed over the day's spend rows (campaigns, ad sets). */
export interface PlatformDay {
  platform: string;
  date: string;
  conversions: number;
  valueMinor: number;
  currency: string;
  eventIds: string[];
  /** The day's start in the platform's zone (UTC instant). */
  start: string;
}

/**
 * A platform day with conversions and not one store order the platform could be claiming on its day (attributed to it
 * or carrying its click id; test and draft orders aside), once the store's orders feed is a day past it.
 */
export function conversionFindings(
  days: readonly PlatformDay[],
  claimableDays: ReadonlyMap<string, ReadonlySet<string>>,
  ordersThrough: number | null,
): GrowthFinding[] {
  const out: GrowthFinding[] = [];
  if (ordersThrough === null) return out;
  for (const d of days) {
    if (d.conversions <= 0 || claimableDays.get(d.platform)?.has(d.date) === true) continue;
    if (ordersThrough < Date.parse(d.start) + 2 * DAY_MS) continue;
    out.push({
      code: 'CONVERSIONS_WITHOUT_ORDERS',
      key: `${d.platform}\u0000${d.date}\u0000${d.currency}`,
      amountMinor: d.valueMinor,
      currency: d.currency,
      eventIds: d.eventIds,
      since: d.start,
      facts: { platform: d.platform, date: d.date, conversions: d.conversions, value_minor: d.valueMinor },
      summary:
        `CONVERSIONS_WITHOUT_ORDERS: ${d.platform} claims ${d.conversions} conversion(s) worth ${money(d.valueMinor, d.currency)} on its day ${d.date}; ` +
        'the store has no order that day attributed to it or carrying its click id',
    });
  }
  return out;
}

function orderFinding(p: OrderShipment, code: GrowthExceptionCode, key: string, amountMinor: number, since: string, summary: string): GrowthFinding {
  return {
    code,
    key,
    amountMinor,
    currency: p.currency,
    eventIds: [p.orderEventId, ...p.shipmentEventIds],
    since,
    summary: `${code}: order ${p.orderName}: ${summary}`,
    facts: {
      order: p.orderName,
      status: p.status,
      ordered_quantity: p.orderedQuantity,
      shipped_quantity: p.shippedQuantity,
      shipments: p.shipments,
      voided_labels: p.voidedLabels,
      duplicate_labels: p.duplicateLabels,
      days_since_paid: p.daysSincePaid,
      paid_at: p.paidAt,
    },
  };
}

export interface ShipmentFindingInput {
  shipments: z.infer<typeof ShipmentsSummarySchema>;
  /** An order's record (source and external id: the same across its revisions) and when it was placed. */
  orderOf: (orderEventId: string) => { key: string; placedAt: string };
  /** Orders due to ship (paid + N days) before the shipment feeds' first label are not judged unshipped (they may have shipped before the feed began). */
  shipmentsFrom: number | null;
  /** The store's orders feed is past this: a shipment naming no order is an orphan only once the feed passed its day. */
  ordersThrough: number | null;
  shipmentTimes: ReadonlyMap<string, { key: string; at: string }>;
}

/** The fulfillment domain's codes, per order (and per shipment for orphans). */
export function shipmentFindings(input: ShipmentFindingInput): GrowthFinding[] {
  const out: GrowthFinding[] = [];
  const s = input.shipments;
  for (const p of s.problems) {
    const order = input.orderOf(p.orderEventId);
    const lateSince = p.paidAt === null ? order.placedAt : new Date(Date.parse(p.paidAt) + s.paidNotShippedDays * DAY_MS).toISOString();
    // An order that would have been due to ship after the feed's first label has its label in the feed if it shipped;
    // one due before it may have shipped before the feed began.
    const judged = input.shipmentsFrom !== null && Date.parse(lateSince) >= input.shipmentsFrom;
    const unshipped = p.status === 'not_shipped' || p.status === 'store_fulfilled_no_shipment';
    if (unshipped && judged && p.paid && p.netMinor > 0 && p.daysSincePaid !== null && p.daysSincePaid > s.paidNotShippedDays) {
      const store = p.status === 'store_fulfilled_no_shipment' ? ' (the store marks it fulfilled, but no shipment feed has a label for it)' : '';
      out.push(
        orderFinding(
          p,
          'PAID_NOT_SHIPPED',
          order.key,
          p.netMinor,
          lateSince,
          `paid ${p.daysSincePaid} days before the shipment feeds' latest data, no shipment${store}`,
        ),
      );
    }
    if (p.status === 'refunded_or_cancelled_but_shipped') {
      out.push(
        orderFinding(
          p,
          'REFUNDED_BUT_SHIPPED',
          order.key,
          p.grossMinor - p.netMinor,
          order.placedAt,
          `refunded or cancelled (${money(p.grossMinor - p.netMinor, p.currency)} given back or never taken), yet ${p.shipments} shipment(s) went out`,
        ),
      );
    } else if (p.shipments > 0 && !p.paid) {
      out.push(
        orderFinding(p, 'SHIPPED_NOT_PAID', order.key, p.grossMinor, order.placedAt, `${p.shipments} shipment(s) went out and the order is not paid`),
      );
    }
    if (p.status === 'quantity_differs') {
      out.push(
        orderFinding(
          p,
          'SHIPPED_QUANTITY_MISMATCH',
          order.key,
          0,
          order.placedAt,
          `ordered ${p.orderedQuantity} unit(s), the shipments carry ${p.shippedQuantity}`,
        ),
      );
    }
    const wasted = p.voidedCostMinor + p.duplicateCostMinor;
    if (wasted > 0) {
      const what = [
        p.voidedLabels > 0 ? `${p.voidedLabels} voided label(s)` : '',
        p.duplicateLabels > 0 ? `${p.duplicateLabels} duplicate label(s)` : '',
      ]
        .filter((t) => t !== '')
        .join(' and ');
      out.push(
        orderFinding(p, 'VOIDED_LABEL_CHARGED', order.key, wasted, order.placedAt, `${what} still charged: ${money(wasted, p.currency)} of postage`),
      );
    }
  }
  for (const o of s.orphanShipments) {
    const shipment = input.shipmentTimes.get(o.eventId);
    if (shipment === undefined || input.ordersThrough === null || input.ordersThrough < Date.parse(shipment.at)) continue;
    out.push({
      code: 'ORPHAN_SHIPMENT',
      key: shipment.key,
      amountMinor: o.costMinor,
      currency: o.currency,
      eventIds: [o.eventId],
      since: shipment.at,
      facts: { order_number: o.orderNumber, tracking_number: o.trackingNumber, mangled_order_id: o.mangledOrderId, date: o.date },
      summary:
        `ORPHAN_SHIPMENT: shipment ${o.trackingNumber ?? o.eventId} of ${o.date} names order "${o.orderNumber}", ` +
        (o.mangledOrderId ? 'an id a spreadsheet turned into a number (never guessed at)' : 'which no store order has'),
    });
  }
  return out;
}
