// The contract between the import pipeline and each format parser.
import type { EventDraftInput } from '../../shared/events/canonicalEvent.ts';
import type { TextEncoding } from './text/fileText.ts';
import type { EventKind } from '../../shared/events/canonicalEvent.ts';
import type { CsvRow } from './text/csvReader.ts';

/** Where in the source file a problem is: 1-based line and column (CSV: field number). */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * The balances of one bank statement, yielded (as a ParsedRecord with no
 * events) after the statement's last entry. The pipeline checks
 * opening + entries = closing and fails the import when it does not hold,
 * unless the user accepts unbalanced statements (then the difference is journaled).
 */
export interface StatementBalance {
  /** The statement's own id (camt Stmt/Id, MT940 :20: + :28C:, OFX account + date range). */
  statementId: string;
  /** IBAN or account number. */
  account: string;
  currency: string;
  /** Opening booked balance in signed minor units; null when the statement gives none. */
  openingMinor: number | null;
  /** Closing booked balance in signed minor units; null when the statement gives none. */
  closingMinor: number | null;
  /** Sum of the signed amounts of this statement's entries, as parsed. */
  entriesSumMinor: number;
  entryCount: number;
  /** Other balances the statement gives (PRCD, ITBD, CLAV, AVAILBAL, …), by type code, signed minor units. */
  otherBalances?: Record<string, number>;
  /**
   * The last calendar day (YYYY-MM-DD) the statement states it covers: the closing balance's date (camt CLBD, MT940
   * :62F:), OFX DTEND. The source's watermark reaches the end of that day even when the last days had no entries.
   */
  periodEnd?: string;
}

/** One source record turned into zero or more event drafts. */
export interface ParsedRecord {
  ok: true;
  events: EventDraftInput[];
  lineStart: number;
  lineEnd: number;
  /** Set on the record that closes a bank statement. */
  statement?: StatementBalance;
}

/** One source record that could not be read; the pipeline fails or, with --skip-invalid, journals it. */
export interface RejectedRecord {
  ok: false;
  position: SourcePosition;
  /** What is wrong, phrased for an accountant: `gross "12,x" is not an amount`. */
  message: string;
  /** The record's text as it appeared in the file, for the journal. */
  raw: string;
  lineEnd: number;
}

export type RecordResult = ParsedRecord | RejectedRecord;

/** What the pipeline hands a parser: the decoded text of the file as a stream of chunks. */
export interface ParseInput {
  /** Decoded text chunks in file order (BOM removed); iterate once. */
  chunks: Iterable<string>;
  fileName: string;
  /** Workspace defaults a parser may use when the file does not say (e.g. time zone of naive dates). */
  timeZone: string;
  locale: string;
  /** The workspace's reporting currency, for sources whose files state none (a ShipStation export's costs). */
  currency?: string;
  /**
   * For a parser whose `input` is 'xlsx': the workbook's first sheet, one row per non-empty sheet row with its
   * cells as text (xlsx/sheetCells.ts) and line = the sheet's row number. `chunks` is then empty.
   */
  rows?: Iterable<CsvRow>;
}

/**
 * A whole-file problem (wrong header, not this format, truncated JSON). Parsers
 * throw it; the pipeline reports `FILE:LINE:COLUMN: message` and writes nothing.
 */
export class FormatError extends Error {
  readonly position: SourcePosition;
  constructor(message: string, position: SourcePosition = { line: 1, column: 1 }) {
    super(message);
    this.name = 'FormatError';
    this.position = position;
  }
}

export interface FormatParser {
  /** Stable id used by `--format` and stored as the mapping version prefix. */
  readonly format: string;
  /** Bumped whenever the parser's output for the same bytes changes (DESIGN §3 replay). */
  readonly version: number;
  /** Human description for `--help` and the UI. */
  readonly description: string;
  /** Stored on every event it produces; defaults to `format@version`. Generic CSV adds its mapping hash. */
  readonly mappingVersion?: string;
  /**
   * What the parser reads: decoded text (the default) or an XLSX workbook's first sheet (`ParseInput.rows`).
   * Detection asks a parser only about files of its input: detect() then sees the sheet's first rows as CSV text.
   */
  readonly input?: 'text' | 'xlsx';
  /** When set (a saved mapping declares it), the file is decoded with this encoding instead of detection. */
  readonly encoding?: TextEncoding;
  /**
   * The kinds of event files of this format carry. A file of it, even one without a row for some kind, shows its
   * source delivers those kinds (its watermark then counts for their counterparts: rules/awaiting.ts).
   */
  readonly kinds?: readonly EventKind[];
  /**
   * Returns true when the first bytes of the file (decoded; at most 64 KiB)
   * are this format. Must be cheap and must not claim files of other formats.
   */
  detect(head: string): boolean;
  /**
   * The encoding the file declares about itself (OFX `CHARSET:1252`, an XML
   * prolog's `encoding="ISO-8859-1"`), read from the head as first decoded.
   * When it differs from the detected one, the pipeline decodes the file again with it.
   */
  declaredEncoding?(head: string): TextEncoding | undefined;
  parse(input: ParseInput): Iterable<RecordResult>;
}
