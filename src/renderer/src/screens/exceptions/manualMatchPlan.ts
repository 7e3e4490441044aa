// Turns a manual-match choice on an exception (the engine's candidates the user ticked, and which of the
// exception's own events take part) into the `matches.manual` request: one link, a left and a right side.
//
// A candidate says which side of its link it is on. The exception's own events go on the other side, except
// when they already span both sides of the link (a PAYOUT_MISMATCH holds the payout and its items): then each
// goes on its natural side, the side its kind takes in the link. That side is read first from the
// candidates of the same link (they come from the rule set in force), then from the default rule set.
import type { ExceptionDetail, RequestOf } from '../../../../shared/api/contract.ts';
import { DEFAULT_RULE_SET } from '../../../../shared/rules/defaultRuleSet.ts';

export type Side = 'left' | 'right';
export type Candidate = ExceptionDetail['candidates'][number];

/** Identifies a candidate: the same event may be proposed for more than one link. */
export function candidateKey(candidate: Pick<Candidate, 'link'> & { event: { eventId: string } }): string {
  return `${candidate.link}|${candidate.event.eventId}`;
}

function sidesOfKind(detail: ExceptionDetail, link: string, kind: string): Set<Side> {
  const fromCandidates = new Set<Side>();
  for (const c of detail.candidates) if (c.link === link && c.event.kind === kind) fromCandidates.add(c.side);
  if (fromCandidates.size > 0) return fromCandidates;
  const fromRules = new Set<Side>();
  for (const rule of DEFAULT_RULE_SET.rules) {
    if (rule.link !== link) continue;
    if ((rule.left.kinds as readonly string[]).includes(kind)) fromRules.add('left');
    if ((rule.right.kinds as readonly string[]).includes(kind)) fromRules.add('right');
  }
  return fromRules;
}

function opposite(side: Side): Side {
  return side === 'left' ? 'right' : 'left';
}

/**
 * The side each of the exception's events takes in `link`, given the sides the picked candidates are on;
 * null when it cannot be told (no natural side and candidates on both sides).
 */
export function ownEventSides(detail: ExceptionDetail, link: string, candidateSides: ReadonlySet<Side>): Map<string, Side | null> {
  const natural = new Map<string, Side | null>();
  for (const e of detail.events) {
    const sides = sidesOfKind(detail, link, e.kind);
    natural.set(e.eventId, sides.size === 1 ? [...sides][0]! : null);
  }
  const known = new Set([...natural.values()].filter((s): s is Side => s !== null));
  const spansBoth = known.size === 2;
  const other = candidateSides.size === 1 ? opposite([...candidateSides][0]!) : null;
  const result = new Map<string, Side | null>();
  for (const e of detail.events) {
    const side = natural.get(e.eventId) ?? null;
    result.set(e.eventId, spansBoth ? (side ?? other) : (other ?? side));
  }
  return result;
}

export type ManualMatchPlan = Omit<RequestOf<'matches.manual'>, 'reason'>;

/**
 * The request for the picked candidates (by candidateKey) and the included own events (by event id), or why
 * there is none yet.
 */
export function planManualMatch(
  detail: ExceptionDetail,
  pickedKeys: ReadonlySet<string>,
  includedEventIds: ReadonlySet<string>,
): { ok: true; plan: ManualMatchPlan } | { ok: false; error: string } {
  const picked = detail.candidates.filter((c) => pickedKeys.has(candidateKey(c)));
  if (picked.length === 0) return { ok: false, error: 'Pick at least one candidate.' };
  const links = [...new Set(picked.map((c) => c.link))];
  if (links.length > 1) return { ok: false, error: `The picked candidates belong to different links (${links.join(', ')}); a manual match ties one link.` };
  const link = links[0]!;

  const left: string[] = [];
  const right: string[] = [];
  for (const c of picked) (c.side === 'left' ? left : right).push(c.event.eventId);
  const pickedIds = new Set(picked.map((c) => c.event.eventId));
  const sides = ownEventSides(detail, link, new Set(picked.map((c) => c.side)));
  for (const e of detail.events) {
    if (!includedEventIds.has(e.eventId) || pickedIds.has(e.eventId)) continue;
    const side = sides.get(e.eventId) ?? null;
    if (side === null) return { ok: false, error: `Cannot tell which side of ${link} ${e.kind} ${e.externalId} goes on: leave it out or pick candidates of one side.` };
    (side === 'left' ? left : right).push(e.eventId);
  }
  if (left.length === 0 || right.length === 0) {
    return { ok: false, error: `A match of ${link} needs at least one event on each side (left ${left.length}, right ${right.length}).` };
  }
  return { ok: true, plan: { link, leftEventIds: left, rightEventIds: right } };
}
