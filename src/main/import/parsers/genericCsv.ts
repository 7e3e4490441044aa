// Reads any CSV through a saved mapping (src/shared/import/csvMapping.ts): one row, one event.
//
// Decisions:
//   - Preamble: lines before `header_row` are skipped as raw text, before CSV parsing, so a bank's
//     title lines (with stray quotes or another column count) cannot disturb the table. Line
//     numbers in results stay physical line numbers of the file.
//   - Delimiter: the mapping's, else detectDelimiter on the header line.
//   - Money: parseAmount with the mapping's NumberStyle and the row's currency exponent.
//     With debit/credit columns, amount = credit − debit, each read as a magnitude: the column
//     says the direction, so a bank that writes its debits as "-12,34" or "12,34" means the same.
//     A row with both filled is rejected unless one of them is zero; a row with neither, too.
//     `sign: "inverted"` then negates amount, fee and net alike (all three flip together, so
//     net = amount − fee keeps holding if it held as written).
//   - Dates: date_format in time_zone (default: the workspace zone). A date-only value also
//     sets local_date, the calendar date as the source wrote it (bank booking dates).
//   - external_id "row_hash": "rh_" + the first 32 hex of sha256(CELLS + "\n" + N), where CELLS is
//     the JSON of [header name, trimmed cell text with line ends as LF] for every column the
//     mapping names, sorted by name (e.g. `[["Amount","5.00"],["Date","03/05/2025"]]`), and N is
//     the row's occurrence number among rows with the same CELLS in this file (1, 2, …). Two
//     identical lines stay two records; re-importing the file, or a re-export with other or
//     reordered unmapped columns, gives the same ids. Counting includes rows later rejected, so
//     ids depend on the file alone. Limitation: an export that cuts between two identical lines
//     numbers them differently; map an id column when the source has one.
//   - source_revision is '' (a CSV line is not a mutable record).
//   - Rows whose cells are all empty (",,,," lines Excel leaves) are skipped; a row with more
//     non-empty cells than the header has columns is rejected: an unquoted delimiter inside a
//     value shifts every column after it.
import { createHash } from 'node:crypto';
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import type { CsvMapping } from '../../../shared/import/csvMapping.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import type { NumberStyle } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseDateTimeToUtc, parseLocalDate } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, RejectedRecord } from '../parserTypes.ts';
import { detectDelimiter, headerIndex, readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';

export const GENERIC_CSV_FORMAT_ID = 'generic-csv';
const PARSER_VERSION = 1;

type ColumnRole = keyof CsvMapping['columns'];

/** The generic parser also says which mapping it runs, for replays and the UI. */
export interface GenericCsvParser extends FormatParser {
  readonly mappingVersion: string;
  readonly mapping: CsvMapping;
}

class RowProblem extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.column = column;
  }
}

type Attributes = Record<string, string | number | boolean | null>;

const LF = 10;
const CR = 13;

/** Drops the first `count` physical lines (LF, CRLF or lone CR) and yields the rest of the text. */
function* skipLines(chunks: Iterable<string>, count: number): Generator<string> {
  let remaining = count;
  let pendingCr = false;
  for (let chunk of chunks) {
    if (pendingCr) {
      // The last skipped line ended with a CR at a chunk boundary: its LF, if any, is ours to drop.
      pendingCr = false;
      if (chunk.charCodeAt(0) === LF) chunk = chunk.slice(1);
    }
    if (remaining === 0) {
      if (chunk.length > 0) yield chunk;
      continue;
    }
    let i = 0;
    while (remaining > 0 && i < chunk.length) {
      const c = chunk.charCodeAt(i++);
      if (c === LF) remaining--;
      else if (c === CR) {
        remaining--;
        if (i === chunk.length) pendingCr = true;
        else if (chunk.charCodeAt(i) === LF) i++;
      }
    }
    if (remaining === 0 && i < chunk.length) yield chunk.slice(i);
  }
}

/** Reads ahead to the first non-blank line (for delimiter detection) and hands back the whole stream. */
function peekFirstLine(chunks: Iterable<string>): { line: string | null; chunks: Iterable<string> } {
  const it = chunks[Symbol.iterator]();
  let buffered = '';
  let line: string | null;
  for (;;) {
    const m = /^[\r\n]*([^\r\n]+)[\r\n]/.exec(buffered);
    if (m !== null) {
      line = m[1] ?? null;
      break;
    }
    const next = it.next();
    if (next.done === true) {
      const rest = buffered.replace(/^[\r\n]+/, '');
      line = rest === '' ? null : rest;
      break;
    }
    buffered += next.value;
  }
  function* replay(): Generator<string> {
    if (buffered.length > 0) yield buffered;
    for (let next = it.next(); next.done !== true; next = it.next()) yield next.value;
  }
  return { line, chunks: replay() };
}

interface Layout {
  /** Field index of each mapped column role. */
  roles: Map<ColumnRole, number>;
  kindColumn: number | undefined;
  headerNames: string[];
  /** Distinct mapped field indexes sorted by header name: what a row hash covers. */
  hashColumns: Array<[string, number]>;
  width: number;
}

function resolveLayout(mapping: CsvMapping, header: CsvRow): Layout {
  const index = headerIndex(header.fields);
  const headerNames = header.fields.map((f) => f.trim());
  const roles = new Map<ColumnRole, number>();
  const missing: string[] = [];
  for (const [role, name] of Object.entries(mapping.columns) as Array<[ColumnRole, string | undefined]>) {
    if (name === undefined) continue;
    const i = index.get(name);
    if (i === undefined) missing.push(`"${name}" (columns.${role})`);
    else roles.set(role, i);
  }
  let kindColumn: number | undefined;
  if (mapping.kind_column !== undefined) {
    kindColumn = index.get(mapping.kind_column);
    if (kindColumn === undefined) missing.push(`"${mapping.kind_column}" (kind_column)`);
  }
  if (missing.length > 0) {
    throw new FormatError(
      `the header on line ${header.line} lacks mapped column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; it has ${headerNames.map((n) => JSON.stringify(n)).join(', ')}`,
      { line: header.line, column: 1 },
    );
  }
  const used = new Set<number>(roles.values());
  if (kindColumn !== undefined) used.add(kindColumn);
  const hashColumns = [...used]
    .map((i): [string, number] => [headerNames[i] ?? String(i), i])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return { roles, kindColumn, headerNames, hashColumns, width: header.fields.length };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Kind lookup: exact value first, then trimmed and case-folded (the schema keeps folded keys unique). */
function kindTable(values: Record<string, EventKind> | undefined): (cell: string) => EventKind | undefined {
  const exact = new Map<string, EventKind>(Object.entries(values ?? {}));
  const folded = new Map<string, EventKind>();
  for (const [k, v] of exact) folded.set(k.trim().toLowerCase(), v);
  return (cell) => exact.get(cell) ?? folded.get(cell.trim().toLowerCase());
}

function negate(n: number): number {
  return n === 0 ? 0 : -n;
}

export function createGenericCsvParser(mapping: CsvMapping, mappingSha256: string): GenericCsvParser {
  if (!/^[0-9a-f]{12,64}$/i.test(mappingSha256)) throw new Error('createGenericCsvParser: mappingSha256 must be the hex sha256 of the mapping file');
  const mappingVersion = `${GENERIC_CSV_FORMAT_ID}@${PARSER_VERSION}:${mappingSha256.slice(0, 12).toLowerCase()}`;
  const style: NumberStyle = { decimal: mapping.decimal, group: mapping.thousands };
  const lookupKind = kindTable(mapping.kind_values);
  const headerRow = mapping.header_row ?? 1;
  const dateOnly = mapping.date_format !== 'unix' && mapping.date_format !== 'iso' && !mapping.date_format.includes('H');

  function mapRow(row: CsvRow, layout: Layout, timeZone: string, occurrences: Map<string, number>): EventDraftInput {
    const cellAt = (i: number): string => (row.fields[i] ?? '').trim();
    const describe = (i: number, role: string): string => `column ${i + 1} "${layout.headerNames[i] ?? ''}" (${role})`;
    function get(role: ColumnRole): string {
      const i = layout.roles.get(role);
      return i === undefined ? '' : cellAt(i);
    }
    function fail(role: ColumnRole, message: string): never {
      const i = layout.roles.get(role) ?? 0;
      throw new RowProblem(`${describe(i, role)}: ${message}`, i + 1);
    }
    function required(role: ColumnRole): string {
      const v = get(role);
      if (v === '') fail(role, 'is empty');
      return v;
    }

    // The row hash is taken before any check, so occurrence numbers depend on the file's bytes alone.
    let externalId = '';
    let occurrence = 0;
    if (mapping.external_id_strategy === 'row_hash') {
      // Line ends inside a quoted cell are normalized: a CRLF and an LF export of the same rows share ids.
      const cells = JSON.stringify(layout.hashColumns.map(([name, i]) => [name, cellAt(i).replace(/\r\n?/g, '\n')]));
      const key = sha256(cells);
      occurrence = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, occurrence);
      externalId = `rh_${sha256(`${cells}\n${occurrence}`).slice(0, 32)}`;
    }

    const extra = row.fields.findIndex((f, i) => i >= layout.width && f.trim() !== '');
    if (extra !== -1) {
      throw new RowProblem(`the row has ${row.fields.length} fields but the header has ${layout.width} (an unquoted delimiter inside a value?)`, extra + 1);
    }
    if (mapping.external_id_strategy === 'column') {
      externalId = required('external_id');
      if (externalId.length > 512) fail('external_id', 'is longer than 512 characters');
    }

    let currency: string;
    if (mapping.currency !== undefined) {
      currency = mapping.currency;
    } else {
      const text = required('currency');
      currency = text.toUpperCase();
      if (!isCurrencyCode(currency)) fail('currency', `"${text}" is not a known currency`);
    }

    function money(role: ColumnRole, text: string): number {
      const parsed = parseAmount(text, currency, style);
      if (!parsed.ok) fail(role, `"${text}" is not an amount (${parsed.error})`);
      return parsed.minor;
    }

    let amount: number;
    if (layout.roles.has('amount')) {
      amount = money('amount', required('amount'));
    } else {
      const debitText = get('debit');
      const creditText = get('credit');
      const debit = debitText === '' ? null : Math.abs(money('debit', debitText));
      const credit = creditText === '' ? null : Math.abs(money('credit', creditText));
      if (debit === null && credit === null) {
        const role: ColumnRole = layout.roles.has('debit') ? 'debit' : 'credit';
        const names = (['debit', 'credit'] as const).filter((r) => layout.roles.has(r)).map((r) => `"${layout.headerNames[layout.roles.get(r) as number] ?? ''}"`);
        fail(role, `no amount: ${names.join(' and ')} ${names.length > 1 ? 'are both' : 'is'} empty`);
      }
      if (debit !== null && credit !== null && debit !== 0 && credit !== 0) {
        fail('debit', `both debit ${debitText} and credit ${creditText} are filled; a line is one or the other`);
      }
      amount = (credit ?? 0) - (debit ?? 0);
    }
    const feeText = get('fee');
    let fee = feeText === '' ? null : money('fee', feeText);
    const netText = get('net');
    let net = netText === '' ? null : money('net', netText);
    if (mapping.sign === 'inverted') {
      amount = negate(amount);
      fee = fee === null ? null : negate(fee);
      net = net === null ? null : negate(net);
    }
    if (amount === 0) amount = 0; // no -0 in the ledger

    const dateText = required('occurred_at');
    const instant = parseDateTimeToUtc(dateText, mapping.date_format, mapping.time_zone ?? timeZone);
    if (!instant.ok) fail('occurred_at', `"${dateText}" is not a date (${instant.error})`);
    const occurredAt = instant.iso;
    let localDate: string | null = null;
    if (dateOnly || (mapping.date_format === 'iso' && /^\d{4}-\d{2}-\d{2}$/.test(dateText))) {
      const local = parseLocalDate(dateText, mapping.date_format);
      if (local.ok) localDate = local.date;
    }

    const attrs: Attributes = {};
    let kind: EventKind;
    if (mapping.kind !== undefined) {
      kind = mapping.kind;
    } else if (layout.kindColumn !== undefined) {
      const i = layout.kindColumn;
      const value = cellAt(i);
      const found = lookupKind(value);
      if (found === undefined) {
        const known = Object.keys(mapping.kind_values ?? {}).map((k) => JSON.stringify(k)).join(', ');
        throw new RowProblem(`${describe(i, 'kind_column')}: ${value === '' ? 'is empty' : `"${value}" is not in kind_values`} (known: ${known})`, i + 1);
      }
      kind = found;
      attrs.source_kind = value;
    } else if (mapping.kind_by_sign !== undefined) {
      kind = amount < 0 ? mapping.kind_by_sign.negative : mapping.kind_by_sign.positive;
    } else {
      // The schema guarantees one kind source; a hand-built mapping object might not.
      throw new Error('generic CSV mapping has no kind, kind_column or kind_by_sign');
    }

    const limited = (role: ColumnRole): string | null => {
      const v = get(role);
      if (v === '') return null;
      if (v.length > 64) fail(role, 'is longer than 64 characters');
      return v;
    };
    const ref = (role: ColumnRole): string | null => {
      const v = normalizeRef(get(role));
      if (v !== null && v.length > 512) fail(role, 'is longer than 512 characters');
      return v;
    };
    const customer = ref('customer_ref');
    const description = get('description');
    if (description !== '') attrs.description = description;
    if (occurrence > 0) attrs.row_occurrence = occurrence;

    return {
      kind,
      external_id: externalId,
      source_revision: '',
      order_ref: ref('order_ref'),
      // Emails are case-insensitive in practice; other customer ids keep their case.
      customer_ref: customer !== null && customer.includes('@') ? customer.toLowerCase() : customer,
      payout_ref: ref('payout_ref'),
      trace_id: ref('trace_id'),
      amount_minor: amount,
      currency,
      fee_minor: fee,
      net_minor: net,
      state: limited('state'),
      channel: limited('channel'),
      occurred_at: occurredAt,
      local_date: localDate,
      attributes: attrs,
    };
  }

  function* parse(input: ParseInput): Generator<RecordResult> {
    const afterPreamble = skipLines(input.chunks, headerRow - 1);
    let chunks: Iterable<string> = afterPreamble;
    let delimiter: string | undefined = mapping.delimiter;
    if (delimiter === undefined) {
      const peeked = peekFirstLine(afterPreamble);
      chunks = peeked.chunks;
      delimiter = peeked.line === null ? ',' : detectDelimiter(peeked.line);
    }
    const offset = headerRow - 1;
    let layout: Layout | null = null;
    const occurrences = new Map<string, number>();
    for (const parsed of readCsvRows(chunks, { delimiter })) {
      const row: CsvRow = { ...parsed, line: parsed.line + offset, endLine: parsed.endLine + offset };
      if (layout === null) {
        layout = resolveLayout(mapping, row);
        continue;
      }
      if (row.fields.every((f) => f.trim() === '')) continue;
      try {
        yield { ok: true, events: [mapRow(row, layout, input.timeZone, occurrences)], lineStart: row.line, lineEnd: row.endLine };
      } catch (err) {
        if (!(err instanceof RowProblem)) throw err;
        const rejected: RejectedRecord = {
          ok: false,
          position: { line: row.line, column: err.column },
          message: err.message,
          raw: row.raw,
          lineEnd: row.endLine,
        };
        yield rejected;
      }
    }
    if (layout === null) {
      throw new FormatError(`no header row: the file ends before line ${headerRow} (header_row in the mapping)`, { line: headerRow, column: 1 });
    }
  }

  const parser: GenericCsvParser = {
    format: GENERIC_CSV_FORMAT_ID,
    version: PARSER_VERSION,
    description: mapping.name !== undefined ? `Generic CSV: ${mapping.name}` : 'Generic CSV read through a saved mapping',
    mappingVersion,
    mapping,
    // Chosen explicitly with --mapping, never by content.
    detect: () => false,
    parse,
  };
  if (mapping.encoding !== undefined) return { ...parser, encoding: mapping.encoding };
  return parser;
}
