// Events as the engine reads them, for a search outside a run: the counterparts a person may match by hand are
// compared and scored by the very rules and score the engine applies (rules/strategies/candidates.ts), so they must
// be the same events. The engine's public face for that; its loading internals stay behind it.
import type { MatchEvent } from '../rules/model.ts';
import { KeyDictionary } from './eventKeys.ts';
import { EVENT_ROW_COLUMNS, eventFromRow, type EventRow } from './eventLoad.ts';

/** The event columns a search reads (`FROM events e`), with the booking date the review shows. */
export const CANDIDATE_COLUMNS = `${EVENT_ROW_COLUMNS}, e.local_date`;

export type CandidateEventRow = EventRow & { local_date?: string | null };

/** Turns rows of one search into matching events; their keys compare across the rows the same reader made. */
export class CandidateEventReader {
  private readonly keys = new KeyDictionary();

  toMatchEvent(row: CandidateEventRow): MatchEvent {
    return eventFromRow(row, this.keys);
  }
}
