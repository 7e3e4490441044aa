// A person's match or unmatch, followed by an incremental reconcile over the events it freed or took: matching is
// continuous after a decision as after an import, so what the engine concludes from the decision shows at once (the
// other candidate of an ambiguity a person settled is matched; a payment a manual match took from an engine match
// leaves that order with its exception). The decision is its own transaction first: a failed run never loses it.
import type { Workspace } from '../workspace/workspace.ts';
import type { LedgerDb } from '../ledger/database.ts';
import { recordManualMatch, unmatch, type ManualMatchInput, type UnmatchInput } from '../matching/decisions.ts';
import { reconcile, type RunReport } from '../matching/engine/engine.ts';

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
  const { matchId, supersededMatchIds } = recordManualMatch(ws.db, input);
  const events = [...input.leftEventIds, ...input.rightEventIds, ...matchEventIds(ws.db, supersededMatchIds)];
  const run = reconcile(ws.db, ws.settings, { mode: 'incremental', newEventIds: [...new Set(events)], actor: 'system:engine' });
  return { matchId, reconcile: run };
}

export function unmatchByHand(ws: Workspace, input: UnmatchInput): { reconcile: RunReport } {
  const events = matchEventIds(ws.db, [input.matchId]);
  unmatch(ws.db, input);
  return { reconcile: reconcile(ws.db, ws.settings, { mode: 'incremental', newEventIds: events, actor: 'system:engine' }) };
}
