// Reading one provider CSV row by column name: trimmed cells, required cells, amounts and instants, each problem naming its column.
import { parseAmount } from '../../../shared/money/amountText.ts';
import type { NumberStyle } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { FormatError } from '../parserTypes.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { RowProblem } from './csvRecords.ts';

/** A header row: column index by lowercased name (the first of duplicates), the names as written, the width. */
export interface CsvHeader {
  index: Map<string, number>;
  names: string[];
  width: number;
}

export function csvHeader(row: CsvRow): CsvHeader {
  const index = new Map<string, number>();
  const names = row.fields.map((f) => f.replace(/^\uFEFF/, '').trim());
  names.forEach((name, i) => {
    const key = name.toLowerCase();
    if (key !== '' && !index.has(key)) index.set(key, i);
  });
  return { index, names, width: row.fields.length };
}

/** Throws the file's FormatError when the header lacks any of `required` (compared without case). */
export function requireColumns(header: CsvHeader, row: CsvRow, required: readonly string[], what: string): void {
  const missing = required.filter((name) => !header.index.has(name.toLowerCase()));
  if (missing.length === 0) return;
  throw new FormatError(`not ${what}: the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`, {
    line: row.line,
    column: 1,
  });
}

/** The column names on the first line of a head, lowercased and unquoted, for detect(); `delimiter` as the format writes it. */
export function headerNamesOf(head: string, delimiter = ','): Set<string> {
  const text = head.replace(/^\uFEFF/, '');
  const end = text.search(/[\r\n]/);
  const firstLine = end === -1 ? text : text.slice(0, end);
  return new Set(
    firstLine.split(delimiter).map((f) =>
      f
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim()
        .toLowerCase(),
    ),
  );
}

/** One row's cells by column name (case-insensitive), trimmed; problems name the column as the header writes it. */
export class CsvCells {
  readonly row: CsvRow;
  readonly header: CsvHeader;
  constructor(row: CsvRow, header: CsvHeader) {
    this.row = row;
    this.header = header;
  }
  has(name: string): boolean {
    return this.header.index.has(name.toLowerCase());
  }
  get(name: string): string {
    const i = this.header.index.get(name.toLowerCase());
    return i === undefined ? '' : (this.row.fields[i] ?? '').trim();
  }
  /** The first of `names` the header has, or undefined. */
  which(...names: string[]): string | undefined {
    return names.find((n) => this.has(n));
  }
  column(name: string): number {
    return (this.header.index.get(name.toLowerCase()) ?? this.header.width) + 1;
  }
  /** The column's name as the file writes it. */
  name(name: string): string {
    const i = this.header.index.get(name.toLowerCase());
    return i === undefined ? name : (this.header.names[i] ?? name);
  }
  problem(name: string, message: string): RowProblem {
    return new RowProblem(`column "${this.name(name)}": ${message}`, this.column(name));
  }
  required(name: string): string {
    const v = this.get(name);
    if (v === '') throw new RowProblem(`column "${this.name(name)}" is empty`, this.column(name));
    return v;
  }
  currency(name: string): string {
    const text = this.required(name);
    const code = text.toUpperCase();
    if (!isCurrencyCode(code)) throw this.problem(name, `"${text}" is not a known currency`);
    return code;
  }
  amount(name: string, currency: string, style: NumberStyle): number {
    const text = this.required(name);
    const parsed = parseAmount(text, currency, style);
    if (!parsed.ok) throw this.problem(name, `"${text}" is not an amount (${parsed.error})`);
    return parsed.minor;
  }
  /** An amount when the cell is filled, else null. */
  optionalAmount(name: string, currency: string, style: NumberStyle): number | null {
    return this.get(name) === '' ? null : this.amount(name, currency, style);
  }
  /** Rejects a row with values beyond the header's columns (trailing empty fields are fine). */
  checkWidth(): void {
    const extra = this.row.fields.findIndex((f, i) => i >= this.header.width && f.trim() !== '');
    if (extra >= 0) throw new RowProblem(`the row has a value in field ${extra + 1} but the header has ${this.header.width} columns`, extra + 1);
  }
}

/**
 * Provider amounts written without digit grouping: "-12.34", "12,34" (a decimal comma from a European export),
 * "1200". One separator at most, and it is the decimal one, so there is nothing to guess.
 */
export function ungroupedStyle(text: string): NumberStyle {
  return text.includes(',') && !text.includes('.') ? { decimal: ',', group: '' } : { decimal: '.', group: '' };
}

/**
 * A long number Excel rewrote in scientific notation when it opened and saved the file ("5.37518E+12",
 * "1,23E+021" in a decimal-comma locale): the digits are gone, so the value can never be a key again.
 */
export function isExcelScientific(text: string): boolean {
  // Excel always writes the exponent's sign; an id such as "12345678901234E56" is not one of these.
  return /^-?\d+(?:[.,]\d+)?E[+-]\d+$/i.test(text.trim());
}

/**
 * Ids for records a format gives no id of their own (built from the record's content): the first record with a
 * given base keeps it, a later identical one in the same file gets `base#2`, `#3`, … so neither is lost as a duplicate.
 */
export class ContentIds {
  private readonly seen = new Map<string, number>();
  idFor(base: string): string {
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }
}
