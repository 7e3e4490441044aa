// Writes canonical events: deterministic ids, one prepared insert, duplicates ignored by id.
import type { LedgerDb } from './database.ts';
import { sha256Hex } from './canonicalJson.ts';

/** DESIGN §3: hash of (source, external id, kind, source revision); equal records get equal ids. */
export function eventIdFor(source: string, externalId: string, kind: string, sourceRevision: string): string {
  return `ev_${sha256Hex(`${source}\u001f${externalId}\u001f${kind}\u001f${sourceRevision}`).slice(0, 32)}`;
}

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

/** The line an event contributes to its batch digest: every stored column in a fixed order. */
export function eventContentLine(row: object): string {
  const r = row as Record<string, unknown>;
  return `${JSON.stringify(EVENT_COLUMNS.map((c) => r[c] ?? null))}\n`;
}

export class EventWriter {
  private readonly insert;

  constructor(db: LedgerDb) {
    this.insert = db.prepare(
      // ON CONFLICT (not OR IGNORE): only a duplicate id is skipped; a CHECK or NOT NULL failure still raises.
      `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (event_id) DO NOTHING`,
    );
  }

  /** Returns true when the event is new, false when an event with that id already exists. */
  write(row: EventRow): boolean {
    return this.insert.run(row).changes === 1;
  }
}
