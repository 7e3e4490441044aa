// Writes synthetic SWIFT MT940/MT942 statements from entries, streamed as text chunks, for round-trip tests, benchmarks and demos.
import { currencyExponent } from '../../shared/money/currencies.ts';

/** German `:86:` structured details; texts must not contain `?` (the subfield separator). */
export interface Mt940DetailsInput {
  gvc: string;
  postingText?: string;
  primaNota?: string;
  /** Purpose (Verwendungszweck); SEPA keys (EREF+, SVWZ+) are written when endToEndId is set. */
  purpose?: string;
  endToEndId?: string;
  counterpartyBank?: string;
  counterpartyAccount?: string;
  counterpartyName?: string;
  textKeyExtension?: string;
}

export interface Mt940EntryInput {
  /** YYYY-MM-DD. */
  valueDate: string;
  /** YYYY-MM-DD; written as the MMDD entry date when given. */
  bookingDate?: string | null;
  /** Signed minor units: credit positive, debit negative (a reversal keeps the booked sign). */
  amountMinor: number;
  reversal?: boolean;
  transactionType?: string;
  customerReference?: string;
  bankReference?: string | null;
  supplementary?: string | null;
  /** Structured German details, or free text, or nothing. */
  details?: Mt940DetailsInput | string | null;
}

export interface Mt940StatementInput {
  reference: string;
  account: string;
  statementNumber?: string;
  currency: string;
  /** YYYY-MM-DD of the opening balance (and, by default, the closing balance). */
  date: string;
  closingDate?: string;
  openingMinor: number;
  entries: Iterable<Mt940EntryInput>;
  /** Wrap in `{1:}{2:}{4:` … `-}` blocks (as SWIFT delivers), or end with a bare `-`. */
  framing?: boolean;
  lineEnding?: '\r\n' | '\n';
  /** MT942: floor limit and :13D: instead of balances, :90D:/:90C: sums at the end. */
  mt942?: boolean;
}

const LINE = 65;

/** `1234,56` for 123456 minor units (the sign goes into the D/C mark). */
export function mt940Amount(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const abs = String(Math.abs(minor)).padStart(exp + 1, '0');
  return exp === 0 ? `${abs},` : `${abs.slice(0, -exp)},${abs.slice(-exp)}`;
}

function yymmdd(date: string): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

function balance(tag: string, minor: number, date: string, currency: string): string {
  return `:${tag}:${minor < 0 ? 'D' : 'C'}${yymmdd(date)}${currency}${mt940Amount(minor, currency)}`;
}

/** Cuts text into lines of at most 65 characters; a continuation line starting with `:`, `-` or `{` would read as a tag or a trailer. */
function wrap(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += LINE) out.push(text.slice(i, i + LINE));
  if (out.slice(1).some((l) => /^[:{-]/.test(l)))
    throw new Error(`:86: text would put ":", "-" or "{" at the start of a line: ${JSON.stringify(text)}`);
  return out.length === 0 ? [''] : out;
}

/** D, C, RD or RC: the mark says what was booked, so a reversal of a credit (RC) is a debit. */
function entryMark(e: Mt940EntryInput): 'D' | 'C' | 'RD' | 'RC' {
  const debitLooking = e.amountMinor < 0 !== (e.reversal === true);
  if (e.reversal === true) return debitLooking ? 'RD' : 'RC';
  return debitLooking ? 'D' : 'C';
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function structuredDetails(d: Mt940DetailsInput): string {
  let text = d.gvc;
  const add = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') text += `?${key}${value}`;
  };
  add('00', d.postingText);
  add('10', d.primaNota);
  const purpose = d.endToEndId !== undefined ? `EREF+${d.endToEndId}SVWZ+${d.purpose ?? ''}` : (d.purpose ?? '');
  const parts = chunks(purpose, 27);
  const keys = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'];
  if (parts.length > keys.length) throw new Error(`purpose too long for :86: (${purpose.length} characters)`);
  parts.forEach((p, i) => add(keys[i] ?? '63', p));
  add('30', d.counterpartyBank);
  add('31', d.counterpartyAccount);
  const name = chunks(d.counterpartyName ?? '', 27);
  add('32', name[0]);
  add('33', name.slice(1).join(''));
  add('34', d.textKeyExtension);
  return text;
}

function entryLines(e: Mt940EntryInput, currency: string): string[] {
  const mark = entryMark(e);
  const booking = e.bookingDate != null ? e.bookingDate.slice(5, 7) + e.bookingDate.slice(8, 10) : '';
  const ref = e.bankReference != null ? `//${e.bankReference}` : '';
  const lines = [
    `:61:${yymmdd(e.valueDate)}${booking}${mark}${mt940Amount(e.amountMinor, currency)}${e.transactionType ?? 'NTRF'}${e.customerReference ?? 'NONREF'}${ref}`,
  ];
  if (e.supplementary != null) lines.push(e.supplementary);
  if (e.details != null) {
    const text = typeof e.details === 'string' ? e.details : structuredDetails(e.details);
    const [first = '', ...rest] = wrap(text);
    lines.push(`:86:${first}`, ...rest);
  }
  return lines;
}

/**
 * Yields one statement as text chunks (one per entry), keeping only running sums, so a
 * statement of any size can be written or fed to a parser without building it in memory.
 */
export function* mt940StatementChunks(s: Mt940StatementInput): Generator<string> {
  const nl = s.lineEnding ?? '\r\n';
  const out = (lines: string[]): string => lines.map((l) => l + nl).join('');
  const head = [`:20:${s.reference}`, `:25:${s.account}`, `:28C:${s.statementNumber ?? '1/1'}`];
  if (s.mt942 === true) head.push(`:34F:${s.currency}0,`, `:13D:${yymmdd(s.date)}1200+0100`);
  else head.push(balance('60F', s.openingMinor, s.date, s.currency));
  yield (s.framing === true ? `{1:F01TIEOUTXXAXXX0000000000}{2:O940TIEOUTXXAXXXN}{4:${nl}` : '') + out(head);
  let sum = s.openingMinor;
  const sides = { D: { n: 0, sum: 0 }, C: { n: 0, sum: 0 } };
  for (const e of s.entries) {
    sum += e.amountMinor;
    const mark = entryMark(e);
    const side = mark === 'D' || mark === 'RC' ? sides.D : sides.C;
    side.n++;
    side.sum += Math.abs(e.amountMinor);
    yield out(entryLines(e, s.currency));
  }
  const tail: string[] = [];
  if (s.mt942 === true) {
    tail.push(
      `:90D:${sides.D.n}${s.currency}${mt940Amount(sides.D.sum, s.currency)}`,
      `:90C:${sides.C.n}${s.currency}${mt940Amount(sides.C.sum, s.currency)}`,
    );
  } else {
    tail.push(balance('62F', sum, s.closingDate ?? s.date, s.currency));
  }
  tail.push(s.framing === true ? '-}' : '-');
  yield out(tail);
}

/** A whole file of statements, as one string (small files: tests, demos). */
export function writeMt940(statements: Iterable<Mt940StatementInput>): string {
  let text = '';
  for (const s of statements) for (const chunk of mt940StatementChunks(s)) text += chunk;
  return text;
}
