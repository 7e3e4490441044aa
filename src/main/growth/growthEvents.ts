// The ledger's events the growth tie-out reads: the latest revision of each record (a re-export whose figures changed
// supersedes the earlier one), decoded into plain shapes.
import type { LedgerDb } from '../ledger/database.ts';

export type Attrs = Record<string, string | number | boolean | null>;

export interface LedgerEvent {
  seq: number;
  eventId: string;
  source: string;
  kind: string;
  externalId: string;
  orderRef: string | null;
  traceId: string | null;
  amountMinor: number;
  currency: string;
  state: string | null;
  channel: string | null;
  occurredAt: string;
  localDate: string | null;
  attrs: Attrs;
}

type Row = {
  seq: number;
  event_id: string;
  source: string;
  kind: string;
  external_id: string;
  order_ref: string | null;
  trace_id: string | null;
  amount_minor: number;
  currency: string;
  state: string | null;
  channel: string | null;
  occurred_at: string;
  local_date: string | null;
  attributes: string;
};

function decode(r: Row): LedgerEvent {
  return {
    seq: r.seq,
    eventId: r.event_id,
    source: r.source,
    kind: r.kind,
    externalId: r.external_id,
    orderRef: r.order_ref,
    traceId: r.trace_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    state: r.state,
    channel: r.channel,
    occurredAt: r.occurred_at,
    localDate: r.local_date,
    attrs: JSON.parse(r.attributes) as Attrs,
  };
}

/**
 * Events of `kind` whose business time is in [from, to) (UTC instants), each the latest revision of its record
 * (same source, kind and external id): an earlier revision is in superseded_events (migration 9), a primary-key look-up.
 */
export function latestEvents(db: LedgerDb, kind: string, from: string, to: string): LedgerEvent[] {
  const rows = db
    .prepare(
      `SELECT e.seq, e.event_id, e.source, e.kind, e.external_id, e.order_ref, e.trace_id, e.amount_minor, e.currency, e.state, e.channel,
              e.occurred_at, e.local_date, e.attributes
         FROM events e
        WHERE e.kind = ? AND e.occurred_at >= ? AND e.occurred_at < ?
          AND NOT EXISTS (SELECT 1 FROM superseded_events s WHERE s.event_seq = e.seq)
        ORDER BY e.occurred_at, e.seq`,
    )
    .all(kind, from, to) as Row[];
  return rows.map(decode);
}

export const text = (a: Attrs, key: string): string | null => {
  const v = a[key];
  return typeof v === 'string' && v !== '' ? v : null;
};
export const num = (a: Attrs, key: string): number | null => {
  const v = a[key];
  return typeof v === 'number' ? v : null;
};
