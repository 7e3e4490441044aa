// `tieout export --what events`: canonical events with their source, refs and amounts, as CSV or JSON.
import type { LedgerDb } from '../ledger/database.ts';
import type { EventRow } from '../ledger/eventStore.ts';
import { minorToDecimalString } from '../../shared/money/amountText.ts';
import { writeCsv, writeJsonArray, type Column, type FdWriter } from './tableWriter.ts';

type StoredEvent = EventRow & { seq: number };

export type ExportFormat = 'csv' | 'json';

function eventColumns(format: ExportFormat): Column<StoredEvent>[] {
  const text = (name: keyof StoredEvent): Column<StoredEvent> => ({ name, type: 'text', value: (r) => r[name] });
  const num = (name: keyof StoredEvent): Column<StoredEvent> => ({ name, type: 'number', value: (r) => r[name] });
  return [
    text('event_id'),
    text('source'),
    text('kind'),
    text('external_id'),
    text('source_revision'),
    text('order_ref'),
    text('customer_ref'),
    text('payout_ref'),
    text('trace_id'),
    { name: 'amount', type: 'number', value: (r) => minorToDecimalString(r.amount_minor, r.currency) },
    num('amount_minor'),
    text('currency'),
    num('fee_minor'),
    num('net_minor'),
    text('state'),
    text('channel'),
    { name: 'description', type: 'text', value: (r) => descriptionOf(r.attributes) },
    text('occurred_at'),
    text('local_date'),
    text('received_at'),
    text('batch_id'),
    text('mapping_version'),
    text('raw_artifact_id'),
    num('raw_line_start'),
    num('raw_line_end'),
    format === 'json'
      ? { name: 'attributes', type: 'json', value: (r) => JSON.parse(r.attributes) as unknown }
      : { name: 'attributes', type: 'text', value: (r) => r.attributes },
  ];
}

function descriptionOf(attributes: string): string | null {
  const d = (JSON.parse(attributes) as Record<string, unknown>)['description'];
  return typeof d === 'string' ? d : null;
}

/** Streams every event in ingest order; returns how many were written. */
export function exportEvents(db: LedgerDb, format: ExportFormat, out: FdWriter): number {
  const rows = db.prepare('SELECT * FROM events ORDER BY seq').iterate() as Iterable<StoredEvent>;
  const columns = eventColumns(format);
  return format === 'csv' ? writeCsv(out, columns, rows) : writeJsonArray(out, columns, rows);
}
