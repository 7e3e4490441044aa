// One pass over a file being imported: its bytes read once, hashed, handed over for the ledger when it lacks them,
// decoded, parsed, and every record turned into events ready to store. Runs on the importing thread or on a worker
// (parseWorker.ts); either way the importing thread receives the same items in the same order.
import { createHash } from 'node:crypto';
import { readByteChunks, streamingDecoder, type TextEncoding } from './text/fileText.ts';
import { ARTIFACT_CHUNK_BYTES } from '../ledger/artifacts.ts';
import { parserForFormat } from './formatRegistry.ts';
import type { FormatParser, StatementBalance } from './parserTypes.ts';
import { checkDraft, toStored, type BatchConstants } from './eventDrafts.ts';
import type { StoredEventValues } from '../ledger/eventStore.ts';
import type { SheetRows } from './xlsx/xlsxWorkbook.ts';

/** Everything a pass needs, as plain data (it crosses to a worker). */
export interface ParsePassSpec {
  path: string;
  /** The name the parser is told (messages, a camt file's own references). */
  fileName: string;
  encoding: TextEncoding;
  bomLength: number;
  /** The parser, by what rebuilds it on another thread: its format, and for a generic CSV its mapping. */
  format: string;
  mappingPath?: string;
  /** The mapping version the importing thread chose; a parser rebuilt with another one is refused. */
  mappingVersion: string;
  timeZone: string;
  locale: string;
  /** The workspace's reporting currency, for formats that state amounts without one. */
  currency?: string;
  batch: BatchConstants;
  /** Yield the file's chunks for the ledger to store (false when it already holds these bytes). */
  storeBytes: boolean;
  /** An XLSX workbook's first sheet, read already (xlsx/xlsxWorkbook.ts): parsed instead of the decoded bytes (this thread only). */
  rows?: SheetRows;
}

/** What a pass yields, in file order. */
export type PassItem =
  /** A record's events, as event_rows values (the event id first); their digest lines stay with the pass, which hashes them. */
  | { t: 'events'; lineStart: number; lineEnd: number; events: StoredEventValues[] }
  /** A record whose draft fails checkDraft: rejected at its first line. */
  | { t: 'bad-draft'; lineStart: number; message: string }
  /** A record the parser could not read. */
  | { t: 'rejected'; line: number; column: number; message: string; raw: string }
  | { t: 'statement'; line: number; statement: StatementBalance }
  /**
   * The next 1 MiB of the file, as read (only when storeBytes). The importing thread compresses it as it stores it:
   * on a file whose parsing keeps the worker busier than the writing keeps it, it would otherwise wait for the worker.
   */
  | { t: 'chunk'; bytes: Uint8Array }
  /** Bytes of the file read so far, for progress. */
  | { t: 'bytes'; done: number }
  /**
   * The last item: what the bytes parsed hash to, and the digest of every event yielded, in order (the batch's
   * events_digest when the ledger held none of them: the importing thread then need not hash them again).
   */
  | { t: 'end'; sha256: string; byteLength: number; eventsDigest: string };

/** The spec's parser, rebuilt; refuses one whose mapping changed since the importing thread read it. */
export function passParser(spec: Pick<ParsePassSpec, 'format' | 'mappingPath' | 'mappingVersion'>, given?: FormatParser): FormatParser {
  const parser = given ?? parserForFormat(spec.format, spec.mappingPath);
  const version = parser.mappingVersion ?? `${parser.format}@${parser.version}`;
  if (version !== spec.mappingVersion)
    throw new Error(`the mapping changed while the file was being imported (${spec.mappingVersion} became ${version})`);
  return parser;
}

/**
 * Runs the pass. A FormatError from the parser propagates (the caller names FILE:LINE:COLUMN). `given` is the parser
 * when the pass runs on the importing thread, which already holds it.
 */
export function* parsePass(spec: ParsePassSpec, given?: FormatParser): Generator<PassItem> {
  const parser = passParser(spec, given);
  const reading = new FileReading(spec);
  const digest = new LineDigest();
  try {
    const records = parser.parse({
      chunks: spec.rows === undefined ? reading.text() : [],
      rows: spec.rows?.rows,
      fileName: spec.fileName,
      timeZone: spec.timeZone,
      locale: spec.locale,
      currency: spec.currency,
    });
    for (const record of records) {
      yield* reading.takeSide();
      if (!record.ok) {
        yield { t: 'rejected', line: record.position.line, column: record.position.column, message: record.message, raw: record.raw };
        continue;
      }
      if (record.statement !== undefined) {
        yield { t: 'statement', line: record.lineStart, statement: record.statement };
        if (record.events.length === 0) continue;
      }
      const events: StoredEventValues[] = [];
      const lines: string[] = [];
      let problem: string | null = null;
      for (const draft of record.events) {
        problem = checkDraft(draft);
        if (problem !== null) break;
        const stored = toStored(draft, spec.batch, record.lineStart, record.lineEnd);
        events.push(stored.values);
        lines.push(stored.line);
      }
      if (problem !== null) {
        yield { t: 'bad-draft', lineStart: record.lineStart, message: problem };
        continue;
      }
      digest.add(lines);
      yield { t: 'events', lineStart: record.lineStart, lineEnd: record.lineEnd, events };
    }
    // A parser that stopped reading before the end (it had what it needed): the rest is still hashed and stored.
    while (reading.nextText() !== null);
    yield* reading.takeSide();
    yield { t: 'end', sha256: reading.sha256(), byteLength: reading.byteLength, eventsDigest: digest.hex() };
  } finally {
    reading.close();
  }
}

/** sha256 over digest lines, fed a few hundred at a time: one update per line cost more than the hashing. */
class LineDigest {
  private readonly hash = createHash('sha256');
  private pending: string[] = [];

  add(lines: readonly string[]): void {
    for (const line of lines) this.pending.push(line);
    if (this.pending.length >= 512) this.flush();
  }

  hex(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending.join(''));
    this.pending = [];
  }
}

/**
 * The file read once, 1 MiB at a time: each chunk hashed, handed over for the ledger when asked, and decoded. The text
 * iterable given to the parser never closes the file, so what the parser leaves unread can still be hashed.
 */
class FileReading {
  private readonly spec: ParsePassSpec;
  private readonly bytes: Iterator<Uint8Array>;
  private readonly decoder;
  private readonly hash = createHash('sha256');
  private readonly side: PassItem[] = [];
  private skip: number;
  private ended = false;
  byteLength = 0;

  constructor(spec: ParsePassSpec) {
    this.spec = spec;
    this.bytes = readByteChunks(spec.path, ARTIFACT_CHUNK_BYTES);
    this.decoder = streamingDecoder(spec.encoding);
    this.skip = spec.bomLength;
  }

  /** The next piece of decoded text, or null at the end of the file. */
  nextText(): string | null {
    while (!this.ended) {
      const next = this.bytes.next();
      if (next.done === true) {
        this.ended = true;
        const tail = this.decoder.decode();
        return tail.length > 0 ? tail : null;
      }
      const chunk = next.value;
      this.hash.update(chunk);
      this.byteLength += chunk.length;
      if (this.spec.storeBytes) this.side.push({ t: 'chunk', bytes: chunk });
      this.side.push({ t: 'bytes', done: this.byteLength });
      let bytes = chunk;
      if (this.skip > 0) {
        const n = Math.min(this.skip, bytes.length);
        bytes = bytes.subarray(n);
        this.skip -= n;
      }
      const decoded = this.decoder.decode(bytes, { stream: true });
      if (decoded.length > 0) return decoded;
    }
    return null;
  }

  text(): Iterable<string> {
    return {
      [Symbol.iterator]: () => ({
        next: (): IteratorResult<string> => {
          const value = this.nextText();
          return value === null ? { done: true, value: undefined } : { done: false, value };
        },
      }),
    };
  }

  /** The chunks and progress read since the last call. */
  takeSide(): PassItem[] {
    return this.side.length === 0 ? [] : this.side.splice(0);
  }

  sha256(): string {
    return this.hash.digest('hex');
  }

  close(): void {
    this.bytes.return?.();
  }
}
