// Turns a parser's event draft into a ledger row: a fast validity check, normalized refs, the deterministic id.
import { eventIdFor, type EventRow } from '../ledger/eventStore.ts';
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

export function toRow(
  d: EventDraftInput,
  sourceId: string,
  batchId: string,
  receivedAt: string,
  artifactId: string,
  lineStart: number,
  lineEnd: number,
  mappingVersion: string,
): EventRow {
  const revision = d.source_revision ?? '';
  return {
    event_id: eventIdFor(sourceId, d.external_id, d.kind, revision),
    batch_id: batchId,
    source: sourceId,
    kind: d.kind,
    external_id: d.external_id,
    source_revision: revision,
    order_ref: normalizeRef(d.order_ref),
    customer_ref: normalizeRef(d.customer_ref),
    payout_ref: normalizeRef(d.payout_ref),
    trace_id: normalizeRef(d.trace_id),
    amount_minor: d.amount_minor,
    currency: d.currency,
    fee_minor: d.fee_minor ?? null,
    net_minor: d.net_minor ?? null,
    state: d.state ?? null,
    channel: d.channel ?? null,
    occurred_at: d.occurred_at,
    local_date: d.local_date ?? null,
    received_at: receivedAt,
    raw_artifact_id: artifactId,
    raw_line_start: lineStart,
    raw_line_end: lineEnd,
    mapping_version: mappingVersion,
    attributes: JSON.stringify(d.attributes ?? {}),
  };
}
