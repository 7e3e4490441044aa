// A pack table written as it is read: the same rows to a CSV file and to the workbook's sheet XML (continued on a second
// sheet past a sheet's 1,048,576 rows), each file hashed as it is written. Text cells a spreadsheet would run as a formula
// are neutralised in both (escapeFormula); numbers stay numbers.
import { closeSync, openSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { csvQuote, escapeFormula } from '../../export/tableWriter.ts';

export type CellType = 'text' | 'number';

export interface PackColumn {
  name: string;
  type: CellType;
  /** Sheet column width in characters. */
  width?: number;
}

export interface PackTable {
  /** File name under csv/ (without .csv) and the table's name in the manifest. */
  name: string;
  /** Sheet name (at most 27 characters, leaving room for " (2)"). */
  sheet: string;
  columns: PackColumn[];
  rows: () => Iterable<readonly unknown[]>;
}

/** Rows per sheet including the header: Excel's limit. */
export const SHEET_MAX_ROWS = 1_048_576;
/** Excel's limit on a cell's text; longer text is cut in the workbook (the CSV and JSONL keep it whole). */
const CELL_MAX_CHARS = 32_767;
const FLUSH_AT = 1 << 20;

/** A file written in large pieces, hashed and counted as it goes. */
export class HashedFile {
  readonly path: string;
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private buf = '';
  bytes = 0;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.buf += text;
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  /** Bytes as they are (a raw source file). */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.hash.update(bytes);
    this.bytes += bytes.length;
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const b = Buffer.from(this.buf, 'utf8');
    this.hash.update(b);
    this.bytes += b.length;
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    this.buf = '';
  }

  close(): { sha256: string; bytes: number } {
    this.flush();
    closeSync(this.fd);
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

/** The text a cell shows, neutralised against formulas (= + - @ tab CR first): tableWriter.escapeFormula's rule, without a regex per cell. */
function safeText(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 ? escapeFormula(text) : text;
}

function numberText(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`not a number: ${String(v)}`);
  return String(v);
}

const CSV_SPECIAL = /[",\r\n]/;

// XML 1.0 cannot hold most control characters; OOXML writes them as _xHHHH_ (and a literal _xHHHH_ with its underscore escaped).
// eslint-disable-next-line no-control-regex -- the control characters are what this expression finds
const XML_SPECIAL = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_/g;
// eslint-disable-next-line no-control-regex -- as above, tested before replacing (most cells need nothing)
const XML_SPECIAL_TEST = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_/;
function xmlText(text: string): string {
  if (!XML_SPECIAL_TEST.test(text)) return text;
  return text.replace(XML_SPECIAL, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    if (c === '"') return '&quot;';
    if (c.length > 1) return `_x005F${c}`;
    return `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  });
}

/**
 * One cell of sheet XML. Cells carry no reference (`r`, optional in SpreadsheetML): a reader counts them, so an empty
 * cell is written as `<c/>` to keep its place. `style` 1 is bold (header rows).
 */
export function sheetCellXml(type: CellType, v: unknown, style = 0): string {
  const s = style === 0 ? '' : ` s="${style}"`;
  if (v === null || v === undefined) return `<c${s}/>`;
  if (type === 'number') return `<c${s}><v>${numberText(v)}</v></c>`;
  let text = safeText(v);
  if (text.length > CELL_MAX_CHARS) text = `${text.slice(0, CELL_MAX_CHARS - 60)}… (cut at Excel's cell limit; whole in the CSV)`;
  const keep = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? ' xml:space="preserve"' : '';
  return `<c${s} t="inlineStr"><is><t${keep}>${xmlText(text)}</t></is></c>`;
}

export interface SheetFile {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
}

/** One worksheet's XML, streamed: header row (bold, frozen), then data rows until the sheet is full. */
class SheetWriter {
  private readonly file: HashedFile;
  private rowNo = 0;
  readonly name: string;
  private readonly maxRows: number;

  constructor(path: string, name: string, columns: PackColumn[], maxRows: number) {
    this.name = name;
    this.maxRows = maxRows;
    this.file = new HashedFile(path);
    const cols = columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? 16}" customWidth="1"/>`).join('');
    this.file.write(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
        `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>`,
    );
    this.row(
      columns.map(() => 'text' as const),
      columns.map((c) => c.name),
      true,
    );
  }

  get full(): boolean {
    return this.rowNo >= this.maxRows;
  }

  row(types: readonly CellType[], values: readonly unknown[], header = false): void {
    this.rowNo++;
    let xml = '<row>';
    for (let i = 0; i < values.length; i++) xml += sheetCellXml(types[i] as CellType, values[i], header ? 1 : 0);
    this.file.write(`${xml}</row>`);
  }

  close(): SheetFile {
    this.file.write('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>');
    const { sha256, bytes } = this.file.close();
    return { name: this.name, path: this.file.path, sha256, bytes };
  }
}

export interface WrittenTable {
  name: string;
  rows: number;
  csv: { path: string; sha256: string; bytes: number };
  sheets: SheetFile[];
}

/**
 * Writes the table to `csvPath` and to sheet XML files made by `sheetPath(n)` (n = 1, 2, …), reading its rows once.
 * `onRow` is told every 10,000 rows (progress).
 */
export function writeTable(
  t: PackTable,
  csvPath: string,
  sheetPath: (n: number) => string,
  onRows?: (n: number) => void,
  maxRows = SHEET_MAX_ROWS,
): WrittenTable {
  const types = t.columns.map((c) => c.type);
  const csv = new HashedFile(csvPath);
  csv.write(`${t.columns.map((c) => csvQuote(escapeFormula(c.name))).join(',')}\r\n`);
  const sheets: SheetFile[] = [];
  let sheet = new SheetWriter(sheetPath(1), t.sheet, t.columns, maxRows);
  let n = 0;
  for (const row of t.rows()) {
    let line = '';
    for (let i = 0; i < types.length; i++) {
      const v = row[i];
      const cell = v === null || v === undefined ? '' : types[i] === 'number' ? numberText(v) : safeText(v);
      line += (i === 0 ? '' : ',') + (CSV_SPECIAL.test(cell) ? csvQuote(cell) : cell);
    }
    csv.write(`${line}\r\n`);
    if (sheet.full) {
      sheets.push(sheet.close());
      sheet = new SheetWriter(sheetPath(sheets.length + 1), `${t.sheet} (${sheets.length + 1})`, t.columns, maxRows);
    }
    sheet.row(types, row);
    if (++n % 10_000 === 0) onRows?.(n);
  }
  sheets.push(sheet.close());
  const c = csv.close();
  return { name: t.name, rows: n, csv: { path: csvPath, ...c }, sheets };
}
