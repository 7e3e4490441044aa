// Reads any CSV through a saved mapping (src/shared/import/csvMapping.ts): one row, one event; bank
// exports also get their running balance checked and a statement record.
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
//     With a mapped `columns.bank_reference`, a row that has one (not NONREF/NOTPROVIDED) takes it
//     as its id instead: the bank's own id survives re-exports that change other cells.
//   - source_revision is '' (a CSV line is not a mutable record).
//   - Rows whose cells are all empty (",,,," lines Excel leaves) are skipped; a row with more
//     non-empty cells than the header has columns is rejected: an unquoted delimiter inside a
//     value shifts every column after it.
//   - Skipped without a record: rows whose first cell matches `skip_footer_matching` (closing
//     balance and disclaimer lines) and rows whose `skip_rows_where` cell matches (pending or
//     declined lines, which never moved the balance). Neither counts towards row-hash occurrences.
//   - Bank rows: with kind_by_sign {positive: bank_credit, negative: bank_debit} the event is built
//     by bankEntryDraft, so it carries the attribute names of every other bank format (account,
//     booking_date, value_date, counterparty_name, …). The generic rules then win for external_id
//     (above), occurred_at (the parsed instant: the same midnight for a date-only column, the exact
//     time when the column has one), state (the state column when mapped, else "booked") and the
//     other mapped columns. statement_id is null on rows: a CSV has no statement id of its own and
//     the file-level one is known only after the last row (it is on the statement record).
//     Other kinds keep the plain generic shape and add the bank attributes only where mapped.
//   - Shipments (`kind: "fulfillment"`, a 3PL's CSV): tracking_number, carrier, sku and quantity columns become the
//     attributes every fulfillment source carries (tracking_number, carrier, skus, items_quantity); the tracking
//     number is the trace id unless trace_id is mapped; state defaults to "shipped"; a mapping with no money
//     column gives amount 0 (a shipping cost column mapped as `amount` is read as written: map it with
//     `sign: "inverted"` so a cost is money out). An order id Excel turned into `5.37518E+12` is not a join key:
//     order_ref is then null and attributes.order_ref_mangled true (see parsers/shipstationShipments.ts).
//   - Original currency: `original_amount` is parsed in `original_currency`'s exponent with the
//     mapping's number style → attributes original_amount_minor and original_currency.
//   - Running balance (`columns.balance`): each row's balance must equal the previous balance moved
//     by this row (oldest first: previous + move; newest first: previous − previous row's move),
//     where the move is net (amount − fee) when a fee or net column is mapped, else the amount.
//     A row that breaks the chain is rejected naming the balance column, expected and actual; the
//     chain then continues from the balance the file gives. After a row rejected for another reason
//     the next row is not checked (its predecessor's move is unknown). `sign: "inverted"` negates
//     balances too (the same frame as the amounts). A row with an empty balance is not checked and
//     carries the computed balance on. A row with no amount but a balance (BofA's "Beginning balance"
//     line) is a balance line: no event, but it anchors the chain.
//   - Balance order: `balance_order` when declared; else the first two rows with different dates
//     decide (rows are held back until then, so a file of one day is held whole). If no two dates
//     differ, the order whose chain has fewer breaks wins; a tie that gives different balances is a
//     FormatError asking for balance_order.
//   - Statements: one per (account, currency) chain, yielded after the last row as a record with no
//     events. statementId = "<account or csv>:<currency>:<first date>..<last date>" (booking dates as
//     written). Opening is the first known balance before its row's move, closing the last known
//     balance, each extended by the moves of rows without a balance. Rows rejected for a balance
//     break still anchor opening/closing (the bank's figures) but their move is not in
//     entriesSumMinor, so a broken file fails the pipeline's opening + entries = closing check.
import { createHash } from 'node:crypto';
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import type { CsvMapping } from '../../../shared/import/csvMapping.ts';
import { formatAmount, parseAmount } from '../../../shared/money/amountText.ts';
import type { NumberStyle } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseDateTimeToUtc, parseLocalDate, utcInstantToLocalDate } from '../../../shared/time/dateText.ts';
import { bankEntryDraft } from '../bank/bankEntry.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, ParsedRecord, RecordResult, RejectedRecord, StatementBalance } from '../parserTypes.ts';
import { detectDelimiter, headerIndex, readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { MANGLED_ID_RE } from './shipstationShipments.ts';

export const GENERIC_CSV_FORMAT_ID = 'generic-csv';
// 2: bank rows carry the bank-entry attributes; balance, original-currency and skip rules.
// Fulfillment mappings (shipment columns) are new and change nothing an earlier mapping produced, so still 2.
const PARSER_VERSION = 2;

type ColumnRole = keyof CsvMapping['columns'];
type BalanceOrder = NonNullable<CsvMapping['balance_order']>;

/** The generic parser also says which mapping it runs, for replays and the UI. */
export interface GenericCsvParser extends FormatParser {
  readonly mappingVersion: string;
  readonly mapping: CsvMapping;
}

type Attributes = Record<string, string | number | boolean | null>;

const LF = 10;
const CR = 13;
// Regexes from the mapping see at most this much of a cell, which bounds a badly written pattern.
const MAX_MATCHED_CELL = 1000;

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
  /** Field index of `skip_rows_where.column`. */
  skipColumn: number | undefined;
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
  let skipColumn: number | undefined;
  if (mapping.skip_rows_where !== undefined) {
    skipColumn = index.get(mapping.skip_rows_where.column);
    if (skipColumn === undefined) missing.push(`"${mapping.skip_rows_where.column}" (skip_rows_where.column)`);
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
  return { roles, kindColumn, headerNames, hashColumns, skipColumn, width: header.fields.length };
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

/** One data row read through the mapping, before the running-balance check. */
interface MappedRow {
  /** Null for a balance line (no amount, a balance): it anchors the chain but is no entry. */
  event: EventDraftInput | null;
  /** What the row moves the balance by: net (amount − fee) when fee or net is mapped, else amount. */
  move: number;
  balance: number | null;
  account: string;
  currency: string;
  /** The calendar date as the file wrote it (YYYY-MM-DD), for the statement id. */
  date: string;
  /** The parsed instant in epoch milliseconds, for detecting the row order. */
  instantMs: number;
  /** 0-based field index and header name of the balance column, for messages. */
  balanceColumn: number;
  balanceHeader: string;
}

type Pending = { row: CsvRow; mapped: MappedRow } | { row: CsvRow; rejected: RejectedRecord };

interface Known {
  balance: number;
  move: number;
}

/** The running-balance state of one (account, currency) pair within the file. */
interface Chain {
  account: string;
  currency: string;
  /** The previous row's balance (given or computed) and move; null when unknown. */
  prev: Known | null;
  firstKnown: Known | null;
  /** Accepted moves before firstKnown, in file order. */
  sumBeforeFirstKnown: number;
  lastKnown: Known | null;
  /** Accepted moves after lastKnown, in file order. */
  sumAfterLastKnown: number;
  entriesSum: number;
  entryCount: number;
  firstDate: string;
  lastDate: string;
  lineStart: number;
  lineEnd: number;
}

function isSafe(n: number): boolean {
  return Number.isSafeInteger(n);
}

/**
 * Feeds one row to its chain and returns what to yield for it (null for a balance line).
 * Mutates `chains`; a fresh map replays the same rows under another order.
 */
function chainStep(chains: Map<string, Chain>, item: Pending, order: BalanceOrder): RecordResult | null {
  if ('rejected' in item) {
    // The rejected row's account, currency and move are unknown: no chain can check its next row.
    for (const chain of chains.values()) chain.prev = null;
    return item.rejected;
  }
  const { row, mapped } = item;
  const key = `${mapped.account}\u0000${mapped.currency}`;
  let chain = chains.get(key);
  if (chain === undefined) {
    chain = {
      account: mapped.account,
      currency: mapped.currency,
      prev: null,
      firstKnown: null,
      sumBeforeFirstKnown: 0,
      lastKnown: null,
      sumAfterLastKnown: 0,
      entriesSum: 0,
      entryCount: 0,
      firstDate: mapped.date,
      lastDate: mapped.date,
      lineStart: row.line,
      lineEnd: row.endLine,
    };
    chains.set(key, chain);
  }
  if (mapped.date < chain.firstDate) chain.firstDate = mapped.date;
  if (mapped.date > chain.lastDate) chain.lastDate = mapped.date;
  chain.lineEnd = row.endLine;

  const { move, balance } = mapped;
  const prev = chain.prev;
  const expected = prev === null ? null : order === 'oldest_first' ? prev.balance + move : prev.balance - prev.move;
  if (expected !== null && balance !== null && expected !== balance) {
    const fmt = (n: number): string => (isSafe(n) ? formatAmount(n, mapped.currency, { grouping: false }) : String(n));
    const how =
      order === 'oldest_first'
        ? `previous balance ${fmt(prev?.balance ?? 0)} + this row ${fmt(move)}`
        : `previous row's balance ${fmt(prev?.balance ?? 0)} − its amount ${fmt(prev?.move ?? 0)}`;
    const column = mapped.balanceColumn;
    const label = `column ${column + 1} "${mapped.balanceHeader}" (balance)`;
    // Later rows continue from the bank's figure, so one bad line is one rejection, not a cascade.
    chain.prev = { balance, move };
    chain.lastKnown = { balance, move };
    chain.sumAfterLastKnown = 0;
    return {
      ok: false,
      position: { line: row.line, column: column + 1 },
      message: `${label}: the running balance breaks here: expected ${fmt(expected)} (${how}, rows ${order === 'oldest_first' ? 'oldest' : 'newest'} first), the file says ${fmt(balance)}`,
      raw: row.raw,
      lineEnd: row.endLine,
    };
  }
  if (mapped.event !== null) {
    chain.entriesSum += move;
    chain.entryCount++;
  }
  const entryMove = mapped.event !== null ? move : 0;
  if (balance !== null) {
    chain.firstKnown ??= { balance, move };
    chain.lastKnown = { balance, move };
    chain.sumAfterLastKnown = 0;
  } else {
    if (chain.firstKnown === null) chain.sumBeforeFirstKnown += entryMove;
    if (chain.lastKnown !== null) chain.sumAfterLastKnown += entryMove;
  }
  const carried = balance ?? (expected !== null && isSafe(expected) ? expected : null);
  chain.prev = carried === null ? null : { balance: carried, move };
  if (mapped.event === null) return null;
  const record: ParsedRecord = { ok: true, events: [mapped.event], lineStart: row.line, lineEnd: row.endLine };
  return record;
}

function statementOf(chain: Chain, order: BalanceOrder): StatementBalance {
  const safeOrNull = (n: number | null): number | null => (n !== null && isSafe(n) ? n : null);
  const first = chain.firstKnown;
  const last = chain.lastKnown;
  let opening: number | null = null;
  let closing: number | null = null;
  if (first !== null && last !== null) {
    if (order === 'oldest_first') {
      opening = first.balance - first.move - chain.sumBeforeFirstKnown;
      closing = last.balance + chain.sumAfterLastKnown;
    } else {
      opening = last.balance - last.move - chain.sumAfterLastKnown;
      closing = first.balance + chain.sumBeforeFirstKnown;
    }
  }
  if (!isSafe(chain.entriesSum)) {
    throw new FormatError(`the amounts of account ${chain.account || '(none)'} ${chain.currency} add up beyond what can be represented exactly`, {
      line: chain.lineStart,
      column: 1,
    });
  }
  return {
    statementId: `${chain.account === '' ? 'csv' : chain.account}:${chain.currency}:${chain.firstDate}..${chain.lastDate}`,
    account: chain.account,
    currency: chain.currency,
    openingMinor: safeOrNull(opening),
    closingMinor: safeOrNull(closing),
    entriesSumMinor: chain.entriesSum,
    entryCount: chain.entryCount,
  };
}

/** Replays held-back rows under one order without yielding: its break count and statements. */
function simulate(items: readonly Pending[], order: BalanceOrder): { breaks: number; statements: string } {
  const chains = new Map<string, Chain>();
  let breaks = 0;
  for (const item of items) {
    const result = chainStep(chains, item, order);
    if (result !== null && !result.ok && !('rejected' in item)) breaks++;
  }
  let statements = '';
  try {
    statements = JSON.stringify([...chains.values()].map((c) => statementOf(c, order)));
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
  }
  return { breaks, statements };
}

/** The kinds a mapping can produce: its fixed kind, its kind table's values, or its two kinds by sign. */
function mappedKinds(mapping: CsvMapping): EventKind[] {
  const kinds = new Set<EventKind>();
  if (mapping.kind !== undefined) kinds.add(mapping.kind);
  for (const k of Object.values(mapping.kind_values ?? {})) kinds.add(k);
  if (mapping.kind_by_sign !== undefined) [mapping.kind_by_sign.positive, mapping.kind_by_sign.negative].forEach((k) => kinds.add(k));
  return [...kinds].sort();
}

export function createGenericCsvParser(mapping: CsvMapping, mappingSha256: string): GenericCsvParser {
  if (!/^[0-9a-f]{12,64}$/i.test(mappingSha256)) throw new Error('createGenericCsvParser: mappingSha256 must be the hex sha256 of the mapping file');
  const mappingVersion = `${GENERIC_CSV_FORMAT_ID}@${PARSER_VERSION}:${mappingSha256.slice(0, 12).toLowerCase()}`;
  const style: NumberStyle = { decimal: mapping.decimal, group: mapping.thousands };
  const lookupKind = kindTable(mapping.kind_values);
  const headerRow = mapping.header_row ?? 1;
  const dateOnly = mapping.date_format !== 'unix' && mapping.date_format !== 'iso' && !mapping.date_format.includes('H');
  const bankMode = mapping.kind_by_sign?.positive === 'bank_credit' && mapping.kind_by_sign.negative === 'bank_debit';
  const footer = mapping.skip_footer_matching === undefined ? null : new RegExp(mapping.skip_footer_matching, 'i');
  const skipWhere = mapping.skip_rows_where === undefined ? null : new RegExp(mapping.skip_rows_where.pattern, 'i');
  const hasBalance = mapping.columns.balance !== undefined;

  function mapRow(row: CsvRow, layout: Layout, timeZone: string, occurrences: Map<string, number>): MappedRow {
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
    let rowHashId = '';
    let occurrence = 0;
    if (mapping.external_id_strategy === 'row_hash') {
      // Line ends inside a quoted cell are normalized: a CRLF and an LF export of the same rows share ids.
      const cells = JSON.stringify(layout.hashColumns.map(([name, i]) => [name, cellAt(i).replace(/\r\n?/g, '\n')]));
      const key = sha256(cells);
      occurrence = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, occurrence);
      rowHashId = `rh_${sha256(`${cells}\n${occurrence}`).slice(0, 32)}`;
    }

    const extra = row.fields.findIndex((f, i) => i >= layout.width && f.trim() !== '');
    if (extra !== -1) {
      throw new RowProblem(
        `the row has ${row.fields.length} fields but the header has ${layout.width} (an unquoted delimiter inside a value?)`,
        extra + 1,
      );
    }
    const bankReference = get('bank_reference');
    if (bankReference.length > 512) fail('bank_reference', 'is longer than 512 characters');
    let externalId = rowHashId;
    if (mapping.external_id_strategy === 'column') {
      externalId = required('external_id');
      if (externalId.length > 512) fail('external_id', 'is longer than 512 characters');
    } else if (bankReference !== '' && !/^(?:NONREF|NOTPROVIDED)$/i.test(bankReference)) {
      externalId = bankReference;
    }

    let currency: string;
    if (mapping.currency !== undefined) {
      currency = mapping.currency;
    } else {
      const text = required('currency');
      currency = text.toUpperCase();
      if (!isCurrencyCode(currency)) fail('currency', `"${text}" is not a known currency`);
    }

    function money(role: ColumnRole, text: string, inCurrency = currency): number {
      const parsed = parseAmount(text, inCurrency, style);
      if (!parsed.ok) fail(role, `"${text}" is not an amount (${parsed.error})`);
      return parsed.minor;
    }
    const flip = (n: number): number => (mapping.sign === 'inverted' ? negate(n) : n);

    const balanceText = get('balance');
    const balance = balanceText === '' ? null : flip(money('balance', balanceText));
    const amountCellsEmpty = layout.roles.has('amount') ? get('amount') === '' : get('debit') === '' && get('credit') === '';

    const dateText = required('occurred_at');
    const zone = mapping.time_zone ?? timeZone;
    const instant = parseDateTimeToUtc(dateText, mapping.date_format, zone);
    if (!instant.ok) fail('occurred_at', `"${dateText}" is not a date (${instant.error})`);
    const occurredAt = instant.iso;
    let calendarDate: string;
    if (mapping.date_format === 'unix') {
      calendarDate = utcInstantToLocalDate(occurredAt, zone);
    } else {
      const local = parseLocalDate(dateText, mapping.date_format);
      // parseDateTimeToUtc accepted the same text and format, so this only guards the types.
      calendarDate = local.ok ? local.date : occurredAt.slice(0, 10);
    }
    const instantMs = Date.parse(occurredAt);

    let account = mapping.account ?? get('account');
    if (account.length > 64) fail('account', 'is longer than 64 characters');
    account = account.replace(/\s+/g, ' ');
    const balanceColumn = layout.roles.get('balance') ?? 0;
    const balanceHeader = layout.headerNames[balanceColumn] ?? '';

    if (balance !== null && amountCellsEmpty) {
      return { event: null, move: 0, balance, account, currency, date: calendarDate, instantMs, balanceColumn, balanceHeader };
    }

    let amount: number;
    const noMoneyColumn = !layout.roles.has('amount') && !layout.roles.has('debit') && !layout.roles.has('credit');
    if (noMoneyColumn) {
      // Only a fulfillment mapping may leave money unmapped (csvMapping.ts): a shipment with no cost column.
      amount = 0;
    } else if (layout.roles.has('amount')) {
      amount = money('amount', required('amount'));
    } else {
      const debitText = get('debit');
      const creditText = get('credit');
      const debit = debitText === '' ? null : Math.abs(money('debit', debitText));
      const credit = creditText === '' ? null : Math.abs(money('credit', creditText));
      if (debit === null && credit === null) {
        const role: ColumnRole = layout.roles.has('debit') ? 'debit' : 'credit';
        const names = (['debit', 'credit'] as const)
          .filter((r) => layout.roles.has(r))
          .map((r) => `"${layout.headerNames[layout.roles.get(r) as number] ?? ''}"`);
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
    amount = flip(amount);
    fee = fee === null ? null : flip(fee);
    net = net === null ? null : flip(net);
    if (amount === 0) amount = 0; // no -0 in the ledger
    const move = net ?? (fee !== null ? amount - fee : amount);
    if (!isSafe(move)) fail(layout.roles.has('amount') ? 'amount' : 'debit', 'amount minus fee is too large to represent exactly');

    let localDate: string | null = null;
    if (dateOnly || (mapping.date_format === 'iso' && /^\d{4}-\d{2}-\d{2}$/.test(dateText))) localDate = calendarDate;

    let valueDate: string | null = null;
    const valueText = get('value_date');
    if (valueText !== '') {
      const v = parseLocalDate(valueText, mapping.date_format === 'unix' ? 'iso' : mapping.date_format);
      if (!v.ok) fail('value_date', `"${valueText}" is not a date (${v.error})`);
      valueDate = v.date;
    }

    let originalAmount: number | null = null;
    let originalCurrency: string | null = null;
    const originalAmountText = get('original_amount');
    const originalCurrencyText = get('original_currency');
    if (originalAmountText !== '' || originalCurrencyText !== '') {
      if (originalCurrencyText === '') fail('original_currency', `is empty but the original amount is ${originalAmountText}`);
      originalCurrency = originalCurrencyText.toUpperCase();
      if (!isCurrencyCode(originalCurrency)) fail('original_currency', `"${originalCurrencyText}" is not a known currency`);
      // A currency with no amount (some exports fill the code on every row) says nothing: drop both.
      if (originalAmountText === '') originalCurrency = null;
      else originalAmount = flip(money('original_amount', originalAmountText, originalCurrency));
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
        const known = Object.keys(mapping.kind_values ?? {})
          .map((k) => JSON.stringify(k))
          .join(', ');
        throw new RowProblem(
          `${describe(i, 'kind_column')}: ${value === '' ? 'is empty' : `"${value}" is not in kind_values`} (known: ${known})`,
          i + 1,
        );
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
    const text = (role: ColumnRole): string | null => {
      const v = get(role);
      return v === '' ? null : v;
    };
    const customer = ref('customer_ref');
    const description = get('description');
    const state = limited('state');
    const common = {
      external_id: externalId,
      source_revision: '',
      order_ref: ref('order_ref'),
      // Emails are case-insensitive in practice; other customer ids keep their case.
      customer_ref: customer !== null && customer.includes('@') ? customer.toLowerCase() : customer,
      payout_ref: ref('payout_ref'),
      fee_minor: fee,
      net_minor: net,
      channel: limited('channel'),
      occurred_at: occurredAt,
    };
    const extraAttrs: Attributes = {};
    if (originalAmount !== null && originalCurrency !== null) {
      extraAttrs.original_amount_minor = originalAmount;
      extraAttrs.original_currency = originalCurrency;
    }
    if (balance !== null) extraAttrs.balance_after_minor = balance;
    if (occurrence > 0) extraAttrs.row_occurrence = occurrence;

    let event: EventDraftInput;
    if (bankMode) {
      const draft = bankEntryDraft(
        {
          account,
          bookingDate: calendarDate,
          valueDate,
          amountMinor: amount,
          currency,
          counterpartyName: text('counterparty_name'),
          counterpartyAccount: text('counterparty_account'),
          remittance: description === '' ? null : description,
          remittanceStructured: null,
          endToEndId: ref('trace_id'),
          bankReference: bankReference === '' ? null : bankReference,
          reversal: false,
          transactionCode: text('transaction_code'),
          returnReason: null,
          statementId: '',
          positionInDay: 0,
          extra: extraAttrs,
        },
        zone,
      );
      event = {
        ...draft,
        ...common,
        state: state ?? draft.state ?? null,
        attributes: { ...draft.attributes, account: account === '' ? null : account, statement_id: null },
      };
    } else {
      if (description !== '') attrs.description = description;
      if (account !== '') attrs.account = account;
      if (valueDate !== null) attrs.value_date = valueDate;
      for (const role of ['counterparty_name', 'counterparty_account', 'bank_reference', 'transaction_code'] as const) {
        const v = text(role);
        if (v !== null) attrs[role] = v;
      }
      const shipment = kind === 'fulfillment' ? shipmentAttributes() : null;
      if (shipment !== null) Object.assign(attrs, shipment.attrs);
      event = {
        kind,
        ...common,
        ...(shipment?.orderMangled === true ? { order_ref: null } : {}),
        state: state ?? (kind === 'fulfillment' ? 'shipped' : null),
        trace_id: ref('trace_id') ?? shipment?.tracking ?? null,
        amount_minor: amount,
        currency,
        local_date: localDate,
        attributes: { ...attrs, ...extraAttrs },
      };
    }
    return { event, move, balance, account, currency, date: calendarDate, instantMs, balanceColumn, balanceHeader };

    /** The shipment columns of a fulfillment row, as every fulfillment source names them. */
    function shipmentAttributes(): { attrs: Attributes; tracking: string | null; orderMangled: boolean } {
      const out: Attributes = {};
      const tracking = ref('tracking_number');
      if (tracking !== null) out.tracking_number = tracking;
      const carrier = text('carrier');
      if (carrier !== null) out.carrier = carrier;
      const sku = text('sku');
      if (sku !== null) out.skus = sku;
      const qty = get('quantity');
      if (qty !== '') {
        if (!/^\d{1,9}$/.test(qty)) fail('quantity', `"${qty}" is not a whole number`);
        out.items_quantity = Number(qty);
      }
      const orderText = get('order_ref');
      const orderMangled = MANGLED_ID_RE.test(orderText);
      if (orderText !== '') out.order_number = orderText;
      out.order_ref_mangled = orderMangled;
      return { attrs: out, tracking, orderMangled };
    }
  }

  /** Rows that are no records: footers, `skip_rows_where` matches, Excel's empty lines. */
  function skipped(row: CsvRow, layout: Layout): boolean {
    if (row.fields.every((f) => f.trim() === '')) return true;
    if (footer !== null && footer.test((row.fields[0] ?? '').trim().slice(0, MAX_MATCHED_CELL))) return true;
    if (skipWhere !== null && layout.skipColumn !== undefined) {
      return skipWhere.test((row.fields[layout.skipColumn] ?? '').trim().slice(0, MAX_MATCHED_CELL));
    }
    return false;
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
    const chains = new Map<string, Chain>();
    let order: BalanceOrder | undefined = mapping.balance_order;
    // Rows held back until the order is known (balance mapped, order not declared).
    const pending: Pending[] = [];
    let firstInstant: number | null = null;

    for (const parsed of readCsvRows(chunks, { delimiter })) {
      const row: CsvRow = { ...parsed, line: parsed.line + offset, endLine: parsed.endLine + offset };
      if (layout === null) {
        layout = resolveLayout(mapping, row);
        continue;
      }
      if (skipped(row, layout)) continue;
      let item: Pending;
      try {
        item = { row, mapped: mapRow(row, layout, input.timeZone, occurrences) };
      } catch (err) {
        if (!(err instanceof RowProblem)) throw err;
        item = { row, rejected: rejectionFor(row, err) };
      }
      if (!hasBalance) {
        yield 'rejected' in item
          ? item.rejected
          : { ok: true, events: item.mapped.event === null ? [] : [item.mapped.event], lineStart: row.line, lineEnd: row.endLine };
        continue;
      }
      if (order === undefined) {
        pending.push(item);
        if ('mapped' in item) {
          const ms = item.mapped.instantMs;
          if (firstInstant === null) firstInstant = ms;
          else if (ms !== firstInstant) order = ms > firstInstant ? 'oldest_first' : 'newest_first';
        }
        if (order === undefined) continue;
        for (const held of pending.splice(0)) {
          const result = chainStep(chains, held, order);
          if (result !== null) yield result;
        }
        continue;
      }
      const result = chainStep(chains, item, order);
      if (result !== null) yield result;
    }
    if (layout === null) {
      throw new FormatError(`no header row: the file ends before line ${headerRow} (header_row in the mapping)`, { line: headerRow, column: 1 });
    }
    if (!hasBalance) return;
    if (order === undefined) {
      order = decideOrder(pending, layout);
      for (const held of pending.splice(0)) {
        const result = chainStep(chains, held, order);
        if (result !== null) yield result;
      }
    }
    for (const chain of chains.values()) {
      const statement = statementOf(chain, order);
      const record: ParsedRecord = { ok: true, events: [], lineStart: chain.lineStart, lineEnd: chain.lineEnd, statement };
      yield record;
    }
  }

  /** No two rows with different dates: the order whose chain breaks less, if that settles it. */
  function decideOrder(items: readonly Pending[], layout: Layout): BalanceOrder {
    const oldest = simulate(items, 'oldest_first');
    const newest = simulate(items, 'newest_first');
    if (oldest.breaks < newest.breaks) return 'oldest_first';
    if (newest.breaks < oldest.breaks) return 'newest_first';
    if (oldest.statements === newest.statements) return 'oldest_first';
    const first = items[0];
    const column = (layout.roles.get('balance') ?? 0) + 1;
    throw new FormatError(
      'cannot tell whether the rows run oldest first or newest first (no two rows have different dates and the running balance fits both); set balance_order in the mapping',
      { line: first?.row.line ?? headerRow + 1, column },
    );
  }

  const parser: GenericCsvParser = {
    format: GENERIC_CSV_FORMAT_ID,
    version: PARSER_VERSION,
    description: mapping.name !== undefined ? `Generic CSV: ${mapping.name}` : 'Generic CSV read through a saved mapping',
    mappingVersion,
    mapping,
    kinds: mappedKinds(mapping),
    // Chosen explicitly with --mapping, never by content.
    detect: () => false,
    parse,
  };
  if (mapping.encoding !== undefined) return { ...parser, encoding: mapping.encoding };
  return parser;
}
