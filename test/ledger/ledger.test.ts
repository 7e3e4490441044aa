import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openLedger } from '../../src/main/ledger/database.ts';
import { migrate, MIGRATIONS, MigrationError, LATEST_SCHEMA_VERSION, type Migration } from '../../src/main/ledger/migrations.ts';
import { JournalWriter, GENESIS_HASH } from '../../src/main/ledger/journal.ts';
import { ArtifactChangedError, readArtifactChunks, storeFileArtifact } from '../../src/main/ledger/artifacts.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { sha256Hex } from '../../src/main/ledger/canonicalJson.ts';
import { makeTempDir } from '../support/tempDir.ts';

const dir = makeTempDir();

describe('opening a ledger', () => {
  it('uses WAL, foreign keys on, and the latest schema', () => {
    const { db, migration } = openLedger(join(dir, 'fresh.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(migration).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, backupPath: null });
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('re-opening runs no migration and takes no backup', () => {
    const path = join(dir, 'reopen.sqlite');
    openLedger(path).db.close();
    const { db, migration } = openLedger(path);
    expect(migration.backupPath).toBeNull();
    expect(migration.from).toBe(migration.to);
    db.close();
  });
});

describe('migrations', () => {
  const extra: Migration = { version: MIGRATIONS.length + 1, name: 'test: add a table', sql: 'CREATE TABLE extra (x INTEGER);' };

  it('backs up an existing ledger before migrating it, and the backup holds the old data', () => {
    const path = join(dir, 'migrate.sqlite');
    const { db } = openLedger(path);
    new JournalWriter(db).append({ type: 'workspace.settings_changed', actor: 'system:test', payload: { n: 1 } });
    const report = migrate(db, path, [...MIGRATIONS, extra]);
    expect(report.from).toBe(MIGRATIONS.length);
    expect(report.to).toBe(MIGRATIONS.length + 1);
    expect(report.backupPath).not.toBeNull();
    expect(existsSync(report.backupPath as string)).toBe(true);
    const backup = new Database(report.backupPath as string, { readonly: true });
    expect(backup.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(1);
    expect(backup.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").pluck().get()).toBe(0);
    backup.close();
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").pluck().get()).toBe(1);
    db.close();
  });

  it('a failing migration rolls back whole and records nothing', () => {
    const { db } = openLedger(':memory:');
    const broken: Migration = { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' };
    expect(() => migrate(db, null, [...MIGRATIONS, broken])).toThrow(/no_such_table/);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a gap in the migration list and a ledger newer than the build', () => {
    const { db } = openLedger(':memory:');
    expect(() => migrate(db, null, [...MIGRATIONS, { ...extra, version: MIGRATIONS.length + 2 }])).toThrow(MigrationError);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(MIGRATIONS.length + 5, 'future', 'x');
    expect(() => migrate(db, null)).toThrow(/gap|newer/);
    db.close();
  });
});

describe('raw artifacts', () => {
  it('store the bytes under their sha256 with size and chunk count, once', () => {
    const { db } = openLedger(':memory:');
    const file = join(dir, `artifact-${Math.random().toString(36).slice(2)}.bin`);
    const bytes = Buffer.alloc((1 << 20) * 2 + 5, 7);
    writeFileSync(file, bytes);
    const sha = sha256Hex(bytes);
    const first = db.transaction(() => storeFileArtifact(db, file, sha, 'x.bin', bytes.length))();
    const again = db.transaction(() => storeFileArtifact(db, file, sha, 'x.bin', bytes.length))();
    expect([first.alreadyStored, again.alreadyStored]).toEqual([false, true]);
    expect(db.prepare('SELECT byte_length, chunk_count FROM artifacts').get()).toEqual({ byte_length: bytes.length, chunk_count: 3 });
    expect(Buffer.concat([...readArtifactChunks(db, sha)])).toEqual(bytes);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('refuse a file whose bytes are not the ones hashed, and leave nothing behind', () => {
    const { db } = openLedger(':memory:');
    const file = join(dir, `artifact-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(file, 'a,b\n1,2\n');
    const hashedBefore = sha256Hex('a,b\n1,3\n');
    expect(() => db.transaction(() => storeFileArtifact(db, file, hashedBefore, 'x.txt', 8))()).toThrow(ArtifactChangedError);
    expect(() => db.transaction(() => storeFileArtifact(db, file, sha256Hex('a,b\n1,2\n'), 'x.txt', 7))()).toThrow(
      /changed while it was being imported/,
    );
    expect(db.prepare('SELECT (SELECT count(*) FROM artifacts) + (SELECT count(*) FROM artifact_chunks)').pluck().get()).toBe(0);
    db.close();
  });
});

describe('append-only tables', () => {
  function seeded() {
    const path = join(dir, `seeded-${Math.random().toString(36).slice(2)}.sqlite`);
    const { db } = openLedger(path);
    const file = join(dir, `artifact-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(file, 'hello,world\n');
    const sha = sha256Hex('hello,world\n');
    db.transaction(() => {
      storeFileArtifact(db, file, sha, 'a.txt', 12);
      db.prepare(`INSERT INTO import_batches VALUES ('b1','test','fmt','fmt@1','a.txt',?, 'utf-8','t','t',1,1,0,0,'user:test')`).run(sha);
      db.prepare(
        `INSERT INTO events (event_id, batch_id, source, kind, external_id, source_revision, amount_minor, currency,
           occurred_at, received_at, raw_artifact_id, raw_line_start, raw_line_end, mapping_version, attributes)
         VALUES ('ev_1','b1','test','payment','x1','',100,'USD','2024-01-01T00:00:00Z','t',?,1,1,'fmt@1','{}')`,
      ).run(sha);
      new JournalWriter(db).append({ type: 'workspace.settings_changed', actor: 'system:test', payload: {} });
    })();
    return db;
  }

  const cases: Array<[string, string, string]> = [
    ['events', 'UPDATE events SET amount_minor = 1', 'DELETE FROM events'],
    ['artifacts', 'UPDATE artifacts SET byte_length = 1', 'DELETE FROM artifacts'],
    ['artifact_chunks', "UPDATE artifact_chunks SET bytes = x'00'", 'DELETE FROM artifact_chunks'],
    ['journal', "UPDATE journal SET actor = 'x'", 'DELETE FROM journal'],
    ['import_batches', 'UPDATE import_batches SET rows_read = 9', 'DELETE FROM import_batches'],
  ];
  for (const [table, update, del] of cases) {
    it(`${table} rejects UPDATE and DELETE at the database level`, () => {
      const db = seeded();
      expect(() => db.exec(update)).toThrow(`${table} is append-only: UPDATE is not allowed`);
      expect(() => db.exec(del)).toThrow(`${table} is append-only: DELETE is not allowed`);
      db.close();
    });
  }
});

describe('journal hash chain and verify', () => {
  function ledgerWithEntries(n: number) {
    const { db } = openLedger(join(dir, `chain-${Math.random().toString(36).slice(2)}.sqlite`));
    const journal = new JournalWriter(db);
    for (let i = 1; i <= n; i++) journal.append({ type: 'workspace.settings_changed', actor: 'system:test', reason: `r${i}`, payload: { i } });
    return db;
  }

  it('chains each entry to the previous hash', () => {
    const db = ledgerWithEntries(3);
    const rows = db.prepare('SELECT seq, prev_hash, hash FROM journal ORDER BY seq').all() as Array<{ seq: number; prev_hash: string; hash: string }>;
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
    expect(rows[2]?.prev_hash).toBe(rows[1]?.hash);
    const report = verifyLedger(db);
    expect(report.ok).toBe(true);
    expect(report.headHash).toBe(rows[2]?.hash);
    db.close();
  });

  it('names the first altered entry when an attacker drops the trigger and edits a row', () => {
    const db = ledgerWithEntries(5);
    db.exec('DROP TRIGGER journal_no_update');
    db.exec("UPDATE journal SET reason = 'edited' WHERE seq = 3");
    const report = verifyLedger(db);
    expect(report.ok).toBe(false);
    expect(report.firstBadJournalSeq).toBe(3);
    const chain = report.checks.find((c) => c.name === 'journal hash chain');
    expect(chain?.detail).toMatch(/journal entry 3 .*altered/);
    expect(report.checks.find((c) => c.name === 'append-only triggers')?.ok).toBe(false);
    db.close();
  });

  it('detects a deleted entry in the middle of the chain', () => {
    const db = ledgerWithEntries(4);
    db.exec('DROP TRIGGER journal_no_delete');
    db.exec('DELETE FROM journal WHERE seq = 2');
    const report = verifyLedger(db);
    expect(report.firstBadJournalSeq).toBe(3);
    db.close();
  });

  it('detects an entry rewritten with a recomputed hash, because the next entry no longer links', () => {
    const db = ledgerWithEntries(3);
    db.exec('DROP TRIGGER journal_no_update');
    db.exec("UPDATE journal SET hash = '" + 'f'.repeat(64) + "' WHERE seq = 2");
    const report = verifyLedger(db);
    expect(report.firstBadJournalSeq).toBe(2);
    db.close();
  });
});
