// Migration 6 on a ledger written by schema 5: events move to event_rows without their batch's columns, the view
// `events` shows every event exactly as before, matches keep their links, and verify still checks old and new batches.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, MIGRATIONS, MigrationError } from '../../src/main/ledger/migrations.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { LEGACY_SETTINGS, seedLegacyLedger } from '../support/legacyLedger.ts';
import { stripeCsvRange } from '../support/stripeCsv.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { readArtifactChunks } from '../../src/main/ledger/artifacts.ts';

const dir = makeTempDir();
const samples = join(PROJECT_ROOT, 'resources/samples');
let n = 0;

/** A schema-5 ledger holding the sample month (three imports) and a full run's matches and exceptions. */
function version5Ledger(): { db: Database.Database; path: string } {
  const path = join(dir, `v5-${n++}.sqlite`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, path, MIGRATIONS.slice(0, 5));
  seedLegacyLedger(
    db,
    [
      { source: 'stripe:main', files: [join(samples, 'stripe-balance-2026-10.csv')], periodEnd: '2026-10-31' },
      { source: 'shopify:store', files: [join(samples, 'shopify-orders-2026-10.csv')], periodEnd: '2026-10-31' },
      {
        source: 'bank:main',
        files: [join(samples, 'bank-statement-2026-10.csv')],
        format: 'generic-csv',
        mappingPath: join(samples, 'bank-statement-mapping.json'),
      },
    ],
    { reconcile: true },
  );
  return { db, path };
}

const logicalEvents = (db: Database.Database): unknown[] =>
  (db.prepare('SELECT * FROM events ORDER BY seq').all() as Array<Record<string, unknown>>).map(({ rowid: _rowid, ...e }) => e);
const links = (db: Database.Database): unknown[] => db.prepare('SELECT match_id, event_id, side FROM match_event_ids ORDER BY 1, 2').all();
const columnsOf = (db: Database.Database, table: string): string[] =>
  db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];

describe('migration 6: narrow event rows behind the events view', () => {
  it('shows every event, match link and exception link as before, stores no batch column per row, and verifies', () => {
    const { db, path } = version5Ledger();
    const before = { events: logicalEvents(db), links: links(db), xlinks: db.prepare('SELECT * FROM exception_event_ids ORDER BY 1, 2').all() };
    expect(before.events.length).toBeGreaterThan(10);
    expect(before.links.length).toBeGreaterThan(5);
    expect(migrate(db, path)).toMatchObject({ from: 5, to: MIGRATIONS.length });
    expect(logicalEvents(db)).toEqual(before.events);
    expect(links(db)).toEqual(before.links);
    expect(db.prepare('SELECT * FROM exception_event_ids ORDER BY 1, 2').all()).toEqual(before.xlinks);
    expect(columnsOf(db, 'event_rows')).not.toContain('received_at');
    expect(columnsOf(db, 'event_rows')).not.toContain('raw_artifact_id');
    expect(columnsOf(db, 'event_rows')).not.toContain('mapping_version');
    expect(db.prepare("SELECT type FROM sqlite_schema WHERE name = 'events'").pluck().get()).toBe('view');
    // No event differed from its batch, so none keeps a value of its own.
    expect(
      db
        .prepare('SELECT count(*) FROM event_rows WHERE coalesce(own_received_at, own_raw_artifact_id, own_mapping_version) IS NOT NULL')
        .pluck()
        .get(),
    ).toBe(0);
    // The tables that link to events now name event_rows, and every link holds.
    for (const child of ['match_members', 'exception_members', 'pinned_events']) {
      expect(db.prepare(`SELECT DISTINCT "table" FROM pragma_foreign_key_list('${child}') WHERE "table" LIKE 'event%'`).pluck().all()).toEqual([
        'event_rows',
      ]);
    }
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // Chunks written before compression have no codec and read back as the file's exact bytes.
    expect(db.prepare('SELECT DISTINCT codec FROM artifact_chunks').pluck().all()).toEqual([null]);
    const stripeSha = db.prepare("SELECT artifact_id FROM import_batches WHERE source = 'stripe:main'").pluck().get() as string;
    expect(Buffer.concat([...readArtifactChunks(db, stripeSha)]).equals(readFileSync(join(samples, 'stripe-balance-2026-10.csv')))).toBe(true);
    const report = verifyLedger(db);
    expect(report.checks.find((c) => c.name === 'import batches')).toMatchObject({ ok: true, detail: '3 batches match their journal entries' });
    expect(report.ok).toBe(true);
    db.close();
  });

  it('keeps a value an older event had edited, so verify still names the altered batch after the migration', () => {
    const { db, path } = version5Ledger();
    const edited = db.prepare('SELECT event_id FROM events ORDER BY seq LIMIT 1').pluck().get() as string;
    db.exec('DROP TRIGGER events_no_update');
    db.prepare("UPDATE events SET received_at = '2020-01-01T00:00:00.000Z', mapping_version = 'edited@1' WHERE event_id = ?").run(edited);
    db.exec("CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events is append-only: UPDATE is not allowed'); END");

    migrate(db, path);
    const own = db.prepare('SELECT own_received_at, own_raw_artifact_id, own_mapping_version FROM event_rows WHERE event_id = ?').get(edited);
    expect(own).toEqual({ own_received_at: '2020-01-01T00:00:00.000Z', own_raw_artifact_id: null, own_mapping_version: 'edited@1' });
    expect(db.prepare('SELECT received_at, mapping_version FROM events WHERE event_id = ?').get(edited)).toEqual({
      received_at: '2020-01-01T00:00:00.000Z',
      mapping_version: 'edited@1',
    });
    expect(verifyLedger(db).checks.find((c) => c.name === 'import batches')).toMatchObject({ ok: false, detail: expect.stringMatching(/altered/) });
    db.close();
  });

  it('imports into the migrated ledger beside the old batches, and verify re-hashes both', () => {
    const { db, path } = version5Ledger();
    migrate(db, path);
    db.pragma('foreign_keys = ON');
    const csv = join(dir, `later-${n}.csv`);
    writeFileSync(csv, stripeCsvRange(101, 105));
    const r = importFiles(db, LEGACY_SETTINGS, { source: 'stripe:later', files: [csv], actor: 'user:test' });
    expect(r.eventsCreated).toBe(5);
    const batch = r.files[0]?.batchId as string;
    const row = db.prepare('SELECT received_at, raw_artifact_id, mapping_version FROM events WHERE batch_id = ? LIMIT 1').get(batch);
    const b = db.prepare('SELECT started_at, artifact_id, mapping_version FROM import_batches WHERE batch_id = ?').get(batch) as Record<
      string,
      string
    >;
    expect(row).toEqual({ received_at: b['started_at'], raw_artifact_id: b['artifact_id'], mapping_version: b['mapping_version'] });
    expect(verifyLedger(db).checks.find((c) => c.name === 'import batches')?.detail).toBe('4 batches match their journal entries');
    db.close();
  });

  it('refuses UPDATE and DELETE through the view and on event_rows, and INSERT through the view stores what the import would', () => {
    const { db, path } = version5Ledger();
    migrate(db, path);
    expect(() => db.exec('UPDATE events SET amount_minor = 1')).toThrow('events is append-only: UPDATE is not allowed');
    expect(() => db.exec('DELETE FROM events')).toThrow('events is append-only: DELETE is not allowed');
    expect(() => db.exec('UPDATE event_rows SET amount_minor = 1')).toThrow('event_rows is append-only: UPDATE is not allowed');
    expect(() => db.exec('DELETE FROM event_rows')).toThrow('event_rows is append-only: DELETE is not allowed');
    const cols =
      'batch_id, source, kind, source_revision, amount_minor, currency, occurred_at, received_at, raw_artifact_id, raw_line_start, raw_line_end, mapping_version, attributes';
    db.prepare(`INSERT INTO events (event_id, external_id, ${cols}) SELECT 'ev_copy', 'copy-1', ${cols} FROM events ORDER BY seq LIMIT 1`).run();
    expect(
      db
        .prepare("SELECT coalesce(own_received_at, own_raw_artifact_id, own_mapping_version) FROM event_rows WHERE event_id = 'ev_copy'")
        .pluck()
        .get(),
    ).toBeNull();
    const [first, copy] = db
      .prepare(`SELECT ${cols} FROM events WHERE seq = (SELECT min(seq) FROM events) OR event_id = 'ev_copy' ORDER BY seq`)
      .all();
    expect(copy).toEqual(first);
    db.close();
  });

  it('fails and leaves the ledger at version 5 when a link points at no event', () => {
    const { db, path } = version5Ledger();
    db.pragma('foreign_keys = OFF');
    db.prepare('INSERT INTO exception_members (exception_seq, event_seq) SELECT min(seq), 999999 FROM exceptions').run();
    db.pragma('foreign_keys = ON');
    expect(() => migrate(db, path)).toThrow(MigrationError);
    expect(() => migrate(db, path)).toThrow(/exception_members -> event_rows/);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(5);
    expect(db.prepare("SELECT type FROM sqlite_schema WHERE name = 'events'").pluck().get()).toBe('table');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});
