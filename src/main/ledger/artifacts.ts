// Raw artifacts: the exact bytes of every imported file, stored in chunks (Brotli-compressed where that helps) and addressed by sha256.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { readByteChunks } from '../import/text/fileText.ts';

/** Stored chunk size, before compression: chunk_count = ceil(byte_length / this). */
export const ARTIFACT_CHUNK_BYTES = 1 << 20;

/**
 * Brotli's fastest quality. docs/decisions/0003: on the generated month's CSVs it compresses 5.5–7× at several hundred MB/s;
 * the higher qualities gain a little ratio for several times the time, on the thread that also parses the file.
 */
const BROTLI_QUALITY = 1;

/** How a chunk's bytes are stored: null, as they are; 'br', one Brotli stream (artifact_chunks.codec, migration 6). */
export type ChunkCodec = null | 'br';

export interface StoredChunk {
  bytes: Uint8Array;
  codec: ChunkCodec;
}

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

/** A chunk as it will be stored: compressed, unless compressing does not make it smaller (an archive, a photo). */
export function compressChunk(bytes: Uint8Array): StoredChunk {
  const packed = brotliCompressSync(bytes, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  return packed.length < bytes.length ? { bytes: packed, codec: 'br' } : { bytes, codec: null };
}

/**
 * Starts storing an artifact: its row, unless the ledger already holds these bytes (then nothing is written and the
 * caller stores no chunks). Runs inside the caller's transaction.
 *
 * The artifacts row goes in before its chunks: the chunks' foreign key is deferred, and inserting a parent while a
 * deferred violation is outstanding makes SQLite search every child table for rows it satisfies. Its size and chunk
 * count come from the pass that hashed the file; the bytes are hashed again as they are stored (ArtifactChunks.finish).
 */
export function beginArtifact(db: Database.Database, sha256: string, fileName: string, byteLength: number): StoredArtifact {
  const existing = db.prepare('SELECT byte_length FROM artifacts WHERE artifact_id = ?').get(sha256) as { byte_length: number } | undefined;
  if (existing !== undefined) return { artifactId: sha256, byteLength: existing.byte_length, alreadyStored: true };
  db.prepare('INSERT INTO artifacts (artifact_id, byte_length, chunk_count, first_file_name, created_at) VALUES (?, ?, ?, ?, ?)').run(
    sha256,
    byteLength,
    Math.ceil(byteLength / ARTIFACT_CHUNK_BYTES),
    fileName,
    new Date().toISOString(),
  );
  return { artifactId: sha256, byteLength, alreadyStored: false };
}

/** Writes an artifact's chunks in order, as they are produced (compressed already, by whichever thread read the file). */
export class ArtifactChunks {
  private readonly insert: Database.Statement;
  private readonly artifactId: string;
  private seq = 0;

  constructor(db: Database.Database, artifactId: string) {
    this.insert = db.prepare('INSERT INTO artifact_chunks (artifact_id, seq, bytes, codec) VALUES (?, ?, ?, ?)');
    this.artifactId = artifactId;
  }

  add(chunk: StoredChunk): void {
    // A chunk from another thread arrives as a plain Uint8Array; SQLite binds a Buffer (the same memory) as a BLOB.
    const b = chunk.bytes;
    this.insert.run(this.artifactId, this.seq++, Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength), chunk.codec);
  }
}

/**
 * Stores the file's bytes under its sha256 unless that artifact is already in the ledger, 1 MiB at a time (memory does
 * not grow with the file), compressed unless `compress` is false (a ZIP archive: already compressed). Runs inside the
 * caller's transaction; a file whose bytes no longer hash to `sha256` is refused (the transaction rolls back).
 */
export function storeFileArtifact(
  db: Database.Database,
  path: string,
  sha256: string,
  fileName: string,
  byteLength: number,
  options: { compress?: boolean } = {},
): StoredArtifact {
  const artifact = beginArtifact(db, sha256, fileName, byteLength);
  if (artifact.alreadyStored) return artifact;
  const chunks = new ArtifactChunks(db, sha256);
  const hash = createHash('sha256');
  let stored = 0;
  for (const chunk of readByteChunks(path, ARTIFACT_CHUNK_BYTES)) {
    hash.update(chunk);
    chunks.add(options.compress === false ? { bytes: chunk, codec: null } : compressChunk(chunk));
    stored += chunk.length;
  }
  if (stored !== byteLength || hash.digest('hex') !== sha256) throw new ArtifactChangedError(path);
  return artifact;
}

/** A stored chunk that does not decompress: the ledger file was damaged or edited. */
export class ArtifactChunkError extends Error {
  constructor(artifactId: string, seq: number, cause: unknown) {
    super(`artifact ${artifactId}: chunk ${seq} does not decompress (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'ArtifactChunkError';
  }
}

/** Yields an artifact's original bytes chunk by chunk, in order (a compressed chunk decompressed). */
export function* readArtifactChunks(db: Database.Database, artifactId: string): Generator<Uint8Array> {
  const stmt = db.prepare('SELECT seq, bytes, codec FROM artifact_chunks WHERE artifact_id = ? ORDER BY seq').raw();
  for (const [seq, bytes, codec] of stmt.iterate(artifactId) as Iterable<[number, Uint8Array, ChunkCodec]>) {
    if (codec !== 'br') {
      yield bytes;
      continue;
    }
    let plain: Uint8Array;
    try {
      plain = brotliDecompressSync(bytes);
    } catch (err) {
      throw new ArtifactChunkError(artifactId, seq, err);
    }
    yield plain;
  }
}
