// Which feeds the growth tie-out can judge by, and how far each has delivered (its watermark: the latest business time
// its files brought or stated, batch_coverage). A finding about a missing counterpart is raised only once the feed that
// would hold the counterpart has delivered past it, as the matcher's awaiting rule does (docs/matching.md).
import type { LedgerDb } from '../ledger/database.ts';

/** The import formats that carry a platform's billing (charges, credits, tax), and the platform. */
export const BILLING_FORMATS: Readonly<Record<string, string>> = { 'meta-billing-csv': 'meta', 'google-ads-billing-csv': 'google' };
/** The import formats that carry a platform's reported spend and conversions. */
export const SPEND_FORMATS: Readonly<Record<string, string>> = { 'meta-ads-csv': 'meta', 'meta-ads-xlsx': 'meta', 'google-ads-report': 'google' };

export interface GrowthFeeds {
  /** Per platform, the latest instant its billing files delivered or stated (absent: no billing imported). */
  billingThrough: ReadonlyMap<string, number>;
  /** Per platform, the latest instant its spend reports delivered. */
  spendThrough: ReadonlyMap<string, number>;
  /** Sources that deliver fulfillment events and no orders (ShipStation, a 3PL): the shipment feeds. */
  shipmentSources: readonly string[];
  /** The instant every shipment feed has delivered through (the least of theirs); null without a shipment feed. */
  shipmentsThrough: number | null;
  /** The earliest business time a shipment feed delivered: orders placed before it are not judged as unshipped. */
  shipmentsFrom: number | null;
  /** The instant every store order feed has delivered through; null without one. */
  ordersThrough: number | null;
  /** Whether any file brought ad events. */
  hasAds: boolean;
}

interface CoverageRow {
  source: string;
  format: string;
  kinds: string;
  latest: string | null;
  covers: string | null;
  earliest: string | null;
}

const at = (r: CoverageRow): number =>
  Math.max(r.latest === null ? Number.NEGATIVE_INFINITY : Date.parse(r.latest), r.covers === null ? Number.NEGATIVE_INFINITY : Date.parse(r.covers));

/** Reads batch_coverage (one row per imported file) and each batch's format. */
export function readGrowthFeeds(db: LedgerDb): GrowthFeeds {
  const rows = db
    .prepare(
      `SELECT c.source, b.format, c.kinds, c.latest_occurred_at AS latest, c.covers_to AS covers,
              CASE WHEN c.kinds LIKE '%"fulfillment"%' AND c.kinds NOT LIKE '%"order"%'
                THEN (SELECT min(e.occurred_at) FROM events e WHERE e.batch_id = c.batch_id) END AS earliest
         FROM batch_coverage c JOIN import_batches b ON b.batch_id = c.batch_id ORDER BY c.seq`,
    )
    .all() as CoverageRow[];
  const bySource = new Map<string, { kinds: Set<string>; through: number; earliest: number | null }>();
  const billingThrough = new Map<string, number>();
  const spendThrough = new Map<string, number>();
  let hasAds = false;
  for (const r of rows) {
    const kinds = JSON.parse(r.kinds) as string[];
    const s = bySource.get(r.source) ?? { kinds: new Set<string>(), through: Number.NEGATIVE_INFINITY, earliest: null };
    for (const k of kinds) s.kinds.add(k);
    s.through = Math.max(s.through, at(r));
    if (r.earliest !== null) s.earliest = Math.min(s.earliest ?? Number.POSITIVE_INFINITY, Date.parse(r.earliest));
    bySource.set(r.source, s);
    if (kinds.includes('ad_spend')) hasAds = true;
    const billing = BILLING_FORMATS[r.format];
    if (billing !== undefined) billingThrough.set(billing, Math.max(billingThrough.get(billing) ?? Number.NEGATIVE_INFINITY, at(r)));
    const spend = SPEND_FORMATS[r.format];
    if (spend !== undefined) spendThrough.set(spend, Math.max(spendThrough.get(spend) ?? Number.NEGATIVE_INFINITY, at(r)));
  }
  const shipments = [...bySource].filter(([, s]) => s.kinds.has('fulfillment') && !s.kinds.has('order'));
  const stores = [...bySource].filter(([, s]) => s.kinds.has('order'));
  const least = (list: typeof shipments): number | null => (list.length === 0 ? null : Math.min(...list.map(([, s]) => s.through)));
  const starts = shipments.map(([, s]) => s.earliest).filter((v): v is number => v !== null);
  return {
    billingThrough,
    spendThrough,
    shipmentSources: shipments.map(([source]) => source).sort(),
    shipmentsThrough: least(shipments),
    shipmentsFrom: starts.length === 0 ? null : Math.min(...starts),
    ordersThrough: least(stores),
    hasAds,
  };
}
