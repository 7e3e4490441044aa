// Ledger verification: SQLite integrity, artifact hashes, the journal hash chain, and batches against their journal entries.
import { createHash } from 'node:crypto';
import type { LedgerDb } from './database.ts';
import { GENESIS_HASH, journalEntryHash, type JournalEntry } from './journal.ts';
import { ArtifactChunkError, readArtifactChunks } from './artifacts.ts';
import { eventContentLine } from './eventStore.ts';

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
  /** The first journal entry that fails the chain, if any. */
  firstBadJournalSeq: number | null;
  headHash: string;
  journalEntries: number;
}

// event_rows holds the events (the view `events` shows them with their batch's columns; migration 6).
const APPEND_ONLY_TABLES = ['artifacts', 'artifact_chunks', 'import_batches', 'event_rows', 'journal'];

export function verifyLedger(db: LedgerDb): VerifyReport {
  const checks: VerifyCheck[] = [];
  const integrity = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const integrityOk = integrity.length === 1 && integrity[0]?.integrity_check === 'ok';
  checks.push({ name: 'sqlite integrity', ok: integrityOk, detail: integrity.map((r) => r.integrity_check).join('; ') });

  const fk = db.pragma('foreign_key_check') as unknown[];
  checks.push({ name: 'foreign keys', ok: fk.length === 0, detail: fk.length === 0 ? 'ok' : `${fk.length} dangling references` });

  checks.push(checkTriggers(db));
  checks.push(checkArtifacts(db));
  const chain = checkJournalChain(db);
  checks.push(chain.check);
  checks.push(checkBatches(db));

  return {
    ok: checks.every((c) => c.ok),
    checks,
    firstBadJournalSeq: chain.firstBad,
    headHash: chain.head,
    journalEntries: chain.count,
  };
}

function checkTriggers(db: LedgerDb): VerifyCheck {
  const names = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]);
  const missing = APPEND_ONLY_TABLES.flatMap((t) => [`${t}_no_update`, `${t}_no_delete`]).filter((n) => !names.has(n));
  return {
    name: 'append-only triggers',
    ok: missing.length === 0,
    detail: missing.length === 0 ? 'all present' : `missing: ${missing.join(', ')}`,
  };
}

function checkArtifacts(db: LedgerDb): VerifyCheck {
  const rows = db.prepare('SELECT artifact_id, byte_length, chunk_count FROM artifacts ORDER BY artifact_id').all() as Array<{
    artifact_id: string;
    byte_length: number;
    chunk_count: number;
  }>;
  for (const a of rows) {
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    try {
      for (const chunk of readArtifactChunks(db, a.artifact_id)) {
        hash.update(chunk);
        bytes += chunk.length;
        chunks++;
      }
    } catch (err) {
      if (err instanceof ArtifactChunkError) return { name: 'artifact hashes', ok: false, detail: err.message };
      throw err;
    }
    const digest = hash.digest('hex');
    if (digest !== a.artifact_id || bytes !== a.byte_length || chunks !== a.chunk_count) {
      return {
        name: 'artifact hashes',
        ok: false,
        detail: `artifact ${a.artifact_id}: stored bytes hash to ${digest} (${bytes} bytes in ${chunks} chunks; expected ${a.byte_length} in ${a.chunk_count})`,
      };
    }
  }
  return { name: 'artifact hashes', ok: true, detail: `${rows.length} artifacts re-hashed` };
}

function checkJournalChain(db: LedgerDb): { check: VerifyCheck; firstBad: number | null; head: string; count: number } {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const row of db.prepare('SELECT * FROM journal ORDER BY seq').iterate() as Iterable<JournalEntry>) {
    count++;
    const fail = (why: string) => ({
      check: { name: 'journal hash chain', ok: false, detail: `journal entry ${row.seq} (${row.entry_type}): ${why}` },
      firstBad: row.seq,
      head: prev,
      count,
    });
    if (row.seq !== expectedSeq) return fail(`expected entry ${expectedSeq} here; entries are missing`);
    if (row.prev_hash !== prev) return fail('does not link to the entry before it');
    const { hash: _stored, ...content } = row;
    if (journalEntryHash(content) !== row.hash) return fail('content does not match its hash (the entry was altered)');
    prev = row.hash;
    expectedSeq++;
  }
  return { check: { name: 'journal hash chain', ok: true, detail: `${count} entries chained` }, firstBad: null, head: prev, count };
}

/** Every batch's events must still hash to the digest its journal entry sealed. */
function checkBatches(db: LedgerDb): VerifyCheck {
  const batches = db
    .prepare(
      `SELECT b.batch_id, b.events_created, j.payload FROM import_batches b
       LEFT JOIN journal j ON j.subject_id = b.batch_id AND j.entry_type = 'import.batch'
       ORDER BY b.started_at, b.batch_id`,
    )
    .all() as Array<{ batch_id: string; events_created: number; payload: string | null }>;
  const eventsOf = db.prepare('SELECT * FROM events WHERE batch_id = ? ORDER BY seq');
  for (const b of batches) {
    if (b.payload === null) return { name: 'import batches', ok: false, detail: `batch ${b.batch_id} has no journal entry` };
    const sealed = JSON.parse(b.payload) as { events_created: number; events_digest: string };
    const hash = createHash('sha256');
    let n = 0;
    for (const ev of eventsOf.iterate(b.batch_id) as Iterable<Record<string, unknown>>) {
      hash.update(eventContentLine(ev));
      n++;
    }
    const digest = hash.digest('hex');
    if (n !== b.events_created || n !== sealed.events_created || digest !== sealed.events_digest) {
      return {
        name: 'import batches',
        ok: false,
        detail: `batch ${b.batch_id}: ${n} events now, journal sealed ${sealed.events_created}; digest ${digest === sealed.events_digest ? 'matches' : 'differs (events were altered)'}`,
      };
    }
  }
  const orphans = db.prepare('SELECT count(*) FROM events WHERE batch_id NOT IN (SELECT batch_id FROM import_batches)').pluck().get() as number;
  if (orphans > 0) return { name: 'import batches', ok: false, detail: `${orphans} events belong to no import batch` };
  return { name: 'import batches', ok: true, detail: `${batches.length} batches match their journal entries` };
}
