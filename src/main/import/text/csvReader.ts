// Streaming RFC 4180 CSV reader: quoted fields, embedded newlines, CRLF/LF/CR, line numbers kept.

export interface CsvRow {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
  /** 1-based line on which the record ends (differs when a quoted field holds newlines). */
  endLine: number;
  /** The record's text exactly as decoded, without its line terminator. */
  raw: string;
}

export interface CsvOptions {
  delimiter?: string;
  /**
   * Spaces between a delimiter and an opening quote are skipped, so `a, "b, c"` is two fields (older PayPal
   * downloads write a space after every comma). Off by default: RFC 4180 keeps them as text.
   */
  skipSpaceBeforeQuote?: boolean;
}

const QUOTE = 34; // "
const SPACE = 32;
const CR = 13;
const LF = 10;

/**
 * Reads CSV records from decoded text chunks. Memory holds one record at a
 * time (plus the current chunk), whatever the file size. Blank lines are skipped.
 */
export function* readCsvRows(chunks: Iterable<string>, options: CsvOptions = {}): Generator<CsvRow> {
  const delimiter = (options.delimiter ?? ',').charCodeAt(0);
  const skipSpace = options.skipSpaceBeforeQuote === true;
  let buf = '';
  let line = 1;
  for (const chunk of chunks) {
    buf = buf.length === 0 ? chunk : buf + chunk;
    let consumed = 0;
    for (;;) {
      const parsed = parseRecord(buf, consumed, delimiter, false, skipSpace);
      if (parsed === null) break;
      consumed = parsed.next;
      const row = { fields: parsed.fields, line, endLine: line + parsed.newlinesInside, raw: buf.slice(parsed.start, parsed.end) };
      line = row.endLine + 1;
      if (!(row.fields.length === 1 && row.fields[0] === '')) yield row;
    }
    buf = buf.slice(consumed);
  }
  if (buf.length > 0) {
    const parsed = parseRecord(buf, 0, delimiter, true, skipSpace);
    if (parsed !== null) {
      const row = { fields: parsed.fields, line, endLine: line + parsed.newlinesInside, raw: buf.slice(parsed.start, parsed.end) };
      if (!(row.fields.length === 1 && row.fields[0] === '')) yield row;
    }
  }
}

interface ParsedRecord {
  fields: string[];
  start: number;
  end: number;
  next: number;
  newlinesInside: number;
}

/**
 * Parses one record starting at `pos`. Returns null when the buffer ends before
 * the record does (more input needed), unless `atEof`.
 */
function parseRecord(buf: string, pos: number, delimiter: number, atEof: boolean, skipSpace: boolean): ParsedRecord | null {
  const start = pos;
  const fields: string[] = [];
  let newlinesInside = 0;
  const len = buf.length;
  let i = pos;
  for (;;) {
    if (skipSpace) {
      let j = i;
      while (j < len && buf.charCodeAt(j) === SPACE) j++;
      if (j === len && !atEof) return null;
      if (j < len && buf.charCodeAt(j) === QUOTE) i = j;
    }
    if (i < len && buf.charCodeAt(i) === QUOTE) {
      // Quoted field: "" is a literal quote; text after the closing quote up to the delimiter is kept.
      let value = '';
      let segStart = i + 1;
      i++;
      for (;;) {
        const q = buf.indexOf('"', i);
        if (q === -1) {
          if (!atEof) return null;
          value += buf.slice(segStart);
          newlinesInside += countNewlines(buf, segStart, len);
          i = len;
          break;
        }
        if (q + 1 < len && buf.charCodeAt(q + 1) === QUOTE) {
          value += buf.slice(segStart, q + 1);
          newlinesInside += countNewlines(buf, segStart, q);
          i = q + 2;
          segStart = i;
          continue;
        }
        if (q + 1 >= len && !atEof) return null;
        value += buf.slice(segStart, q);
        newlinesInside += countNewlines(buf, segStart, q);
        i = q + 1;
        break;
      }
      // Lenient: keep stray text between the closing quote and the delimiter.
      let j = i;
      while (j < len) {
        const c = buf.charCodeAt(j);
        if (c === delimiter || c === LF || c === CR) break;
        j++;
      }
      if (j === len && !atEof) return null;
      value += buf.slice(i, j);
      i = j;
      fields.push(value);
    } else {
      let j = i;
      while (j < len) {
        const c = buf.charCodeAt(j);
        if (c === delimiter || c === LF || c === CR) break;
        j++;
      }
      if (j === len && !atEof) return null;
      fields.push(buf.slice(i, j));
      i = j;
    }
    if (i >= len) return { fields, start, end: len, next: len, newlinesInside };
    const c = buf.charCodeAt(i);
    if (c === delimiter) {
      i++;
      continue;
    }
    // Line terminator: CRLF, LF or a lone CR. A CR at the very end of the buffer may be half a CRLF.
    if (c === CR) {
      if (i + 1 >= len && !atEof) return null;
      const next = i + 1 < len && buf.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      return { fields, start, end: i, next, newlinesInside };
    }
    return { fields, start, end: i, next: i + 1, newlinesInside };
  }
}

function countNewlines(buf: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = buf.charCodeAt(k);
    if (c === LF) n++;
    else if (c === CR && buf.charCodeAt(k + 1) !== LF) n++;
  }
  return n;
}

/** Picks the delimiter that splits the header line into the most fields (comma, semicolon, tab or pipe). */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    let count = 0;
    let inQuotes = false;
    for (const ch of headerLine) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === d && !inQuotes) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Maps header names to column indexes; names are trimmed. Duplicate names keep the first. */
export function headerIndex(header: string[]): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.trim();
    if (!index.has(key)) index.set(key, i);
  });
  return index;
}
