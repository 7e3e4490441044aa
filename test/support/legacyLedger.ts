// Ledgers at an older schema version holding real imports, as the import of that time wrote them: for migration tests.
import type Database from 'better-sqlite3';
import { openLedger } from '../../src/main/ledger/database.ts';
import { importFiles, type ImportRequest } from '../../src/main/import/importFiles.ts';
import { ARTIFACT_CHUNK_BYTES, readArtifactChunks } from '../../src/main/ledger/artifacts.ts';
import { EVENT_COLUMNS } from '../../src/main/ledger/eventStore.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import type { WorkspaceSettings } from '../../src/shared/workspace/settings.ts';

export const LEGACY_SETTINGS: WorkspaceSettings = {
  format: 'tieout-workspace',
  version: 1,
  name: 'legacy',
  reporting_currency: 'USD',
  time_zone: 'UTC',
  locale: 'en-US',
};

export type LegacyImport = Pick<ImportRequest, 'source' | 'files' | 'format' | 'mappingPath' | 'periodEnd'>;

/**
 * Imports `imports` with today's pipeline into a scratch ledger and copies the result into `db`, a ledger migrated to
 * a version before 6 (events a table with every column; raw chunks uncompressed): artifacts, batches, events with their
 * seqs, and the journal entry for entry, so each batch's sealed digest and the hash chain hold there as they did here.
 */
export function seedLegacyLedger(db: Database.Database, imports: readonly LegacyImport[], options: { reconcile?: boolean } = {}): void {
  const { db: scratch } = openLedger(':memory:');
  try {
    for (const request of imports) importFiles(scratch, LEGACY_SETTINGS, { ...request, actor: 'user:test' });
    // Today's engine cannot write an old schema: the run is made here and its rows copied, in the columns the old
    // schema has (its journal entries come with the journal below).
    if (options.reconcile === true) reconcile(scratch, LEGACY_SETTINGS, { mode: 'full', actor: 'system:test' });
    db.transaction(() => {
      const artifacts = scratch
        .prepare('SELECT artifact_id, byte_length, chunk_count, first_file_name, created_at FROM artifacts ORDER BY rowid')
        .all() as Array<Record<string, unknown> & { artifact_id: string }>;
      const insertArtifact = db.prepare(
        'INSERT INTO artifacts (artifact_id, byte_length, chunk_count, first_file_name, created_at) VALUES (@artifact_id, @byte_length, @chunk_count, @first_file_name, @created_at)',
      );
      const insertChunk = db.prepare('INSERT INTO artifact_chunks (artifact_id, seq, bytes) VALUES (?, ?, ?)');
      for (const a of artifacts) {
        insertArtifact.run(a);
        const bytes = Buffer.concat([...readArtifactChunks(scratch, a.artifact_id)]);
        for (let i = 0; i * ARTIFACT_CHUNK_BYTES < bytes.length; i++)
          insertChunk.run(a.artifact_id, i, bytes.subarray(i * ARTIFACT_CHUNK_BYTES, (i + 1) * ARTIFACT_CHUNK_BYTES));
      }
      for (const b of scratch.prepare('SELECT * FROM import_batches ORDER BY rowid').all() as Array<Record<string, unknown>>) {
        const cols = Object.keys(b);
        db.prepare(`INSERT INTO import_batches (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(b);
      }
      const cols = ['seq', ...EVENT_COLUMNS];
      const insertEvent = db.prepare(`INSERT INTO events (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
      for (const e of scratch.prepare(`SELECT ${cols.join(', ')} FROM events ORDER BY seq`).iterate()) insertEvent.run(e);
      const insertEntry = db.prepare(
        'INSERT INTO journal (seq, entry_type, actor, reason, subject_id, created_at, payload, prev_hash, hash) VALUES (@seq, @entry_type, @actor, @reason, @subject_id, @created_at, @payload, @prev_hash, @hash)',
      );
      for (const j of scratch.prepare('SELECT * FROM journal ORDER BY seq').iterate()) insertEntry.run(j);
      if (options.reconcile === true) {
        for (const table of ['rule_sets', 'recon_runs', 'matches', 'match_members', 'exceptions', 'exception_members']) copyRows(scratch, db, table);
      }
    })();
  } finally {
    scratch.close();
  }
}

/** Copies a table's rows in the columns both schemas have. */
function copyRows(from: Database.Database, to: Database.Database, table: string): void {
  const columns = (d: Database.Database): string[] => d.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
  const theirs = new Set(columns(to));
  const cols = columns(from).filter((c) => theirs.has(c));
  const insert = to.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  for (const row of from
    .prepare(`SELECT ${cols.join(', ')} FROM ${table}`)
    .raw()
    .all() as unknown[][])
    insert.run(row);
}
