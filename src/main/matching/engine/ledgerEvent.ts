// The engine's events: what the rules see (MatchEvent), plus where each lives in the ledger and in the computation.
import type { EventSet, MatchEvent } from '../rules/model.ts';

/** An event as the engine holds it: what the rules see, plus where it lives in the ledger and in this computation. */
export interface LedgerEvent extends MatchEvent {
  /** Its integer identity in the ledger (events.seq): what match and exception member rows store. */
  readonly seq: number;
  /** Its place among the computation's events: the used/accounted sets (eventSets) index by it. */
  slot: number;
}

/** The ledger event behind an event the rules handed back: the engine only ever gives the rules LedgerEvents. */
export function ledgerEvent(e: MatchEvent): LedgerEvent {
  return e as LedgerEvent;
}

/**
 * Numbers the computation's events (slot) and gives the used/accounted sets over them: a byte per event. A full run
 * marks two million events several times over (used and accounted per link); as Sets of objects that cost tens of
 * bytes per entry and a hash each time.
 */
export function slotEventSets(events: readonly LedgerEvent[]): () => EventSet {
  events.forEach((e, i) => {
    e.slot = i;
  });
  const capacity = events.length;
  return () => {
    const marks = new Uint8Array(capacity);
    return { has: (e) => marks[ledgerEvent(e).slot] === 1, add: (e) => void (marks[ledgerEvent(e).slot] = 1) };
  };
}
