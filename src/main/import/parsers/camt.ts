// Parses ISO 20022 bank-to-customer messages (camt.052 reports, camt.053 statements, camt.054 notifications, .001.02–.08) into bank entries, as a stream.
//
// Mapping decisions:
//   records       one Ntry is one record; a batch entry whose TxDtls carry amounts that add up to
//                 the entry becomes one event per TxDtls, otherwise one event with
//                 extra.batch_unsplit naming why (so nothing is guessed).
//   sign          CdtDbtInd CRDT → positive, DBIT → negative, on the entry and on each TxDtls
//                 (a TxDtls without its own CdtDbtInd takes the entry's). A reversal (RvslInd=true)
//                 keeps the sign the bank booked and sets `reversal`.
//   amounts       exact decimal text → minor units with the currency's exponent. More decimals than
//                 the currency has (5-decimal camt amounts) round half away from zero and the exact
//                 text is kept in extra.amount_exact; balances round the same way, so the pipeline's
//                 opening + entries = closing check compares rounded values.
//   status        only booked entries (Sts BOOK, or no status) are imported and summed; pending and
//                 information entries of intraday reports are not bookings and would double-count
//                 once the booked statement arrives.
//   dates         BookgDt/Dt or the date part of BookgDt/DtTm as written (the bank's calendar day,
//                 not converted); impossible days (30 February) become the month's last day with the
//                 raw text kept. No booking date → the value date (extra.booking_date_from).
//   ids           bankReference = Ntry/AcctSvcrRef; a split part uses its TxDtls/Refs/AcctSvcrRef
//                 when its siblings' are distinct, else "<entry ref>/<n>"; without any bank reference
//                 the hash rule of bankEntryExternalId applies. EndToEndId is the payer's reference
//                 (repeated by returns and by sloppy payers) so it is the trace id, never the id.
//   counterparty  the debtor for money that originally came in (credit, or the reversal of one),
//                 else the creditor; the other side or the ultimate party when that one is absent.
//   balances      every Bal by type code (OPBD, CLBD, PRCD, ITBD, CLAV, … or its proprietary code) in
//                 otherBalances, DBIT negative; repeats of a type get "#2", "#3"; a balance in another
//                 currency than the statement gets ":CCY". opening = OPBD else PRCD, closing = CLBD,
//                 kept even when written in another currency, so such a file fails the balance check.
//   currency      of the statement: Acct/Ccy, else OPBD's, CLBD's, the first entry's, any balance's.
//   code          Domn "PMNT-RCDT-ESCT" (domain-family-subfamily), else Prtry/Cd; split parts carry the
//                 entry's code (what was booked) and their own in extra.transaction_code_detail.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { currencyExponent, isCurrencyCode } from '../../../shared/money/currencies.ts';
import { textEncodingFromLabel } from '../../../shared/import/textEncoding.ts';
import { bankEntryDraft, lenientDate } from '../bank/bankEntry.ts';
import type { BankEntry } from '../bank/bankEntry.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, StatementBalance } from '../parserTypes.ts';
import type { TextEncoding } from '../text/fileText.ts';
import { all, child, declaredXmlEncoding, readXmlEvents, serialize, SubtreeBuilder, text } from '../text/xmlStream.ts';
import type { XmlEvent, XmlNode } from '../text/xmlStream.ts';

const MESSAGES = new Set(['BkToCstmrStmt', 'BkToCstmrAcctRpt', 'BkToCstmrDbtCdtNtfctn']);
const STATEMENTS = new Set(['Stmt', 'Rpt', 'Ntfctn']);
const CAPTURED = new Set(['Id', 'Acct', 'Bal', 'Ntry']);
const CAMT_NS_RE = /^urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.001\.\d{2}$/;
const DECIMAL_RE = /^(\d{1,18})(?:\.(\d{1,20}))?$/;

type Extra = Record<string, string | number | boolean | null>;

class EntryProblem extends Error {
  readonly node: XmlNode;
  constructor(message: string, node: XmlNode) {
    super(message);
    this.node = node;
  }
}

/** One parsed amount: unsigned minor units, currency, and the exact text when it had to be rounded. */
interface Amount {
  minor: number;
  currency: string;
  exact: string | null;
}

function amountOf(node: XmlNode | undefined, where: XmlNode, what: string, fallbackCurrency?: string): Amount {
  if (node === undefined) throw new EntryProblem(`${what} has no amount`, where);
  const raw = node.text.trim();
  const currency = (node.attributes.Ccy ?? fallbackCurrency ?? '').trim().toUpperCase();
  if (!isCurrencyCode(currency)) throw new EntryProblem(`${what}: currency "${currency}" is not an ISO 4217 code`, node);
  const m = DECIMAL_RE.exec(raw);
  if (m === null) throw new EntryProblem(`${what}: "${raw}" is not an amount (digits with an optional "." and decimals)`, node);
  const parsed = parseAmount(raw, currency, { decimal: '.', group: '' }, { allowExcessPrecision: true });
  if (!parsed.ok) throw new EntryProblem(`${what}: ${parsed.error}`, node);
  const extraDigits = (m[2] ?? '').slice(currencyExponent(currency));
  return { minor: parsed.minor, currency, exact: /[1-9]/.test(extraDigits) ? raw : null };
}

function signOf(node: XmlNode | undefined, where: XmlNode, what: string): 1 | -1 {
  const ind = node?.text.trim().toUpperCase();
  if (ind === 'CRDT') return 1;
  if (ind === 'DBIT') return -1;
  if (ind === undefined || ind === '') throw new EntryProblem(`${what} has no CdtDbtInd (CRDT or DBIT)`, where);
  throw new EntryProblem(`${what}: CdtDbtInd "${ind}" is neither CRDT nor DBIT`, node ?? where);
}

/** The calendar date of a Dt/DtTm choice, as written; null when the element is absent. */
function dateOf(node: XmlNode | undefined): { date: string; raw: string; corrected: boolean } | null {
  if (node === undefined) return null;
  const raw = text(node, 'Dt') ?? text(node, 'DtTm');
  if (raw === undefined) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw);
  const day = m !== null && Number(m[1]) >= 1000 ? lenientDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (day === null) throw new EntryProblem(`<${node.name}> "${raw}" is not a calendar date (YYYY-MM-DD)`, node);
  return { date: day.date, raw: raw.slice(0, 10), corrected: day.corrected };
}

function transactionCode(node: XmlNode | undefined): { code: string | null; proprietary: string | null } {
  const domain = child(node, 'Domn');
  const proprietary = text(node, 'Prtry', 'Cd') ?? null;
  if (domain !== undefined) {
    const parts = [text(domain, 'Cd'), text(domain, 'Fmly', 'Cd'), text(domain, 'Fmly', 'SubFmlyCd')].filter((p) => p !== undefined);
    if (parts.length > 0) return { code: parts.join('-'), proprietary };
  }
  return { code: proprietary, proprietary: null };
}

function accountId(node: XmlNode | undefined): string | null {
  return text(node, 'Id', 'IBAN') ?? text(node, 'Id', 'Othr', 'Id') ?? null;
}

function partyName(node: XmlNode | undefined): string | null {
  return text(node, 'Nm') ?? text(node, 'Pty', 'Nm') ?? null;
}

function joined(texts: (string | null)[]): string | null {
  const parts = texts.map((t) => (t ?? '').trim().replace(/\s+/g, ' ')).filter((t) => t !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}

/** What a TxDtls (or, without one, the entry itself) says about the transaction behind the money. */
interface Details {
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  remittance: string | null;
  remittanceStructured: string | null;
  endToEndId: string | null;
  returnReason: string | null;
  extra: Extra;
}

function detailsOf(tx: XmlNode | undefined, moneyCameIn: boolean): Details {
  const parties = child(tx, 'RltdPties');
  const [near, far] = moneyCameIn ? ['Dbtr', 'Cdtr'] : ['Cdtr', 'Dbtr'];
  const ultimate = moneyCameIn ? 'UltmtDbtr' : 'UltmtCdtr';
  const name = partyName(child(parties, near)) ?? partyName(child(parties, ultimate)) ?? partyName(child(parties, far));
  const account = accountId(child(parties, `${near}Acct`)) ?? accountId(child(parties, `${far}Acct`));
  const extra: Extra = {};
  const ultimateDebtor = partyName(child(parties, 'UltmtDbtr'));
  const ultimateCreditor = partyName(child(parties, 'UltmtCdtr'));
  if (ultimateDebtor !== null) extra.ultimate_debtor = ultimateDebtor;
  if (ultimateCreditor !== null) extra.ultimate_creditor = ultimateCreditor;
  const additional = text(tx, 'AddtlTxInf');
  if (additional !== undefined) extra.additional_tx_info = additional;
  const instructed = child(tx, 'AmtDtls', 'InstdAmt', 'Amt');
  if (instructed !== undefined) {
    extra.instructed_amount = instructed.text.trim();
    extra.instructed_currency = instructed.attributes.Ccy ?? null;
  }
  return {
    counterpartyName: name,
    counterpartyAccount: account,
    remittance: joined(all(tx, 'RmtInf', 'Ustrd').map((n) => n.text)),
    remittanceStructured: joined(all(tx, 'RmtInf', 'Strd', 'CdtrRefInf', 'Ref').map((n) => n.text)),
    endToEndId: text(tx, 'Refs', 'EndToEndId') ?? null,
    returnReason: text(tx, 'RtrInf', 'Rsn', 'Cd') ?? text(tx, 'RtrInf', 'Rsn', 'Prtry') ?? null,
    extra,
  };
}

/** Details of an unsplit batch: what all parts agree on, remittance of all parts. */
function mergedDetails(parts: Details[]): Details {
  const same = <K extends keyof Details>(k: K): Details[K] | null => {
    const first = parts[0]?.[k] ?? null;
    return parts.every((p) => p[k] === first) ? first : null;
  };
  return {
    counterpartyName: same('counterpartyName'),
    counterpartyAccount: same('counterpartyAccount'),
    remittance: joined(parts.map((p) => p.remittance)),
    remittanceStructured: joined(parts.map((p) => p.remittanceStructured)),
    endToEndId: same('endToEndId'),
    returnReason: same('returnReason'),
    extra: {},
  };
}

/** Per-statement bookkeeping: constant size apart from one counter per booking day. */
interface StatementState {
  node: { line: number; column: number };
  id: string | null;
  account: string | null;
  accountCurrency: string | null;
  opening: { minor: number; currency: string } | null;
  closing: { minor: number; currency: string } | null;
  /** The closing booked balance's date: the last day the statement covers. */
  closingDate: string | null;
  balances: { type: string; minor: number; currency: string }[];
  firstEntryCurrency: string | null;
  sum: number;
  count: number;
  dayPositions: Map<string, number>;
}

function newStatement(line: number, column: number): StatementState {
  return {
    node: { line, column },
    id: null,
    account: null,
    accountCurrency: null,
    opening: null,
    closing: null,
    closingDate: null,
    balances: [],
    firstEntryCurrency: null,
    sum: 0,
    count: 0,
    dayPositions: new Map(),
  };
}

function readBalance(st: StatementState, bal: XmlNode): void {
  const type = text(bal, 'Tp', 'CdOrPrtry', 'Cd') ?? text(bal, 'Tp', 'CdOrPrtry', 'Prtry');
  try {
    if (type === undefined) throw new EntryProblem('<Bal> has no type (Tp/CdOrPrtry/Cd)', bal);
    const amount = amountOf(child(bal, 'Amt'), bal, `balance ${type}`, st.accountCurrency ?? undefined);
    const minor = amount.minor * signOf(child(bal, 'CdtDbtInd'), bal, `balance ${type}`);
    const code = type.toUpperCase();
    st.balances.push({ type: code, minor, currency: amount.currency });
    if (code === 'OPBD' && st.opening === null) st.opening = { minor, currency: amount.currency };
    if (code === 'CLBD' && st.closing === null) {
      st.closing = { minor, currency: amount.currency };
      st.closingDate = dateOf(child(bal, 'Dt'))?.date ?? null;
    }
  } catch (err) {
    // A statement's balances are its check: a broken one makes the whole file untrustworthy.
    if (err instanceof EntryProblem) throw new FormatError(err.message, { line: err.node.line, column: err.node.column });
    throw err;
  }
}

function statementCurrency(st: StatementState): string | null {
  return st.accountCurrency ?? st.opening?.currency ?? st.closing?.currency ?? st.firstEntryCurrency ?? st.balances[0]?.currency ?? null;
}

function statementRecord(st: StatementState, endLine: number): RecordResult[] {
  const currency = statementCurrency(st);
  if (currency === null || st.account === null) return [];
  const other: Record<string, number> = {};
  for (const b of st.balances) {
    const base = b.currency === currency ? b.type : `${b.type}:${b.currency}`;
    let key = base;
    for (let n = 2; key in other; n++) key = `${base}#${n}`;
    other[key] = b.minor;
  }
  const prcd = st.balances.find((b) => b.type === 'PRCD');
  const statement: StatementBalance = {
    statementId: st.id ?? '',
    account: st.account,
    currency,
    openingMinor: st.opening?.minor ?? prcd?.minor ?? null,
    closingMinor: st.closing?.minor ?? null,
    entriesSumMinor: st.sum,
    entryCount: st.count,
    otherBalances: other,
    ...(st.closingDate !== null ? { periodEnd: st.closingDate } : {}),
  };
  return [{ ok: true, events: [], lineStart: st.node.line, lineEnd: endLine, statement }];
}

interface EntryContext {
  st: StatementState;
  timeZone: string;
}

function entryStatus(ntry: XmlNode): string {
  return (text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts') ?? 'BOOK').toUpperCase();
}

/** The entry-level facts every event of the entry shares. */
interface EntryBase {
  amount: Amount;
  signed: number;
  reversal: boolean;
  bookingDate: string;
  rawBookingDate?: string;
  valueDate: string | null;
  reference: string | null;
  code: string | null;
  extra: Extra;
}

function entryBase(ntry: XmlNode, st: StatementState): EntryBase {
  const amount = amountOf(child(ntry, 'Amt'), ntry, 'entry', st.accountCurrency ?? undefined);
  const signed = amount.minor * signOf(child(ntry, 'CdtDbtInd'), ntry, 'entry');
  const booking = dateOf(child(ntry, 'BookgDt'));
  const value = dateOf(child(ntry, 'ValDt'));
  const day = booking ?? value;
  if (day === null) throw new EntryProblem('entry has neither a booking date (BookgDt) nor a value date (ValDt)', ntry);
  const code = transactionCode(child(ntry, 'BkTxCd'));
  const extra: Extra = {};
  if (booking === null) extra.booking_date_from = 'value_date';
  if (code.proprietary !== null) extra.bank_code_proprietary = code.proprietary;
  const entryRef = text(ntry, 'NtryRef');
  if (entryRef !== undefined) extra.entry_ref = entryRef;
  const info = text(ntry, 'AddtlNtryInf');
  if (info !== undefined) extra.additional_entry_info = info;
  return {
    amount,
    signed,
    reversal: /^(true|1)$/i.test(text(ntry, 'RvslInd') ?? ''),
    bookingDate: day.date,
    ...(day.corrected ? { rawBookingDate: day.raw } : {}),
    valueDate: value?.date ?? null,
    reference: text(ntry, 'AcctSvcrRef') ?? null,
    code: code.code,
    extra,
  };
}

function toEntry(
  ctx: EntryContext,
  base: EntryBase,
  part: { signed: number; exact: string | null; details: Details; reference: string | null; code: string | null; extra: Extra },
): BankEntry {
  const { st } = ctx;
  const account = st.account ?? '';
  const dayKey = base.bookingDate;
  const position = st.dayPositions.get(dayKey) ?? 0;
  st.dayPositions.set(dayKey, position + 1);
  const d = part.details;
  return {
    account,
    bookingDate: base.bookingDate,
    valueDate: base.valueDate,
    amountMinor: part.signed,
    currency: base.amount.currency,
    counterpartyName: d.counterpartyName,
    counterpartyAccount: d.counterpartyAccount,
    remittance: d.remittance,
    remittanceStructured: d.remittanceStructured,
    endToEndId: d.endToEndId,
    bankReference: part.reference,
    reversal: base.reversal,
    transactionCode: part.code,
    returnReason: d.returnReason,
    statementId: st.id ?? '',
    positionInDay: position,
    ...(base.rawBookingDate !== undefined ? { rawBookingDate: base.rawBookingDate } : {}),
    extra: { ...base.extra, ...d.extra, ...part.extra, ...(part.exact !== null ? { amount_exact: part.exact } : {}) },
  };
}

interface Part {
  tx: XmlNode;
  signed: number;
  exact: string | null;
}

/** The TxDtls as split parts, or why the entry cannot be split. */
function splitParts(txs: XmlNode[], base: EntryBase, entrySign: 1 | -1): Part[] | string {
  const parts: Part[] = [];
  for (const [i, tx] of txs.entries()) {
    const node = child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt');
    if (node === undefined) return `transaction ${i + 1} of ${txs.length} has no amount`;
    let amount: Amount;
    let sign: 1 | -1;
    try {
      amount = amountOf(node, tx, `transaction ${i + 1}`);
      const ind = child(tx, 'CdtDbtInd');
      sign = ind === undefined ? entrySign : signOf(ind, tx, `transaction ${i + 1}`);
    } catch (err) {
      if (err instanceof EntryProblem) return err.message;
      throw err;
    }
    if (amount.currency !== base.amount.currency) return `transaction ${i + 1} is in ${amount.currency}, the entry in ${base.amount.currency}`;
    parts.push({ tx, signed: amount.minor * sign, exact: amount.exact });
  }
  const sum = parts.reduce((s, p) => s + p.signed, 0);
  if (sum !== base.signed) return `the transactions add up to ${sum} minor units, the entry is ${base.signed}`;
  return parts;
}

function partReferences(parts: Part[], entryRef: string | null): (string | null)[] {
  const own = parts.map((p) => text(p.tx, 'Refs', 'AcctSvcrRef') ?? null);
  const distinct = own.every((r) => r !== null && r !== entryRef) && new Set(own).size === own.length;
  if (distinct) return own;
  return parts.map((_, i) => (entryRef === null ? null : `${entryRef}/${i + 1}`));
}

function sameAmount(node: XmlNode, amount: Amount): boolean {
  try {
    const a = amountOf(node, node, 'transaction', amount.currency);
    return a.minor === amount.minor && a.currency === amount.currency;
  } catch (err) {
    if (err instanceof EntryProblem) return false;
    throw err;
  }
}

function entriesOf(ctx: EntryContext, ntry: XmlNode): BankEntry[] {
  const base = entryBase(ntry, ctx.st);
  const entrySign: 1 | -1 = base.signed < 0 || (base.signed === 0 && /DBIT/i.test(text(ntry, 'CdtDbtInd') ?? '')) ? -1 : 1;
  const moneyCameIn = entrySign > 0 !== base.reversal;
  const txs = all(ntry, 'NtryDtls', 'TxDtls');
  if (txs.length >= 2) {
    const split = splitParts(txs, base, entrySign);
    if (typeof split !== 'string') {
      const refs = partReferences(split, base.reference);
      return split.map((p, i) => {
        // The entry's code names what the bank booked; a part's own code is kept beside it.
        const own = transactionCode(child(p.tx, 'BkTxCd')).code;
        const code = base.code ?? own;
        const partIn = (p.signed > 0 || (p.signed === 0 && entrySign > 0)) !== base.reversal;
        const extra: Extra = { batch_part: i + 1, batch_parts: split.length, batch_entry_amount_minor: base.signed };
        if (base.reference !== null) extra.batch_entry_ref = base.reference;
        if (own !== null && own !== code) extra.transaction_code_detail = own;
        return toEntry(ctx, base, { signed: p.signed, exact: p.exact, details: detailsOf(p.tx, partIn), reference: refs[i] ?? null, code, extra });
      });
    }
    const details = mergedDetails(txs.map((tx) => detailsOf(tx, moneyCameIn)));
    const extra: Extra = { batch_unsplit: split, batch_transactions: txs.length };
    return [toEntry(ctx, base, { signed: base.signed, exact: base.amount.exact, details, reference: base.reference, code: base.code, extra })];
  }
  const tx = txs[0];
  const extra: Extra = {};
  const txAmount = child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt');
  if (txAmount !== undefined && !sameAmount(txAmount, base.amount)) {
    // Kept for the reviewer, not used: the entry amount is what was booked (v8 files carry "0" here).
    extra.transaction_amount = `${txAmount.text.trim()} ${txAmount.attributes.Ccy ?? ''}`.trim();
  }
  const reference = base.reference ?? text(tx, 'Refs', 'AcctSvcrRef') ?? null;
  const code = base.code ?? transactionCode(child(tx, 'BkTxCd')).code;
  return [toEntry(ctx, base, { signed: base.signed, exact: base.amount.exact, details: detailsOf(tx, moneyCameIn), reference, code, extra })];
}

function entryRecord(ctx: EntryContext, ntry: XmlNode): RecordResult[] {
  const { st } = ctx;
  if (st.account === null)
    throw new FormatError('entry <Ntry> before the statement names its account (<Acct>)', { line: ntry.line, column: ntry.column });
  if (entryStatus(ntry) !== 'BOOK') return [];
  let entries: BankEntry[];
  let events: EventDraftInput[];
  try {
    entries = entriesOf(ctx, ntry);
    events = entries.map((e) => bankEntryDraft(e, ctx.timeZone));
  } catch (err) {
    if (!(err instanceof EntryProblem) && !(err instanceof Error && err.message.startsWith('bankEntryDraft'))) throw err;
    const at = err instanceof EntryProblem ? err.node : ntry;
    return [{ ok: false, position: { line: at.line, column: at.column }, message: err.message, raw: serialize(ntry), lineEnd: ntry.endLine }];
  }
  for (const e of entries) {
    st.sum += e.amountMinor;
    st.count++;
    st.firstEntryCurrency ??= e.currency;
  }
  return [{ ok: true, events, lineStart: ntry.line, lineEnd: ntry.endLine }];
}

/** Walks the event stream: message, statement, and one captured statement child at a time. */
class CamtWalker {
  private readonly path: string[] = [];
  private builder: SubtreeBuilder | null = null;
  private st: StatementState | null = null;
  private statementsSeen = 0;
  private readonly timeZone: string;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  *walk(events: Iterable<XmlEvent>): Generator<RecordResult> {
    for (const ev of events) {
      if (this.builder !== null) {
        const done = this.builder.add(ev);
        if (done !== undefined) {
          this.builder = null;
          yield* this.complete(done);
        }
      } else if (ev.kind === 'start') {
        this.start(ev);
      } else if (ev.kind === 'end') {
        this.path.pop();
        if (STATEMENTS.has(ev.name) && this.st !== null && this.path.length === this.messageDepth() + 1) {
          yield* statementRecord(this.st, ev.line);
          this.st = null;
        }
      }
    }
    if (this.statementsSeen === 0) throw new FormatError('no statement (<Stmt>, <Rpt> or <Ntfctn>) in this camt message', { line: 1, column: 1 });
  }

  private messageDepth(): number {
    return this.path[0] === 'Document' ? 1 : 0;
  }

  private start(ev: Extract<XmlEvent, { kind: 'start' }>): void {
    const depth = this.path.length;
    const at = { line: ev.line, column: ev.column };
    if (depth === 0 && ev.name !== 'Document' && !MESSAGES.has(ev.name)) {
      throw new FormatError(`root element <${ev.name}> is not a camt <Document>`, at);
    }
    if (depth === this.messageDepth() && depth > 0 && !MESSAGES.has(ev.name)) {
      throw new FormatError(`<${ev.name}> is not a camt.052/053/054 message (BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)`, at);
    }
    if (depth === this.messageDepth() + 1 && STATEMENTS.has(ev.name)) {
      this.st = newStatement(ev.line, ev.column);
      this.statementsSeen++;
    } else if (depth === this.messageDepth() + 2 && this.st !== null && CAPTURED.has(ev.name)) {
      this.builder = new SubtreeBuilder(ev);
      return;
    }
    this.path.push(ev.name);
  }

  private complete(node: XmlNode): RecordResult[] {
    const st = this.st;
    if (st === null) return [];
    if (node.name === 'Id') st.id = node.text.trim();
    else if (node.name === 'Acct') this.account(st, node);
    else if (node.name === 'Bal') readBalance(st, node);
    else return entryRecord({ st, timeZone: this.timeZone }, node);
    return [];
  }

  private account(st: StatementState, node: XmlNode): void {
    st.account = accountId(node);
    if (st.account === null) throw new FormatError('<Acct> has neither Id/IBAN nor Id/Othr/Id', { line: node.line, column: node.column });
    const ccy = text(node, 'Ccy')?.toUpperCase();
    if (ccy !== undefined && !isCurrencyCode(ccy))
      throw new FormatError(`account currency "${ccy}" is not an ISO 4217 code`, { line: node.line, column: node.column });
    st.accountCurrency = ccy ?? null;
  }
}

/** The first two element names and the root's attributes, read from the head of a file. */
function headElements(head: string): { names: string[]; rootAttributes: Record<string, string> } {
  const names: string[] = [];
  let rootAttributes: Record<string, string> = {};
  try {
    for (const ev of readXmlEvents([head])) {
      if (ev.kind !== 'start') continue;
      if (names.length === 0) rootAttributes = ev.attributes;
      names.push(ev.name);
      if (names.length === 2) break;
    }
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
  }
  return { names, rootAttributes };
}

export const camtParser: FormatParser = {
  kinds: ['bank_credit', 'bank_debit'],
  format: 'camt',
  version: 1,
  description: 'ISO 20022 camt.053 bank statement, camt.052 account report or camt.054 debit/credit notification (XML, .001.02–.08)',
  detect(head: string): boolean {
    if (!/^\uFEFF?\s*</.test(head)) return false;
    const { names, rootAttributes } = headElements(head);
    if (names[0] !== 'Document') return false;
    const namespaced = Object.entries(rootAttributes).some(([k, v]) => (k === 'xmlns' || k.startsWith('xmlns:')) && CAMT_NS_RE.test(v.trim()));
    return namespaced || (names[1] !== undefined && MESSAGES.has(names[1]));
  },
  declaredEncoding(head: string): TextEncoding | undefined {
    const label = declaredXmlEncoding(head);
    return label === undefined ? undefined : textEncodingFromLabel(label);
  },
  parse(input: ParseInput): Iterable<RecordResult> {
    return new CamtWalker(input.timeZone).walk(readXmlEvents(input.chunks));
  },
};
