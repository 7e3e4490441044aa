// The import pipeline: files in, canonical events out, in one transaction journaled with its counts.
import { randomUUID, createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { openSync, readSync, closeSync, mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { ArtifactChangedError, ArtifactChunks, beginArtifact, compressChunk, storeFileArtifact, type StoredArtifact } from '../ledger/artifacts.ts';
import { EventWriter, eventContentLine } from '../ledger/eventStore.ts';
import { BATCH_ID_AT, SOURCE_AT } from './eventDrafts.ts';
import { inspectFile, readTextHead, type FileFacts, type TextEncoding } from './text/fileText.ts';
import { detectParser, detectWorkbookParser, parserForFormat, FormatSelectionError } from './formatRegistry.ts';
import { isXlsxWorkbook, readFirstSheet, sheetHead, XlsxReadError, type SheetRows } from './xlsx/xlsxWorkbook.ts';
import { BatchCoverage } from './batchCoverage.ts';
import { supersedeEarlierRevisions } from './revisions.ts';
import { STORED_EVENT_COLUMNS } from '../ledger/eventStore.ts';
import { FormatError, type FormatParser, type StatementBalance } from './parserTypes.ts';
import { parsePass, type ParsePassSpec, type PassItem } from './parsePass.ts';
import { ParseWorker } from './workerPass.ts';
import { isZip, listZipMembers, readZipMember, ZipError } from './archive/zipArchive.ts';
import { SourceIdSchema } from '../../shared/events/canonicalEvent.ts';
import { DuplicateRecorder } from './duplicateRecords.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';

/** Bad input: the message is `FILE:LINE:COLUMN: what is wrong` (or `FILE: …` when no position applies). */
export class ImportError extends UserError {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  constructor(file: string, message: string, line: number | null = null, column: number | null = null) {
    super(line === null ? `${file}: ${message}` : `${file}:${line}:${column ?? 1}: ${message}`);
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** The figures of a bank statement whose balances do not add up. */
export interface UnbalancedStatement {
  statementId: string;
  account: string;
  currency: string;
  openingMinor: number;
  entryCount: number;
  entriesSumMinor: number;
  expectedClosingMinor: number;
  closingMinor: number;
  differenceMinor: number;
}

/** A statement refused because opening + entries ≠ closing; importing it anyway journals the difference. */
export class UnbalancedStatementError extends ImportError {
  readonly statement: UnbalancedStatement;
  constructor(file: string, message: string, line: number, statement: UnbalancedStatement) {
    super(file, message, line, 1);
    this.name = 'UnbalancedStatementError';
    this.statement = statement;
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
  /** Import statements whose balances do not add up, journaling each difference, instead of failing. */
  acceptUnbalanced?: boolean;
  /**
   * The last day (YYYY-MM-DD) the files cover, as the person importing states it (an export run "through Oct 31"): the
   * source's watermark reaches the end of that day in the workspace time zone even when its last rows are earlier.
   */
  periodEnd?: string;
  actor: string;
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Where each file is read and parsed: on a worker thread while this one writes (`auto` does so for files of
   * WORKER_MIN_BYTES or more), or on this thread. The result is the same either way.
   */
  parseOn?: 'auto' | 'worker' | 'this-thread';
}

/** Below this size a file is parsed on the importing thread: starting a worker costs more than it would save. */
export const WORKER_MIN_BYTES = 4 << 20;

/** Where the values the batch's coverage reads sit in a stored event row (the event id is first). */
const KIND_AT = STORED_EVENT_COLUMNS.indexOf('kind');
const OCCURRED_AT = STORED_EVENT_COLUMNS.indexOf('occurred_at');

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

export interface StatementCheck {
  statementId: string;
  account: string;
  currency: string;
  openingMinor: number | null;
  closingMinor: number | null;
  entriesSumMinor: number;
  entryCount: number;
  /** closing − (opening + entries); null when the statement gives no opening or closing balance. */
  differenceMinor: number | null;
  /** The last day the statement says it covers, where it says so. */
  periodEnd?: string;
}

export interface ImportFileResult {
  /** The file as named on the command line; `ARCHIVE!MEMBER` for a file inside a ZIP. */
  file: string;
  batchId: string;
  format: string;
  mappingVersion: string;
  encoding: TextEncoding;
  sha256: string;
  rowsRead: number;
  eventsCreated: number;
  duplicatesSkipped: number;
  /**
   * DUPLICATE_RECORD exceptions (class A, auto-resolved) this file raised: one per record whose event an earlier
   * batch of another file created. None for a byte-identical re-import or a record repeated inside this file.
   */
  duplicateRecords: number;
  rowsRejected: number;
  /** The first rejected rows (all of them are in the journal). */
  rejected: RejectedRow[];
  statements: StatementCheck[];
}

export interface ImportResult {
  files: ImportFileResult[];
  eventsCreated: number;
  duplicatesSkipped: number;
  duplicateRecords: number;
  rowsRejected: number;
}

const REJECTED_KEPT_IN_RESULT = 100;
const PROGRESS_EVERY_ROWS = 5000;

/** One file to import: where its bytes are, what to call it, and the archive it came out of. */
interface SourceFile {
  path: string;
  label: string;
  archive: { label: string; sha256: string } | null;
}

/**
 * Imports every file in one transaction: all of them land, or (on the first
 * bad row without --skip-invalid, an unbalanced statement without
 * --accept-unbalanced, or any failure) none does. A ZIP archive is stored
 * whole and each member is imported as its own batch.
 */
export function importFiles(db: LedgerDb, settings: WorkspaceSettings, request: ImportRequest): ImportResult {
  const source = SourceIdSchema.safeParse(request.source);
  if (!source.success) throw new ImportError('--source', `"${request.source}": ${source.error.issues[0]?.message ?? 'invalid'}`);
  if (request.files.length === 0) throw new ImportError('import', 'no files given');
  if (request.periodEnd !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(request.periodEnd)) {
    throw new ImportError('--period-end', `"${request.periodEnd}" is not a calendar date (YYYY-MM-DD)`);
  }

  const journal = new JournalWriter(db);
  const writer = new EventWriter(db);
  const tempDir = mkdtempSync(join(tmpdir(), 'tieout-import-'));
  const sizes = request.files.map(fileSize);
  const restoreCache = importPageCache(db, sizes);
  const started: { worker: ParseWorker | null } = { worker: null };
  const parseWorker = (): ParseWorker => (started.worker ??= new ParseWorker());
  try {
    // Started now when a file will need it, so its modules load while this thread inspects the first file.
    if (request.parseOn === 'worker' || ((request.parseOn ?? 'auto') === 'auto' && sizes.some((n) => n >= WORKER_MIN_BYTES))) parseWorker();
    const run = db.transaction(() => {
      const results: ImportFileResult[] = [];
      request.files.forEach((file, fileIndex) => {
        for (const sf of expandArchive(db, file, tempDir)) {
          results.push(importOneFile(db, settings, request, { journal, writer, parseWorker }, sf, fileIndex));
        }
      });
      return results;
    });
    const files = run();
    return {
      files,
      eventsCreated: files.reduce((n, f) => n + f.eventsCreated, 0),
      duplicatesSkipped: files.reduce((n, f) => n + f.duplicatesSkipped, 0),
      duplicateRecords: files.reduce((n, f) => n + f.duplicateRecords, 0),
      rowsRejected: files.reduce((n, f) => n + f.rowsRejected, 0),
    };
  } finally {
    started.worker?.close();
    restoreCache();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

/** The file's size, or 0 when it cannot be read (reported as the import's own error when it is opened). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** SQLite's page cache during an import, at most (KiB); the ledger's usual 64 MiB is the least. */
const IMPORT_CACHE_MAX_KIB = 256 << 10;

/**
 * A large import into a large ledger inserts into index trees (the event ids' above all, whose keys are random) far
 * larger than the usual 64 MiB page cache, and spends its time fetching and evicting their pages: a 1M-order month's
 * imports took 30% less CPU with 256 MiB. The cache grows to a quarter of what the ledger will hold after the import
 * (its size now plus twice the files'), up to IMPORT_CACHE_MAX_KIB, and is given back afterwards. A small import
 * keeps 64 MiB: the pages it touches fit, and a larger cache would only hold more of its written pages in memory.
 */
function importPageCache(db: LedgerDb, fileSizes: readonly number[]): () => void {
  const before = db.pragma('cache_size', { simple: true }) as number;
  const ledgerBytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  const fileBytes = fileSizes.reduce((sum, n) => sum + n, 0);
  const wantKiB = Math.min(IMPORT_CACHE_MAX_KIB, Math.floor((ledgerBytes + 2 * fileBytes) / 4 / 1024));
  if (before >= 0 || wantKiB <= -before) return () => {};
  db.pragma(`cache_size = -${wantKiB}`);
  return () => db.pragma(`cache_size = ${before}`);
}

const FILE_CHANGED = 'the file changed while it was being imported; import it again once it is complete';

/** A ZIP archive stored whole as it is (its members are compressed already), a file that changed under it reported as an import error. */
function storeArchive(db: LedgerDb, path: string, label: string, sha256: string, fileName: string, byteLength: number): StoredArtifact {
  try {
    return storeFileArtifact(db, path, sha256, fileName, byteLength, { compress: false });
  } catch (err) {
    if (err instanceof ArtifactChangedError) throw new ImportError(label, FILE_CHANGED);
    throw err;
  }
}

/** A plain file is itself; a ZIP is stored as an artifact and its members are written to temp files for parsing. */
function expandArchive(db: LedgerDb, file: string, tempDir: string): SourceFile[] {
  let head: Uint8Array;
  try {
    head = readFirstBytes(file);
  } catch (err) {
    throw new ImportError(file, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!isZip(head) || isXlsxWorkbook(file)) return [{ path: file, label: file, archive: null }];
  try {
    const facts = inspectFile(file);
    storeArchive(db, file, file, facts.sha256, basename(file), facts.byteLength);
    const members = listZipMembers(file).filter((m) => !/(^|\/)(__MACOSX\/|\.DS_Store$)/.test(m.name));
    if (members.length === 0) throw new ImportError(file, 'the ZIP archive holds no files');
    return members.map((m, i) => {
      const path = join(tempDir, `${basename(file)}-${i}`);
      writeFileSync(path, readZipMember(file, m));
      return { path, label: `${file}!${m.name}`, archive: { label: file, sha256: facts.sha256 } };
    });
  } catch (err) {
    if (err instanceof ZipError) throw new ImportError(file, err.message);
    throw err;
  }
}

/** What every file of one import command shares. */
interface ImportWriters {
  journal: JournalWriter;
  writer: EventWriter;
  /** The command's parse worker, started on first use. */
  parseWorker: () => ParseWorker;
}

function importOneFile(
  db: LedgerDb,
  settings: WorkspaceSettings,
  request: ImportRequest,
  { journal, writer, parseWorker }: ImportWriters,
  sf: SourceFile,
  fileIndex: number,
): ImportFileResult {
  const file = sf.label;
  const fileName = sf.archive === null ? basename(sf.path) : basename(file);
  const { parser, facts, sheet } = chooseParserAndEncoding(sf, request);
  const mappingVersion = parser.mappingVersion ?? `${parser.format}@${parser.version}`;
  const startedAt = new Date().toISOString();
  const batchId = `ib_${randomUUID().replace(/-/g, '')}`;
  const artifact = beginArtifact(db, facts.sha256, fileName, facts.byteLength);
  const chunks = artifact.alreadyStored ? null : new ArtifactChunks(db, artifact.artifactId);
  // A byte-identical re-import (artifact already stored) delivers nothing new: its duplicates are only counted.
  const duplicates = artifact.alreadyStored
    ? null
    : new DuplicateRecorder(db, journal, { batchId, fileName, actor: request.actor, at: startedAt, settings });

  let bytesDone = 0;
  let rowsRead = 0;
  let eventsCreated = 0;
  let duplicatesSkipped = 0;
  let rowsRejected = 0;
  const rejected: RejectedRow[] = [];
  const statements: StatementCheck[] = [];
  let passDigest: string | null = null;
  const coverage = new BatchCoverage(settings.time_zone);
  coverage.formatKinds(parser.kinds);
  coverage.statementPeriodEnd(request.periodEnd);
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
  const countRow = (): void => {
    rowsRead++;
    if (rowsRead % PROGRESS_EVERY_ROWS === 0) progress();
  };

  const spec: ParsePassSpec = {
    path: sf.path,
    fileName,
    encoding: facts.encoding,
    bomLength: facts.bomLength,
    format: parser.format,
    mappingPath: request.mappingPath,
    mappingVersion,
    timeZone: sourceTimeZone(settings, request.source),
    locale: settings.locale,
    currency: settings.reporting_currency,
    batch: { source: request.source, batchId, receivedAt: startedAt, artifactId: artifact.artifactId, mappingVersion },
    storeBytes: chunks !== null,
    ...(sheet !== null ? { rows: sheet } : {}),
  };
  // A workbook's sheet was read already (exceljs, on its own worker): its rows are parsed here.
  const onWorker =
    sheet === null && (request.parseOn === 'worker' || ((request.parseOn ?? 'auto') === 'auto' && facts.byteLength >= WORKER_MIN_BYTES));
  const items: Iterable<PassItem> = onWorker ? parseWorker().pass(spec) : parsePass(spec, parser);
  try {
    for (const item of items) {
      switch (item.t) {
        case 'events':
          countRow();
          for (const values of item.events) {
            values[BATCH_ID_AT] = batchId;
            values[SOURCE_AT] = request.source;
            if (writer.writeValues(values)) {
              eventsCreated++;
              coverage.event({ event_id: values[0] as string, kind: values[KIND_AT] as string, occurred_at: values[OCCURRED_AT] as string });
            } else {
              duplicatesSkipped++;
              duplicates?.record(values[0] as string, item.lineStart, item.lineEnd);
            }
          }
          break;
        case 'rejected':
          rowsRead++;
          reject(item.line, item.column, item.message, item.raw);
          break;
        case 'bad-draft':
          countRow();
          reject(item.lineStart, 1, item.message, '');
          break;
        case 'statement':
          statements.push(checkStatement(item.statement, item.line, file, batchId, request, journal));
          coverage.statementPeriodEnd(item.statement.periodEnd);
          break;
        case 'chunk':
          chunks?.add(compressChunk(item.bytes));
          break;
        case 'bytes':
          bytesDone = item.done;
          break;
        case 'end':
          // The bytes parsed (and stored) are the bytes hashed before: the batch's sha256 is what was read.
          if (item.sha256 !== facts.sha256 || item.byteLength !== facts.byteLength) throw new ImportError(file, FILE_CHANGED);
          passDigest = item.eventsDigest;
          break;
      }
    }
  } catch (err) {
    if (err instanceof FormatError) throw new ImportError(file, err.message, err.position.line, err.position.column);
    throw err;
  }
  progress();

  const counts = { rows_read: rowsRead, events_created: eventsCreated, duplicates_skipped: duplicatesSkipped, rows_rejected: rowsRejected };
  const duplicateRecords = duplicates?.count ?? 0;
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
    finished_at: new Date().toISOString(),
    actor: request.actor,
    ...counts,
  });
  coverage.write(db, batchId, request.source);
  if (eventsCreated > 0) supersedeEarlierRevisions(db, batchId);
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
      ...(sf.archive !== null ? { archive_file_name: basename(sf.archive.label), archive_sha256: sf.archive.sha256 } : {}),
      format: parser.format,
      mapping_version: mappingVersion,
      encoding: facts.encoding,
      ...counts,
      duplicate_records: duplicateRecords,
      statements: statements.map((s) => ({
        statement_id: s.statementId,
        account: s.account,
        currency: s.currency,
        opening_minor: s.openingMinor,
        closing_minor: s.closingMinor,
        entries_sum_minor: s.entriesSumMinor,
        entry_count: s.entryCount,
        difference_minor: s.differenceMinor,
        // The last day the statement covers (the close's bank rollforward dates its balances by it).
        period_end: s.periodEnd ?? null,
      })),
      events_digest: duplicatesSkipped === 0 && passDigest !== null ? passDigest : storedEventsDigest(db, batchId),
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
    duplicateRecords,
    rowsRejected,
    rejected,
    statements,
  };
}

/**
 * The digest of a batch's events as stored (what verify recomputes). The pass's own digest covers every event it
 * read; when some were already in the ledger, the batch holds only the rest, and they are hashed as stored.
 */
function storedEventsDigest(db: LedgerDb, batchId: string): string {
  const hash = createHash('sha256');
  for (const row of db.prepare('SELECT * FROM events WHERE batch_id = ? ORDER BY seq').iterate(batchId) as Iterable<object>)
    hash.update(eventContentLine(row));
  return hash.digest('hex');
}

/** The statement oracle: opening + entries = closing, or the import fails (or, when accepted, the difference is journaled). */
function checkStatement(
  s: StatementBalance,
  line: number,
  file: string,
  batchId: string,
  request: ImportRequest,
  journal: JournalWriter,
): StatementCheck {
  const differenceMinor = s.openingMinor === null || s.closingMinor === null ? null : s.closingMinor - (s.openingMinor + s.entriesSumMinor);
  const check: StatementCheck = { ...s, differenceMinor };
  if (differenceMinor === null || differenceMinor === 0) return check;
  const expected = (s.openingMinor as number) + s.entriesSumMinor;
  const message =
    `statement ${s.statementId} (account ${s.account}, ${s.currency}) does not balance: opening ${s.openingMinor} + ` +
    `${s.entryCount} entries ${s.entriesSumMinor} = ${expected}, but the closing balance is ${s.closingMinor} ` +
    `(difference ${differenceMinor}; amounts in minor units)`;
  if (!request.acceptUnbalanced) {
    throw new UnbalancedStatementError(file, `${message}; use --accept-unbalanced to import it anyway`, line, {
      statementId: s.statementId,
      account: s.account,
      currency: s.currency,
      openingMinor: s.openingMinor as number,
      entryCount: s.entryCount,
      entriesSumMinor: s.entriesSumMinor,
      expectedClosingMinor: expected,
      closingMinor: s.closingMinor as number,
      differenceMinor,
    });
  }
  journal.append({
    type: 'import.statement_unbalanced',
    actor: request.actor,
    subjectId: batchId,
    reason: message,
    payload: {
      batch_id: batchId,
      statement_id: s.statementId,
      account: s.account,
      currency: s.currency,
      opening_minor: s.openingMinor,
      closing_minor: s.closingMinor,
      expected_closing_minor: expected,
      difference_minor: differenceMinor,
    },
  });
  return check;
}

/** The zone a source's naive dates are in: its own (settings.source_time_zones) or the workspace's. */
export function sourceTimeZone(settings: WorkspaceSettings, source: string): string {
  return settings.source_time_zones?.[source] ?? settings.time_zone;
}

function chooseParserAndEncoding(sf: SourceFile, request: ImportRequest): { parser: FormatParser; facts: FileFacts; sheet: SheetRows | null } {
  let facts: FileFacts;
  try {
    facts = inspectFile(sf.path, request.encoding);
  } catch (err) {
    throw new ImportError(sf.label, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (isZip(readFirstBytes(sf.path)) && isXlsxWorkbook(sf.path))
    return { ...workbookParser(sf, request), facts: { ...facts, encoding: 'utf-8', bomLength: 0 } };
  let parser: FormatParser;
  try {
    parser =
      request.format !== undefined
        ? parserForFormat(request.format, request.mappingPath)
        : detectParser(readTextHead(sf.path, facts), readFirstBytes(sf.path));
  } catch (err) {
    if (err instanceof FormatSelectionError) throw new ImportError(sf.label, err.message);
    throw err;
  }
  if (parser.input === 'xlsx') throw new ImportError(sf.label, `${parser.format} reads XLSX workbooks and this file is not one`);
  if (request.encoding === undefined && facts.bomLength === 0) {
    // A mapping's declared encoding, or the one the file declares about itself, beats detection (a BOM beats both).
    const declared = parser.encoding ?? parser.declaredEncoding?.(readTextHead(sf.path, facts));
    if (declared !== undefined && declared !== facts.encoding) facts = inspectFile(sf.path, declared);
  }
  return { parser, facts, sheet: null };
}

/** An XLSX workbook: its first sheet read (exceljs, xlsx/xlsxWorkbook.ts) and its parser chosen from the sheet's head. */
function workbookParser(sf: SourceFile, request: ImportRequest): { parser: FormatParser; sheet: SheetRows } {
  let sheet: SheetRows;
  try {
    sheet = readFirstSheet(sf.path);
  } catch (err) {
    if (err instanceof XlsxReadError) throw new ImportError(sf.label, err.message);
    throw err;
  }
  let parser: FormatParser;
  try {
    parser = request.format !== undefined ? parserForFormat(request.format, request.mappingPath) : detectWorkbookParser(sheetHead(sheet));
  } catch (err) {
    if (err instanceof FormatSelectionError) throw new ImportError(sf.label, err.message);
    throw err;
  }
  if (parser.input !== 'xlsx') {
    throw new ImportError(
      sf.label,
      `this file is an XLSX workbook and ${parser.format} reads text; export the sheet as CSV, or import it as a workbook format`,
    );
  }
  return { parser, sheet };
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
