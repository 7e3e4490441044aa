// Raw artifacts: the exact bytes of every imported file, stored in chunks and addressed by sha256.
import type Database from 'better-sqlite3';
import { readByteChunks } from '../import/text/fileText.ts';

export interface StoredArtifact {
  artifactId: string;
  byteLength: number;
  alreadyStored: boolean;
}

/**
 * Stores the file's bytes under its sha256 unless that artifact is already in
 * the ledger. Streams 1 MiB chunks, so memory does not grow with the file.
 * Runs inside the caller's transaction.
 */
export function storeFileArtifact(db: Database.Database, path: string, sha256: string, fileName: string): StoredArtifact {
  const existing = db.prepare('SELECT byte_length FROM artifacts WHERE artifact_id = ?').get(sha256) as
    | { byte_length: number }
    | undefined;
  if (existing !== undefined) return { artifactId: sha256, byteLength: existing.byte_length, alreadyStored: true };
  const insertChunk = db.prepare('INSERT INTO artifact_chunks (artifact_id, seq, bytes) VALUES (?, ?, ?)');
  let seq = 0;
  let byteLength = 0;
  for (const chunk of readByteChunks(path)) {
    insertChunk.run(sha256, seq++, chunk);
    byteLength += chunk.length;
  }
  db.prepare('INSERT INTO artifacts (artifact_id, byte_length, chunk_count, first_file_name, created_at) VALUES (?, ?, ?, ?, ?)').run(
    sha256,
    byteLength,
    seq,
    fileName,
    new Date().toISOString(),
  );
  return { artifactId: sha256, byteLength, alreadyStored: false };
}

/** Yields an artifact's bytes chunk by chunk, in order. */
export function* readArtifactChunks(db: Database.Database, artifactId: string): Generator<Uint8Array> {
  const stmt = db.prepare('SELECT bytes FROM artifact_chunks WHERE artifact_id = ? ORDER BY seq').pluck();
  for (const bytes of stmt.iterate(artifactId)) yield bytes as Uint8Array;
}
