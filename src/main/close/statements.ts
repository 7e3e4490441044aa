// Statements the ledger holds: every statement a bank (or processor) file stated, with its balances, read from the
// import.batch journal entries that sealed them, dated by the statement's own period end or its entries' booking dates.
import type { LedgerDb } from '../ledger/database.ts';

export interface LedgerStatement {
  batchId: string;
  source: string;
  fileName: string;
  statementId: string;
  account: string;
  currency: string;
  openingMinor: number | null;
  closingMinor: number | null;
  entriesSumMinor: number;
  entryCount: number;
  /** closing − (opening + entries); null when the statement gives no balance to check. */
  differenceMinor: number | null;
  /** First and last day the statement covers: its entries' booking dates, the last extended to its stated period end. */
  firstDate: string | null;
  lastDate: string | null;
}

interface SealedStatement {
  statement_id: string;
  account: string;
  currency: string;
  opening_minor: number | null;
  closing_minor: number | null;
  entries_sum_minor: number;
  entry_count: number;
  difference_minor: number | null;
  period_end?: string | null;
}

/** Every statement of every batch, oldest batch first. */
export function ledgerStatements(db: LedgerDb): LedgerStatement[] {
  const batches = db
    .prepare(
      `SELECT j.subject_id AS batch_id, j.payload FROM journal j
       WHERE j.entry_type = 'import.batch' AND j.payload LIKE '%"statements":[{%' ORDER BY j.seq`,
    )
    .all() as Array<{ batch_id: string; payload: string }>;
  const dates = db.prepare(
    `SELECT json_extract(attributes, '$.statement_id') AS sid, min(local_date) AS first, max(local_date) AS last
     FROM event_rows WHERE batch_id = ? AND local_date IS NOT NULL GROUP BY sid`,
  );
  const out: LedgerStatement[] = [];
  for (const b of batches) {
    const payload = JSON.parse(b.payload) as { source: string; file_name: string; statements?: SealedStatement[] };
    if (payload.statements === undefined || payload.statements.length === 0) continue;
    const bySid = new Map((dates.all(b.batch_id) as Array<{ sid: string | null; first: string; last: string }>).map((r) => [r.sid ?? '', r]));
    for (const s of payload.statements) {
      const d = bySid.get(s.statement_id) ?? (payload.statements.length === 1 ? bySid.get('') : undefined);
      const end = s.period_end ?? null;
      const last = d?.last ?? null;
      out.push({
        batchId: b.batch_id,
        source: payload.source,
        fileName: payload.file_name,
        statementId: s.statement_id,
        account: s.account,
        currency: s.currency,
        openingMinor: s.opening_minor,
        closingMinor: s.closing_minor,
        entriesSumMinor: s.entries_sum_minor,
        entryCount: s.entry_count,
        differenceMinor: s.difference_minor,
        firstDate: d?.first ?? end,
        lastDate: end !== null && (last === null || end > last) ? end : last,
      });
    }
  }
  return out;
}

/** Statements whose covered days meet [fromDate, toDate]. */
export function statementsInPeriod(all: LedgerStatement[], fromDate: string, toDate: string): LedgerStatement[] {
  return all.filter((s) => s.firstDate !== null && s.lastDate !== null && s.firstDate <= toDate && s.lastDate >= fromDate);
}
