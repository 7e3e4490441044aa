// Which months are closed: read from the journal (period.closed / period.reopened entries, subject `period:YYYY-MM`), the
// latest entry of a month deciding. No projection to keep in step: the journal is the record of every sign-off.
import type { LedgerDb } from '../ledger/database.ts';
import { shiftMonth } from './closePeriod.ts';
import type { ChecklistItem, Rollforward } from '../../shared/close/closeReport.ts';

/** What a period.closed entry's payload holds (src/main/close/closeWorkflow.ts writes it). */
export interface ClosePayload {
  period: string;
  time_zone: string;
  closed_at: string;
  by: string;
  /** The pack stored as an artifact: its sha256 is its artifact id. */
  pack: { sha256: string; bytes: number; file_name: string };
  /** The ledger's journal head when the pack was made: the entry before this one. */
  ledger_head_hash: string;
  /** The last event seq the close saw: events after it with business dates in the period arrived late. */
  events_through_seq: number;
  journal_segment: { first_seq: number; last_seq: number };
  accepted_open: { count: number; ids_sha256: string };
  source_notes: Record<string, string>;
  /** Closing balances of the rollforward per account, which the next month opens with. */
  closing_balances: ClosingBalance[];
  /** The checklist and rollforward as signed: a closed month shows these, never a recomputation. */
  report: { checklist: ChecklistItem[]; rollforward: Rollforward };
}

export interface ClosingBalance {
  type: 'processor' | 'bank';
  source: string;
  /** The bank account ('' where the statement names none); '' for a processor. */
  account: string;
  currency: string;
  amount: number;
}

export interface PeriodEntry {
  seq: number;
  type: 'period.closed' | 'period.reopened';
  month: string;
  actor: string;
  reason: string | null;
  createdAt: string;
  hash: string;
  payload: Record<string, unknown>;
}

export interface PeriodState {
  month: string;
  closed: boolean;
  /** The entry in force: the close (when closed) or the reopening. */
  latest: PeriodEntry;
  /** Every close and reopening of the month, oldest first. */
  history: PeriodEntry[];
}

export const periodSubject = (month: string): string => `period:${month}`;

/** Every month that was ever closed, with its state (the subject range uses the journal's subject index). */
export function periodStates(db: LedgerDb): Map<string, PeriodState> {
  const rows = db
    .prepare(
      `SELECT seq, entry_type, subject_id, actor, reason, created_at, hash, payload FROM journal
       WHERE subject_id >= 'period:' AND subject_id < 'period;' AND entry_type IN ('period.closed', 'period.reopened') ORDER BY seq`,
    )
    .all() as Array<{
    seq: number;
    entry_type: PeriodEntry['type'];
    subject_id: string;
    actor: string;
    reason: string | null;
    created_at: string;
    hash: string;
    payload: string;
  }>;
  const states = new Map<string, PeriodState>();
  for (const r of rows) {
    const month = r.subject_id.slice('period:'.length);
    const entry: PeriodEntry = {
      seq: r.seq,
      type: r.entry_type,
      month,
      actor: r.actor,
      reason: r.reason,
      createdAt: r.created_at,
      hash: r.hash,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
    };
    const s = states.get(month) ?? { month, closed: false, latest: entry, history: [] };
    s.history.push(entry);
    s.latest = entry;
    s.closed = entry.type === 'period.closed';
    states.set(month, s);
  }
  return states;
}

export function closedMonths(states: Map<string, PeriodState>): string[] {
  return [...states.values()]
    .filter((s) => s.closed)
    .map((s) => s.month)
    .sort();
}

/** The close in force of a month, or null when it is open. */
export function closeOf(states: Map<string, PeriodState>, month: string): (PeriodEntry & { payload: ClosePayload & Record<string, unknown> }) | null {
  const s = states.get(month);
  return s !== undefined && s.closed ? (s.latest as PeriodEntry & { payload: ClosePayload & Record<string, unknown> }) : null;
}

/** The first month after `month` that is not closed: where a change touching `month` is recorded. */
export function firstOpenAfter(states: Map<string, PeriodState>, month: string): string {
  let m = shiftMonth(month, 1);
  while (states.get(m)?.closed === true) m = shiftMonth(m, 1);
  return m;
}
