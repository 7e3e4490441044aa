// Where a delimited text file's table starts, guessed from its first lines: bank CSV exports often open with a
// preamble (account, period, balances) before the header line, so line 1 is not the header. The guess is what the
// mapping editor starts from; the person can change it.
import { readCsvRows } from './text/csvReader.ts';

export interface LayoutGuess {
  /** 1-based line of the header. */
  headerRow: number;
  delimiter: string;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** Rows looked at: a preamble is a handful of lines, and the table's width shows within a few dozen rows. */
const ROWS = 60;

const NUMBER_LIKE = /^[-+(]?[\d.,' ]+\)?$/;

/** A header names its columns: most cells filled, few of them numbers. */
function looksLikeHeader(fields: readonly string[]): boolean {
  const filled = fields.filter((f) => f.trim() !== '');
  if (filled.length * 2 < fields.length) return false;
  return filled.filter((f) => NUMBER_LIKE.test(f.trim())).length * 4 <= filled.length;
}

/** The most frequent width (≥ 2 cells) among `widths`, ties to the wider. */
function modalWidth(widths: readonly number[]): { width: number; rows: number } {
  const counts = new Map<number, number>();
  for (const w of widths) if (w >= 2) counts.set(w, (counts.get(w) ?? 0) + 1);
  let best = { width: 0, rows: 0 };
  for (const [width, rows] of counts) if (rows > best.rows || (rows === best.rows && width > best.width)) best = { width, rows };
  return best;
}

/**
 * The delimiter that cuts the most rows into the same number of cells (two or more), and the first row of that width
 * that reads as a header; null for text that is not a table (XML, JSON, one column).
 */
export function guessCsvLayout(head: string, headCut: boolean): LayoutGuess | null {
  if (/^\s*[<{[]/.test(head)) return null;
  let best: { delimiter: string; width: number; rows: number; table: Array<{ fields: string[]; line: number }> } | null = null;
  for (const delimiter of DELIMITERS) {
    const table: Array<{ fields: string[]; line: number }> = [];
    for (const row of readCsvRows([head], { delimiter })) {
      table.push({ fields: row.fields, line: row.line });
      if (table.length > ROWS) break;
    }
    // A head cut short may end inside its last row.
    if (headCut && table.length <= ROWS) table.pop();
    const mode = modalWidth(table.map((r) => r.fields.length));
    if (mode.width >= 2 && (best === null || mode.rows > best.rows || (mode.rows === best.rows && mode.width > best.width))) {
      best = { delimiter, ...mode, table };
    }
  }
  if (best === null) return null;
  const width = best.width;
  const header = best.table.find((r) => r.fields.length === width && looksLikeHeader(r.fields)) ?? best.table.find((r) => r.fields.length === width);
  return header === undefined ? null : { headerRow: header.line, delimiter: best.delimiter };
}
