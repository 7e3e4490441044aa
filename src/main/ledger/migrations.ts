// Numbered schema migrations: applied in order, each in a transaction, recorded in schema_migrations.
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
  return { from: current, to: latest, backupPath };
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration list has a gap at position ${i + 1} (version ${m.version})`);
  });
}
