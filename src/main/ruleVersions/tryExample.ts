// "Try on an example" (the Rules screen's editor): what an edited rule set, not yet saved, would conclude about one
// event or exception, beside what the live projection holds for it; computed on its closure, nothing written.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { explain, type ExplainedItem } from '../matching/engine/explain.ts';
import { outcomeOn, type OutcomeException, type OutcomeMatch } from './versionOutcome.ts';
import { RuleVersionError } from './versionStates.ts';

export interface ExampleResult {
  /** The events the example is about (an exception's or a match's, or the event itself). */
  eventIds: string[];
  /** What the live projection holds for them now (active matches and exceptions, explanations as stored). */
  live: ExplainedItem[];
  /** What the edited rules would make of them, with their explanations and runner-ups. */
  edited: { matches: OutcomeMatch[]; exceptions: OutcomeException[]; awaiting: Array<{ eventId: string; code: string }> };
}

/** The events an id names: an event, or the members of an exception or a match. */
function exampleEvents(db: LedgerDb, id: string): string[] {
  if (db.prepare('SELECT 1 FROM events WHERE event_id = ?').get(id) !== undefined) return [id];
  const members = db
    .prepare(
      `SELECT e.event_id FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq CROSS JOIN events e ON e.seq = xm.event_seq WHERE x.exception_id = @id
       UNION SELECT e.event_id FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq WHERE m.match_id = @id
       ORDER BY 1`,
    )
    .pluck()
    .all({ id }) as string[];
  if (members.length === 0) throw new RuleVersionError(`${id} is not an event, exception or match of this ledger`);
  return members;
}

export function tryOnExample(db: LedgerDb, settings: WorkspaceSettings, ruleSet: RuleSet, id: string): ExampleResult {
  const eventIds = exampleEvents(db, id.trim());
  const mine = new Set(eventIds);
  const live = new Map<string, ExplainedItem>();
  for (const e of eventIds) for (const item of explain(db, e).items) if (item.active) live.set(item.id, item);
  const outcome = outcomeOn(db, settings, ruleSet, eventIds, true);
  const touches = (ids: readonly string[]): boolean => ids.some((x) => mine.has(x));
  return {
    eventIds,
    live: [...live.values()],
    edited: {
      matches: outcome.matches.filter((m) => touches([...m.left, ...m.right])),
      exceptions: outcome.exceptions.filter((x) => touches(x.events)),
      awaiting: outcome.awaiting.filter((a) => mine.has(a.eventId)),
    },
  };
}
