// Adjustments (DESIGN §11): a closed period's results never change, so whatever a later run creates, ends or changes
// among matches and exceptions whose events' business dates fall in a closed month is recorded in the adjustments table
// (append-only, migration 14) in the first open month after it, with a link back (`affects`). The engine's writers call
// note() where they write (matchWriter.ts, the exceptions store) and flush() once their rows are written; with no month
// closed the recorder is inert and costs nothing.
import type { LedgerDb } from '../ledger/database.ts';
import { businessMonth } from './closePeriod.ts';
import { closedMonths, firstOpenAfter, periodStates, type PeriodState } from './periodStates.ts';

export type AdjustmentObject = 'match' | 'exception';

/** What happened to the match or exception, in the words the pack prints. */
export type AdjustmentChange = 'created' | 'reactivated' | 'members changed' | 'ended' | 'opened' | 'reclassified' | 'escalated';

export interface AdjustmentContext {
  runId: string | null;
  actor: string;
  now: string;
}

/** Seqs looked up per statement when a flush resolves business dates. */
const LOOKUP_CHUNK = 20_000;

interface Noted {
  kind: AdjustmentObject;
  id: string;
  change: AdjustmentChange;
  seqs: number[];
}

export class AdjustmentRecorder {
  private readonly db: LedgerDb;
  private readonly states: Map<string, PeriodState>;
  /** Closed months by the time zone each was closed in. */
  private readonly closedByZone = new Map<string, Set<string>>();
  /** No event at or after this instant can be in a closed month. */
  private readonly horizon: string;
  private noted: Noted[] = [];

  constructor(db: LedgerDb) {
    this.db = db;
    this.states = periodStates(db);
    let horizon = '';
    for (const month of closedMonths(this.states)) {
      const payload = this.states.get(month)?.latest.payload as { time_zone?: string; horizon?: string } | undefined;
      const zone = payload?.time_zone ?? 'UTC';
      const set = this.closedByZone.get(zone) ?? new Set<string>();
      set.add(month);
      this.closedByZone.set(zone, set);
      // Two days past the month's end in any zone: the bound every booking date and instant of the month is below.
      const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 3)).toISOString();
      if (end > horizon) horizon = end;
    }
    this.horizon = horizon;
  }

  /** False when no month is closed: every note() returns at once. */
  get active(): boolean {
    return this.horizon !== '';
  }

  /** A match or exception the caller just wrote, with its events by seq (`seqs[from, from + n)`). */
  note(kind: AdjustmentObject, id: string, change: AdjustmentChange, seqs: ArrayLike<number>, from = 0, n = seqs.length - from): void {
    if (!this.active) return;
    const own: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) own[i] = seqs[from + i] as number;
    this.noted.push({ kind, id, change, seqs: own });
  }

  /** Resolves the noted rows' business months and records an adjustment for each closed month they touch. */
  flush(ctx: AdjustmentContext): number {
    if (this.noted.length === 0) return 0;
    const noted = this.noted;
    this.noted = [];
    const monthsOf = this.closedMonthsOfEvents(noted);
    if (monthsOf.size === 0) return 0;
    const insert = this.db.prepare(
      'INSERT INTO adjustments (recorded_in, affects, object_kind, object_id, change, run_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const seen = new Set<string>();
    let n = 0;
    for (const x of noted) {
      const affected = new Set<string>();
      for (const s of x.seqs) for (const m of monthsOf.get(s) ?? []) affected.add(m);
      for (const month of [...affected].sort()) {
        const key = `${x.kind}\u001f${x.id}\u001f${x.change}\u001f${month}`;
        if (seen.has(key)) continue;
        seen.add(key);
        insert.run(firstOpenAfter(this.states, month), month, x.kind, x.id, x.change, ctx.runId, ctx.actor, ctx.now);
        n++;
      }
    }
    return n;
  }

  /** Event seq → the closed months its business date falls in, for the noted events before the horizon. */
  private closedMonthsOfEvents(noted: Noted[]): Map<number, string[]> {
    const all = new Set<number>();
    for (const x of noted) for (const s of x.seqs) all.add(s);
    const seqs = [...all];
    const stmt = this.db.prepare(
      'SELECT seq, kind, occurred_at, local_date FROM event_rows WHERE seq IN (SELECT value FROM json_each(?)) AND occurred_at < ?',
    );
    const out = new Map<number, string[]>();
    for (let i = 0; i < seqs.length; i += LOOKUP_CHUNK) {
      const rows = stmt.all(JSON.stringify(seqs.slice(i, i + LOOKUP_CHUNK)), this.horizon) as Array<{
        seq: number;
        kind: string;
        occurred_at: string;
        local_date: string | null;
      }>;
      for (const r of rows) {
        const months: string[] = [];
        for (const [zone, closed] of this.closedByZone) {
          const m = businessMonth(r.kind, r.occurred_at, r.local_date, zone);
          if (closed.has(m) && !months.includes(m)) months.push(m);
        }
        if (months.length > 0) out.set(r.seq, months);
      }
    }
    return out;
  }
}

export interface AdjustmentRow {
  seq: number;
  recorded_in: string;
  affects: string;
  object_kind: AdjustmentObject;
  object_id: string;
  change: string;
  run_id: string | null;
  actor: string;
  at: string;
}

/** The adjustments recorded in a month, in the order they were recorded. */
export function adjustmentsRecordedIn(db: LedgerDb, month: string): Iterable<AdjustmentRow> {
  return db.prepare('SELECT * FROM adjustments WHERE recorded_in = ? ORDER BY seq').iterate(month) as Iterable<AdjustmentRow>;
}

export function countAdjustments(db: LedgerDb, month: string): { recordedIn: number; affecting: number } {
  const recordedIn = db.prepare('SELECT count(*) FROM adjustments WHERE recorded_in = ?').pluck().get(month) as number;
  const affecting = db.prepare('SELECT count(*) FROM adjustments WHERE affects = ?').pluck().get(month) as number;
  return { recordedIn, affecting };
}
