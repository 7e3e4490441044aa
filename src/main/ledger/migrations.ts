// Numbered schema migrations: applied in order, each in a transaction, recorded in schema_migrations.
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Runs with foreign key enforcement off (SQLite's documented way to rebuild a table other tables reference), and
   * fails, rolling back, unless PRAGMA foreign_key_check finds every reference intact before it commits.
   */
  foreignKeysOff?: boolean;
}

const appendOnly = (table: string): string => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: UPDATE is not allowed'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: DELETE is not allowed'); END;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger core: artifacts, import batches, events, journal',
    sql: `
CREATE TABLE artifacts (
  artifact_id TEXT PRIMARY KEY CHECK (length(artifact_id) = 64),
  byte_length INTEGER NOT NULL CHECK (byte_length >= 0),
  chunk_count INTEGER NOT NULL CHECK (chunk_count >= 0),
  first_file_name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE artifact_chunks (
  artifact_id TEXT NOT NULL REFERENCES artifacts(artifact_id) DEFERRABLE INITIALLY DEFERRED,
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (artifact_id, seq)
);
CREATE TABLE import_batches (
  batch_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  format TEXT NOT NULL,
  mapping_version TEXT NOT NULL,
  file_name TEXT NOT NULL,
  artifact_id TEXT NOT NULL REFERENCES artifacts(artifact_id),
  encoding TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  events_created INTEGER NOT NULL,
  duplicates_skipped INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  actor TEXT NOT NULL
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  batch_id TEXT NOT NULL REFERENCES import_batches(batch_id) DEFERRABLE INITIALLY DEFERRED,
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('order','payment','refund','fee','payout','dispute','bank_credit','bank_debit','ad_spend','fulfillment','adjustment')),
  external_id TEXT NOT NULL,
  source_revision TEXT NOT NULL,
  order_ref TEXT,
  customer_ref TEXT,
  payout_ref TEXT,
  trace_id TEXT,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  fee_minor INTEGER,
  net_minor INTEGER,
  state TEXT,
  channel TEXT,
  occurred_at TEXT NOT NULL,
  local_date TEXT,
  received_at TEXT NOT NULL,
  raw_artifact_id TEXT NOT NULL REFERENCES artifacts(artifact_id) DEFERRABLE INITIALLY DEFERRED,
  raw_line_start INTEGER NOT NULL,
  raw_line_end INTEGER NOT NULL,
  mapping_version TEXT NOT NULL,
  attributes TEXT NOT NULL
);
CREATE INDEX events_by_source_external ON events (source, external_id);
CREATE INDEX events_by_batch ON events (batch_id);
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  entry_type TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT,
  subject_id TEXT,
  created_at TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX journal_by_subject ON journal (subject_id) WHERE subject_id IS NOT NULL;
${appendOnly('artifacts')}
${appendOnly('artifact_chunks')}
${appendOnly('import_batches')}
${appendOnly('events')}
${appendOnly('journal')}
`,
  },
  {
    version: 2,
    name: 'matching: rule sets, runs, matches, exceptions and their human decisions',
    sql: `
CREATE TABLE rule_sets (
  rule_set_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (rule_set_id, version)
);
${appendOnly('rule_sets')}
CREATE TABLE recon_runs (
  run_id TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
  rule_set_id TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  events_considered INTEGER NOT NULL,
  matches_created INTEGER NOT NULL,
  matches_ended INTEGER NOT NULL,
  exceptions_opened INTEGER NOT NULL,
  exceptions_closed INTEGER NOT NULL,
  FOREIGN KEY (rule_set_id, rule_version) REFERENCES rule_sets (rule_set_id, version)
);
${appendOnly('recon_runs')}
-- Projections (DESIGN §4): current state, rebuildable from the journal. Rows are never deleted;
-- a match or exception that stops holding gets ended_at set, once.
CREATE TABLE matches (
  match_id TEXT PRIMARY KEY,
  link TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('matched', 'auto_resolved', 'manual')),
  origin TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
  rule_id TEXT,
  rule_set_id TEXT,
  rule_version INTEGER,
  score REAL,
  explanation TEXT NOT NULL,
  created_run_id TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  ended_at TEXT,
  ended_by TEXT,
  end_reason TEXT
);
CREATE INDEX matches_active ON matches (link) WHERE ended_at IS NULL;
CREATE TABLE match_events (
  match_id TEXT NOT NULL REFERENCES matches (match_id),
  event_id TEXT NOT NULL REFERENCES events (event_id),
  side TEXT NOT NULL CHECK (side IN ('left', 'right')),
  PRIMARY KEY (match_id, event_id)
);
CREATE INDEX match_events_by_event ON match_events (event_id);
CREATE TABLE exceptions (
  exception_id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  class TEXT NOT NULL CHECK (class IN ('A', 'B', 'C')),
  default_class TEXT NOT NULL CHECK (default_class IN ('A', 'B', 'C')),
  policy_gated INTEGER NOT NULL CHECK (policy_gated IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('open', 'in_remediation', 'assigned', 'resolved', 'reopened')),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  explanation TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
  rule_id TEXT,
  rule_set_id TEXT,
  rule_version INTEGER,
  owner TEXT,
  due_at TEXT,
  created_run_id TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  resolution TEXT,
  ended_at TEXT
);
CREATE INDEX exceptions_open ON exceptions (code, class) WHERE ended_at IS NULL;
CREATE TABLE exception_events (
  exception_id TEXT NOT NULL REFERENCES exceptions (exception_id),
  event_id TEXT NOT NULL REFERENCES events (event_id),
  PRIMARY KEY (exception_id, event_id)
);
CREATE INDEX exception_events_by_event ON exception_events (event_id);
-- Human decisions the engine must respect: events a person matched (the engine leaves them alone)
-- and pairs a person unmatched (the engine never proposes them again).
CREATE TABLE pinned_events (
  event_id TEXT NOT NULL REFERENCES events (event_id),
  link TEXT NOT NULL,
  match_id TEXT NOT NULL REFERENCES matches (match_id),
  PRIMARY KEY (event_id, link)
);
CREATE TABLE blocked_pairs (
  link TEXT NOT NULL,
  left_event_id TEXT NOT NULL,
  right_event_id TEXT NOT NULL,
  journal_seq INTEGER NOT NULL,
  PRIMARY KEY (link, left_event_id, right_event_id)
);
${appendOnly('blocked_pairs')}
CREATE INDEX events_by_order_ref ON events (order_ref) WHERE order_ref IS NOT NULL;
CREATE INDEX events_by_payout_ref ON events (payout_ref) WHERE payout_ref IS NOT NULL;
CREATE INDEX events_by_trace_id ON events (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX events_by_kind_time ON events (kind, currency, occurred_at);
`,
  },
  {
    version: 3,
    name: 'matching: indexes for the as-of time and incremental amount-window scope',
    sql: `
CREATE INDEX events_by_time ON events (occurred_at);
CREATE INDEX events_by_kind_amount ON events (kind, currency, amount_minor, occurred_at);
`,
  },
  {
    version: 4,
    name: 'matching: covering indexes over active matches/exceptions and human decisions (incremental runs read no whole table)',
    sql: `
CREATE INDEX matches_active_by_origin ON matches (origin, match_id, link, rule_id, rule_set_id, rule_version, ended_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_active_by_state ON exceptions (state, origin, exception_id, due_at, ended_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_active_cover ON exceptions (exception_id, origin, rule_id, class, state, ended_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_human ON exceptions (exception_id) WHERE origin = 'human' OR state IN ('assigned', 'reopened');
CREATE INDEX journal_human_exception ON journal (subject_id, entry_type, actor) WHERE entry_type LIKE 'exception.%' AND actor NOT LIKE 'system:%';
`,
  },
  {
    version: 5,
    name: 'integer identity: matches and exceptions get a seq; their event links become (seq, seq) rows',
    // docs/decisions/0001: a 1M-order month writes three million event links. As pairs of 35-character text ids each
    // link cost ~80 bytes in its table and again in its by-event index, landing on a random page of both; as integers
    // in a WITHOUT ROWID table it costs ~12. The text ids (match_id, exception_id) stay the stable, exported identity,
    // under their own unique indexes. Children are rebuilt before their parents are dropped, so no foreign key ever
    // points at a missing table.
    sql: `
CREATE TABLE matches_v5 (
  seq INTEGER PRIMARY KEY,
  match_id TEXT NOT NULL,
  link TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('matched', 'auto_resolved', 'manual')),
  origin TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
  rule_id TEXT,
  rule_set_id TEXT,
  rule_version INTEGER,
  score REAL,
  explanation TEXT NOT NULL,
  created_run_id TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  ended_at TEXT,
  ended_by TEXT,
  end_reason TEXT
);
INSERT INTO matches_v5 (match_id, link, status, origin, rule_id, rule_set_id, rule_version, score, explanation, created_run_id, created_at,
  created_by, ended_at, ended_by, end_reason)
SELECT match_id, link, status, origin, rule_id, rule_set_id, rule_version, score, explanation, created_run_id, created_at, created_by, ended_at,
  ended_by, end_reason FROM matches ORDER BY rowid;
-- Unique indexes rather than UNIQUE constraints: a run that writes a million rows drops and rebuilds them (engine.ts
-- bulkIndexes), which SQLite does not allow for a constraint's own index.
CREATE UNIQUE INDEX matches_by_id ON matches_v5 (match_id);
CREATE TABLE match_members (
  match_seq INTEGER NOT NULL REFERENCES matches_v5 (seq),
  event_seq INTEGER NOT NULL REFERENCES events (seq),
  side TEXT NOT NULL CHECK (side IN ('left', 'right')),
  PRIMARY KEY (match_seq, event_seq)
) WITHOUT ROWID;
INSERT INTO match_members (match_seq, event_seq, side)
SELECT m.seq, e.seq, me.side FROM match_events me JOIN matches_v5 m ON m.match_id = me.match_id JOIN events e ON e.event_id = me.event_id
ORDER BY m.seq, e.seq;
CREATE TABLE pinned_events_v5 (
  event_id TEXT NOT NULL REFERENCES events (event_id),
  link TEXT NOT NULL,
  match_id TEXT NOT NULL REFERENCES matches_v5 (match_id),
  PRIMARY KEY (event_id, link)
);
INSERT INTO pinned_events_v5 SELECT event_id, link, match_id FROM pinned_events;
CREATE TABLE exceptions_v5 (
  seq INTEGER PRIMARY KEY,
  exception_id TEXT NOT NULL,
  code TEXT NOT NULL,
  class TEXT NOT NULL CHECK (class IN ('A', 'B', 'C')),
  default_class TEXT NOT NULL CHECK (default_class IN ('A', 'B', 'C')),
  policy_gated INTEGER NOT NULL CHECK (policy_gated IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('open', 'in_remediation', 'assigned', 'resolved', 'reopened')),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  explanation TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
  rule_id TEXT,
  rule_set_id TEXT,
  rule_version INTEGER,
  owner TEXT,
  due_at TEXT,
  created_run_id TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  resolution TEXT,
  ended_at TEXT
);
INSERT INTO exceptions_v5 (exception_id, code, class, default_class, policy_gated, state, amount_minor, currency, explanation, origin, rule_id,
  rule_set_id, rule_version, owner, due_at, created_run_id, created_at, resolved_at, resolved_by, resolution, ended_at)
SELECT exception_id, code, class, default_class, policy_gated, state, amount_minor, currency, explanation, origin, rule_id, rule_set_id,
  rule_version, owner, due_at, created_run_id, created_at, resolved_at, resolved_by, resolution, ended_at FROM exceptions ORDER BY rowid;
CREATE UNIQUE INDEX exceptions_by_id ON exceptions_v5 (exception_id);
CREATE TABLE exception_members (
  exception_seq INTEGER NOT NULL REFERENCES exceptions_v5 (seq),
  event_seq INTEGER NOT NULL REFERENCES events (seq),
  PRIMARY KEY (exception_seq, event_seq)
) WITHOUT ROWID;
INSERT INTO exception_members (exception_seq, event_seq)
SELECT x.seq, e.seq FROM exception_events xe JOIN exceptions_v5 x ON x.exception_id = xe.exception_id JOIN events e ON e.event_id = xe.event_id
ORDER BY x.seq, e.seq;
DROP TABLE pinned_events;
DROP TABLE match_events;
DROP TABLE exception_events;
DROP TABLE matches;
DROP TABLE exceptions;
ALTER TABLE matches_v5 RENAME TO matches;
ALTER TABLE exceptions_v5 RENAME TO exceptions;
ALTER TABLE pinned_events_v5 RENAME TO pinned_events;
CREATE INDEX matches_active ON matches (link) WHERE ended_at IS NULL;
-- What a full run reads besides the active engine matches (matches_active): ended rows it may reactivate and a
-- person's; and a person's active matches, which every run respects. Both are few next to the engine's.
CREATE INDEX matches_inactive ON matches (match_id, ended_at) WHERE origin <> 'engine' OR ended_at IS NOT NULL;
CREATE INDEX matches_human ON matches (ended_at) WHERE origin = 'human';
CREATE INDEX match_members_by_event ON match_members (event_seq, match_seq);
CREATE INDEX exceptions_open ON exceptions (code, class) WHERE ended_at IS NULL;
CREATE INDEX exceptions_active_by_state ON exceptions (state, origin, exception_id, due_at, ended_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_active_cover ON exceptions (exception_id, origin, rule_id, class, state, ended_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_human ON exceptions (exception_id) WHERE origin = 'human' OR state IN ('assigned', 'reopened');
CREATE INDEX exception_members_by_event ON exception_members (event_seq, exception_seq);
-- The same links by their text ids, for people querying the ledger (the app's own queries join the integer tables).
CREATE VIEW match_event_ids (match_id, event_id, side) AS
  SELECT m.match_id, e.event_id, mm.side FROM match_members mm JOIN matches m ON m.seq = mm.match_seq JOIN events e ON e.seq = mm.event_seq;
CREATE VIEW exception_event_ids (exception_id, event_id) AS
  SELECT x.exception_id, e.event_id FROM exception_members xm JOIN exceptions x ON x.seq = xm.exception_seq JOIN events e ON e.seq = xm.event_seq;
`,
  },
  {
    version: 6,
    name: "narrow events: rows keep what is their own, the batch's time, file and mapping come from import_batches; raw file chunks may be compressed",
    foreignKeysOff: true,
    // docs/decisions/0003: received_at (the batch's start), raw_artifact_id (the batch's file, 64 characters) and
    // mapping_version were repeated on every event of a batch, ~110 bytes a row. event_rows stores the rest; the view
    // `events` shows the same logical columns as before (its batch columns looked up by batch_id only when read), so
    // readers and the batch digests verify sealed are unchanged. An older event whose value differs from its batch's
    // (only an edit could do that) keeps its own value in own_*, so the migration never hides a change from verify.
    // The children (match_members, exception_members, pinned_events) are made to name event_rows by renaming the old
    // table to that name first; the new table then replaces it under the same name.
    sql: `
DROP VIEW match_event_ids;
DROP VIEW exception_event_ids;
DROP TRIGGER events_no_update;
DROP TRIGGER events_no_delete;
DROP INDEX events_by_source_external;
DROP INDEX events_by_batch;
DROP INDEX events_by_order_ref;
DROP INDEX events_by_payout_ref;
DROP INDEX events_by_trace_id;
DROP INDEX events_by_kind_time;
DROP INDEX events_by_time;
DROP INDEX events_by_kind_amount;
ALTER TABLE events RENAME TO event_rows;
CREATE TABLE event_rows_v6 (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  batch_id TEXT NOT NULL REFERENCES import_batches(batch_id) DEFERRABLE INITIALLY DEFERRED,
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('order','payment','refund','fee','payout','dispute','bank_credit','bank_debit','ad_spend','fulfillment','adjustment')),
  external_id TEXT NOT NULL,
  source_revision TEXT NOT NULL,
  order_ref TEXT,
  customer_ref TEXT,
  payout_ref TEXT,
  trace_id TEXT,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  fee_minor INTEGER,
  net_minor INTEGER,
  state TEXT,
  channel TEXT,
  occurred_at TEXT NOT NULL,
  local_date TEXT,
  raw_line_start INTEGER NOT NULL,
  raw_line_end INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  -- NULL unless the event's value differs from its batch's (never, for events written by the import).
  own_received_at TEXT,
  own_raw_artifact_id TEXT,
  own_mapping_version TEXT
);
INSERT INTO event_rows_v6 (seq, event_id, batch_id, source, kind, external_id, source_revision, order_ref, customer_ref, payout_ref, trace_id,
  amount_minor, currency, fee_minor, net_minor, state, channel, occurred_at, local_date, raw_line_start, raw_line_end, attributes,
  own_received_at, own_raw_artifact_id, own_mapping_version)
SELECT e.seq, e.event_id, e.batch_id, e.source, e.kind, e.external_id, e.source_revision, e.order_ref, e.customer_ref, e.payout_ref, e.trace_id,
  e.amount_minor, e.currency, e.fee_minor, e.net_minor, e.state, e.channel, e.occurred_at, e.local_date, e.raw_line_start, e.raw_line_end, e.attributes,
  CASE WHEN e.received_at IS NOT b.started_at THEN e.received_at END,
  CASE WHEN e.raw_artifact_id IS NOT b.artifact_id THEN e.raw_artifact_id END,
  CASE WHEN e.mapping_version IS NOT b.mapping_version THEN e.mapping_version END
FROM event_rows e LEFT JOIN import_batches b ON b.batch_id = e.batch_id ORDER BY e.seq;
DROP TABLE event_rows;
ALTER TABLE event_rows_v6 RENAME TO event_rows;
CREATE INDEX events_by_source_external ON event_rows (source, external_id);
CREATE INDEX events_by_batch ON event_rows (batch_id);
CREATE INDEX events_by_order_ref ON event_rows (order_ref) WHERE order_ref IS NOT NULL;
CREATE INDEX events_by_payout_ref ON event_rows (payout_ref) WHERE payout_ref IS NOT NULL;
CREATE INDEX events_by_trace_id ON event_rows (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX events_by_kind_time ON event_rows (kind, currency, occurred_at);
CREATE INDEX events_by_time ON event_rows (occurred_at);
CREATE INDEX events_by_kind_amount ON event_rows (kind, currency, amount_minor, occurred_at);
${appendOnly('event_rows')}
-- The logical events, as before. One table and scalar subqueries, no join: SQLite flattens the view into every
-- query (also as the right side of a LEFT JOIN), and a batch column costs a lookup only in a query that reads it.
-- rowid is kept for readers that address an event by it (it is seq).
CREATE VIEW events AS SELECT
  r.seq, r.event_id, r.batch_id, r.source, r.kind, r.external_id, r.source_revision, r.order_ref, r.customer_ref, r.payout_ref, r.trace_id,
  r.amount_minor, r.currency, r.fee_minor, r.net_minor, r.state, r.channel, r.occurred_at, r.local_date,
  coalesce(r.own_received_at, (SELECT b.started_at FROM import_batches b WHERE b.batch_id = r.batch_id)) AS received_at,
  coalesce(r.own_raw_artifact_id, (SELECT b.artifact_id FROM import_batches b WHERE b.batch_id = r.batch_id)) AS raw_artifact_id,
  r.raw_line_start, r.raw_line_end,
  coalesce(r.own_mapping_version, (SELECT b.mapping_version FROM import_batches b WHERE b.batch_id = r.batch_id)) AS mapping_version,
  r.attributes, r.seq AS rowid
FROM event_rows r;
-- Writing through the view stores the row as the import does (a value that differs from the batch's goes to own_*);
-- updating or deleting through it is refused like on every append-only table.
CREATE TRIGGER events_insert INSTEAD OF INSERT ON events
BEGIN
  INSERT INTO event_rows (seq, event_id, batch_id, source, kind, external_id, source_revision, order_ref, customer_ref, payout_ref, trace_id,
    amount_minor, currency, fee_minor, net_minor, state, channel, occurred_at, local_date, raw_line_start, raw_line_end, attributes,
    own_received_at, own_raw_artifact_id, own_mapping_version)
  SELECT NEW.seq, NEW.event_id, NEW.batch_id, NEW.source, NEW.kind, NEW.external_id, NEW.source_revision, NEW.order_ref, NEW.customer_ref,
    NEW.payout_ref, NEW.trace_id, NEW.amount_minor, NEW.currency, NEW.fee_minor, NEW.net_minor, NEW.state, NEW.channel, NEW.occurred_at,
    NEW.local_date, NEW.raw_line_start, NEW.raw_line_end, NEW.attributes,
    CASE WHEN NEW.received_at IS NOT b.started_at THEN NEW.received_at END,
    CASE WHEN NEW.raw_artifact_id IS NOT b.artifact_id THEN NEW.raw_artifact_id END,
    CASE WHEN NEW.mapping_version IS NOT b.mapping_version THEN NEW.mapping_version END
  FROM (SELECT NEW.batch_id AS batch_id) n LEFT JOIN import_batches b ON b.batch_id = n.batch_id;
END;
CREATE TRIGGER events_no_update INSTEAD OF UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only: UPDATE is not allowed'); END;
CREATE TRIGGER events_no_delete INSTEAD OF DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only: DELETE is not allowed'); END;
CREATE VIEW match_event_ids (match_id, event_id, side) AS
  SELECT m.match_id, e.event_id, mm.side FROM match_members mm JOIN matches m ON m.seq = mm.match_seq JOIN events e ON e.seq = mm.event_seq;
CREATE VIEW exception_event_ids (exception_id, event_id) AS
  SELECT x.exception_id, e.event_id FROM exception_members xm JOIN exceptions x ON x.seq = xm.exception_seq JOIN events e ON e.seq = xm.event_seq;
-- Raw file chunks: NULL codec = the bytes as they are; 'br' = one Brotli stream of the chunk's bytes. The artifact id
-- stays the sha256 of the original bytes, which verify recomputes from the decompressed chunks.
ALTER TABLE artifact_chunks ADD COLUMN codec TEXT CHECK (codec IS NULL OR codec = 'br');
`,
  },
  {
    version: 7,
    name: 'continuous matching: what each batch delivered (watermarks), events awaiting a counterpart feed, durable pending work',
    // DESIGN §5: a source's watermark is the latest business time it has delivered; batch_coverage records it per
    // batch (append-only, like the batch), so a source's watermark is a max over a small table. Events whose
    // counterpart could still arrive are `awaiting`, a projection the engine rebuilds (never journaled). A run records
    // the last event seq it saw (events_through_seq) and the last coverage row (coverage_through): every event after
    // the mark belongs to the next run, whatever happened to the process in between; pending_events holds the events a
    // person's decision freed until a run has looked at them.
    sql: `
CREATE TABLE batch_coverage (
  seq INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL UNIQUE REFERENCES import_batches (batch_id) DEFERRABLE INITIALLY DEFERRED,
  source TEXT NOT NULL,
  kinds TEXT NOT NULL,
  latest_event_seq INTEGER,
  latest_occurred_at TEXT,
  covers_to TEXT
);
CREATE INDEX batch_coverage_by_source ON batch_coverage (source, seq);
${appendOnly('batch_coverage')}
INSERT INTO batch_coverage (batch_id, source, kinds, latest_event_seq, latest_occurred_at, covers_to)
SELECT b.batch_id, b.source,
  (SELECT json_group_array(k.kind) FROM (SELECT DISTINCT kind FROM events WHERE batch_id = b.batch_id ORDER BY kind) k),
  (SELECT e.seq FROM events e WHERE e.batch_id = b.batch_id ORDER BY e.occurred_at DESC, e.event_id DESC LIMIT 1),
  (SELECT max(e.occurred_at) FROM events e WHERE e.batch_id = b.batch_id),
  NULL
FROM import_batches b ORDER BY b.rowid;
ALTER TABLE recon_runs ADD COLUMN events_through_seq INTEGER;
ALTER TABLE recon_runs ADD COLUMN coverage_through INTEGER;
CREATE TABLE awaiting (
  event_seq INTEGER NOT NULL REFERENCES event_rows (seq),
  code TEXT NOT NULL,
  until TEXT NOT NULL,
  waits_on TEXT NOT NULL,
  PRIMARY KEY (event_seq, code)
) WITHOUT ROWID;
CREATE INDEX awaiting_by_sources ON awaiting (waits_on, until);
CREATE TABLE pending_events (
  event_seq INTEGER PRIMARY KEY REFERENCES event_rows (seq)
);
`,
  },
  {
    version: 8,
    name: 'a payout match keeps its id as items come and go: the history of its membership',
    // A payout's match is identified by the payout (matching/rules: identityEvents), so an item that arrives after
    // its payout joins the match (one member row) instead of ending it and creating a new one with every item again.
    // match_members stays the current membership; each change is recorded here, append-only, with the run.
    sql: `
CREATE TABLE match_member_changes (
  seq INTEGER PRIMARY KEY,
  match_seq INTEGER NOT NULL REFERENCES matches (seq),
  event_seq INTEGER NOT NULL REFERENCES event_rows (seq),
  side TEXT NOT NULL CHECK (side IN ('left', 'right')),
  change TEXT NOT NULL CHECK (change IN ('added', 'removed')),
  run_id TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX match_member_changes_by_match ON match_member_changes (match_seq, seq);
${appendOnly('match_member_changes')}
`,
  },
  {
    version: 9,
    name: 'a record delivered again with other figures supersedes its earlier revision',
    // DESIGN §3: a changed record is a new revision (a new event: its id hashes the revision). The engine matches only
    // the latest revision of a record (source, kind, external id); the earlier one is superseded, never edited. Filled
    // by the import that brings the later revision (or by a replay under a corrected mapping), append-only.
    sql: `
CREATE TABLE superseded_events (
  event_seq INTEGER PRIMARY KEY REFERENCES event_rows (seq),
  by_seq INTEGER NOT NULL REFERENCES event_rows (seq),
  batch_id TEXT NOT NULL
);
CREATE INDEX superseded_events_by_successor ON superseded_events (by_seq);
${appendOnly('superseded_events')}
`,
  },
  {
    version: 10,
    name: 'business time of exceptions: when the business happened, for the review period, ages and sorting',
    // The review screens filter, sort and age exceptions by the business time of their events (their earliest event),
    // not by when a run raised them. Read through exception_members for every row of a 100,000-exception grid that
    // costs more than the page itself, so it is kept beside the row: filled by src/main/review/businessTime.ts for
    // rows that have none yet (found through exceptions_undated; an exception's events never change once written).
    // The engine leaves both columns NULL. business_local_date is the booking date when the earliest event is a bank
    // line: a calendar date compared as written, never through a time zone (DESIGN §2). exceptions_open_by_business
    // covers what the dashboard counts of the live exceptions (the row itself carries the long explanation), in
    // business-time order for the oldest one.
    sql: `
ALTER TABLE exceptions ADD COLUMN business_at TEXT;
ALTER TABLE exceptions ADD COLUMN business_local_date TEXT;
CREATE INDEX exceptions_undated ON exceptions (seq) WHERE business_at IS NULL;
CREATE INDEX exceptions_open_by_business ON exceptions (business_at, exception_id, business_local_date, code, class, currency, amount_minor, state, policy_gated)
  WHERE ended_at IS NULL;
`,
  },
  {
    version: 11,
    name: 'owners, SLA and escalation of exceptions: domain, backup, tier, due time, the SLA clock and the escalation level',
    // DESIGN §7 (src/shared/ownership/, src/main/owners/): migration 11: the exceptions store fills these when an exception opens
    // (owner and backup of its domain on that day, the SLA tier and due time); the SLA check raises escalation_level
    // step by step (24 h → backup, 72 h → escalation contact) counting from opened_at. `owner` exists since migration 2.
    // The indexes serve the queues (My queue, a domain's, Due today, Escalated) and the SLA check over live rows.
    sql: `
ALTER TABLE exceptions ADD COLUMN backup TEXT;
ALTER TABLE exceptions ADD COLUMN domain TEXT;
ALTER TABLE exceptions ADD COLUMN sla_tier TEXT CHECK (sla_tier IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW'));
ALTER TABLE exceptions ADD COLUMN sla_due_at TEXT;
ALTER TABLE exceptions ADD COLUMN opened_at TEXT;
ALTER TABLE exceptions ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2);
CREATE INDEX exceptions_queue_owner ON exceptions (owner, sla_due_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_queue_domain ON exceptions (domain, sla_due_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_queue_due ON exceptions (sla_due_at) WHERE ended_at IS NULL;
CREATE INDEX exceptions_sla_clock ON exceptions (escalation_level, opened_at) WHERE ended_at IS NULL;
-- Every column the grid's page query filters, sorts and selects on a live row (exceptionsQuery.ts pageSource): its
-- filtered set is read from this narrow index instead of the table's wide rows (explanations), which halves the
-- first page of a queue at 100,000 exceptions. ended_at is in it so the index covers the query.
CREATE INDEX exceptions_grid_cover ON exceptions (business_at, exception_id, business_local_date, state, ended_at, code, class, currency,
  amount_minor, policy_gated, created_at, due_at, owner, backup, domain, sla_due_at, sla_tier, escalation_level) WHERE ended_at IS NULL;
`,
  },
  {
    version: 12,
    name: 'live connectors: their configuration, every API page landed with the cursor after it, and each sync run',
    // DESIGN §1, issue 14: a connector (Stripe, Shopify, PayPal) is a source whose records arrive by API. connectors is
    // current state (a reconnect replaces the row; each change is journaled). Every API page lands as an import batch
    // (its bytes an artifact) in the same transaction as its sync_pages row, which holds the step's cursor after that
    // page: the cursor is the latest row of a (source, step), so a sync killed anywhere resumes exactly after the last
    // page that landed (append-only, like the batch). sync_runs is the state the Sources screen shows (mutable).
    sql: `
CREATE TABLE connectors (
  source TEXT PRIMARY KEY,
  provider TEXT NOT NULL CHECK (provider IN ('stripe', 'shopify', 'paypal')),
  config TEXT NOT NULL,
  connected_at TEXT NOT NULL,
  connected_by TEXT NOT NULL
);
CREATE TABLE sync_pages (
  seq INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL UNIQUE REFERENCES import_batches (batch_id) DEFERRABLE INITIALLY DEFERRED,
  source TEXT NOT NULL,
  step TEXT NOT NULL,
  request TEXT NOT NULL,
  context TEXT NOT NULL,
  cursor TEXT NOT NULL,
  pass_complete INTEGER NOT NULL CHECK (pass_complete IN (0, 1)),
  fetched_at TEXT NOT NULL
);
CREATE INDEX sync_pages_by_step ON sync_pages (source, step, seq);
${appendOnly('sync_pages')}
CREATE TABLE sync_runs (
  sync_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  trigger TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'ok', 'failed', 'interrupted')),
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  finished_at TEXT,
  pages INTEGER NOT NULL DEFAULT 0,
  events_created INTEGER NOT NULL DEFAULT 0,
  step TEXT,
  error TEXT
);
CREATE INDEX sync_runs_by_source ON sync_runs (source, started_at);
`,
  },
  {
    version: 13,
    name: 'rule set versions have states (draft, shadow, active, canary, retired): an append-only log of their transitions',
    // DESIGN §8, issue 11: a version's state is the state of its latest row here; every row has its journal entry
    // (journal_seq). `scope` is a canary's (JSON: sources and exception codes where its auto-resolution applies);
    // `replaces` is the version an active or canary row took over from, which a rollback makes active again. A ledger
    // without rows treats the rule set of its latest run as active (src/main/ruleVersions/versionStates.ts).
    sql: `
CREATE TABLE rule_set_states (
  seq INTEGER PRIMARY KEY,
  rule_set_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'shadow', 'active', 'canary', 'retired')),
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  scope TEXT,
  replaces TEXT,
  override INTEGER NOT NULL DEFAULT 0 CHECK (override IN (0, 1)),
  at TEXT NOT NULL,
  journal_seq INTEGER NOT NULL,
  FOREIGN KEY (rule_set_id, version) REFERENCES rule_sets (rule_set_id, version)
);
CREATE INDEX rule_set_states_by_version ON rule_set_states (rule_set_id, version, seq);
${appendOnly('rule_set_states')}
`,
  },
  {
    version: 14,
    name: 'month-end close: adjustments recorded in an open period for changes touching a closed one',
    // DESIGN §11: a closed period is locked (its audit pack is stored as an artifact the period.closed journal entry
    // names). Whatever a later run creates, ends or changes among matches and exceptions whose events' business dates
    // fall in a closed period is recorded here, append-only, in the first open period after it (src/main/close/adjustments.ts).
    sql: `
CREATE TABLE adjustments (
  seq INTEGER PRIMARY KEY,
  recorded_in TEXT NOT NULL CHECK (recorded_in GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
  affects TEXT NOT NULL CHECK (affects GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
  object_kind TEXT NOT NULL CHECK (object_kind IN ('match', 'exception')),
  object_id TEXT NOT NULL,
  change TEXT NOT NULL,
  run_id TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX adjustments_by_period ON adjustments (recorded_in, seq);
${appendOnly('adjustments')}
`,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrationReport {
  from: number;
  to: number;
  backupPath: string | null;
}

/**
 * Brings the ledger to the latest schema. On an existing ledger with pending
 * migrations, a consistent copy (VACUUM INTO) is written beside it first.
 * A recorded version this build does not know, or a gap, refuses to run.
 */
export function migrate(db: Database.Database, ledgerPath: string | null, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  checkMigrationList(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  applied.forEach((v, i) => {
    if (v !== i + 1) throw new MigrationError(`schema_migrations has a gap: expected version ${i + 1}, found ${v}`);
  });
  const current = applied.length;
  const latest = migrations.length;
  if (current > latest) {
    throw new MigrationError(`ledger schema version ${current} is newer than this build supports (${latest}); update Tieout`);
  }
  const pending = migrations.slice(current);
  if (pending.length === 0) return { from: current, to: current, backupPath: null };

  let backupPath: string | null = null;
  if (current > 0 && ledgerPath !== null) {
    backupPath = `${ledgerPath}.backup-v${current}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    if (existsSync(backupPath)) throw new MigrationError(`backup ${backupPath} already exists`);
    db.prepare('VACUUM INTO ?').run(backupPath);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of pending) {
    const enforcing = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff === true) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff === true) checkForeignKeys(db, m);
        record.run(m.version, m.name, new Date().toISOString());
      })();
    } finally {
      if (m.foreignKeysOff === true && enforcing) db.pragma('foreign_keys = ON');
    }
  }
  return { from: current, to: latest, backupPath };
}

/** A migration that ran with enforcement off must leave every reference as intact as enforcement would have. */
function checkForeignKeys(db: Database.Database, m: Migration): void {
  const broken = db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
  if (broken.length > 0) {
    const first = broken[0] as { table: string; parent: string };
    throw new MigrationError(`migration ${m.version} would leave ${broken.length} broken references (first: ${first.table} -> ${first.parent})`);
  }
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration list has a gap at position ${i + 1} (version ${m.version})`);
  });
}
