// Writes canonical events: deterministic ids, one prepared positional insert into event_rows, duplicates ignored by id.
import type Database from 'better-sqlite3';
import type { LedgerDb } from './database.ts';
import { sha256Hex } from './canonicalJson.ts';

/** DESIGN §3: hash of (source, external id, kind, source revision); equal records get equal ids. */
export function eventIdFor(source: string, externalId: string, kind: string, sourceRevision: string): string {
  return `ev_${sha256Hex(`${source}\u001f${externalId}\u001f${kind}\u001f${sourceRevision}`).slice(0, 32)}`;
}

/** An event as readers see it: one row of the `events` view. */
export interface EventRow {
  event_id: string;
  batch_id: string;
  source: string;
  kind: string;
  external_id: string;
  source_revision: string;
  order_ref: string | null;
  customer_ref: string | null;
  payout_ref: string | null;
  trace_id: string | null;
  amount_minor: number;
  currency: string;
  fee_minor: number | null;
  net_minor: number | null;
  state: string | null;
  channel: string | null;
  occurred_at: string;
  local_date: string | null;
  received_at: string;
  raw_artifact_id: string;
  raw_line_start: number;
  raw_line_end: number;
  mapping_version: string;
  /** JSON text. */
  attributes: string;
}

/** The logical columns of an event, in the order its batch digest hashes them (and the `events` view shows them). */
export const EVENT_COLUMNS = [
  'event_id',
  'batch_id',
  'source',
  'kind',
  'external_id',
  'source_revision',
  'order_ref',
  'customer_ref',
  'payout_ref',
  'trace_id',
  'amount_minor',
  'currency',
  'fee_minor',
  'net_minor',
  'state',
  'channel',
  'occurred_at',
  'local_date',
  'received_at',
  'raw_artifact_id',
  'raw_line_start',
  'raw_line_end',
  'mapping_version',
  'attributes',
] as const satisfies ReadonlyArray<keyof EventRow>;

/**
 * The logical columns an event_rows row stores (migration 6). The other three are the batch's own and are read from
 * import_batches by the `events` view: received_at (the batch's started_at), raw_artifact_id, mapping_version.
 */
export const STORED_EVENT_COLUMNS = EVENT_COLUMNS.filter((c) => c !== 'received_at' && c !== 'raw_artifact_id' && c !== 'mapping_version');

/** An event row's stored values, in STORED_EVENT_COLUMNS order: what the import binds, positionally. */
export type StoredEventValues = unknown[];

/** The line an event contributes to its batch digest: every logical column in a fixed order. */
export function eventContentLine(row: object): string {
  const r = row as Record<string, unknown>;
  return `${JSON.stringify(EVENT_COLUMNS.map((c) => r[c] ?? null))}\n`;
}

export function storedValues(row: EventRow): StoredEventValues {
  const r = row as unknown as Record<string, unknown>;
  return STORED_EVENT_COLUMNS.map((c) => r[c] ?? null);
}

export class EventWriter {
  private readonly insert: Database.Statement;

  constructor(db: LedgerDb) {
    // ON CONFLICT (not OR IGNORE): only a duplicate id is skipped; a CHECK or NOT NULL failure still raises.
    // One row per statement, bound by position: binding by name cost more than SQLite's own work per row, and a
    // 32-row statement measured slower than 32 one-row statements on a file ledger with the events' indexes.
    this.insert = db.prepare(
      `INSERT INTO event_rows (${STORED_EVENT_COLUMNS.join(', ')}) VALUES (${STORED_EVENT_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (event_id) DO NOTHING`,
    );
  }

  /**
   * Stores one event of the batch whose received_at, artifact and mapping version import_batches holds (the row
   * carries none of them). Returns true when the event is new, false when an event with that id already exists.
   */
  writeValues(values: StoredEventValues): boolean {
    return this.insert.run(values).changes === 1;
  }

  /** As writeValues, from a whole row (its batch-level columns are its batch's and are not stored). */
  write(row: EventRow): boolean {
    return this.writeValues(storedValues(row));
  }
}
