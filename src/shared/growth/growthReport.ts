// The growth tie-out's result (issue 15): the day × platform table with its gap breakdown, spend ↔ billing ↔ cash by
// period, orders ↔ shipments, and the campaign-ready figure. Shared so the API contract, the CLI and the Growth screen
// read one shape. Money is integer minor units of `currency` (the workspace's reporting currency) unless a row says
// otherwise; null means "not known", never zero.
import { z } from 'zod';

const minor = z.number().int();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Where each part of a day's gap comes from. Parts add up to the gap exactly. */
export const GapBreakdownSchema = z.object({
  /** Attributed orders' refunds and cancellations: the platform counted the purchase, the store nets it out. */
  refundedOrCancelledMinor: minor,
  /** Attributed test orders and orders created from drafts: counted by the platform, never store revenue. */
  testOrDraftMinor: minor,
  /** Attributed orders on this platform day but another store day (or the reverse): the account's zone ≠ the store's. */
  timeZoneShiftMinor: minor,
  /** Attributed orders in another currency: their face value (as a pixel reports them) minus their value here. */
  currencyMinor: minor,
  /** Orders this platform can claim (its click id) that the store attributes to another platform: claimed twice. */
  duplicatesMinor: minor,
  /** What is left: attribution window and view-through, conversions the store cannot see as this platform's. */
  residualMinor: minor,
});
export type GapBreakdown = z.infer<typeof GapBreakdownSchema>;

export const GrowthRowSchema = z.object({
  date,
  /** `meta`, `google`, … or `not_attributable` (store orders no ad platform can be tied to). */
  platform: z.string(),
  spendMinor: minor.nullable(),
  billedMinor: minor.nullable(),
  platformConversions: z.number().nullable(),
  platformValueMinor: minor.nullable(),
  storeOrders: z.number().int(),
  storeNetMinor: minor,
  /** platformValue − storeNet; null for the not-attributable bucket (nothing claims it). */
  gapMinor: minor.nullable(),
  breakdown: GapBreakdownSchema.nullable(),
  /** Event ids behind each part, for drilling in (at most 50 per part). */
  events: z.record(z.string(), z.array(z.string())),
});
export type GrowthRow = z.infer<typeof GrowthRowSchema>;

export const PeriodTotalSchema = z.object({
  platform: z.string(),
  source: z.string(),
  start: date,
  end: date,
  spendMinor: minor,
  currency: z.string(),
  platformConversions: z.number().nullable(),
  platformValueMinor: minor.nullable(),
});

export const SpendBillingSchema = z.object({
  platform: z.string(),
  currency: z.string(),
  spendMinor: minor,
  creditsMinor: minor,
  taxMinor: minor,
  /** spend − credits + tax: what the period's charges should add up to once everything is billed. */
  expectedBilledMinor: minor,
  billedMinor: minor,
  failedChargesMinor: minor,
  /** expected − billed: spend not billed yet (a threshold charge next month) or, negative, billed beyond spend. */
  unbilledMinor: minor,
  /** Card or bank debits paying this platform's charges (matched one to one by amount within days). */
  cashMinor: minor,
  chargesWithoutCash: z.array(z.object({ eventId: z.string(), date, amountMinor: minor, transactionId: z.string().nullable() })),
  cashWithoutCharge: z.array(z.object({ eventId: z.string(), date, amountMinor: minor, description: z.string().nullable() })),
});

export const ShipmentStatusSchema = z.enum([
  'shipped',
  'not_shipped',
  'store_fulfilled_no_shipment',
  'shipped_store_unfulfilled',
  'refunded_or_cancelled_but_shipped',
  'quantity_differs',
]);

export const OrderShipmentSchema = z.object({
  orderEventId: z.string(),
  orderName: z.string(),
  date,
  status: ShipmentStatusSchema,
  orderedQuantity: z.number().int().nullable(),
  shippedQuantity: z.number().int(),
  shipments: z.number().int(),
  voidedLabels: z.number().int(),
  /** Label cost of voided labels (money out unless the carrier refunds it). */
  voidedCostMinor: minor,
  /** Live labels repeating an earlier label of the order (same items) once the order's units were all shipped. */
  duplicateLabels: z.number().int(),
  duplicateCostMinor: minor,
  daysSincePaid: z.number().nullable(),
  paid: z.boolean(),
  paidAt: z.string().nullable(),
  /** The store marks the order fulfilled (Shopify's Fulfillment Status). */
  storeFulfilled: z.boolean(),
  /** The order's gross and net (gross less refunds; 0 when cancelled), in `currency`, the order's own. */
  grossMinor: minor,
  netMinor: minor,
  currency: z.string(),
  /** The shipment events of the order (live, voided and duplicate labels). */
  shipmentEventIds: z.array(z.string()),
});

export const ShipmentsSummarySchema = z.object({
  orders: z.number().int(),
  shipped: z.number().int(),
  notShipped: z.number().int(),
  /** Paid orders not shipped after `paidNotShippedDays`, as of `asOf`. */
  paidNotShippedLate: z.number().int(),
  paidNotShippedDays: z.number().int(),
  /** The shipment feeds' watermark the ages are measured to (null: no shipment feed yet, so no order is late). */
  asOf: z.string().nullable(),
  problems: z.array(OrderShipmentSchema),
  /** Shipments whose order number names no order; an Excel-mangled id (`5.37518E+12`) is never guessed at. */
  orphanShipments: z.array(
    z.object({
      eventId: z.string(),
      orderNumber: z.string(),
      date,
      trackingNumber: z.string().nullable(),
      mangledOrderId: z.boolean(),
      costMinor: minor,
      currency: z.string(),
    }),
  ),
});

export const CampaignReadySchema = z.object({
  date,
  storeNetMinor: minor,
  tiedOutMinor: minor,
  /** tiedOut / storeNet, 0..1; null on a day without store revenue. */
  share: z.number().nullable(),
});

export const GrowthReportSchema = z.object({
  period: z.string().regex(/^\d{4}-\d{2}$/),
  currency: z.string(),
  storeTimeZone: z.string(),
  /** The zone each platform's days are in. */
  platformTimeZones: z.record(z.string(), z.string()),
  rows: z.array(GrowthRowSchema),
  periodTotals: z.array(PeriodTotalSchema),
  /** Ad figures and orders that could not be put in `currency` (no FX basis), by platform and currency. */
  unconverted: z.array(z.object({ platform: z.string(), currency: z.string(), spendMinor: minor, valueMinor: minor, orders: z.number().int() })),
  spendBilling: z.array(SpendBillingSchema),
  shipments: ShipmentsSummarySchema,
  campaignReady: z.array(CampaignReadySchema),
  /** The last day before the ledger's latest event: "yesterday" for the campaign-ready headline. */
  yesterday: date.nullable(),
});
export type GrowthReport = z.infer<typeof GrowthReportSchema>;
