// A person's match or unmatch, followed by an incremental reconcile over the events it freed or took: matching is
// continuous after a decision as after an import, so what the engine concludes from the decision shows at once (the
// other candidate of an ambiguity a person settled is matched; a payment a manual match took from an engine match
// leaves that order with its exception). The decision is its own transaction first, with the events it owes the next
// run (pending_events): a failed or killed run never loses the decision nor what it freed.
import type { Workspace } from '../workspace/workspace.ts';
import type { LedgerDb } from '../ledger/database.ts';
import { recordManualMatch, unmatch, type ManualMatchInput, type UnmatchInput } from '../matching/decisions.ts';
import { reconcile, type RunReport } from '../matching/engine/engine.ts';
import { owePending } from '../matching/engine/pendingWork.ts';

/** The events of these matches (by their text ids). */
function matchEventIds(db: LedgerDb, matchIds: readonly string[]): string[] {
  if (matchIds.length === 0) return [];
  return db
    .prepare(
      `SELECT DISTINCT e.event_id FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.match_id IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .all(JSON.stringify(matchIds)) as string[];
}

export function matchByHand(ws: Workspace, input: ManualMatchInput): { matchId: string; reconcile: RunReport } {
  const { matchId } = ws.db.transaction(() => {
    const decided = recordManualMatch(ws.db, input);
    owePending(ws.db, [...input.leftEventIds, ...input.rightEventIds, ...matchEventIds(ws.db, decided.supersededMatchIds)]);
    return decided;
  })();
  return { matchId, reconcile: reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine' }) };
}

export function unmatchByHand(ws: Workspace, input: UnmatchInput): { reconcile: RunReport } {
  ws.db.transaction(() => {
    owePending(ws.db, matchEventIds(ws.db, [input.matchId]));
    unmatch(ws.db, input);
  })();
  return { reconcile: reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine' }) };
}
