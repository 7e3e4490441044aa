// The import batches, newest first, as the Sources screen lists them.
import type { LedgerDb } from '../ledger/database.ts';
import type { ImportBatch } from '../../shared/api/contract.ts';

interface BatchRow {
  batch_id: string;
  source: string;
  format: string;
  file_name: string;
  started_at: string;
  finished_at: string;
  rows_read: number;
  events_created: number;
  duplicates_skipped: number;
  rows_rejected: number;
  actor: string;
}

/** The latest `limit` batches; files of one import share a start time, so the later-written batch comes first. */
export function importHistory(db: LedgerDb, limit: number): ImportBatch[] {
  const rows = db
    .prepare(
      `SELECT batch_id, source, format, file_name, started_at, finished_at, rows_read, events_created, duplicates_skipped, rows_rejected, actor
       FROM import_batches ORDER BY started_at DESC, rowid DESC LIMIT ?`,
    )
    .all(Math.max(0, limit)) as BatchRow[];
  return rows.map((r) => ({
    batchId: r.batch_id,
    source: r.source,
    format: r.format,
    fileName: r.file_name,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    rowsRead: r.rows_read,
    eventsCreated: r.events_created,
    duplicatesSkipped: r.duplicates_skipped,
    rowsRejected: r.rows_rejected,
    actor: r.actor,
  }));
}
