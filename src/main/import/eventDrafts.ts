// Turns a parser's event draft into what the ledger stores: a fast validity check, normalized refs, the deterministic id.
import { eventIdFor, STORED_EVENT_COLUMNS, type StoredEventValues } from '../ledger/eventStore.ts';
import { EVENT_KINDS, normalizeRef, type EventDraftInput } from '../../shared/events/canonicalEvent.ts';
import { isCurrencyCode } from '../../shared/money/currencies.ts';

const KINDS = new Set<string>(EVENT_KINDS);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Checks a parser's draft before it is stored. This is the hot path, so it is
 * hand-written rather than a zod parse; it enforces the same rules as
 * EventDraftSchema for the fields the ledger relies on.
 */
export function checkDraft(d: EventDraftInput): string | null {
  if (!KINDS.has(d.kind)) return `unknown event kind "${String(d.kind)}"`;
  if (typeof d.external_id !== 'string' || d.external_id.trim() === '') return 'the record has no id';
  if (!isCurrencyCode(d.currency)) return `unknown currency "${d.currency}"`;
  if (!Number.isSafeInteger(d.amount_minor)) return `amount ${String(d.amount_minor)} is not a whole number of minor units`;
  if (d.fee_minor != null && !Number.isSafeInteger(d.fee_minor)) return `fee ${String(d.fee_minor)} is not a whole number of minor units`;
  if (d.net_minor != null && !Number.isSafeInteger(d.net_minor)) return `net ${String(d.net_minor)} is not a whole number of minor units`;
  if (!INSTANT.test(d.occurred_at)) return `time "${d.occurred_at}" is not a UTC instant`;
  return null;
}

/** What every event of one batch shares: the source, the batch, and the batch's time, file and mapping. */
export interface BatchConstants {
  source: string;
  batchId: string;
  /** received_at of every event: the batch's started_at. */
  receivedAt: string;
  artifactId: string;
  mappingVersion: string;
}

/** One event ready to store: its id, its values for event_rows, and the line it adds to its batch's digest. */
export interface StoredDraft {
  eventId: string;
  values: StoredEventValues;
  /** eventContentLine of the event as the `events` view will show it. */
  line: string;
}

/** Where the batch id and the source go in an event's stored values (STORED_EVENT_COLUMNS). */
export const BATCH_ID_AT = STORED_EVENT_COLUMNS.indexOf('batch_id');
export const SOURCE_AT = STORED_EVENT_COLUMNS.indexOf('source');

/**
 * The event a checked draft becomes. The values follow STORED_EVENT_COLUMNS, except that the batch id and the source,
 * the same for every event of the batch, are left null for the importing thread to fill in (BATCH_ID_AT, SOURCE_AT):
 * they need not cross from a worker with every event. The digest line lists every logical column in EVENT_COLUMNS
 * order, the batch's own included, exactly as eventContentLine would over the stored event.
 */
export function toStored(d: EventDraftInput, batch: BatchConstants, lineStart: number, lineEnd: number): StoredDraft {
  const revision = d.source_revision ?? '';
  const eventId = eventIdFor(batch.source, d.external_id, d.kind, revision);
  const orderRef = normalizeRef(d.order_ref);
  const customerRef = normalizeRef(d.customer_ref);
  const payoutRef = normalizeRef(d.payout_ref);
  const traceId = normalizeRef(d.trace_id);
  const fee = d.fee_minor ?? null;
  const net = d.net_minor ?? null;
  const state = d.state ?? null;
  const channel = d.channel ?? null;
  const localDate = d.local_date ?? null;
  const attributes = JSON.stringify(d.attributes ?? {});
  const values: StoredEventValues = [
    eventId,
    null,
    null,
    d.kind,
    d.external_id,
    revision,
    orderRef,
    customerRef,
    payoutRef,
    traceId,
    d.amount_minor,
    d.currency,
    fee,
    net,
    state,
    channel,
    d.occurred_at,
    localDate,
    lineStart,
    lineEnd,
    attributes,
  ];
  const logical = [
    eventId,
    batch.batchId,
    batch.source,
    d.kind,
    d.external_id,
    revision,
    orderRef,
    customerRef,
    payoutRef,
    traceId,
    d.amount_minor,
    d.currency,
    fee,
    net,
    state,
    channel,
    d.occurred_at,
    localDate,
    batch.receivedAt,
    batch.artifactId,
    lineStart,
    lineEnd,
    batch.mappingVersion,
    attributes,
  ];
  return { eventId, values, line: `${JSON.stringify(logical)}\n` };
}
