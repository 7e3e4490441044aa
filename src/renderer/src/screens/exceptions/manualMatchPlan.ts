// Turns a manual-match choice on an exception into the `matches.manual` request: one link, and each chosen event on
// the side of that link that takes its kind (the detail's `matchLinks`, read from the rule set in force). Chosen events
// are the exception's own ones the person ticked and the counterparts they picked, from the engine's suggestions or
// from their own search. Also the running balance of what is chosen, per side, in the display sign convention.
import type { EventLine, ExceptionDetail, RequestOf } from '../../../../shared/api/contract.ts';
import { displayMinor } from '../../../../shared/review/displaySign.ts';

export type Side = 'left' | 'right';
export type MatchLink = ExceptionDetail['matchLinks'][number];
export type ChosenEvent = Pick<EventLine, 'eventId' | 'kind' | 'externalId' | 'amountMinor' | 'currency'>;

/** The side of `link` that takes `kind`; null when no side or both do (the person must leave the event out). */
export function sideOf(link: MatchLink, kind: string): Side | null {
  const left = (link.left.kinds as readonly string[]).includes(kind);
  const right = (link.right.kinds as readonly string[]).includes(kind);
  return left === right ? null : left ? 'left' : 'right';
}

/** The kinds a counterpart search looks for: those of the side(s) the exception's own events are not on. */
export function counterpartKinds(link: MatchLink, own: readonly Pick<EventLine, 'kind'>[]): MatchLink['left']['kinds'] {
  const ownSides = new Set(own.map((e) => sideOf(link, e.kind)));
  const kinds = [...(ownSides.has('left') ? [] : link.left.kinds), ...(ownSides.has('right') ? [] : link.right.kinds)];
  return kinds.length > 0 ? [...new Set(kinds)] : [...new Set([...link.left.kinds, ...link.right.kinds])];
}

/** The sources a counterpart search keeps to: the accepting side's listed sources (empty: any). */
export function counterpartSources(link: MatchLink, own: readonly Pick<EventLine, 'kind'>[]): string[] {
  const ownSides = new Set(own.map((e) => sideOf(link, e.kind)));
  if (ownSides.has('left') && !ownSides.has('right')) return link.right.sources;
  if (ownSides.has('right') && !ownSides.has('left')) return link.left.sources;
  return [];
}

export interface SideBalance {
  count: number;
  /** Per currency, in the display sign convention. */
  totals: { currency: string; amountMinor: number }[];
}

export interface Balance {
  left: SideBalance;
  right: SideBalance;
  /** Left total − right total per currency (display signs); all 0 when the sides agree. */
  difference: { currency: string; amountMinor: number }[];
  unplaced: ChosenEvent[];
}

function totals(events: readonly ChosenEvent[]): SideBalance {
  const byCurrency = new Map<string, number>();
  for (const e of events) byCurrency.set(e.currency, (byCurrency.get(e.currency) ?? 0) + displayMinor(e.kind, e.amountMinor));
  return { count: events.length, totals: [...byCurrency].map(([currency, amountMinor]) => ({ currency, amountMinor })) };
}

/** What is chosen so far, side by side, and how far the sides are apart. */
export function balance(link: MatchLink, chosen: readonly ChosenEvent[]): Balance {
  const left = chosen.filter((e) => sideOf(link, e.kind) === 'left');
  const right = chosen.filter((e) => sideOf(link, e.kind) === 'right');
  const l = totals(left);
  const r = totals(right);
  const currencies = [...new Set([...l.totals, ...r.totals].map((t) => t.currency))].sort();
  const of = (side: SideBalance, c: string) => side.totals.find((t) => t.currency === c)?.amountMinor ?? 0;
  return {
    left: l,
    right: r,
    difference: currencies.map((currency) => ({ currency, amountMinor: of(l, currency) - of(r, currency) })),
    unplaced: chosen.filter((e) => sideOf(link, e.kind) === null),
  };
}

export type ManualMatchPlan = Omit<RequestOf<'matches.manual'>, 'reason'>;

/** The request for the chosen events, or why there is none yet. */
export function planManualMatch(link: MatchLink, chosen: readonly ChosenEvent[]): { ok: true; plan: ManualMatchPlan } | { ok: false; error: string } {
  const b = balance(link, chosen);
  const first = b.unplaced[0];
  if (first !== undefined) {
    return { ok: false, error: `${first.kind} ${first.externalId} has no side in ${link.link}: leave it out or choose another link.` };
  }
  const left = chosen.filter((e) => sideOf(link, e.kind) === 'left').map((e) => e.eventId);
  const right = chosen.filter((e) => sideOf(link, e.kind) === 'right').map((e) => e.eventId);
  if (left.length === 0 || right.length === 0) {
    return {
      ok: false,
      error: `A match needs at least one event on each side (${link.left.kinds.join(' or ')} ↔ ${link.right.kinds.join(' or ')}).`,
    };
  }
  return { ok: true, plan: { link: link.link, leftEventIds: left, rightEventIds: right } };
}
