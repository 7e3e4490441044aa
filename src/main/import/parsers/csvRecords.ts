// What the CSV parsers share: a row-level problem with its column, the rejection it becomes, header sniffing.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import type { RecordResult, RejectedRecord } from '../parserTypes.ts';
import type { CsvRow } from '../text/csvReader.ts';

/** A problem with one row: rejects that row (1-based column), never the file. */
export class RowProblem extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.name = 'RowProblem';
    this.column = column;
  }
}

export function rejectionFor(row: CsvRow, problem: RowProblem): RejectedRecord {
  return { ok: false, position: { line: row.line, column: problem.column }, message: problem.message, raw: row.raw, lineEnd: row.endLine };
}

/** Maps a row to its event, turning a RowProblem into the row's rejection; any other error propagates. */
export function rowRecord(row: CsvRow, map: (row: CsvRow) => EventDraftInput): RecordResult {
  try {
    return { ok: true, events: [map(row)], lineStart: row.line, lineEnd: row.endLine };
  } catch (err) {
    if (!(err instanceof RowProblem)) throw err;
    return rejectionFor(row, err);
  }
}

/** The column names on the first line of a comma-separated head (BOM and quotes removed), for detect(). */
export function commaHeaderNames(head: string): Set<string> {
  const text = head.replace(/^\uFEFF/, '');
  const end = text.search(/[\r\n]/);
  const firstLine = end === -1 ? text : text.slice(0, end);
  return new Set(
    firstLine.split(',').map((f) =>
      f
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    ),
  );
}
