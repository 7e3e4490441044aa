// The events two ledgers hold for a source, in the columns matching reads, for "the same records give the same events".
import type { LedgerDb } from '../../../src/main/ledger/database.ts';

export const CORE_COLUMNS = [
  'event_id',
  'kind',
  'external_id',
  'source_revision',
  'order_ref',
  'payout_ref',
  'trace_id',
  'amount_minor',
  'currency',
  'fee_minor',
  'net_minor',
  'state',
  'occurred_at',
] as const;

/** The source's latest revisions (none superseded), by event id, in CORE_COLUMNS (plus any extra columns asked). */
export function latestEvents(db: LedgerDb, source: string, extra: readonly string[] = []): Map<string, Record<string, unknown>> {
  const cols = [...CORE_COLUMNS, ...extra].join(', ');
  const rows = db
    .prepare(`SELECT ${cols} FROM events WHERE source = ? AND seq NOT IN (SELECT event_seq FROM superseded_events) ORDER BY event_id`)
    .all(source) as Record<string, unknown>[];
  return new Map(rows.map((r) => [r.event_id as string, r]));
}
