// Orders ↔ shipments: every store order of the period against the shipments that name it (by order name: an id that
// Excel turned into `5.37518E+12` is never a join key), and the store's own fulfillment beside the warehouse's.
import type { z } from 'zod';
import type { OrderShipmentSchema, ShipmentsSummarySchema } from '../../shared/growth/growthReport.ts';
import { num, text, type LedgerEvent } from './growthEvents.ts';
import { dayIn, type OrderFacts } from './orderFacts.ts';

type OrderShipment = z.infer<typeof OrderShipmentSchema>;
type ShipmentsSummary = z.infer<typeof ShipmentsSummarySchema>;

export const DEFAULT_PAID_NOT_SHIPPED_DAYS = 3;
const PROBLEMS_KEPT = 500;

/** The key an order name joins on: "#1001", "1001" and " #1001 " meet; case folded. */
export function orderKey(name: string): string {
  return name.trim().replace(/^#\s*/, '').toLowerCase();
}

export interface ShipmentsInput {
  orders: readonly OrderFacts[];
  /** Fulfillment events from every source: warehouse shipments and the store's own (attributes.fulfillment_source 'store'). */
  fulfillments: readonly LedgerEvent[];
  storeTimeZone: string;
  /** The ledger's latest business time, to age unshipped paid orders. */
  asOf: string;
  paidNotShippedDays: number;
  /** Days of the period: orders placed on them are reported; shipments of orders outside it are not orphans. */
  days: ReadonlySet<string>;
  /** Every order name the ledger knows (any period), so a shipment of an older order is not an orphan. */
  knownOrderKeys: ReadonlySet<string>;
}

const isStore = (f: LedgerEvent): boolean => f.attrs.fulfillment_source === 'store';

export function tieOrdersToShipments(input: ShipmentsInput): ShipmentsSummary {
  const byOrder = new Map<string, LedgerEvent[]>();
  const storeByOrder = new Map<string, LedgerEvent>();
  for (const f of input.fulfillments) {
    const name = f.orderRef ?? (f.attrs.order_ref_mangled === true ? null : text(f.attrs, 'order_number'));
    if (name === null) continue;
    if (isStore(f)) storeByOrder.set(`${f.source}\u0000${f.externalId}`, f);
    else byOrder.set(orderKey(name), [...(byOrder.get(orderKey(name)) ?? []), f]);
  }
  const problems: OrderShipment[] = [];
  let orders = 0;
  let shipped = 0;
  let notShipped = 0;
  let late = 0;
  const asOfMs = Date.parse(input.asOf);
  for (const o of input.orders) {
    const day = dayIn(o.placedAt, input.storeTimeZone);
    if (!input.days.has(day) || o.excluded === 'test' || o.event.orderRef === null) continue;
    orders++;
    const shipments = byOrder.get(orderKey(o.event.orderRef)) ?? [];
    const live = shipments.filter((s) => s.state !== 'voided');
    const voided = shipments.filter((s) => s.state === 'voided');
    const store = storeByOrder.get(`${o.event.source}\u0000${o.event.externalId}`);
    const ordered = num(o.event.attrs, 'items_quantity');
    const shippedQty = live.reduce((s, f) => s + (num(f.attrs, 'items_quantity') ?? 0), 0);
    const paidAt = text(o.event.attrs, 'paid_at');
    const paid = paidAt !== null && !['pending', 'authorized', 'voided'].includes(o.event.state ?? '');
    const daysSincePaid = paidAt === null ? null : Math.floor((asOfMs - Date.parse(paidAt)) / 86_400_000);
    let status: OrderShipment['status'];
    if (live.length > 0) {
      shipped++;
      const refunded = o.cancelled || o.event.state === 'refunded';
      if (refunded) status = 'refunded_or_cancelled_but_shipped';
      else if (ordered !== null && live.every((f) => num(f.attrs, 'items_quantity') !== null) && shippedQty !== ordered) status = 'quantity_differs';
      else if (store === undefined && shipments.length > 0 && (text(o.event.attrs, 'fulfillment_status') ?? 'unfulfilled') === 'unfulfilled') status = 'shipped_store_unfulfilled';
      else status = 'shipped';
    } else {
      notShipped++;
      status = store !== undefined ? 'store_fulfilled_no_shipment' : 'not_shipped';
      if (status === 'not_shipped' && paid && !o.cancelled && daysSincePaid !== null && daysSincePaid > input.paidNotShippedDays) late++;
    }
    const problem = status !== 'shipped' || voided.length > 0 || (live.length > 0 && !paid);
    if (!problem || problems.length >= PROBLEMS_KEPT) continue;
    if (status === 'not_shipped' && !(paid && daysSincePaid !== null && daysSincePaid > input.paidNotShippedDays) && voided.length === 0) continue;
    problems.push({
      orderEventId: o.event.eventId,
      orderName: o.event.orderRef,
      date: day,
      status,
      orderedQuantity: ordered,
      shippedQuantity: shippedQty,
      shipments: live.length,
      voidedLabels: voided.length,
      voidedCostMinor: voided.reduce((s, f) => s + Math.abs(f.amountMinor), 0),
      daysSincePaid,
      paid,
    });
  }
  const orphanShipments: ShipmentsSummary['orphanShipments'] = [];
  for (const f of input.fulfillments) {
    if (isStore(f)) continue;
    const mangled = f.attrs.order_ref_mangled === true;
    const name = f.orderRef ?? text(f.attrs, 'order_number') ?? '';
    if (!mangled && name !== '' && input.knownOrderKeys.has(orderKey(name))) continue;
    if (!input.days.has(f.localDate ?? f.occurredAt.slice(0, 10))) continue;
    orphanShipments.push({ eventId: f.eventId, orderNumber: name, date: f.localDate ?? f.occurredAt.slice(0, 10), trackingNumber: text(f.attrs, 'tracking_number'), mangledOrderId: mangled });
  }
  return { orders, shipped, notShipped, paidNotShippedLate: late, paidNotShippedDays: input.paidNotShippedDays, problems, orphanShipments };
}
