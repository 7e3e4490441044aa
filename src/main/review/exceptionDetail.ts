// One exception as its detail panel shows it: the row, its events with their raw lines, the explanation, the history
// from the journal, how it came to be resolved, counterparts a person could match its events with, and the links
// they could match them in (for a search of their own).
import type { LedgerDb } from '../ledger/database.ts';
import type { ExceptionDetail, HistoryEntry } from '../../shared/api/contract.ts';
import type { RuleSet, RuleSide } from '../../shared/rules/ruleSet.ts';
import { exceptionHistory, RESOLVED_BY_MANUAL } from '../matching/decisions.ts';
import { eventDetails, historyEntries, toExplanation, withCreatingRun } from './eventDetails.ts';
import { exceptionRowReader, type StoredExceptionRow } from './exceptionsQuery.ts';
import { CANDIDATE_COLUMNS, matchCandidates, type CandidateEventRow } from './matchCandidates.ts';
import { notFound } from './reviewSupport.ts';
import { ensureExceptionBusinessTimes } from './businessTime.ts';
import { humanExplanation } from './explanationWords.ts';
import { GROWTH_CODES } from '../../shared/growth/growthCodes.ts';

/** Events shown in full (raw lines included); an AMBIGUOUS_MATCH may name thousands, and eventCount says how many. */
export const MAX_DETAIL_EVENTS = 100;

/** Codes that are not about a missing counterpart: nothing to match by hand (the growth codes are tie-outs, not links). */
const NO_CANDIDATES = new Set<string>(['DUPLICATE_RECORD', 'FEED_MISSING', ...GROWTH_CODES]);

/** How long after a person's manual match an engine run closing the exception counts as that match's doing. */
const FOLLOW_UP_MS = 5 * 60_000;

type MatchLink = ExceptionDetail['matchLinks'][number];

function sideAccepts(side: RuleSide, kind: string, source: string): boolean {
  if (!(side.kinds as readonly string[]).includes(kind)) return false;
  const sources = side.sources;
  return sources === undefined || sources.length === 0 || sources.some((s) => s === source || s === source.split(':')[0]);
}

/** Ledger sources a rule side accepts (none listed: any, said as an empty list). */
function acceptedSources(side: RuleSide, ledgerSources: readonly string[]): string[] {
  if (side.sources === undefined || side.sources.length === 0) return [];
  return ledgerSources.filter((s) => side.sources?.some((x) => x === s || x === s.split(':')[0]) === true);
}

/** Adds a rule side's kinds and the ledger sources it accepts (none listed: any, kept as an empty list). */
function mergeSide(into: MatchLink['left'], side: RuleSide, ledgerSources: readonly string[]): void {
  for (const k of side.kinds) if (!into.kinds.includes(k)) into.kinds.push(k);
  for (const s of acceptedSources(side, ledgerSources)) if (!into.sources.includes(s)) into.sources.push(s);
}

/** The links of the rule set with a rule that takes one of `own` on a side, each side with what its rules take. */
export function matchLinks(ruleSet: RuleSet, own: ReadonlyArray<{ kind: string; source: string }>, ledgerSources: readonly string[]): MatchLink[] {
  const links = new Map<string, MatchLink>();
  for (const rule of ruleSet.rules) {
    const takes = own.some((e) => sideAccepts(rule.left, e.kind, e.source) || sideAccepts(rule.right, e.kind, e.source));
    if (!takes) continue;
    const found = links.get(rule.link) ?? { link: rule.link, left: { kinds: [], sources: [] }, right: { kinds: [], sources: [] } };
    mergeSide(found.left, rule.left, ledgerSources);
    mergeSide(found.right, rule.right, ledgerSources);
    links.set(rule.link, found);
  }
  return [...links.values()].sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
}

interface ManualMatchEntry {
  actor: string;
  at: string;
  matchId: string;
}

/** The latest manual match (journal `match.manual`) that took one of the events, at or before `at`. */
function manualMatchTaking(db: LedgerDb, eventIds: readonly string[], at: string): ManualMatchEntry | null {
  const row = db
    .prepare(
      `SELECT actor, created_at, json_extract(payload, '$.match_id') AS match_id FROM journal WHERE entry_type = 'match.manual' AND created_at <= @at
         AND EXISTS (SELECT 1 FROM json_each(journal.payload, '$.left') l WHERE l.value IN (SELECT value FROM json_each(@ids))
           UNION ALL SELECT 1 FROM json_each(journal.payload, '$.right') r WHERE r.value IN (SELECT value FROM json_each(@ids)))
       ORDER BY seq DESC LIMIT 1`,
    )
    .get({ at, ids: JSON.stringify(eventIds) }) as { actor: string; created_at: string; match_id: string } | undefined;
  return row === undefined ? null : { actor: row.actor, at: row.created_at, matchId: row.match_id };
}

/**
 * Who resolved it and how, in words. A manual match resolves the exceptions it answers itself; one it answers only
 * in part is closed by the engine's run that follows the match at once, which reads as that person's match, not as
 * "resolved by system:engine".
 */
function resolvedHow(db: LedgerDb, x: StoredExceptionRow, eventIds: readonly string[]): string | null {
  if (x.state !== 'resolved' || x.resolved_at === null) return null;
  const by = x.resolved_by ?? 'unknown';
  const manual = manualMatchTaking(db, eventIds, x.resolved_at);
  const followsManual = manual !== null && Date.parse(x.resolved_at) - Date.parse(manual.at) <= FOLLOW_UP_MS;
  if (x.resolution === RESOLVED_BY_MANUAL && manual !== null) return `resolved by ${manual.actor}'s manual match ${manual.matchId}`;
  if (by.startsWith('system:') && followsManual && manual !== null) {
    return `closed by the matching run that followed ${manual.actor}'s manual match ${manual.matchId}`;
  }
  if (by.startsWith('system:')) return `closed by the matching engine${x.resolution === null ? '' : `: ${x.resolution}`}`;
  return `resolved by ${by}`;
}

export function exceptionDetail(db: LedgerDb, ruleSet: RuleSet, exceptionId: string, now: Date, timeZone: string): ExceptionDetail {
  return db.transaction(() => {
    ensureExceptionBusinessTimes(db);
    const x = db.prepare('SELECT * FROM exceptions WHERE exception_id = ?').get(exceptionId) as StoredExceptionRow | undefined;
    if (x === undefined) throw notFound('exception', exceptionId);
    const own = db
      .prepare(
        `SELECT ${CANDIDATE_COLUMNS} FROM exception_members xm CROSS JOIN events e ON e.seq = xm.event_seq WHERE xm.exception_seq = ?
         ORDER BY e.occurred_at, e.event_id LIMIT ${MAX_DETAIL_EVENTS}`,
      )
      .all(x.seq) as CandidateEventRow[];
    const explanation = humanExplanation(toExplanation(db, x.explanation, x), x.currency);
    const unresolved = x.ended_at === null && x.state !== 'resolved' && !NO_CANDIDATES.has(x.code);
    const ownIds = own.map((e) => e.event_id);
    const sources = db.prepare('SELECT DISTINCT source FROM import_batches ORDER BY source').pluck().all() as string[];
    const history: HistoryEntry[] = withCreatingRun(db, x.created_run_id, historyEntries(exceptionHistory(db, exceptionId)), 'opened');
    return {
      exception: {
        ...exceptionRowReader(db, timeZone)(x, now),
        defaultClass: x.default_class as ExceptionDetail['exception']['defaultClass'],
        origin: x.origin as ExceptionDetail['exception']['origin'],
        resolvedBy: x.resolved_by,
        resolvedHow: resolvedHow(db, x, ownIds),
      },
      events: eventDetails(db, ownIds),
      explanation,
      history,
      candidates: unresolved ? matchCandidates(db, ruleSet, own, explanation.link) : [],
      matchLinks: unresolved ? matchLinks(ruleSet, own, sources) : [],
    };
  })();
}
