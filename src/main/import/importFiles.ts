// The import pipeline: files in, canonical events out, in one transaction journaled with its counts.
import { randomUUID, createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { openSync, readSync, closeSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { ArtifactChangedError, storeFileArtifact, type StoredArtifact } from '../ledger/artifacts.ts';
import { EventWriter, eventContentLine, type EventRow } from '../ledger/eventStore.ts';
import { inspectFile, readTextChunks, readTextHead, type FileFacts, type TextEncoding } from './text/fileText.ts';
import { detectParser, parserForFormat, FormatSelectionError } from './formatRegistry.ts';
import { FormatError, type FormatParser, type StatementBalance } from './parserTypes.ts';
import { checkDraft, toRow } from './eventDrafts.ts';
import { isZip, listZipMembers, readZipMember, ZipError } from './archive/zipArchive.ts';
import { SourceIdSchema } from '../../shared/events/canonicalEvent.ts';
import { DuplicateRecorder } from './duplicateRecords.ts';
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

  const journal = new JournalWriter(db);
  const writer = new EventWriter(db);
  const tempDir = mkdtempSync(join(tmpdir(), 'tieout-import-'));
  try {
    const run = db.transaction(() => {
      const results: ImportFileResult[] = [];
      request.files.forEach((file, fileIndex) => {
        for (const sf of expandArchive(db, file, tempDir)) {
          results.push(importOneFile(db, settings, request, journal, writer, sf, fileIndex));
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
    rmSync(tempDir, { recursive: true, force: true });
  }
}

/** A plain file is itself; a ZIP is stored as an artifact and its members are written to temp files for parsing. */
/** storeFileArtifact, with a file that changed under the import reported as an import error naming it. */
function storeArtifact(db: LedgerDb, path: string, label: string, sha256: string, fileName: string, byteLength: number): StoredArtifact {
  try {
    return storeFileArtifact(db, path, sha256, fileName, byteLength);
  } catch (err) {
    if (err instanceof ArtifactChangedError) throw new ImportError(label, 'the file changed while it was being imported; import it again once it is complete');
    throw err;
  }
}

function expandArchive(db: LedgerDb, file: string, tempDir: string): SourceFile[] {
  let head: Uint8Array;
  try {
    head = readFirstBytes(file);
  } catch (err) {
    throw new ImportError(file, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!isZip(head)) return [{ path: file, label: file, archive: null }];
  try {
    const facts = inspectFile(file);
    storeArtifact(db, file, file, facts.sha256, basename(file), facts.byteLength);
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

function importOneFile(
  db: LedgerDb,
  settings: WorkspaceSettings,
  request: ImportRequest,
  journal: JournalWriter,
  writer: EventWriter,
  sf: SourceFile,
  fileIndex: number,
): ImportFileResult {
  const file = sf.label;
  const fileName = sf.archive === null ? basename(sf.path) : basename(file);
  const { parser, facts } = chooseParserAndEncoding(sf, request);
  const mappingVersion = parser.mappingVersion ?? `${parser.format}@${parser.version}`;
  const startedAt = new Date().toISOString();
  const batchId = `ib_${randomUUID().replace(/-/g, '')}`;
  const artifact = storeArtifact(db, sf.path, file, facts.sha256, fileName, facts.byteLength);
  // A byte-identical re-import (artifact already stored) delivers nothing new: its duplicates are only counted.
  const duplicates = artifact.alreadyStored ? null : new DuplicateRecorder(db, journal, { batchId, fileName, actor: request.actor, at: startedAt });

  let bytesDone = 0;
  let rowsRead = 0;
  let eventsCreated = 0;
  let duplicatesSkipped = 0;
  let rowsRejected = 0;
  const rejected: RejectedRow[] = [];
  const statements: StatementCheck[] = [];
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
    chunks: readTextChunks(sf.path, facts, (n) => (bytesDone += n)),
    fileName,
    timeZone: settings.time_zone,
    locale: settings.locale,
  });
  try {
    for (const record of records) {
      if (!record.ok) {
        rowsRead++;
        reject(record.position.line, record.position.column, record.message, record.raw);
        continue;
      }
      if (record.statement !== undefined) {
        statements.push(checkStatement(record.statement, record.lineStart, file, batchId, request, journal));
        if (record.events.length === 0) continue;
      }
      rowsRead++;
      if (rowsRead % PROGRESS_EVERY_ROWS === 0) progress();
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
          duplicates?.record(row);
        }
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
      })),
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
    duplicateRecords,
    rowsRejected,
    rejected,
    statements,
  };
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

function chooseParserAndEncoding(sf: SourceFile, request: ImportRequest): { parser: FormatParser; facts: FileFacts } {
  let facts: FileFacts;
  try {
    facts = inspectFile(sf.path, request.encoding);
  } catch (err) {
    throw new ImportError(sf.label, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
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
  if (request.encoding === undefined && facts.bomLength === 0) {
    // A mapping's declared encoding, or the one the file declares about itself, beats detection (a BOM beats both).
    const declared = parser.encoding ?? parser.declaredEncoding?.(readTextHead(sf.path, facts));
    if (declared !== undefined && declared !== facts.encoding) facts = inspectFile(sf.path, declared);
  }
  return { parser, facts };
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
