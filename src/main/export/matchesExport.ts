// `tieout export --what matches`: active matches with their events, streamed as the stable JSON/CSV contract.
import type { LedgerDb } from '../ledger/database.ts';
import type { ExportFormat } from './eventsExport.ts';
import { writeCsv, writeJsonArray, type Column, type FdWriter } from './tableWriter.ts';

/** One event inside an exported match or exception (stable contract). */
export interface ExportedEvent {
  event_id: string;
  source: string;
  kind: string;
  external_id: string;
  amount_minor: number;
  currency: string;
}

export interface ExportedMatch {
  match_id: string;
  status: 'matched' | 'auto_resolved' | 'manual';
  rule_id: string | null;
  rule_version: number | null;
  events: ExportedEvent[];
}

/** The event half of a joined row; null fields when an exception has no event (LEFT JOIN). */
export interface JoinedEventColumns {
  ev_id: string | null;
  ev_source: string | null;
  ev_kind: string | null;
  ev_external_id: string | null;
  ev_amount_minor: number | null;
  ev_currency: string | null;
}

/** SELECT list for the joined event, aliased so it never collides with the parent's own columns. */
export const JOINED_EVENT_SQL =
  'e.event_id AS ev_id, e.source AS ev_source, e.kind AS ev_kind, e.external_id AS ev_external_id, e.amount_minor AS ev_amount_minor, e.currency AS ev_currency';

/**
 * CSV flattens `events[].X` into a column `event_X` (event_id keeps its name), one row per
 * (parent, event); a parent with no event gets one row with these cells empty.
 */
export function joinedEventColumns<Row extends JoinedEventColumns>(): Column<Row>[] {
  return [
    { name: 'event_id', type: 'text', value: (r) => r.ev_id },
    { name: 'event_source', type: 'text', value: (r) => r.ev_source },
    { name: 'event_kind', type: 'text', value: (r) => r.ev_kind },
    { name: 'event_external_id', type: 'text', value: (r) => r.ev_external_id },
    { name: 'event_amount_minor', type: 'number', value: (r) => r.ev_amount_minor },
    { name: 'event_currency', type: 'text', value: (r) => r.ev_currency },
  ];
}

function eventOf(r: JoinedEventColumns): ExportedEvent | null {
  if (r.ev_id === null) return null;
  return {
    event_id: r.ev_id,
    source: r.ev_source ?? '',
    kind: r.ev_kind ?? '',
    external_id: r.ev_external_id ?? '',
    amount_minor: r.ev_amount_minor ?? 0,
    currency: r.ev_currency ?? '',
  };
}

/** Folds rows ordered by parent id into one record per parent, holding only one parent in memory. */
export function* groupJoinedEvents<Row extends JoinedEventColumns, Head>(
  rows: Iterable<Row>,
  keyOf: (row: Row) => string,
  headOf: (row: Row) => Head,
): Generator<Head & { events: ExportedEvent[] }> {
  let current: (Head & { events: ExportedEvent[] }) | null = null;
  let currentKey = '';
  for (const row of rows) {
    const key = keyOf(row);
    if (current === null || key !== currentKey) {
      if (current !== null) yield current;
      current = { ...headOf(row), events: [] };
      currentKey = key;
    }
    const event = eventOf(row);
    if (event !== null) current.events.push(event);
  }
  if (current !== null) yield current;
}

interface MatchRow extends JoinedEventColumns {
  match_id: string;
  status: ExportedMatch['status'];
  rule_id: string | null;
  rule_version: number | null;
}

// Left side first, then right, each in ingest order: stable across runs and machines. CROSS JOIN
// pins matches as the outer loop, walked in match_id order (its unique index), so SQLite sorts only
// within one match instead of buffering the whole join before the first row comes out.
function matchRows(db: LedgerDb): Iterable<MatchRow> {
  return db
    .prepare(
      `SELECT m.match_id, m.status, m.rule_id, m.rule_version, ${JOINED_EVENT_SQL}
       FROM matches m INDEXED BY matches_by_id CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.ended_at IS NULL
       ORDER BY m.match_id, mm.side, e.seq`,
    )
    .iterate() as Iterable<MatchRow>;
}

/** Active matches (ended_at IS NULL) ordered by match_id, each with its events. */
export function iterateMatches(db: LedgerDb): Generator<ExportedMatch> {
  return groupJoinedEvents(
    matchRows(db),
    (r) => r.match_id,
    (r) => ({
      match_id: r.match_id,
      status: r.status,
      rule_id: r.rule_id,
      rule_version: r.rule_version,
    }),
  );
}

const MATCH_HEAD_CSV: Column<MatchRow>[] = [
  { name: 'match_id', type: 'text', value: (r) => r.match_id },
  { name: 'status', type: 'text', value: (r) => r.status },
  { name: 'rule_id', type: 'text', value: (r) => r.rule_id },
  { name: 'rule_version', type: 'number', value: (r) => r.rule_version },
];

const MATCH_JSON: Column<ExportedMatch>[] = (['match_id', 'status', 'rule_id', 'rule_version', 'events'] as const).map((name) => ({
  name,
  type: name === 'events' ? 'json' : 'text',
  value: (m: ExportedMatch) => m[name],
}));

/** Streams active matches; returns the JSON objects written, or the CSV rows (one per match and event). */
export function exportMatches(db: LedgerDb, format: ExportFormat, out: FdWriter): number {
  if (format === 'csv') return writeCsv(out, [...MATCH_HEAD_CSV, ...joinedEventColumns<MatchRow>()], matchRows(db));
  return writeJsonArray(out, MATCH_JSON, iterateMatches(db));
}
