// The months the period selector offers: every month, in the workspace time zone, that has events by business date,
// newest first with its event count. The latest is the selector's default.
import type { LedgerDb } from '../ledger/database.ts';
import type { ResponseOf } from '../../shared/api/contract.ts';
import { BANK_LINE_KINDS, shiftMonth, startOfDay } from '../../shared/time/period.ts';
import { utcInstantToLocalDate } from '../../shared/time/dateText.ts';

const BANK_KINDS_SQL = BANK_LINE_KINDS.map((k) => `'${k}'`).join(', ');
/** A ledger spanning more months than this (a stray date in 1970) lists the newest ones only. */
const MAX_MONTHS = 240;

/**
 * Events are counted per month over the occurred_at index (no event row is read), then bank lines, which are few,
 * are moved from the month of their instant to the month of their booking date.
 */
export function availablePeriods(db: LedgerDb, timeZone: string): ResponseOf<'periods.available'> {
  return db.transaction(() => {
    const span = db.prepare('SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM events').get() as {
      first: string | null;
      last: string | null;
    };
    if (span.first === null || span.last === null) return { timeZone, months: [], latest: null };
    const bank = db
      .prepare(`SELECT occurred_at, local_date FROM events WHERE kind IN (${BANK_KINDS_SQL}) AND local_date IS NOT NULL`)
      .all() as Array<{ occurred_at: string; local_date: string }>;
    const last = utcInstantToLocalDate(span.last, timeZone).slice(0, 7);
    const bankLast = bank.reduce((m, b) => (b.local_date.slice(0, 7) > m ? b.local_date.slice(0, 7) : m), last);
    const first = utcInstantToLocalDate(span.first, timeZone).slice(0, 7);
    const counts = new Map<string, number>();
    const count = db.prepare('SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?').pluck();
    const starts: Array<[string, string]> = [];
    for (let month = bankLast, n = 0; month >= shiftMonth(first, -1) && n < MAX_MONTHS; month = shiftMonth(month, -1), n++) {
      starts.push([month, startOfDay(`${month}-01`, timeZone)]);
    }
    starts.reverse();
    for (let i = 0; i < starts.length; i++) {
      const [month, from] = starts[i] as [string, string];
      const to = i + 1 < starts.length ? (starts[i + 1] as [string, string])[1] : startOfDay(`${shiftMonth(month, 1)}-01`, timeZone);
      counts.set(month, count.get(from, to) as number);
    }
    const monthOfInstant = (at: string): string | undefined => {
      for (let i = starts.length - 1; i >= 0; i--) if ((starts[i] as [string, string])[1] <= at) return (starts[i] as [string, string])[0];
      return undefined;
    };
    for (const b of bank) {
      const byInstant = monthOfInstant(b.occurred_at);
      if (byInstant !== undefined) counts.set(byInstant, (counts.get(byInstant) ?? 0) - 1);
      const booked = b.local_date.slice(0, 7);
      counts.set(booked, (counts.get(booked) ?? 0) + 1);
    }
    const months = [...counts]
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
      .map(([month, events]) => ({ month, events }));
    return { timeZone, months, latest: months[0]?.month ?? null };
  })();
}
