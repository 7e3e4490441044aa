// One exception as its detail panel shows it: the row, its events with their raw lines, the explanation, the history
// from the journal, and counterparts a person could match its events with.
import type { LedgerDb } from '../ledger/database.ts';
import type { ExceptionDetail } from '../../shared/api/contract.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { exceptionHistory } from '../matching/decisions.ts';
import { eventDetails, historyEntries, toExplanation, withCreatingRun } from './eventDetails.ts';
import { exceptionRowReader, type StoredExceptionRow } from './exceptionsQuery.ts';
import { CANDIDATE_COLUMNS, matchCandidates, type CandidateEventRow } from './matchCandidates.ts';
import { notFound } from './reviewSupport.ts';

/** Events shown in full (raw lines included); an AMBIGUOUS_MATCH may name thousands, and eventCount says how many. */
export const MAX_DETAIL_EVENTS = 100;

/** Codes that are not about a missing counterpart: nothing to match by hand. */
const NO_CANDIDATES = new Set(['DUPLICATE_RECORD', 'FEED_MISSING']);

export function exceptionDetail(db: LedgerDb, ruleSet: RuleSet, exceptionId: string, now: Date): ExceptionDetail {
  return db.transaction(() => {
    const x = db.prepare('SELECT * FROM exceptions WHERE exception_id = ?').get(exceptionId) as StoredExceptionRow | undefined;
    if (x === undefined) throw notFound('exception', exceptionId);
    const own = db
      .prepare(
        `SELECT ${CANDIDATE_COLUMNS} FROM exception_members xm CROSS JOIN events e ON e.seq = xm.event_seq WHERE xm.exception_seq = ?
         ORDER BY e.occurred_at, e.event_id LIMIT ${MAX_DETAIL_EVENTS}`,
      )
      .all(x.seq) as CandidateEventRow[];
    const explanation = toExplanation(db, x.explanation, x);
    const unresolved = x.ended_at === null && x.state !== 'resolved' && !NO_CANDIDATES.has(x.code);
    return {
      exception: {
        ...exceptionRowReader(db)(x, now),
        defaultClass: x.default_class as ExceptionDetail['exception']['defaultClass'],
        origin: x.origin as ExceptionDetail['exception']['origin'],
        resolution: x.resolution,
        resolvedBy: x.resolved_by,
      },
      events: eventDetails(
        db,
        own.map((e) => e.event_id),
      ),
      explanation,
      history: withCreatingRun(db, x.created_run_id, historyEntries(exceptionHistory(db, exceptionId)), 'opened'),
      candidates: unresolved ? matchCandidates(db, ruleSet, own, explanation.link) : [],
    };
  })();
}
