// The hash-chained journal: every decision the ledger records, each entry sealing the one before.
import type Database from 'better-sqlite3';
import { canonicalJson, sha256Hex } from './canonicalJson.ts';
import type { JournalEntryType } from '../../shared/journal/entryTypes.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface JournalEntryInput {
  type: JournalEntryType;
  /** `user:<name>` or `system:<component>`. */
  actor: string;
  reason?: string | null;
  subjectId?: string | null;
  payload: Record<string, unknown>;
  createdAt?: string;
}

export interface JournalEntry {
  seq: number;
  entry_type: string;
  actor: string;
  reason: string | null;
  subject_id: string | null;
  created_at: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** The hash of an entry: covers the previous hash and every field of the entry. */
export function journalEntryHash(e: Omit<JournalEntry, 'hash'>): string {
  return sha256Hex(
    `${e.prev_hash}\n${canonicalJson({
      seq: e.seq,
      entry_type: e.entry_type,
      actor: e.actor,
      reason: e.reason,
      subject_id: e.subject_id,
      created_at: e.created_at,
      payload: e.payload,
    })}`,
  );
}

/** Appends entries to one ledger's journal; statements are prepared once. */
export class JournalWriter {
  private readonly head: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(db: Database.Database) {
    this.head = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO journal (seq, entry_type, actor, reason, subject_id, created_at, payload, prev_hash, hash)
       VALUES (@seq, @entry_type, @actor, @reason, @subject_id, @created_at, @payload, @prev_hash, @hash)`,
    );
  }

  /** Must run inside the caller's transaction so the entry lands with the change it records. */
  append(input: JournalEntryInput): JournalEntry {
    const last = this.head.get() as { seq: number; hash: string } | undefined;
    const partial: Omit<JournalEntry, 'hash'> = {
      seq: (last?.seq ?? 0) + 1,
      entry_type: input.type,
      actor: input.actor,
      reason: input.reason ?? null,
      subject_id: input.subjectId ?? null,
      created_at: input.createdAt ?? new Date().toISOString(),
      payload: canonicalJson(input.payload),
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const entry: JournalEntry = { ...partial, hash: journalEntryHash(partial) };
    this.insert.run(entry);
    return entry;
  }
}
