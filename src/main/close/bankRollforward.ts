// Bank rollforward per account: opening + credits − debits = closing for a month by booking date, tied to the closing
// balance the bank's own statements state at (or nearest before) the month's end.
import type { LedgerDb } from '../ledger/database.ts';
import type { BankRollforward } from '../../shared/close/closeReport.ts';
import { beforePeriodSql, currentRevisionSql, inPeriodSql, periodParams, shiftMonth, type ClosePeriod } from './closePeriod.ts';
import type { ClosePayload, PeriodEntry } from './periodStates.ts';
import type { LedgerStatement } from './statements.ts';

const ACCOUNT_SQL = "coalesce(json_extract(e.attributes, '$.account'), '')";

export const bankKey = (source: string, account: string, currency: string): string => `${source} ${account === '' ? '-' : account} ${currency}`;

interface Sums {
  source: string;
  account: string;
  currency: string;
  credits: number;
  debits: number;
  n: number;
}

export function bankRollforward(db: LedgerDb, p: ClosePeriod, previousClose: PeriodEntry | null, statements: LedgerStatement[]): BankRollforward[] {
  const params = periodParams(p);
  const rows = new Map<string, BankRollforward>();
  const row = (source: string, account: string, currency: string): BankRollforward => {
    const key = bankKey(source, account, currency);
    const r = rows.get(key) ?? {
      key,
      source,
      account,
      currency,
      opening: 0,
      openingBasis: '',
      credits: 0,
      debits: 0,
      priorPeriodItems: 0,
      closing: 0,
      bankClosing: null,
      bankClosingDate: null,
      difference: null,
      statements: 0,
      events: 0,
    };
    rows.set(key, r);
    return r;
  };
  const sums = db
    .prepare(
      `SELECT e.source, ${ACCOUNT_SQL} AS account, e.currency, sum(max(e.amount_minor, 0)) AS credits, -sum(min(e.amount_minor, 0)) AS debits, count(*) AS n
       FROM events e WHERE ${inPeriodSql(p, 'e')} AND e.kind IN ('bank_credit', 'bank_debit') AND ${currentRevisionSql('e')} GROUP BY e.source, account, e.currency`,
    )
    .all(params) as Sums[];
  for (const s of sums) {
    const r = row(s.source, s.account, s.currency);
    r.credits = s.credits;
    r.debits = s.debits;
    r.events = s.n;
  }
  for (const s of statements)
    if (s.lastDate !== null && s.lastDate >= p.fromDate && (s.firstDate ?? s.lastDate) <= p.toDate) row(s.source, s.account, s.currency);
  if (previousClose !== null) openFromClose(db, p, previousClose, row);
  for (const r of rows.values()) {
    const own = statements.filter((s) => s.source === r.source && s.currency === r.currency && (s.account === r.account || r.account === ''));
    if (previousClose === null || r.openingBasis === '') openFromStatements(db, p, r, own);
    r.closing = r.opening + r.credits - r.debits + r.priorPeriodItems;
    const inMonth = own.filter((s) => s.lastDate !== null && s.lastDate >= p.fromDate && (s.firstDate ?? s.lastDate) <= p.toDate);
    r.statements = inMonth.length;
    const last = inMonth
      .filter((s) => s.closingMinor !== null && (s.lastDate as string) <= p.toDate)
      .sort((a, b) => ((a.lastDate as string) < (b.lastDate as string) ? -1 : 1))
      .at(-1);
    if (last !== undefined) {
      r.bankClosing = last.closingMinor;
      r.bankClosingDate = last.lastDate;
      // A statement that ends before the month does is compared with the ledger's balance on its own last day.
      r.difference = (last.closingMinor as number) - (r.opening + r.priorPeriodItems + balanceChangeThrough(db, p, r, last.lastDate as string));
    }
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

function openFromClose(db: LedgerDb, p: ClosePeriod, previous: PeriodEntry, row: (s: string, a: string, c: string) => BankRollforward): void {
  const payload = previous.payload as Pick<ClosePayload, 'closing_balances' | 'events_through_seq'>;
  for (const b of payload.closing_balances ?? []) {
    if (b.type !== 'bank') continue;
    const r = row(b.source, b.account, b.currency);
    r.opening = b.amount;
    r.openingBasis = `closing of ${shiftMonth(p.month, -1)} as signed off`;
  }
  const late = db
    .prepare(
      `SELECT e.source, ${ACCOUNT_SQL} AS account, e.currency, sum(e.amount_minor) AS amount FROM events e
       WHERE e.seq > @through AND ${beforePeriodSql('e')} AND e.kind IN ('bank_credit', 'bank_debit') AND ${currentRevisionSql('e')} GROUP BY e.source, account, e.currency`,
    )
    .all({ ...periodParams(p), through: payload.events_through_seq ?? 0 }) as Array<{
    source: string;
    account: string;
    currency: string;
    amount: number;
  }>;
  for (const l of late) row(l.source, l.account, l.currency).priorPeriodItems += l.amount;
}

/** The bank's balance at the month's start: the opening of its first statement that starts in the month, else the closing of the last before it. */
function openFromStatements(db: LedgerDb, p: ClosePeriod, r: BankRollforward, own: LedgerStatement[]): void {
  const dated = own.filter((s) => s.firstDate !== null && s.lastDate !== null);
  const starting = dated
    .filter((s) => s.openingMinor !== null && (s.firstDate as string) >= p.fromDate && (s.firstDate as string) <= p.toDate)
    .sort((a, b) => ((a.firstDate as string) < (b.firstDate as string) ? -1 : 1))[0];
  const before = dated
    .filter((s) => s.closingMinor !== null && (s.lastDate as string) < p.fromDate)
    .sort((a, b) => ((a.lastDate as string) < (b.lastDate as string) ? -1 : 1))
    .at(-1);
  if (before !== undefined) {
    r.opening = before.closingMinor as number;
    r.openingBasis = `closing balance of statement ${before.statementId} (${before.lastDate})`;
  } else if (starting !== undefined) {
    // Lines booked in the month before that statement starts are then outside the bank's stated balances; they are counted from the ledger.
    r.opening = (starting.openingMinor as number) - balanceChangeBetween(db, r, p.fromDate, starting.firstDate as string);
    r.openingBasis = `opening balance of statement ${starting.statementId} (${starting.firstDate})`;
  } else {
    const prior = db
      .prepare(
        `SELECT sum(e.amount_minor) FROM events e WHERE ${beforePeriodSql('e')} AND e.kind IN ('bank_credit', 'bank_debit') AND ${currentRevisionSql('e')} AND e.source = @source AND e.currency = @currency AND ${ACCOUNT_SQL} = @account`,
      )
      .pluck()
      .get({ ...periodParams(p), source: r.source, currency: r.currency, account: r.account }) as number | null;
    r.opening = prior ?? 0;
    r.openingBasis = prior === null ? 'no statement balance and no earlier lines' : 'earlier lines in the ledger (no statement balance)';
  }
}

/** Σ of the account's lines booked from the month's first day through `through`. */
function balanceChangeThrough(db: LedgerDb, p: ClosePeriod, r: BankRollforward, through: string): number {
  return balanceChangeBetween(db, r, p.fromDate, through, true);
}

function balanceChangeBetween(db: LedgerDb, r: BankRollforward, from: string, to: string, inclusive = false): number {
  const v = db
    .prepare(
      `SELECT sum(e.amount_minor) FROM events e WHERE e.kind IN ('bank_credit', 'bank_debit') AND ${currentRevisionSql('e')} AND e.source = @source AND e.currency = @currency
       AND ${ACCOUNT_SQL} = @account AND e.local_date >= @from AND e.local_date ${inclusive ? '<=' : '<'} @to`,
    )
    .pluck()
    .get({ source: r.source, currency: r.currency, account: r.account, from, to }) as number | null;
  return v ?? 0;
}
