// What a ledger's bytes are spent on, from SQLite's dbstat: events, their indexes, raw files, matches, the rest.
import type { LedgerDb } from '../src/main/ledger/database.ts';

export interface LedgerBytes {
  fileBytes: number;
  events: number;
  /** Bytes per event: the whole file, then each part. */
  perEvent: { file: number; events: number; eventIndexes: number; artifacts: number; matches: number; other: number };
}

/** Tables and indexes by what they hold; anything not named here counts as "other" (journal, batches, exceptions). */
function partOf(name: string, table: string): keyof LedgerBytes['perEvent'] {
  if (name === table) {
    if (/^(events|event_rows)$/.test(name)) return 'events';
    if (/^artifact/.test(name)) return 'artifacts';
    if (/^(matches|match_members)$/.test(name)) return 'matches';
    return 'other';
  }
  if (/^(events|event_rows)$/.test(table)) return 'eventIndexes';
  if (/^artifact/.test(table)) return 'artifacts';
  if (/^(matches|match_members)$/.test(table)) return 'matches';
  return 'other';
}

export function ledgerBytes(db: LedgerDb): LedgerBytes {
  const rows = db
    .prepare(
      `SELECT d.name, coalesce(m.tbl_name, d.name) AS tbl, sum(d.pgsize) AS bytes FROM dbstat d
       LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name`,
    )
    .all() as Array<{ name: string; tbl: string; bytes: number }>;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const fileBytes = (db.pragma('page_count', { simple: true }) as number) * pageSize;
  const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  const parts = { file: fileBytes, events: 0, eventIndexes: 0, artifacts: 0, matches: 0, other: 0 };
  for (const r of rows) parts[partOf(r.name, r.tbl)] += r.bytes;
  // Free pages and the file's own header pages belong to no table: they count in "file" only.
  const perEvent = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Math.round(v / Math.max(events, 1))])) as LedgerBytes['perEvent'];
  return { fileBytes, events, perEvent };
}
