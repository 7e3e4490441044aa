// What a staged file would import as, before anything is written: its format and encoding as the import
// would choose them, its first CSV rows (so a mapping can be written against them) and its first events.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLine, ImportPreview } from '../../shared/api/contract.ts';
import type { CsvMapping } from '../../shared/import/csvMapping.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { TextEncoding } from '../../shared/import/textEncoding.ts';
import { SourceIdSchema, normalizeRef } from '../../shared/events/canonicalEvent.ts';
import { canonicalJson } from '../ledger/canonicalJson.ts';
import { eventIdFor } from '../ledger/eventStore.ts';
import { isZip, listZipMembers, readZipMember, ZipError } from './archive/zipArchive.ts';
import { checkDraft } from './eventDrafts.ts';
import { detectParser, detectWorkbookParser, FormatSelectionError, GENERIC_CSV_FORMAT, parserForFormat, PRESET_PREFIX } from './formatRegistry.ts';
import { ImportError, sourceTimeZone } from './importFiles.ts';
import { isXlsxWorkbook, readFirstSheet, sheetHead, XlsxReadError, type SheetRows } from './xlsx/xlsxWorkbook.ts';
import type { CsvRow } from './text/csvReader.ts';
import { eventText } from '../../shared/events/eventText.ts';
import { FormatError, type FormatParser } from './parserTypes.ts';
import { createGenericCsvParser } from './parsers/genericCsv.ts';
import { paypalActivityCsvParser } from './parsers/paypalActivityCsv.ts';
import { shopifyOrdersCsvParser } from './parsers/shopifyOrdersCsv.ts';
import { stripeBalanceCsvParser } from './parsers/stripeBalanceCsv.ts';
import { detectDelimiter, readCsvRows } from './text/csvReader.ts';
import { guessCsvLayout } from './csvLayoutGuess.ts';
import { inspectFile, readByteChunks, readTextChunks, readTextHead, type FileFacts } from './text/fileText.ts';

export const PREVIEW_ROWS = 20;
export const PREVIEW_EVENTS = 20;
export const UNKNOWN_FORMAT_MESSAGE = 'cannot tell the format; choose one or map the columns';
/** The CSV grid is read from at most this much of the file's text; 20 rows of any real export fit. */
const GRID_HEAD_CHARS = 1 << 20;
const CSV_FORMATS: ReadonlySet<string> = new Set([
  stripeBalanceCsvParser.format,
  shopifyOrdersCsvParser.format,
  paypalActivityCsvParser.format,
  GENERIC_CSV_FORMAT,
]);

export interface PreviewOptions {
  uploadId: string;
  /** Header line, delimiter and encoding for the grid while no (valid) mapping is given yet. */
  layout?: { headerRow?: number; delimiter?: string; encoding?: TextEncoding };
  /** Skip detection and read the file as this format. */
  format?: string;
  /** A generic-csv mapping; implies format generic-csv. */
  mapping?: CsvMapping;
  /**
   * The source the file would be imported as. With it, event ids are exactly the ids the import stores;
   * without it (imports.preview does not name one) each id is a preview id: "pv_" + the same hash with the
   * source left out, stable for the same record.
   */
  source?: string;
}

/** The file as one plain file: a ZIP's first member is extracted, as the import would read it. */
interface Target {
  path: string;
  /** How messages name it: the file name, or `ARCHIVE!MEMBER` as the import names a ZIP member. */
  label: string;
  zipNote: string | null;
  /** An XLSX workbook: read as its first sheet, never as an archive. */
  workbook?: boolean;
}

/**
 * Reads the start of a staged file the way importFiles would (ZIP members, encoding detection, a declared
 * encoding, format detection or the chosen format) and reports what it holds; nothing is written to a ledger.
 * A file that cannot be read as chosen comes back with `error` (naming line and column where one applies).
 */
export function previewImport(settings: WorkspaceSettings, filePath: string, fileName: string, options: PreviewOptions): ImportPreview {
  const preview: ImportPreview = {
    uploadId: options.uploadId,
    fileName,
    format: null,
    formatDescription: null,
    encoding: null,
    columns: [],
    rows: [],
    events: [],
    error: null,
    layoutGuess: null,
  };
  const temp = { dir: null as string | null };
  try {
    fillPreview(preview, settings, openTarget(filePath, fileName, temp), options);
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    preview.error = err.message;
  } finally {
    if (temp.dir !== null) rmSync(temp.dir, { recursive: true, force: true });
  }
  return preview;
}

/** A workbook's preview: its first sheet as the grid, its format from the sheet's head, its first events. */
function fillWorkbookPreview(preview: ImportPreview, settings: WorkspaceSettings, target: Target, options: PreviewOptions): void {
  let sheet: SheetRows;
  try {
    sheet = readFirstSheet(target.path);
  } catch (err) {
    if (err instanceof XlsxReadError) throw new ImportError(target.label, err.message);
    throw err;
  }
  preview.encoding = 'utf-8';
  preview.columns = (sheet.rows[0]?.fields ?? []).map((c) => c.trim());
  preview.rows = sheet.rows.slice(1, PREVIEW_ROWS + 1).map((r) => r.fields);
  let parser: FormatParser;
  try {
    parser = options.format !== undefined ? parserForFormat(options.format) : detectWorkbookParser(sheetHead(sheet));
  } catch (err) {
    if (!(err instanceof FormatSelectionError)) throw err;
    throw new ImportError(target.label, err.message);
  }
  if (parser.input !== 'xlsx') throw new ImportError(target.label, `this file is an XLSX workbook and ${parser.format} reads text`);
  preview.format = parser.format;
  preview.formatDescription = parser.description;
  collectEvents(parser, target, { encoding: 'utf-8', bomLength: 0, sha256: '', byteLength: 0 }, settings, options.source, preview.events, sheet.rows);
}

function fillPreview(preview: ImportPreview, settings: WorkspaceSettings, target: Target, options: PreviewOptions): void {
  if (target.workbook === true) {
    fillWorkbookPreview(preview, settings, target, options);
    return;
  }
  let facts: FileFacts;
  try {
    facts = inspectFile(target.path);
  } catch (err) {
    throw new ImportError(target.label, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const choice = chooseParser(target.path, facts, options);
  if (choice.parser !== null && facts.bomLength === 0) {
    // As in the import: a mapping's declared encoding, or the one the file declares about itself, beats detection.
    const declared = choice.parser.encoding ?? choice.parser.declaredEncoding?.(readTextHead(target.path, facts));
    if (declared !== undefined && declared !== facts.encoding) facts = inspectFile(target.path, declared);
  }
  // An incomplete mapping's layout still says how to read the text, so its header names become choosable.
  const layout = options.mapping === undefined ? options.layout : undefined;
  if (choice.parser === null && layout?.encoding !== undefined && facts.bomLength === 0 && layout.encoding !== facts.encoding) {
    facts = inspectFile(target.path, layout.encoding);
  }
  preview.format = choice.format;
  preview.formatDescription = [choice.parser?.description ?? null, target.zipNote].filter((s) => s !== null).join('; ') || null;
  preview.encoding = facts.encoding;
  if (choice.format === null || choice.format === GENERIC_CSV_FORMAT) {
    const head = readTextHead(target.path, facts, GRID_HEAD_CHARS);
    const guess = guessCsvLayout(head, head.length === GRID_HEAD_CHARS);
    preview.layoutGuess = guess === null ? null : { ...guess, encoding: facts.encoding };
  }
  if (choice.format === null || CSV_FORMATS.has(choice.format)) {
    const mapping = choice.format === GENERIC_CSV_FORMAT ? options.mapping : undefined;
    const cut = mapping !== undefined ? { headerRow: mapping.header_row, delimiter: mapping.delimiter } : (layout ?? {});
    const grid = csvGrid(target.path, facts, cut, choice.format === null);
    preview.columns = grid.columns;
    preview.rows = grid.rows;
  }
  if (choice.parser === null) throw new ImportError(target.label, choice.problem ?? UNKNOWN_FORMAT_MESSAGE);
  collectEvents(choice.parser, target, facts, settings, options.source, preview.events);
}

function openTarget(filePath: string, fileName: string, temp: { dir: string | null }): Target {
  let first: Uint8Array;
  try {
    first = firstBytes(filePath);
  } catch (err) {
    throw new ImportError(fileName, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!isZip(first)) return { path: filePath, label: fileName, zipNote: null };
  if (isXlsxWorkbook(filePath)) return { path: filePath, label: fileName, zipNote: null, workbook: true };
  try {
    // The same members the import reads: Finder's resource forks are not statements.
    const members = listZipMembers(filePath).filter((m) => !/(^|\/)(__MACOSX\/|\.DS_Store$)/.test(m.name));
    const member = members[0];
    if (member === undefined) throw new ImportError(fileName, 'the ZIP archive holds no files');
    temp.dir = mkdtempSync(join(tmpdir(), 'tieout-preview-'));
    const path = join(temp.dir, 'member');
    writeFileSync(path, readZipMember(filePath, member));
    const zipNote = `ZIP archive of ${members.length} file${members.length === 1 ? '' : 's'}; previewing the first, ${member.name} (the import reads them all)`;
    return { path, label: `${fileName}!${member.name}`, zipNote };
  } catch (err) {
    if (err instanceof ZipError) throw new ImportError(fileName, err.message);
    throw err;
  }
}

interface ParserChoice {
  parser: FormatParser | null;
  format: string | null;
  /** Why there is no parser. */
  problem: string | null;
}

function chooseParser(path: string, facts: FileFacts, options: PreviewOptions): ParserChoice {
  const { format, mapping } = options;
  if (mapping !== undefined) {
    if (format !== undefined && format !== GENERIC_CSV_FORMAT) {
      return { parser: null, format, problem: `a column mapping reads the file as ${GENERIC_CSV_FORMAT}, not ${format}; choose one of the two` };
    }
    // The parser wants the mapping's hash for the mapping version its events record; a preview shows none.
    const sha256 = createHash('sha256').update(canonicalJson(mapping)).digest('hex');
    return { parser: createGenericCsvParser(mapping, sha256), format: GENERIC_CSV_FORMAT, problem: null };
  }
  if (format === GENERIC_CSV_FORMAT)
    return { parser: null, format, problem: `${GENERIC_CSV_FORMAT} reads the file through a column mapping; map the columns` };
  try {
    // A bank preset is generic CSV read through a built-in mapping, as `tieout import --mapping preset:NAME`.
    if (format?.startsWith(PRESET_PREFIX) === true)
      return { parser: parserForFormat(GENERIC_CSV_FORMAT, format), format: GENERIC_CSV_FORMAT, problem: null };
    if (format !== undefined) return { parser: parserForFormat(format), format, problem: null };
    const parser = detectParser(readTextHead(path, facts), firstBytes(path));
    return { parser, format: parser.format, problem: null };
  } catch (err) {
    if (!(err instanceof FormatSelectionError)) throw err;
    return { parser: null, format: null, problem: format === undefined ? UNKNOWN_FORMAT_MESSAGE : err.message };
  }
}

/**
 * The header and first rows as cells, after the mapping's preamble, split by its delimiter or the one the
 * header line suggests. For a file of unknown format, only text that looks like a table (not XML or JSON,
 * at least two columns) is shown, so a mapping can be written against it.
 */
function csvGrid(
  path: string,
  facts: FileFacts,
  cut: { headerRow?: number; delimiter?: string },
  unknownFormat: boolean,
): { columns: string[]; rows: string[][] } {
  const head = readTextHead(path, facts, GRID_HEAD_CHARS);
  const text = dropLines(head, (cut.headerRow ?? 1) - 1);
  if (unknownFormat && /^\s*[<{[]/.test(text)) return { columns: [], rows: [] };
  const headerLine = /^[\r\n]*([^\r\n]*)/.exec(text)?.[1] ?? '';
  const table: string[][] = [];
  for (const row of readCsvRows([text], { delimiter: cut.delimiter ?? detectDelimiter(headerLine) })) {
    table.push(row.fields);
    if (table.length > PREVIEW_ROWS + 1) break;
  }
  // A head cut at GRID_HEAD_CHARS may end inside its last row.
  if (head.length === GRID_HEAD_CHARS) table.pop();
  const columns = (table[0] ?? []).map((c) => c.trim());
  if (unknownFormat && columns.length < 2) return { columns: [], rows: [] };
  return { columns, rows: table.slice(1, PREVIEW_ROWS + 1) };
}

/** The text after its first `count` physical lines (LF, CRLF or lone CR), as the generic CSV parser skips a preamble. */
function dropLines(text: string, count: number): string {
  const lineEnd = /\r\n|\r|\n/g;
  let at = 0;
  for (let i = 0; i < count; i++) {
    lineEnd.lastIndex = at;
    const hit = lineEnd.exec(text);
    if (hit === null) return '';
    at = hit.index + hit[0].length;
  }
  return text.slice(at);
}

/**
 * The first events the import would create, in file order: the same draft check, and a record repeated in the
 * file (same id) shown once, as the import stores it once. Stops at the first row the import would reject,
 * keeping the events before it in `events`.
 */
function collectEvents(
  parser: FormatParser,
  target: Target,
  facts: FileFacts,
  settings: WorkspaceSettings,
  source: string | undefined,
  events: EventLine[],
  rows?: CsvRow[],
): void {
  const knownSource = source !== undefined && SourceIdSchema.safeParse(source).success ? source : null;
  const seen = new Set<string>();
  const records = parser.parse({
    chunks: rows === undefined ? readTextChunks(target.path, facts) : [],
    rows,
    fileName: target.label,
    timeZone: knownSource === null ? settings.time_zone : sourceTimeZone(settings, knownSource),
    locale: settings.locale,
    currency: settings.reporting_currency,
  });
  try {
    for (const record of records) {
      if (!record.ok) throw new ImportError(target.label, record.message, record.position.line, record.position.column);
      for (const draft of record.events) {
        const problem = checkDraft(draft);
        if (problem !== null) throw new ImportError(target.label, problem, record.lineStart, 1);
        const revision = draft.source_revision ?? '';
        const eventId =
          knownSource !== null
            ? eventIdFor(knownSource, draft.external_id, draft.kind, revision)
            : `pv_${createHash('sha256').update(`${draft.external_id}\u001f${draft.kind}\u001f${revision}`).digest('hex').slice(0, 32)}`;
        if (seen.has(eventId)) continue;
        seen.add(eventId);
        events.push({
          eventId,
          source: knownSource ?? '',
          kind: draft.kind,
          externalId: draft.external_id,
          amountMinor: draft.amount_minor,
          currency: draft.currency,
          occurredAt: draft.occurred_at,
          localDate: draft.local_date ?? null,
          orderRef: normalizeRef(draft.order_ref),
          ...eventText(draft.attributes ?? {}, normalizeRef(draft.customer_ref)),
        });
        if (events.length === PREVIEW_EVENTS) return;
      }
    }
  } catch (err) {
    if (err instanceof FormatError) throw new ImportError(target.label, err.message, err.position.line, err.position.column);
    throw err;
  }
}

function firstBytes(path: string): Uint8Array {
  for (const chunk of readByteChunks(path, 8)) return chunk;
  return new Uint8Array(0);
}
