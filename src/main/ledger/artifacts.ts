// Raw artifacts: the exact bytes of every imported file, stored in chunks and addressed by sha256.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readByteChunks } from '../import/text/fileText.ts';

/** Stored chunk size: chunk_count = ceil(byte_length / this). */
export const ARTIFACT_CHUNK_BYTES = 1 << 20;

export interface StoredArtifact {
  artifactId: string;
  byteLength: number;
  alreadyStored: boolean;
}

/** The file's bytes changed between the pass that hashed them and the pass that stored them. */
export class ArtifactChangedError extends Error {
  constructor(path: string) {
    super(`${path}: the file changed while it was being imported; import it again once it is complete`);
    this.name = 'ArtifactChangedError';
  }
}

/**
 * Stores the file's bytes under its sha256 unless that artifact is already in
 * the ledger. Streams 1 MiB chunks, so memory does not grow with the file.
 * Runs inside the caller's transaction.
 *
 * The artifacts row goes in before its chunks: the chunks' foreign key is deferred, and inserting a parent
 * while a deferred violation is outstanding makes SQLite search every child table for rows it satisfies,
 * including events.raw_artifact_id, which has no index (a full scan of a multi-gigabyte events table on every
 * import). Its size and chunk count come from the hashing pass (`byteLength`); the bytes are hashed again
 * as they are stored, and a file that changed in between is refused (the caller's transaction rolls back).
 */
export function storeFileArtifact(db: Database.Database, path: string, sha256: string, fileName: string, byteLength: number): StoredArtifact {
  const existing = db.prepare('SELECT byte_length FROM artifacts WHERE artifact_id = ?').get(sha256) as
    | { byte_length: number }
    | undefined;
  if (existing !== undefined) return { artifactId: sha256, byteLength: existing.byte_length, alreadyStored: true };
  db.prepare('INSERT INTO artifacts (artifact_id, byte_length, chunk_count, first_file_name, created_at) VALUES (?, ?, ?, ?, ?)').run(
    sha256,
    byteLength,
    Math.ceil(byteLength / ARTIFACT_CHUNK_BYTES),
    fileName,
    new Date().toISOString(),
  );
  const insertChunk = db.prepare('INSERT INTO artifact_chunks (artifact_id, seq, bytes) VALUES (?, ?, ?)');
  const hash = createHash('sha256');
  let seq = 0;
  let stored = 0;
  for (const chunk of readByteChunks(path, ARTIFACT_CHUNK_BYTES)) {
    hash.update(chunk);
    insertChunk.run(sha256, seq++, chunk);
    stored += chunk.length;
  }
  if (stored !== byteLength || hash.digest('hex') !== sha256) throw new ArtifactChangedError(path);
  return { artifactId: sha256, byteLength, alreadyStored: false };
}

/** Yields an artifact's bytes chunk by chunk, in order. */
export function* readArtifactChunks(db: Database.Database, artifactId: string): Generator<Uint8Array> {
  const stmt = db.prepare('SELECT bytes FROM artifact_chunks WHERE artifact_id = ? ORDER BY seq').pluck();
  for (const bytes of stmt.iterate(artifactId)) yield bytes as Uint8Array;
}
