// Reads a file as bytes and as decoded text, in fixed-size chunks, so memory does not grow with the file.
import { openSync, readSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';

import type { TextEncoding } from '../../../shared/import/textEncoding.ts';

export { TEXT_ENCODINGS, type TextEncoding } from '../../../shared/import/textEncoding.ts';

const CHUNK = 1 << 20;

/** Yields the file's bytes in chunks of at most 1 MiB. */
export function* readByteChunks(path: string, chunkSize = CHUNK): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buf = new Uint8Array(chunkSize);
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) return;
      yield n === chunkSize ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

export interface FileFacts {
  sha256: string;
  byteLength: number;
  encoding: TextEncoding;
  /** Bytes of byte-order mark at the start (0, 2 or 3). */
  bomLength: number;
}

/**
 * One pass over the file: its sha256, its size and its text encoding. A BOM
 * decides the encoding; without one, the file is UTF-8 if every byte sequence
 * is valid UTF-8, otherwise Windows-1252 (what Excel and most banks write).
 */
export function inspectFile(path: string, declared?: TextEncoding): FileFacts {
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let byteLength = 0;
  let validUtf8 = true;
  let bom: { encoding: TextEncoding; length: number } | null = null;
  let first = true;
  for (const chunk of readByteChunks(path)) {
    hash.update(chunk);
    byteLength += chunk.length;
    if (first) {
      bom = sniffBom(chunk);
      first = false;
    }
    if (validUtf8 && bom === null && declared === undefined) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
  }
  if (validUtf8 && bom === null && declared === undefined) {
    try {
      utf8.decode();
    } catch {
      validUtf8 = false;
    }
  }
  const encoding: TextEncoding = declared ?? bom?.encoding ?? (validUtf8 ? 'utf-8' : 'windows-1252');
  const bomLength = bom !== null && bom.encoding === encoding ? bom.length : 0;
  return { sha256: hash.digest('hex'), byteLength, encoding, bomLength };
}

function sniffBom(b: Uint8Array): { encoding: TextEncoding; length: number } | null {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/**
 * Yields the file's decoded text in chunks; the BOM is dropped. `onBytes`
 * hears how many bytes each chunk held, for progress reporting.
 */
export function* readTextChunks(path: string, facts: Pick<FileFacts, 'encoding' | 'bomLength'>, onBytes?: (n: number) => void): Generator<string> {
  const decoder = streamingDecoder(facts.encoding);
  let skip = facts.bomLength;
  for (const chunk of readByteChunks(path)) {
    onBytes?.(chunk.length);
    let bytes = chunk;
    if (skip > 0) {
      const n = Math.min(skip, bytes.length);
      bytes = bytes.subarray(n);
      skip -= n;
    }
    const text = decoder.decode(bytes, { stream: true });
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

export interface StreamingDecoder {
  decode(bytes?: Uint8Array, options?: { stream: boolean }): string;
}

/**
 * A decoder that keeps partial characters between chunks. WHATWG TextDecoder
 * covers every encoding but CP852 (DOS Central European, still written by some
 * banks' MT940 exports), which comes from iconv-lite. Not fatal: inspectFile
 * already proved undeclared UTF-8 valid; under a declared encoding a bad byte
 * shows as U+FFFD, it never vanishes.
 */
export function streamingDecoder(encoding: TextEncoding): StreamingDecoder {
  if (encoding === 'cp852') {
    const d = iconv.getDecoder('cp852');
    return { decode: (bytes) => (bytes === undefined ? (d.end() ?? '') : d.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) };
  }
  // WHATWG maps the iso-8859-1 label to windows-1252, a superset for printable text.
  return new TextDecoder(encoding, { ignoreBOM: true });
}

/** The first `maxChars` characters of the file, for format detection. */
export function readTextHead(path: string, facts: Pick<FileFacts, 'encoding' | 'bomLength'>, maxChars = 65536): string {
  let head = '';
  for (const text of readTextChunks(path, facts)) {
    head += text;
    if (head.length >= maxChars) break;
  }
  return head.slice(0, maxChars);
}

/** Splits a string into text chunks, for parsers fed from memory (tests, API payloads). */
export function* textChunks(text: string, size = 65536): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
