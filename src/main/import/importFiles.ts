// The import pipeline: files in, canonical events out, in one transaction journaled with its counts.
import { randomUUID, createHash } from 'node:crypto';
import { basename } from 'node:path';
import { openSync, readSync, closeSync } from 'node:fs';
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { storeFileArtifact } from '../ledger/artifacts.ts';
import { EventWriter, eventIdFor, eventContentLine, type EventRow } from '../ledger/eventStore.ts';
import { inspectFile, readTextChunks, readTextHead, type TextEncoding } from './text/fileText.ts';
import { detectParser, parserForFormat, FormatSelectionError } from './formatRegistry.ts';
import { FormatError, type FormatParser, type RecordResult } from './parserTypes.ts';
import { SourceIdSchema, EVENT_KINDS, normalizeRef, type EventDraftInput } from '../../shared/events/canonicalEvent.ts';
import { isCurrencyCode } from '../../shared/money/currencies.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';

/** Bad input: the message is `FILE:LINE:COLUMN: what is wrong` (or `FILE: …` when no position applies). */
export class ImportError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  constructor(file: string, message: string, line: number | null = null, column: number | null = null) {
    super(line === null ? `${file}: ${message}` : `${file}:${line}:${column ?? 1}: ${message}`);
    this.name = 'ImportError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

export interface ImportRequest {
  source: string;
  files: string[];
  /** Skip detection and use this format. */
  format?: string;
  /** Mapping file for `generic-csv`. */
  mappingPath?: string;
  /** Override the detected text encoding. */
  encoding?: TextEncoding;
  /** Import good rows and journal each rejected one, instead of failing the whole import. */
  skipInvalid?: boolean;
  actor: string;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  bytesDone: number;
  bytesTotal: number;
  rowsRead: number;
}

export interface RejectedRow {
  line: number;
  column: number;
  message: string;
}

export interface ImportFileResult {
  file: string;
  batchId: string;
  format: string;
  mappingVersion: string;
  encoding: TextEncoding;
  sha256: string;
  rowsRead: number;
  eventsCreated: number;
  duplicatesSkipped: number;
  rowsRejected: number;
  /** The first rejected rows (all of them are in the journal). */
  rejected: RejectedRow[];
}

export interface ImportResult {
  files: ImportFileResult[];
  eventsCreated: number;
  duplicatesSkipped: number;
  rowsRejected: number;
}

const REJECTED_KEPT_IN_RESULT = 100;
const PROGRESS_EVERY_ROWS = 5000;

/**
 * Imports every file in one transaction: all of them land, or (on the first
 * bad row without --skip-invalid, or any failure) none does.
 */
export function importFiles(db: LedgerDb, settings: WorkspaceSettings, request: ImportRequest): ImportResult {
  const source = SourceIdSchema.safeParse(request.source);
  if (!source.success) throw new ImportError('--source', `"${request.source}": ${source.error.issues[0]?.message ?? 'invalid'}`);
  if (request.files.length === 0) throw new ImportError('import', 'no files given');

  const journal = new JournalWriter(db);
  const writer = new EventWriter(db);
  const run = db.transaction(() =>
    request.files.map((file, fileIndex) => importOneFile(db, settings, request, journal, writer, file, fileIndex)),
  );
  const files = run();
  return {
    files,
    eventsCreated: files.reduce((n, f) => n + f.eventsCreated, 0),
    duplicatesSkipped: files.reduce((n, f) => n + f.duplicatesSkipped, 0),
    rowsRejected: files.reduce((n, f) => n + f.rowsRejected, 0),
  };
}

function importOneFile(
  db: LedgerDb,
  settings: WorkspaceSettings,
  request: ImportRequest,
  journal: JournalWriter,
  writer: EventWriter,
  file: string,
  fileIndex: number,
): ImportFileResult {
  const fileName = basename(file);
  let facts;
  try {
    facts = inspectFile(file, request.encoding);
  } catch (err) {
    throw new ImportError(file, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parser = chooseParser(file, facts, request);
  if (parser.encoding !== undefined && request.encoding === undefined && parser.encoding !== facts.encoding) {
    facts = inspectFile(file, parser.encoding);
  }
  const mappingVersion = parser.mappingVersion ?? `${parser.format}@${parser.version}`;
  const startedAt = new Date().toISOString();
  const batchId = `ib_${randomUUID().replace(/-/g, '')}`;
  const artifact = storeFileArtifact(db, file, facts.sha256, fileName);

  let bytesDone = 0;
  let rowsRead = 0;
  let eventsCreated = 0;
  let duplicatesSkipped = 0;
  let rowsRejected = 0;
  const rejected: RejectedRow[] = [];
  const digest = createHash('sha256');
  const progress = (): void =>
    request.onProgress?.({ file, fileIndex, fileCount: request.files.length, bytesDone, bytesTotal: facts.byteLength, rowsRead });

  const reject = (line: number, column: number, message: string, raw: string): void => {
    if (!request.skipInvalid) throw new ImportError(file, message, line, column);
    rowsRejected++;
    if (rejected.length < REJECTED_KEPT_IN_RESULT) rejected.push({ line, column, message });
    journal.append({
      type: 'import.row_rejected',
      actor: request.actor,
      subjectId: batchId,
      reason: message,
      payload: { batch_id: batchId, file_name: fileName, line, column, message, raw },
    });
  };

  const records = parser.parse({
    chunks: readTextChunks(file, facts, (n) => (bytesDone += n)),
    fileName,
    timeZone: settings.time_zone,
    locale: settings.locale,
  });
  try {
    for (const record of records as Iterable<RecordResult>) {
      rowsRead++;
      if (rowsRead % PROGRESS_EVERY_ROWS === 0) progress();
      if (!record.ok) {
        reject(record.position.line, record.position.column, record.message, record.raw);
        continue;
      }
      const rows: EventRow[] = [];
      let problem: string | null = null;
      for (const draft of record.events) {
        problem = checkDraft(draft);
        if (problem !== null) break;
        rows.push(toRow(draft, request.source, batchId, startedAt, artifact.artifactId, record.lineStart, record.lineEnd, mappingVersion));
      }
      if (problem !== null) {
        reject(record.lineStart, 1, problem, '');
        continue;
      }
      for (const row of rows) {
        if (writer.write(row)) {
          eventsCreated++;
          digest.update(eventContentLine(row));
        } else {
          duplicatesSkipped++;
        }
      }
    }
  } catch (err) {
    if (err instanceof FormatError) throw new ImportError(file, err.message, err.position.line, err.position.column);
    throw err;
  }
  progress();

  const finishedAt = new Date().toISOString();
  const counts = { rows_read: rowsRead, events_created: eventsCreated, duplicates_skipped: duplicatesSkipped, rows_rejected: rowsRejected };
  db.prepare(
    `INSERT INTO import_batches (batch_id, source, format, mapping_version, file_name, artifact_id, encoding, started_at, finished_at,
       rows_read, events_created, duplicates_skipped, rows_rejected, actor)
     VALUES (@batch_id, @source, @format, @mapping_version, @file_name, @artifact_id, @encoding, @started_at, @finished_at,
       @rows_read, @events_created, @duplicates_skipped, @rows_rejected, @actor)`,
  ).run({
    batch_id: batchId,
    source: request.source,
    format: parser.format,
    mapping_version: mappingVersion,
    file_name: fileName,
    artifact_id: artifact.artifactId,
    encoding: facts.encoding,
    started_at: startedAt,
    finished_at: finishedAt,
    actor: request.actor,
    ...counts,
  });
  journal.append({
    type: 'import.batch',
    actor: request.actor,
    subjectId: batchId,
    payload: {
      batch_id: batchId,
      source: request.source,
      file_name: fileName,
      sha256: facts.sha256,
      byte_length: facts.byteLength,
      format: parser.format,
      mapping_version: mappingVersion,
      encoding: facts.encoding,
      ...counts,
      events_digest: digest.digest('hex'),
    },
  });
  return {
    file,
    batchId,
    format: parser.format,
    mappingVersion,
    encoding: facts.encoding,
    sha256: facts.sha256,
    rowsRead,
    eventsCreated,
    duplicatesSkipped,
    rowsRejected,
    rejected,
  };
}

function chooseParser(file: string, facts: ReturnType<typeof inspectFile>, request: ImportRequest): FormatParser {
  try {
    if (request.format !== undefined) return parserForFormat(request.format, request.mappingPath);
    return detectParser(readTextHead(file, facts), readFirstBytes(file));
  } catch (err) {
    if (err instanceof FormatSelectionError) throw new ImportError(file, err.message);
    throw err;
  }
}

function readFirstBytes(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(8);
    const n = readSync(fd, buf, 0, 8, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const KINDS = new Set<string>(EVENT_KINDS);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Checks a parser's draft before it is stored. This is the hot path, so it is
 * hand-written rather than a zod parse; it enforces the same rules as
 * EventDraftSchema for the fields the ledger relies on.
 */
function checkDraft(d: EventDraftInput): string | null {
  if (!KINDS.has(d.kind)) return `unknown event kind "${String(d.kind)}"`;
  if (typeof d.external_id !== 'string' || d.external_id.trim() === '') return 'the record has no id';
  if (!isCurrencyCode(d.currency)) return `unknown currency "${d.currency}"`;
  if (!Number.isSafeInteger(d.amount_minor)) return `amount ${String(d.amount_minor)} is not a whole number of minor units`;
  if (d.fee_minor != null && !Number.isSafeInteger(d.fee_minor)) return `fee ${String(d.fee_minor)} is not a whole number of minor units`;
  if (d.net_minor != null && !Number.isSafeInteger(d.net_minor)) return `net ${String(d.net_minor)} is not a whole number of minor units`;
  if (!INSTANT.test(d.occurred_at)) return `time "${d.occurred_at}" is not a UTC instant`;
  return null;
}

function toRow(
  d: EventDraftInput,
  sourceId: string,
  batchId: string,
  receivedAt: string,
  artifactId: string,
  lineStart: number,
  lineEnd: number,
  mappingVersion: string,
): EventRow {
  const revision = d.source_revision ?? '';
  return {
    event_id: eventIdFor(sourceId, d.external_id, d.kind, revision),
    batch_id: batchId,
    source: sourceId,
    kind: d.kind,
    external_id: d.external_id,
    source_revision: revision,
    order_ref: normalizeRef(d.order_ref),
    customer_ref: normalizeRef(d.customer_ref),
    payout_ref: normalizeRef(d.payout_ref),
    trace_id: normalizeRef(d.trace_id),
    amount_minor: d.amount_minor,
    currency: d.currency,
    fee_minor: d.fee_minor ?? null,
    net_minor: d.net_minor ?? null,
    state: d.state ?? null,
    channel: d.channel ?? null,
    occurred_at: d.occurred_at,
    local_date: d.local_date ?? null,
    received_at: receivedAt,
    raw_artifact_id: artifactId,
    raw_line_start: lineStart,
    raw_line_end: lineEnd,
    mapping_version: mappingVersion,
    attributes: JSON.stringify(d.attributes ?? {}),
  };
}
