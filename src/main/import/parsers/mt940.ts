// Parses SWIFT MT940 statements and MT942 interim reports, streaming line by line, into bank-entry events and statement balances.
//
// Mapping decisions (see BankEntry):
//   amountMinor     D → negative, C → positive; RC (reversal of a credit) → negative, RD (reversal of a
//                   debit) → positive, both with reversal = true, so the sign is what the bank booked.
//   bookingDate     the :61: entry date (MMDD, year taken from the value date and wrapped across New
//                   Year) when given, else the value date. Citi writes an absent entry date as four spaces
//                   (`240312    DD212,39N…`): that is read as no entry date. A date that does not exist (30 February)
//                   becomes the last valid day; the raw digits are kept (rawBookingDate, or
//                   extra.raw_value_date for the value date).
//   bankReference   the :61: reference after `//`; a reference repeated within one statement is kept
//                   in extra only, so two entries never collapse into one external id.
//   transactionCode the German GVC (first 3 digits of a structured :86:), else the :61: type (NTRF…).
//   :86:            structured `?NN` subfields: ?00 posting text, ?10 prima nota, ?20–?29 and ?60–?63
//                   purpose, ?30 bank, ?31/?38 counterparty account, ?32–?33 name, ?34 text key ext.;
//                   SEPA keys in the purpose give endToEndId (EREF+) and remittance (SVWZ+). Free text
//                   otherwise, its lines joined with a space (a full 65-character line is a hard wrap).
//   statement       one record per :20: block; MT942 has no booked balances (null), and its :90D:/:90C:
//                   sums are checked against the entries. :64: → CLAV, :65: → FWAV, :34F: → FLOOR_LIMIT_D/C.
import { currencyExponent, isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';
import { bankEntryDraft, lenientDate } from '../bank/bankEntry.ts';
import type { BankEntry } from '../bank/bankEntry.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, RejectedRecord, StatementBalance } from '../parserTypes.ts';

/** A problem inside one field, with the column (1-based, in the field's first line) where it is. */
export class FieldProblem extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.column = column;
  }
}

// ---------------------------------------------------------------------------------------------
// Lines and fields

/** One physical line, control bytes removed. */
interface Line {
  text: string;
  line: number;
}

// C0 controls (but CR/LF, which split lines) and DEL: banks leave SOH/ETX framing and NULs in files.
// eslint-disable-next-line no-control-regex -- matching control bytes is the point
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Splits decoded chunks into lines at CRLF, LF or a lone CR, holding only the unfinished line. */
export function* mt940Lines(chunks: Iterable<string>): Generator<Line> {
  let carry = '';
  let lineNo = 0;
  let pendingCr = false;
  for (const chunk of chunks) {
    let text = chunk;
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      lineNo++;
      yield { text: clean(carry + text.slice(start, i)), line: lineNo };
      carry = '';
      if (ch === 13) {
        if (i + 1 < text.length && text.charCodeAt(i + 1) === 10) i++;
        else if (i + 1 === text.length) pendingCr = true;
      }
      start = i + 1;
    }
    carry += text.slice(start);
    if (carry.length > MAX_LINE)
      throw new FormatError(`line ${lineNo + 1} is longer than ${MAX_LINE} characters: not an MT940 file`, { line: lineNo + 1, column: 1 });
  }
  if (carry !== '') yield { text: clean(carry), line: lineNo + 1 };
}

const MAX_LINE = 10_000;

function clean(text: string): string {
  return text.replace(CONTROL_RE, (c) => (c === '\t' ? ' ' : ''));
}

/** A tag and its lines (the first line without the `:TAG:` prefix). */
export interface Field {
  tag: string;
  lines: string[];
  line: number;
  lineEnd: number;
}

/** What the line reader hands the statement reader: a complete field, a statement end, or stray text. */
type Token = { kind: 'field'; field: Field } | { kind: 'end'; line: number } | { kind: 'text'; line: number; text: string };

const TAG_RE = /^:(\d{2}[A-Z]?|NS):/;
const BLOCK_RE = /^\{\d:[^{}]*\}?/;
// A field never runs on longer than this; beyond it the file is junk, and memory must stay bounded.
const MAX_FIELD_LINES = 200;

/**
 * Groups lines into fields. A line that does not start a tag continues the previous field
 * (wrapped lines); `{1:}{2:}{4:` framing, `-`, `-}` and `{5:` trailers end a statement.
 */
export function* mt940Tokens(lines: Iterable<Line>): Generator<Token> {
  let field: Field | null = null;
  let lonelyColon: Line | null = null;
  for (const raw of lines) {
    let { text } = raw;
    if (lonelyColon !== null) {
      // Sparkassen split `:86:` after its first colon; glue the halves back.
      if (/^\d{2}[A-Z]?:/.test(text)) text = `:${text}`;
      else if (field !== null) field.lines.push(':');
      lonelyColon = null;
    }
    if (text === ':' && field !== null) {
      lonelyColon = raw;
      continue;
    }
    const framed = stripFraming(text);
    if (framed.ended || framed.opened) {
      if (field !== null) yield { kind: 'field', field };
      field = null;
      yield { kind: 'end', line: raw.line };
      text = framed.rest;
      if (text.trim() === '') continue;
    }
    const tag = TAG_RE.exec(text);
    if (tag !== null) {
      if (field !== null) yield { kind: 'field', field };
      field = { tag: tag[1] ?? '', lines: [text.slice(tag[0].length)], line: raw.line, lineEnd: raw.line };
      continue;
    }
    if (field === null) {
      if (text.trim() !== '') yield { kind: 'text', line: raw.line, text };
      continue;
    }
    if (field.lines.length >= MAX_FIELD_LINES) {
      throw new FormatError(`field :${field.tag}: starting at line ${field.line} runs on for more than ${MAX_FIELD_LINES} lines`, {
        line: raw.line,
        column: 1,
      });
    }
    field.lines.push(text);
    if (text.trim() !== '') field.lineEnd = raw.line;
  }
  if (field !== null) yield { kind: 'field', field };
}

/** Recognizes `-`, `-}`, `-}{5:…}` (statement end) and `{1:…}{2:…}{4:` (a new message) at a line start. */
function stripFraming(text: string): { ended: boolean; opened: boolean; rest: string } {
  const t = text.trim();
  if (/^-\}?(\{5:.*)?$/.test(t) || /^\}(\{5:.*)?$/.test(t) || t.startsWith('{5:')) return { ended: true, opened: false, rest: '' };
  if (!t.startsWith('{')) return { ended: false, opened: false, rest: text };
  let rest = t;
  let opened = false;
  for (let m = BLOCK_RE.exec(rest); m !== null; m = BLOCK_RE.exec(rest)) {
    if (m[0].startsWith('{4:')) {
      opened = true;
      rest = rest.slice(3);
      break;
    }
    rest = rest.slice(m[0].length);
    opened = true;
  }
  return { ended: false, opened, rest };
}

// ---------------------------------------------------------------------------------------------
// Field values

/** A YYMMDD date; two-digit years 80–99 are 19xx (the format predates 2000), others 20xx. */
function yymmdd(text: string, column: number, what: string): { date: string; corrected: boolean; year: number; month: number } {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
  const yy = Number(m?.[1]);
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const d = m === null ? null : lenientDate(year, Number(m[2]), Number(m[3]));
  if (d === null) throw new FieldProblem(`${what} "${text}" is not a date (YYMMDD)`, column);
  return { ...d, year, month: Number(m?.[2]) };
}

/** An MT940 amount: digits with a decimal comma (`1234,56`, `1234,`, `,5`), in minor units. */
export function mt940AmountMinor(text: string, currency: string, column: number): number {
  if (!/^(\d+,?\d*|,\d+)$/.test(text)) throw new FieldProblem(`amount "${text}" is not an MT940 amount (digits with a decimal comma)`, column);
  const [int = '', frac = ''] = text.split(',');
  const parsed = parseAmount(`${int === '' ? '0' : int}.${frac === '' ? '0' : frac}`, currency, { decimal: '.', group: '' });
  if (!parsed.ok) throw new FieldProblem(`amount "${text}": ${parsed.error}`, column);
  return parsed.minor;
}

export interface Mt940Balance {
  mark: 'C' | 'D';
  date: string;
  currency: string;
  amountMinor: number;
}

/** :60F:/:60M:/:62F:/:62M:/:64:/:65: `C100318EUR380115,12`; debit balances are negative. */
export function parseBalance(value: string): Mt940Balance {
  const m = /^\s*([CD])(\d{6})([A-Za-z]{3})([\d,]*)\s*$/.exec(value);
  if (m === null) throw new FieldProblem(`"${value}" is not a balance (C or D, YYMMDD date, currency, amount)`, 1);
  const [, mark = 'C', date = '', cur = '', amount = ''] = m;
  const currency = cur.toUpperCase();
  if (!isCurrencyCode(currency)) throw new UnknownCurrency(currency, 8);
  const minor = mt940AmountMinor(amount, currency, 11);
  return { mark: mark === 'D' ? 'D' : 'C', date: yymmdd(date, 2, 'balance date').date, currency, amountMinor: mark === 'D' ? -minor : minor };
}

class UnknownCurrency extends FieldProblem {
  readonly code: string;
  constructor(code: string, column: number) {
    super(`currency "${code}" is not a known ISO 4217 currency`, column);
    this.code = code;
  }
}

export interface StatementLine {
  valueDate: string;
  valueDateRaw: string;
  valueDateCorrected: boolean;
  bookingDate: string;
  bookingDateRaw: string;
  bookingDateCorrected: boolean;
  mark: 'C' | 'D' | 'RC' | 'RD';
  fundsCode: string | null;
  amountMinor: number;
  transactionType: string | null;
  customerReference: string | null;
  bankReference: string | null;
  supplementary: string | null;
}

const LINE61_RE = /^(\d{6})(\d{4}| {4})?(R?[DC])([A-Z])?[\n ]?(\d[\d,]*|,\d+)([A-Z][A-Z0-9]{3})?([^\n]*)/;

/** The :61: statement line (the value after `:61:`, its lines joined with `\n`), amounts signed. */
export function parseStatementLine(value: string, currency: string): StatementLine {
  const m = LINE61_RE.exec(value);
  if (m === null) throw new FieldProblem(statementLineProblem(value), 1);
  const [all, vd = '', ed, mark = 'C', funds, amount = '', type, refs = ''] = m;
  const value6 = yymmdd(vd, 1, 'value date');
  let booking = { date: value6.date, corrected: value6.corrected, raw: vd };
  if (ed !== undefined && ed !== '    ') booking = { ...entryDate(ed, value6.year, value6.month), raw: ed };
  const amountColumn = all.length - refs.length - (type?.length ?? 0) - amount.length + 1;
  const minor = mt940AmountMinor(amount, currency, amountColumn);
  const slash = refs.indexOf('//');
  const customer = (slash < 0 ? refs : refs.slice(0, slash)).trim();
  const bank = slash < 0 ? '' : refs.slice(slash + 2).trim();
  const supplementary = value
    .slice(all.length)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  return {
    valueDate: value6.date,
    valueDateRaw: vd,
    valueDateCorrected: value6.corrected,
    bookingDate: booking.date,
    bookingDateRaw: booking.raw,
    bookingDateCorrected: booking.corrected,
    mark: mark === 'RC' || mark === 'RD' || mark === 'D' ? mark : 'C',
    fundsCode: funds ?? null,
    amountMinor: mark === 'D' || mark === 'RC' ? -minor : minor,
    transactionType: type ?? null,
    customerReference: customer === '' ? null : customer,
    bankReference: bank === '' ? null : bank,
    supplementary: supplementary === '' ? null : supplementary,
  };
}

/** Names the first part of a :61: line that is wrong, so the error points at it. */
function statementLineProblem(value: string): string {
  if (!/^\d{6}/.test(value)) return `statement line "${value.split('\n')[0]}" does not start with a value date (YYMMDD)`;
  if (!/^\d{6}(\d{4}| {4})?R?[DC]/.test(value))
    return `statement line "${value.split('\n')[0]}" has no debit/credit mark (D, C, RD, RC) after its dates`;
  return `statement line "${value.split('\n')[0]}" has no amount after its debit/credit mark`;
}

/** The MMDD entry date in the year of the value date, or the neighbouring year across New Year. */
function entryDate(mmdd: string, valueYear: number, valueMonth: number): { date: string; corrected: boolean } {
  const month = Number(mmdd.slice(0, 2));
  let year = valueYear;
  if (month - valueMonth > 6) year--;
  else if (valueMonth - month > 6) year++;
  const d = lenientDate(year, month, Number(mmdd.slice(2)));
  if (d === null) throw new FieldProblem(`entry date "${mmdd}" is not a date (MMDD)`, 7);
  return d;
}

export interface TransactionDetails {
  /** German GVC (Geschäftsvorfallcode), the 3 digits before the first `?`. */
  gvc: string | null;
  structured: boolean;
  /** The subfields by number, each joined across repeats; empty when the text is free. */
  subfields: Map<string, string>;
  /** ?20–?29 then ?60–?63 joined (structured), or the free text. */
  purpose: string | null;
  /** SEPA keys found in the purpose (EREF, SVWZ, MREF, …), values trimmed. */
  sepa: Map<string, string>;
}

const SEPA_KEY_RE = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP|SQTP|RTRN)\+/g;
// SWIFT lines hold at most 65 characters: a line that long was cut by the bank, not by the author.
const FULL_LINE = 65;

/** The :86: value (its lines as written): German `?NN` subfields when present, else free text. */
export function parseDetails(lines: readonly string[]): TransactionDetails {
  const joined = lines.join('').trimStart();
  const head = /^(\d{3})\s*(?=\?\d\d)/.exec(joined);
  if (head === null) {
    const free = joinFreeText(lines);
    const gvc = /^(\d{3})(?:\s|$)/.exec(free ?? '')?.[1] ?? null;
    return { gvc, structured: false, subfields: new Map(), purpose: free, sepa: sepaKeys(free ?? '') };
  }
  const subfields = new Map<string, string>();
  for (const m of joined.slice(head[0].length).matchAll(/\?(\d\d)([^?]*)/g)) {
    const key = m[1] ?? '';
    subfields.set(key, (subfields.get(key) ?? '') + (m[2] ?? ''));
  }
  const parts: string[] = [];
  for (const key of ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63']) {
    const v = subfields.get(key);
    if (v !== undefined) parts.push(v);
  }
  const purpose = parts.join('').trim();
  return { gvc: head[1] ?? null, structured: true, subfields, purpose: purpose === '' ? null : purpose, sepa: sepaKeys(purpose) };
}

function joinFreeText(lines: readonly string[]): string | null {
  let out = '';
  let hardWrapped = false;
  for (const line of lines) {
    if (hardWrapped) out += line;
    else if (line.trim() !== '') out = out === '' ? line.trimStart() : `${out.trimEnd()} ${line.trimStart()}`;
    hardWrapped = line.length >= FULL_LINE;
  }
  out = out.trim();
  return out === '' ? null : out;
}

function sepaKeys(purpose: string): Map<string, string> {
  const found = [...purpose.matchAll(SEPA_KEY_RE)];
  const keys = new Map<string, string>();
  found.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = found[i + 1]?.index ?? purpose.length;
    const key = m[1] ?? '';
    if (!keys.has(key)) keys.set(key, purpose.slice(start, end).trim());
  });
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Entries and statements

interface PendingEntry {
  field: Field;
  details: Field | null;
}

/** One statement's bookkeeping: its header, balances, running sums and per-day positions. */
interface Statement {
  reference: string;
  relatedReference: string | null;
  number: string | null;
  account: string | null;
  currency: string | null;
  /** Why this statement's entries cannot be read (an unknown currency); its entries are rejected. */
  unreadable: string | null;
  opening: Mt940Balance | null;
  closing: Mt940Balance | null;
  closingLine: number;
  otherBalances: Record<string, number>;
  mt942: boolean;
  reportTime: string | null;
  sum: number;
  count: number;
  debit: { count: number; sum: number };
  credit: { count: number; sum: number };
  sums90: Array<{ tag: string; line: number; count: number | null; minor: number }>;
  perDay: Map<string, number>;
  bankRefs: Set<string>;
  line: number;
  lineEnd: number;
}

function newStatement(field: Field): Statement {
  return {
    reference: field.lines.join(' ').trim(),
    relatedReference: null,
    number: null,
    account: null,
    currency: null,
    unreadable: null,
    opening: null,
    closing: null,
    closingLine: 0,
    otherBalances: {},
    mt942: false,
    reportTime: null,
    sum: 0,
    count: 0,
    debit: { count: 0, sum: 0 },
    credit: { count: 0, sum: 0 },
    sums90: [],
    perDay: new Map(),
    bankRefs: new Set(),
    line: field.line,
    lineEnd: field.lineEnd,
  };
}

function statementId(s: Statement): string {
  return s.number === null ? s.reference : `${s.reference}/${s.number}`;
}

const TAG_NAMES: Record<string, string> = {
  '20': 'transaction reference',
  '21': 'related reference',
  '25': 'account',
  '28C': 'statement number',
  '28': 'statement number',
  '60F': 'opening balance',
  '60M': 'intermediate opening balance',
  '61': 'statement line',
  '86': 'details',
  '62F': 'closing balance',
  '62M': 'intermediate closing balance',
  '64': 'available balance',
  '65': 'forward available balance',
  '34F': 'floor limit',
  '13D': 'date/time',
  '90D': 'debit sum',
  '90C': 'credit sum',
};

function tagName(tag: string): string {
  return `:${tag}:${TAG_NAMES[tag] !== undefined ? ` (${TAG_NAMES[tag]})` : ''}`;
}

function fieldText(field: Field): string {
  return field.lines.join('\n').replace(/\n+$/, '');
}

function rawOf(field: Field): string {
  return `:${field.tag}:${fieldText(field)}`;
}

/** An account as the :25: writes it: `BLZ/account`, a BIC/account or an IBAN (spaces removed). */
function accountOf(value: string): string {
  const t = value.trim();
  return /^[A-Z]{2}\d{2}[A-Z0-9 ]{10,}$/.test(t) ? t.replace(/ /g, '') : t;
}

type Extra = Record<string, string | number | boolean | null>;

/** GVCs whose ?34 carries the SEPA return reason (Retoure, Rückbelastung). */
const RETURN_GVCS = new Set(['109', '159']);

function detailsExtra(d: TransactionDetails, extra: Extra): void {
  const put = (key: string, value: string | undefined | null): void => {
    const v = value?.trim();
    if (v !== undefined && v !== '') extra[key] = v;
  };
  put('gvc', d.gvc);
  put('posting_text', d.subfields.get('00'));
  put('prima_nota', d.subfields.get('10'));
  put('counterparty_bank', d.subfields.get('30'));
  put('text_key_extension', d.subfields.get('34'));
  put('purpose', d.structured ? d.purpose : null);
  for (const [key, value] of d.sepa) if (key !== 'EREF' && key !== 'SVWZ') put(`sepa_${key.toLowerCase()}`, value);
}

function toBankEntry(s: Statement, l: StatementLine, d: TransactionDetails | null, currency: string): BankEntry {
  const extra: Extra = { mt_type: s.mt942 ? 'MT942' : 'MT940', swift_type: l.transactionType, debit_credit_mark: l.mark };
  if (l.fundsCode !== null) extra.funds_code = l.fundsCode;
  if (l.customerReference !== null) extra.customer_reference = l.customerReference;
  if (l.supplementary !== null) extra.supplementary_details = l.supplementary;
  if (s.relatedReference !== null) extra.related_reference = s.relatedReference;
  if (s.reportTime !== null) extra.report_time = s.reportTime;
  if (l.valueDateCorrected) Object.assign(extra, { raw_value_date: l.valueDateRaw, value_date_corrected: true });
  let bankReference = l.bankReference;
  if (bankReference !== null && !/^NONREF$/i.test(bankReference)) {
    // Some banks repeat one reference across entries; the id must not merge them.
    if (s.bankRefs.has(bankReference)) {
      extra.bank_reference_repeated = bankReference;
      bankReference = null;
    } else s.bankRefs.add(bankReference);
  }
  if (d !== null) detailsExtra(d, extra);
  const sub = (key: string): string | null => d?.subfields.get(key)?.trim() || null;
  const name = d === null ? '' : `${d.subfields.get('32') ?? ''}${d.subfields.get('33') ?? ''}`.trim();
  const position = s.perDay.get(l.bookingDate) ?? 0;
  s.perDay.set(l.bookingDate, position + 1);
  return {
    account: s.account ?? '',
    bookingDate: l.bookingDate,
    valueDate: l.valueDate,
    amountMinor: l.amountMinor,
    currency,
    counterpartyName: name === '' ? null : name,
    counterpartyAccount: sub('38') ?? sub('31'),
    remittance: d?.sepa.get('SVWZ') || d?.purpose || null,
    remittanceStructured: null,
    endToEndId: d?.sepa.get('EREF') || null,
    bankReference,
    reversal: l.mark === 'RC' || l.mark === 'RD',
    transactionCode: d?.gvc ?? l.transactionType,
    returnReason: d?.gvc != null && RETURN_GVCS.has(d.gvc) ? sub('34') : null,
    statementId: statementId(s),
    positionInDay: position,
    ...(l.bookingDateCorrected ? { rawBookingDate: l.bookingDateRaw } : {}),
    extra,
  };
}

/** The reader's state: at most one open statement and one entry waiting for its :86:. */
interface ReaderState {
  timeZone: string;
  stmt: Statement | null;
  pending: PendingEntry | null;
  statements: number;
}

function problemAt(field: Field, err: FieldProblem): FormatError {
  return new FormatError(`${tagName(field.tag)} at line ${field.line}: ${err.message}`, {
    line: field.line,
    column: field.tag.length + 2 + err.column,
  });
}

function rejected(field: Field, message: string, column: number, details: Field | null = null): RejectedRecord {
  const raw = details === null ? rawOf(field) : `${rawOf(field)}\n${rawOf(details)}`;
  return { ok: false, position: { line: field.line, column }, message, raw, lineEnd: details?.lineEnd ?? field.lineEnd };
}

function emitEntry(st: ReaderState, s: Statement, p: PendingEntry): RecordResult {
  const { field, details } = p;
  if (s.unreadable !== null) return rejected(field, `statement line at line ${field.line} cannot be read: ${s.unreadable}`, 1, details);
  const currency = s.currency ?? '';
  let line: StatementLine;
  try {
    line = parseStatementLine(fieldText(field), currency);
  } catch (err) {
    if (!(err instanceof FieldProblem)) throw err;
    return rejected(field, `${tagName(field.tag)} at line ${field.line}: ${err.message}`, field.tag.length + 2 + err.column, details);
  }
  const entry = toBankEntry(s, line, details === null ? null : parseDetails(details.lines), currency);
  s.sum += entry.amountMinor;
  s.count++;
  const side = line.mark === 'D' || line.mark === 'RC' ? s.debit : s.credit;
  side.count++;
  side.sum += Math.abs(entry.amountMinor);
  return { ok: true, events: [bankEntryDraft(entry, st.timeZone)], lineStart: field.line, lineEnd: details?.lineEnd ?? field.lineEnd };
}

function* onField(st: ReaderState, f: Field): Generator<RecordResult> {
  if (f.tag === '20') {
    if (st.stmt !== null) yield* closeStatement(st);
    st.stmt = newStatement(f);
    st.statements++;
    return;
  }
  const s = st.stmt;
  if (s === null) {
    if (f.tag === 'NS') return;
    throw new FormatError(`${tagName(f.tag)} at line ${f.line} is outside a statement: a statement starts with :20:`, { line: f.line, column: 1 });
  }
  s.lineEnd = Math.max(s.lineEnd, f.lineEnd);
  if (st.pending !== null) {
    if (f.tag === '86' && st.pending.details === null) {
      st.pending.details = f;
      return;
    }
    yield emitEntry(st, s, st.pending);
    st.pending = null;
  }
  try {
    const out = headerField(s, f);
    if (out !== null) yield out;
  } catch (err) {
    if (err instanceof FieldProblem) throw problemAt(f, err);
    throw err;
  }
  if (f.tag === '61') st.pending = { field: f, details: null };
}

/** Applies a non-entry field to the statement; returns a rejection when the statement becomes unreadable. */
function headerField(s: Statement, f: Field): RejectedRecord | null {
  const text = fieldText(f).trim();
  switch (f.tag) {
    case '21':
      s.relatedReference = text;
      return null;
    case '25':
      if (s.account !== null)
        throw new FieldProblem(`a second account in statement ${statementId(s)} (its account "${s.account}" came first); a misplaced tag?`, 1);
      s.account = accountOf(text);
      return null;
    case '28C':
    case '28':
      s.number = text;
      return null;
    case '60F':
    case '60M':
      return openingBalance(s, f, text);
    case '61':
      entryAllowed(s);
      return null;
    case '62F':
    case '62M':
      closingBalance(s, f, text);
      return null;
    case '64':
    case '65':
      otherBalance(s, f.tag === '64' ? 'CLAV' : 'FWAV', text);
      return null;
    case '34F':
      floorLimit(s, text);
      return null;
    case '13D':
    case '13':
      s.mt942 = true;
      s.reportTime = reportTime(text);
      return null;
    case '90D':
    case '90C':
      s.mt942 = true;
      s.sums90.push({ tag: f.tag, line: f.line, ...entrySum(text, s.currency) });
      return null;
    default:
      // :86: outside an entry is information for the whole statement; other tags carry nothing we map.
      return null;
  }
}

function openingBalance(s: Statement, f: Field, text: string): RejectedRecord | null {
  if (s.opening !== null || s.unreadable !== null) throw new FieldProblem(`statement ${statementId(s)} already has an opening balance`, 1);
  if (s.count > 0) throw new FieldProblem(`the opening balance comes after entries`, 1);
  try {
    s.opening = parseBalance(text);
  } catch (err) {
    if (!(err instanceof UnknownCurrency)) throw err;
    s.unreadable = `statement ${statementId(s)} is in currency "${err.code}" (line ${f.line}), which is not a known ISO 4217 currency`;
    return rejected(
      f,
      `${tagName(f.tag)} at line ${f.line}: ${err.message}; the entries of statement ${statementId(s)} cannot be read`,
      f.tag.length + 2 + err.column,
    );
  }
  s.currency = s.opening.currency;
  return null;
}

function entryAllowed(s: Statement): void {
  if (s.closing !== null) throw new FieldProblem(`an entry after the closing balance of statement ${statementId(s)} (line ${s.closingLine})`, 1);
  if (s.currency !== null || s.unreadable !== null) return;
  // Without :60F: (MT942, or a bank that leaves it out) the currency can only come from a :25: suffix.
  const suffix = /[0-9/]([A-Z]{3})$/.exec(s.account ?? '')?.[1];
  if (suffix !== undefined && isCurrencyCode(suffix)) {
    s.currency = suffix;
    return;
  }
  throw new FieldProblem(
    `an entry before any opening balance (:60F:/:60M:) or floor limit (:34F:): the currency of statement ${statementId(s)} is unknown`,
    1,
  );
}

function closingBalance(s: Statement, f: Field, text: string): void {
  if (s.closing !== null) throw new FieldProblem(`statement ${statementId(s)} already has a closing balance (line ${s.closingLine})`, 1);
  if (s.unreadable !== null) return;
  const b = parseBalance(text);
  if (s.currency !== null && b.currency !== s.currency)
    throw new FieldProblem(`closing balance currency ${b.currency} differs from the statement currency ${s.currency}`, 8);
  s.currency ??= b.currency;
  s.closing = b;
  s.closingLine = f.line;
}

function otherBalance(s: Statement, type: string, text: string): void {
  if (s.unreadable !== null) return;
  const b = parseBalance(text);
  if (s.currency !== null && b.currency !== s.currency)
    throw new FieldProblem(`balance currency ${b.currency} differs from the statement currency ${s.currency}`, 8);
  const key = type in s.otherBalances ? `${type}@${b.date}` : type;
  s.otherBalances[key] = b.amountMinor;
}

/** :34F: `PLN0`, `EURD100,` or `EURC250,`: the MT942 floor limits; they also give the currency. */
function floorLimit(s: Statement, text: string): void {
  const m = /^([A-Z]{3})([DC]?)([\d,]+)$/.exec(text);
  if (m === null) throw new FieldProblem(`"${text}" is not a floor limit (currency, optional D/C, amount)`, 1);
  const [, cur = '', mark = '', amount = ''] = m;
  if (!isCurrencyCode(cur)) throw new FieldProblem(`currency "${cur}" is not a known ISO 4217 currency`, 1);
  if (s.currency !== null && s.currency !== cur)
    throw new FieldProblem(`floor limit currency ${cur} differs from the statement currency ${s.currency}`, 1);
  s.mt942 = true;
  s.currency = cur;
  const minor = mt940AmountMinor(amount, cur, 4 + mark.length);
  if (mark !== 'C') s.otherBalances.FLOOR_LIMIT_D = minor;
  if (mark !== 'D') s.otherBalances.FLOOR_LIMIT_C = minor;
}

/** :13D: `1701191815+0100` → a UTC instant (the offset is part of the field). */
function reportTime(text: string): string {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:([+-])(\d{2})(\d{2}))?$/.exec(text);
  if (m === null) throw new FieldProblem(`"${text}" is not a date and time (YYMMDDhhmm±hhmm)`, 1);
  const [, yy = '', mo = '', dd = '', hh = '', mi = '', sign, oh = '00', om = '00'] = m;
  const iso = `20${yy}-${mo}-${dd}T${hh}:${mi}:00${sign === undefined ? 'Z' : `${sign}${oh}:${om}`}`;
  const parsed = parseDateTimeToUtc(iso, 'iso', 'UTC');
  if (!parsed.ok) throw new FieldProblem(`"${text}" is not a date and time (${parsed.error})`, 1);
  return parsed.iso;
}

/** :90D:/:90C: `3PLN0,03`: number of entries, currency, total. */
function entrySum(text: string, currency: string | null): { count: number | null; minor: number } {
  const m = /^(\d*)([A-Z]{3})([\d,]+)$/.exec(text);
  if (m === null) throw new FieldProblem(`"${text}" is not an entry sum (count, currency, amount)`, 1);
  const [, count = '', cur = '', amount = ''] = m;
  if (currency !== null && cur !== currency)
    throw new FieldProblem(`sum currency ${cur} differs from the statement currency ${currency}`, count.length + 1);
  if (!isCurrencyCode(cur)) throw new FieldProblem(`currency "${cur}" is not a known ISO 4217 currency`, count.length + 1);
  return { count: count === '' ? null : Number(count), minor: mt940AmountMinor(amount, cur, count.length + 4) };
}

function* closeStatement(st: ReaderState): Generator<RecordResult> {
  const s = st.stmt;
  if (s === null) return;
  if (st.pending !== null) yield emitEntry(st, s, st.pending);
  st.pending = null;
  st.stmt = null;
  if (s.unreadable !== null) return;
  const where = `statement ${statementId(s)} (lines ${s.line}–${s.lineEnd})`;
  const at = { line: s.lineEnd, column: 1 };
  if (s.account === null) throw new FormatError(`${where} has no account (:25:)`, { line: s.line, column: 1 });
  if (!s.mt942 && s.opening === null) throw new FormatError(`${where} has no opening balance (:60F:/:60M:)`, at);
  if (!s.mt942 && s.closing === null) {
    throw new FormatError(`${where} ends without a closing balance (:62F:/:62M:): the file may be truncated`, at);
  }
  checkSums(s);
  const statement: StatementBalance = {
    statementId: statementId(s),
    account: s.account,
    currency: s.currency ?? s.opening?.currency ?? '',
    openingMinor: s.opening?.amountMinor ?? null,
    closingMinor: s.closing?.amountMinor ?? null,
    entriesSumMinor: s.sum,
    entryCount: s.count,
    ...(Object.keys(s.otherBalances).length > 0 ? { otherBalances: s.otherBalances } : {}),
    ...(s.closing !== null ? { periodEnd: s.closing.date } : {}),
  };
  if (statement.currency === '') throw new FormatError(`${where} gives no currency (no :60F:, :62F: or :34F:)`, at);
  yield { ok: true, events: [], lineStart: s.line, lineEnd: s.lineEnd, statement };
}

/** MT942 :90D:/:90C: state how many debits/credits the report holds and their total: they must agree. */
function checkSums(s: Statement): void {
  for (const sum of s.sums90) {
    const side = sum.tag === '90D' ? s.debit : s.credit;
    const what = sum.tag === '90D' ? 'debit' : 'credit';
    if ((sum.count !== null && sum.count !== side.count) || sum.minor !== side.sum) {
      const currency = s.currency ?? '';
      throw new FormatError(
        `:${sum.tag}: at line ${sum.line} says ${sum.count ?? '?'} ${what} entries totalling ${formatMinor(sum.minor, currency)} ${currency}, ` +
          `but statement ${statementId(s)} has ${side.count} totalling ${formatMinor(side.sum, currency)} ${currency}`,
        { line: sum.line, column: 5 },
      );
    }
  }
}

function formatMinor(minor: number, currency: string): string {
  const exp = isCurrencyCode(currency) ? currencyExponent(currency) : 2;
  const abs = String(Math.abs(minor)).padStart(exp + 1, '0');
  const text = exp === 0 ? abs : `${abs.slice(0, -exp)},${abs.slice(-exp)}`;
  return minor < 0 ? `-${text}` : text;
}

function* parseMt940(input: ParseInput): Generator<RecordResult> {
  const st: ReaderState = { timeZone: input.timeZone, stmt: null, pending: null, statements: 0 };
  let lastLine = 0;
  for (const token of mt940Tokens(mt940Lines(input.chunks))) {
    if (token.kind === 'field') {
      lastLine = token.field.lineEnd;
      yield* onField(st, token.field);
    } else {
      lastLine = token.line;
      if (token.kind === 'end') yield* closeStatement(st);
    }
    // Stray text outside statements (ABN AMRO's `ABNANL2A`/`940` headers, page numbers) carries nothing.
  }
  yield* closeStatement(st);
  if (st.statements === 0) {
    throw new FormatError(`no MT940/MT942 statement found in ${lastLine === 0 ? 'the file' : `its ${lastLine} lines`}: no line starts with :20:`, {
      line: 1,
      column: 1,
    });
  }
}

/** The first lines of a head, control bytes removed and SWIFT `{1:…}{2:…}{4:` framing peeled off. */
function headLines(head: string, max: number): string[] {
  const out: string[] = [];
  for (const raw of head.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, max)) {
    const framed = stripFraming(clean(raw));
    out.push(framed.rest.trimEnd());
  }
  return out;
}

export const mt940Parser: FormatParser = {
  kinds: ['bank_credit', 'bank_debit'],
  format: 'mt940',
  // 2: a :61: entry date written as four spaces (Citi) is read as absent instead of refusing the line.
  version: 2,
  description: 'SWIFT MT940 bank statement / MT942 interim report (with or without {1:}{4: framing, German :86: subfields)',
  detect(head: string): boolean {
    const start = clean(head).replace(/^[\s\uFEFF]+/, '');
    // XML, OFX SGML headers and JSON are never MT940, whatever they quote inside.
    if (/^(<|OFXHEADER|\{\s*"|\[)/i.test(start)) return false;
    const lines = headLines(head, 60);
    const i20 = lines.findIndex((l) => l.startsWith(':20:'));
    if (i20 < 0) return false;
    const i25 = lines.findIndex((l, i) => i > i20 && l.startsWith(':25:'));
    if (i25 < 0) return false;
    return lines.some((l, i) => i > i25 && /^:(60F|60M|61|34F):/.test(l));
  },
  parse: parseMt940,
};
