// Orders ↔ shipments: every store order of the period against the shipments that name it (by order name: an id that
// Excel turned into `5.37518E+12` is never a join key), and the store's own fulfillment beside the warehouse's.
import type { z } from 'zod';
import type { OrderShipmentSchema, ShipmentsSummarySchema } from '../../shared/growth/growthReport.ts';
import { num, text, type LedgerEvent } from './growthEvents.ts';
import { dayIn, type OrderFacts } from './orderFacts.ts';

type OrderShipment = z.infer<typeof OrderShipmentSchema>;
type ShipmentsSummary = z.infer<typeof ShipmentsSummarySchema>;

export const DEFAULT_PAID_NOT_SHIPPED_DAYS = 3;
/** What the report lists (the exceptions step lists them all). */
export const PROBLEMS_KEPT = 500;

/** The key an order name joins on: "#1001", "1001" and " #1001 " meet; case folded. */
export function orderKey(name: string): string {
  return name.trim().replace(/^#\s*/, '').toLowerCase();
}

export interface ShipmentsInput {
  orders: readonly OrderFacts[];
  /** Fulfillment events from every source: warehouse shipments and the store's own (attributes.fulfillment_source 'store'). */
  fulfillments: readonly LedgerEvent[];
  storeTimeZone: string;
  /** The shipment feeds' watermark, to age unshipped paid orders; null: no shipment feed, nothing is late. */
  asOf: string | null;
  paidNotShippedDays: number;
  /** Days of the period: orders placed on them are reported; shipments of orders outside it are not orphans. */
  days: ReadonlySet<string>;
  /** Every order name the ledger knows (any period), so a shipment of an older order is not an orphan. */
  knownOrderKeys: ReadonlySet<string>;
  /** How many problem orders to list (default PROBLEMS_KEPT). */
  problemsKept?: number;
}

const isStore = (f: LedgerEvent): boolean => f.attrs.fulfillment_source === 'store';
const cost = (f: LedgerEvent): number => Math.abs(f.amountMinor);

/** Whether a paid order is past the days it may wait for a shipment. */
export function isPaidLate(paidAt: string | null, asOf: string | null, days: number): { late: boolean; daysSincePaid: number | null } {
  if (paidAt === null || asOf === null) return { late: false, daysSincePaid: null };
  const since = Math.floor((Date.parse(asOf) - Date.parse(paidAt)) / 86_400_000);
  return { late: since > days, daysSincePaid: since };
}

/**
 * Live labels that repeat an earlier label of the order (same SKUs and units) once the labels before them already
 * carry every unit ordered: a label printed twice. Parcels of a split order never repeat past the ordered units.
 */
function duplicateLabels(live: readonly LedgerEvent[], ordered: number | null): Set<LedgerEvent> {
  const dup = new Set<LedgerEvent>();
  if (ordered === null) return dup;
  const seen = new Set<string>();
  let units = 0;
  for (const f of [...live].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.seq - b.seq))) {
    const q = num(f.attrs, 'items_quantity');
    const signature = `${text(f.attrs, 'skus') ?? ''}\u0000${q ?? ''}`;
    if (seen.has(signature) && units >= ordered) dup.add(f);
    else units += q ?? 0;
    seen.add(signature);
  }
  return dup;
}

function statusOf(o: OrderFacts, live: readonly LedgerEvent[], store: boolean, shippedQty: number, ordered: number | null): OrderShipment['status'] {
  if (live.length === 0) return store ? 'store_fulfilled_no_shipment' : 'not_shipped';
  if (o.cancelled || o.event.state === 'refunded') return 'refunded_or_cancelled_but_shipped';
  if (ordered !== null && live.every((f) => num(f.attrs, 'items_quantity') !== null) && shippedQty !== ordered) return 'quantity_differs';
  if (!store && (text(o.event.attrs, 'fulfillment_status') ?? 'unfulfilled') === 'unfulfilled') return 'shipped_store_unfulfilled';
  return 'shipped';
}

export function tieOrdersToShipments(input: ShipmentsInput): ShipmentsSummary {
  const byOrder = new Map<string, LedgerEvent[]>();
  const storeByOrder = new Map<string, LedgerEvent>();
  for (const f of input.fulfillments) {
    const name = f.orderRef ?? (f.attrs.order_ref_mangled === true ? null : text(f.attrs, 'order_number'));
    if (name === null) continue;
    if (isStore(f)) storeByOrder.set(`${f.source}\u0000${f.externalId}`, f);
    else byOrder.set(orderKey(name), [...(byOrder.get(orderKey(name)) ?? []), f]);
  }
  const kept = input.problemsKept ?? PROBLEMS_KEPT;
  const problems: OrderShipment[] = [];
  let orders = 0;
  let shipped = 0;
  let notShipped = 0;
  let late = 0;
  for (const o of input.orders) {
    const day = dayIn(o.placedAt, input.storeTimeZone);
    if (!input.days.has(day) || o.excluded === 'test' || o.event.orderRef === null) continue;
    orders++;
    const shipments = byOrder.get(orderKey(o.event.orderRef)) ?? [];
    const voided = shipments.filter((s) => s.state === 'voided');
    const ordered = num(o.event.attrs, 'items_quantity');
    const dups = duplicateLabels(
      shipments.filter((s) => s.state !== 'voided'),
      ordered,
    );
    const live = shipments.filter((s) => s.state !== 'voided' && !dups.has(s));
    const store = storeByOrder.has(`${o.event.source}\u0000${o.event.externalId}`);
    const shippedQty = live.reduce((s, f) => s + (num(f.attrs, 'items_quantity') ?? 0), 0);
    const paidAt = text(o.event.attrs, 'paid_at');
    const paid = paidAt !== null && !['pending', 'authorized', 'voided'].includes(o.event.state ?? '');
    const age = isPaidLate(paidAt, input.asOf, input.paidNotShippedDays);
    const status = statusOf(o, live, store, shippedQty, ordered);
    const isLate = live.length === 0 && paid && !o.cancelled && o.netMinor > 0 && age.late;
    if (live.length > 0) shipped++;
    else notShipped++;
    if (isLate) late++;
    const problem = (status !== 'shipped' && status !== 'not_shipped') || isLate || voided.length > 0 || dups.size > 0 || (live.length > 0 && !paid);
    if (!problem || problems.length >= kept) continue;
    problems.push({
      orderEventId: o.event.eventId,
      orderName: o.event.orderRef,
      date: day,
      status,
      orderedQuantity: ordered,
      shippedQuantity: shippedQty,
      shipments: live.length,
      voidedLabels: voided.length,
      voidedCostMinor: voided.reduce((s, f) => s + cost(f), 0),
      duplicateLabels: dups.size,
      duplicateCostMinor: [...dups].reduce((s, f) => s + cost(f), 0),
      daysSincePaid: age.daysSincePaid,
      paid,
      paidAt,
      storeFulfilled: store,
      grossMinor: o.grossMinor,
      netMinor: o.netMinor,
      currency: o.event.currency,
      shipmentEventIds: shipments.map((s) => s.eventId),
    });
  }
  return {
    orders,
    shipped,
    notShipped,
    paidNotShippedLate: late,
    paidNotShippedDays: input.paidNotShippedDays,
    asOf: input.asOf,
    problems,
    orphanShipments: orphans(input),
  };
}

function orphans(input: ShipmentsInput): ShipmentsSummary['orphanShipments'] {
  const out: ShipmentsSummary['orphanShipments'] = [];
  for (const f of input.fulfillments) {
    if (isStore(f)) continue;
    const mangled = f.attrs.order_ref_mangled === true;
    const name = f.orderRef ?? text(f.attrs, 'order_number') ?? '';
    if (!mangled && name !== '' && input.knownOrderKeys.has(orderKey(name))) continue;
    const date = f.localDate ?? f.occurredAt.slice(0, 10);
    if (!input.days.has(date)) continue;
    out.push({
      eventId: f.eventId,
      orderNumber: name,
      date,
      trackingNumber: text(f.attrs, 'tracking_number'),
      mangledOrderId: mangled,
      costMinor: cost(f),
      currency: f.currency,
    });
  }
  return out;
}
