// Writes rows as CSV or a JSON array to a file descriptor, buffered, with spreadsheet-formula escaping.
import { writeSync } from 'node:fs';

export type ColumnType = 'text' | 'number' | 'json';

export interface Column<Row> {
  name: string;
  type: ColumnType;
  value: (row: Row) => unknown;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made safe for spreadsheets: a leading = + - @ tab or CR is
 * prefixed with an apostrophe so Excel/Sheets show it instead of running it.
 */
export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvQuote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvCell(type: ColumnType, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (type === 'number') {
    // Numbers stay numbers: written bare, never apostrophe-escaped (a negative amount is not a formula).
    if (typeof value !== 'number' && !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
      throw new TypeError(`not a number: ${String(value)}`);
    }
    return String(value);
  }
  const text = type === 'json' ? JSON.stringify(value) : String(value);
  return csvQuote(escapeFormula(text));
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes every byte, even to a non-blocking pipe (stdout piped into another program): a full pipe
 * answers EAGAIN or takes part of the buffer, so wait a moment and write the rest.
 */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/** Buffers output and writes it to `fd` in large pieces, so exports stream without holding every row. */
export class FdWriter {
  private buf = '';
  private readonly fd: number;
  constructor(fd: number) {
    this.fd = fd;
  }
  write(text: string): void {
    this.buf += text;
    if (this.buf.length >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buf.length > 0) writeAll(this.fd, Buffer.from(this.buf, 'utf8'));
    this.buf = '';
  }
}

export function writeCsv<Row>(out: FdWriter, columns: Column<Row>[], rows: Iterable<Row>): number {
  out.write(`${columns.map((c) => csvQuote(c.name)).join(',')}\r\n`);
  let n = 0;
  for (const row of rows) {
    out.write(`${columns.map((c) => csvCell(c.type, c.value(row))).join(',')}\r\n`);
    n++;
  }
  out.flush();
  return n;
}

export function writeJsonArray<Row>(out: FdWriter, columns: Column<Row>[], rows: Iterable<Row>): number {
  let n = 0;
  out.write('[');
  for (const row of rows) {
    const obj: Record<string, unknown> = {};
    for (const c of columns) obj[c.name] = c.value(row) ?? null;
    out.write(`${n === 0 ? '\n' : ',\n'}  ${JSON.stringify(obj)}`);
    n++;
  }
  out.write(n === 0 ? ']\n' : '\n]\n');
  out.flush();
  return n;
}
