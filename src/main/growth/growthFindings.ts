// The exceptions the growth tie-out deserves, derived from its report (a pure function): codes, default classes and the
// conditions issue 15 names. They are not raised here: the exceptions store (issue 10) is the one place that raises
// and journals exceptions; this is what a producer would hand it.
import type { GrowthReport } from '../../shared/growth/growthReport.ts';

export type GrowthExceptionCode =
  | 'SPEND_NOT_BILLED'
  | 'BILLED_NOT_SPENT'
  | 'CARD_CHARGE_NO_BILLING'
  | 'CONVERSIONS_WITHOUT_ORDERS'
  | 'PAID_NOT_SHIPPED'
  | 'SHIPPED_NOT_PAID'
  | 'REFUNDED_BUT_SHIPPED'
  | 'ORPHAN_SHIPMENT'
  | 'VOIDED_LABEL_CHARGED'
  | 'SHIPPED_QUANTITY_MISMATCH';

/** Default class per code (DESIGN §6: A auto-resolve, B automated remediation then escalate, C human). */
export const GROWTH_EXCEPTION_CLASSES: Readonly<Record<GrowthExceptionCode, 'A' | 'B' | 'C'>> = {
  SPEND_NOT_BILLED: 'B', // re-fetch the platform's billing; a charge early next month usually settles it
  BILLED_NOT_SPENT: 'C',
  CARD_CHARGE_NO_BILLING: 'B', // re-fetch billing; then a person
  CONVERSIONS_WITHOUT_ORDERS: 'C',
  PAID_NOT_SHIPPED: 'B', // re-sync the fulfillment feed; then the fulfillment owner
  SHIPPED_NOT_PAID: 'C',
  REFUNDED_BUT_SHIPPED: 'C',
  ORPHAN_SHIPMENT: 'B', // re-sync orders (the order may be newer than the last export)
  VOIDED_LABEL_CHARGED: 'C',
  SHIPPED_QUANTITY_MISMATCH: 'C',
};

export interface GrowthFinding {
  code: GrowthExceptionCode;
  class: 'A' | 'B' | 'C';
  /** The owner domain (DESIGN §7). */
  domain: 'ads' | 'fulfillment';
  amountMinor: number;
  currency: string;
  eventIds: string[];
  note: string;
}

export interface FindingOptions {
  /** The period is closed (or past its billing grace): unbilled spend is no longer "not billed yet". */
  closedMonth: boolean;
  /** |unbilled| at or below this is not an exception (minor units). Default 0. */
  billingToleranceMinor?: number;
}

export function growthFindings(r: GrowthReport, options: FindingOptions): GrowthFinding[] {
  const out: GrowthFinding[] = [];
  const push = (code: GrowthExceptionCode, amountMinor: number, currency: string, eventIds: string[], note: string): void => {
    out.push({ code, class: GROWTH_EXCEPTION_CLASSES[code], domain: code.includes('SHIP') || code.includes('LABEL') ? 'fulfillment' : 'ads', amountMinor, currency, eventIds, note });
  };
  const tolerance = options.billingToleranceMinor ?? 0;
  for (const b of r.spendBilling) {
    if (options.closedMonth && b.unbilledMinor > tolerance) push('SPEND_NOT_BILLED', b.unbilledMinor, b.currency, [], `${b.platform} ${r.period}: ${b.unbilledMinor} of spend − credits + tax not billed`);
    if (options.closedMonth && b.unbilledMinor < -tolerance) push('BILLED_NOT_SPENT', -b.unbilledMinor, b.currency, [], `${b.platform} ${r.period}: billed ${-b.unbilledMinor} beyond spend − credits + tax`);
    for (const c of b.cashWithoutCharge) push('CARD_CHARGE_NO_BILLING', c.amountMinor, b.currency, [c.eventId], `${b.platform}: debit ${c.date} "${c.description ?? ''}" has no billing record`);
  }
  for (const row of r.rows) {
    if (row.platform === 'not_attributable' || (row.platformConversions ?? 0) <= 0 || row.storeOrders > 0) continue;
    push('CONVERSIONS_WITHOUT_ORDERS', row.platformValueMinor ?? 0, r.currency, row.events.spend ?? [], `${row.platform} ${row.date}: ${row.platformConversions} conversions, no store order`);
  }
  const s = r.shipments;
  for (const p of s.problems) {
    const live = p.shipments > 0;
    if (!live && p.status === 'not_shipped' && p.paid && p.daysSincePaid !== null && p.daysSincePaid > s.paidNotShippedDays) {
      push('PAID_NOT_SHIPPED', 0, r.currency, [p.orderEventId], `order ${p.orderName} paid ${p.daysSincePaid} days ago, not shipped`);
    }
    if (live && !p.paid) push('SHIPPED_NOT_PAID', 0, r.currency, [p.orderEventId], `order ${p.orderName} shipped but not paid`);
    if (p.status === 'refunded_or_cancelled_but_shipped') push('REFUNDED_BUT_SHIPPED', 0, r.currency, [p.orderEventId], `order ${p.orderName} refunded or cancelled, yet shipped`);
    if (p.status === 'quantity_differs') push('SHIPPED_QUANTITY_MISMATCH', 0, r.currency, [p.orderEventId], `order ${p.orderName}: ordered ${p.orderedQuantity}, shipped ${p.shippedQuantity}`);
    if (p.voidedLabels > 0 && p.voidedCostMinor > 0) push('VOIDED_LABEL_CHARGED', p.voidedCostMinor, r.currency, [p.orderEventId], `order ${p.orderName}: ${p.voidedLabels} voided label(s) costing ${p.voidedCostMinor}`);
  }
  for (const o of s.orphanShipments) push('ORPHAN_SHIPMENT', 0, r.currency, [o.eventId], `shipment ${o.trackingNumber ?? o.eventId} for "${o.orderNumber}"${o.mangledOrderId ? ' (order id mangled by a spreadsheet)' : ''}: no such order`);
  return out;
}
