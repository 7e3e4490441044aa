// Opens a ledger file with the pragmas the design requires and brings its schema up to date.
import Database from 'better-sqlite3';
import { migrate, type MigrationReport } from './migrations.ts';

export type LedgerDb = Database.Database;

export interface OpenedLedger {
  db: LedgerDb;
  migration: MigrationReport;
}

/** Opens (or creates) a ledger. `:memory:` gives a fresh in-memory ledger for tests. */
export function openLedger(path: string): OpenedLedger {
  const db = new Database(path);
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // 64 MiB page cache: event-id index inserts are random, and the default 2 MiB thrashes on large imports.
    db.pragma('cache_size = -65536');
    const migration = migrate(db, path === ':memory:' ? null : path);
    return { db, migration };
  } catch (err) {
    db.close();
    throw err;
  }
}
