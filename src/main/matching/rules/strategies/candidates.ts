// Candidate evaluation shared by every strategy: key comparison, amount and window classes, the score.
import type { KeyComparison, Rule, RuleSide } from '../../../../shared/rules/ruleSet.ts';
import type { MatchEvent } from '../model.ts';
import { type KeyAgreement, type RunnerUp } from '../explanation.ts';
import { isKeyColumn, keyOf, type TextSource } from '../eventFields.ts';

import { windowEdges, windowReachMs } from '../windows.ts';

/** Whether a comparison is answered by the events' key integers alone (eventKeys.ts), without reading any text. */
export function comparesKeys(k: KeyComparison): boolean {
  let v = byKeys.get(k);
  if (v === undefined) {
    v = k.compare === 'equal' && isKeyColumn(k.left) && isKeyColumn(k.right);
    byKeys.set(k, v);
  }
  return v;
}

/** Asked for every candidate pair a key comparison sees: answered once per comparison (rule sets are immutable). */
const byKeys = new WeakMap<KeyComparison, boolean>();

/** normalized_equal: case-folded, whitespace and punctuation removed. */
export function normalizeKey(v: string): string {
  return v.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Sørensen–Dice coefficient over the padded character trigrams of the case-folded text, in [0, 1]. */
export function trigramSimilarity(a: string, b: string): number {
  const grams = (s: string): Map<string, number> => {
    const p = `  ${s.toLowerCase().replace(/\s+/g, ' ').trim()} `;
    const m = new Map<string, number>();
    for (let i = 0; i + 3 <= p.length; i++) m.set(p.slice(i, i + 3), (m.get(p.slice(i, i + 3)) ?? 0) + 1);
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let common = 0;
  let total = 0;
  for (const [g, n] of ga) {
    common += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * common) / total;
}

/** A different e-mail domain scales the mailbox similarity by this (see KeyComparisonSchema.similarity_of). */
export const OTHER_DOMAIN_FACTOR = 0.75;

/** similarity_of: 'email' — mailbox names compared, the domain weighed separately; non-addresses compare as text. */
export function emailSimilarity(a: string, b: string): number {
  const parse = (v: string): { box: string; domain: string } | null => {
    const m = /^\s*([^@\s]+)@([^@\s]+)\s*$/.exec(v.toLowerCase());
    return m === null ? null : { box: (m[1] as string).replace(/\+.*$/, ''), domain: m[2] as string };
  };
  const x = parse(a);
  const y = parse(b);
  if (x === null || y === null) return trigramSimilarity(a, b);
  const s = trigramSimilarity(x.box, y.box);
  return x.domain === y.domain ? s : s * OTHER_DOMAIN_FACTOR;
}

/** One key comparison between two events: `value` is 1/0 for exact comparisons and the similarity for fuzzy ones. */
export interface KeyResult {
  k: KeyComparison;
  value: number;
  agreed: boolean;
  left: MatchEvent;
  right: MatchEvent;
}

/** Evaluates one key comparison; null when either event lacks the field. Texts are read only when the comparison needs them. */
export function compareKey(k: KeyComparison, left: MatchEvent, right: MatchEvent, texts: TextSource): KeyResult | null {
  let value: number;
  if (comparesKeys(k)) {
    const l = keyOf(left, k.left as Parameters<typeof keyOf>[1]);
    const r = keyOf(right, k.right as Parameters<typeof keyOf>[1]);
    if (l === null || r === null) return null;
    value = l === r ? 1 : 0;
  } else {
    const l = texts.text(left, k.left);
    const r = texts.text(right, k.right);
    if (l === null || r === null || (k.compare === 'equal' && (l === '' || r === ''))) return null;
    if (k.compare === 'equal') value = l === r ? 1 : 0;
    else if (k.compare === 'normalized_equal') value = normalizeKey(l) === normalizeKey(r) ? 1 : 0;
    else if (k.compare === 'contains') value = normalizeKey(l) !== '' && normalizeKey(r).includes(normalizeKey(l)) ? 1 : 0;
    else value = k.similarity_of === 'email' ? emailSimilarity(l, r) : trigramSimilarity(l, r);
  }
  const agreed = k.compare === 'similarity' ? value >= (k.threshold ?? 1) : value === 1;
  return { k, value: round6(value), agreed, left, right };
}

/** An event's id in its source, for summaries a reviewer reads. */
export function externalIdOf(state: { texts: TextSource }, e: MatchEvent): string {
  return state.texts.text(e, 'external_id') ?? e.id;
}

/** The rule's comparisons between two events that apply (both have the field). */
export function compareKeys(rule: Rule, left: MatchEvent, right: MatchEvent, texts: TextSource): KeyResult[] {
  const out: KeyResult[] = [];
  for (const k of rule.keys) {
    const r = compareKey(k, left, right, texts);
    if (r !== null) out.push(r);
  }
  return out;
}

/**
 * Comparisons as an explanation states them. With `values`, each side's text as well (read from `texts`): the few
 * explanations that cannot be rebuilt from their events later (exceptions, payout items, partial payments) keep them.
 */
export function keyAgreements(results: readonly KeyResult[], texts: TextSource | null): KeyAgreement[] {
  return results.map((r) => {
    const a: KeyAgreement = { left_field: r.k.left, right_field: r.k.right, compare: r.k.compare, value: r.value, agreed: r.agreed };
    if (texts !== null) {
      a.left_value = texts.text(r.left, r.k.left) ?? '';
      a.right_value = texts.text(r.right, r.k.right) ?? '';
    }
    return a;
  });
}

/** `stripe:eu` → `stripe`; a ledger has a handful of sources, and this runs for every event under every rule. */
const sourceKinds = new Map<string, string>();

function sourceKind(source: string): string {
  let k = sourceKinds.get(source);
  if (k === undefined) {
    k = source.split(':')[0] as string;
    if (sourceKinds.size < 10_000) sourceKinds.set(source, k);
  }
  return k;
}

export function sideMatches(side: RuleSide, e: MatchEvent): boolean {
  return side.kinds.includes(e.kind as never) && sourceMatches(side, e.source);
}

/** Whether a side accepts events of `source`: it names no sources, or names this one or its kind. */
export function sourceMatches(side: RuleSide, source: string): boolean {
  if (side.sources === undefined || side.sources.length === 0) return true;
  const kind = sourceKind(source);
  return side.sources.some((s) => s === source || s === kind);
}

/** The right event's amount as compared with the left's: net when fees are netted, sign flipped for `opposite`. */
export function comparable(rule: Rule, r: MatchEvent): number {
  const v = rule.amount.net_fees ? (r.net ?? r.amount - (r.fee ?? 0)) : r.amount;
  return rule.amount.sign === 'opposite' ? -v : v;
}

export function tolerance(rule: Rule, leftAmount: number): number {
  return Math.max(rule.amount.tolerance_minor, Math.floor((Math.abs(leftAmount) * rule.amount.tolerance_bps) / 10_000));
}

export type AmountClass = 'ok' | 'rounding' | 'beyond';

export function amountClass(rule: Rule, leftAmount: number, delta: number): AmountClass {
  const tol = tolerance(rule, leftAmount);
  if (Math.abs(delta) <= tol) return 'ok';
  return Math.abs(delta) <= Math.max(tol, rule.amount.rounding_minor) ? 'rounding' : 'beyond';
}

export type WindowClass = 'in' | 'extended' | 'outside';

/** Where the right event falls relative to the left: [-before, +after] is in, (after, extended_after] is a timing difference. */
export function windowClass(rule: Rule, left: MatchEvent, right: MatchEvent): WindowClass {
  const w = windowEdges(rule.window, left.t);
  if (right.t >= w.from && right.t <= w.to) return 'in';
  if (right.t > left.t && right.t <= w.extendedTo) return 'extended';
  return 'outside';
}

/** The widest distance (ms) a rule ever looks across, in either direction: the incremental scope uses it. */
export function reachMs(rule: Rule): number {
  return windowReachMs(rule.window);
}

/**
 * The score, in [0, 1]. K = key agreement (share of applicable key comparisons that agree; a similarity
 * comparison contributes its similarity), A = 1 − min(1, |Δamount| / (max(tolerance, rounding) + 1)),
 * T = 1 − min(1, |Δt| / reach). With keys: 0.5·K + 0.3·A + 0.2·T; without: 0.6·A + 0.4·T.
 */
export function score(rule: Rule, keys: ReadonlyArray<{ value: number }>, delta: number, leftAmount: number, dtMs: number): number {
  const scale = Math.max(tolerance(rule, leftAmount), rule.amount.rounding_minor) + 1;
  const a = 1 - Math.min(1, Math.abs(delta) / scale);
  const t = 1 - Math.min(1, Math.abs(dtMs) / Math.max(reachMs(rule), 3_600_000));
  if (rule.keys.length === 0) return round6(0.6 * a + 0.4 * t);
  const k = keys.length === 0 ? 0 : keys.reduce((s, x) => s + x.value, 0) / keys.length;
  return round6(0.5 * k + 0.3 * a + 0.2 * t);
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export interface Scored {
  event: MatchEvent;
  score: number;
  /** Compared amount delta, in the currency they were compared in (the left's, or the FX basis's). */
  delta: number;
  dtMs: number;
  keys: KeyResult[];
  amount: AmountClass;
  window: WindowClass;
  /** How the amounts were compared when the currencies differ (fxBasis.ts): stated in the match's summary. */
  note?: string;
}

/** Best first; equal scores by event id so the order never depends on arrival. */
export function rankScored(list: Scored[]): Scored[] {
  return list.sort((a, b) => b.score - a.score || a.event.rank - b.event.rank);
}

/** The candidates within tie_margin of the best: one means a clear winner, more an AMBIGUOUS_MATCH. */
export function leaders(ranked: Scored[], tieMargin: number): Scored[] {
  const best = ranked[0];
  if (best === undefined) return [];
  return ranked.filter((s) => best.score - s.score <= tieMargin + 1e-9);
}

/** The candidates that lost to `winner` (then `extra`, the ones that never qualified), at most `limit`. */
export function runnersUp(ranked: Scored[], winner: MatchEvent, extra: RunnerUp[], limit = 5): RunnerUp[] {
  if (ranked.length === 1 && extra.length === 0) return NO_RUNNERS_UP; // the usual case: nothing else was in the running
  const lost: RunnerUp[] = ranked.filter((s) => s.event !== winner).map((s) => ({ event_id: s.event.id, score: s.score, reason: 'lower score' }));
  return [...lost, ...extra].slice(0, limit);
}

const NO_RUNNERS_UP: RunnerUp[] = [];

/** The candidates an exception found tied (then the ones that never qualified): the first ten, each named by id. */
export function tiedRunnersUp(lead: readonly Scored[], extra: readonly RunnerUp[]): RunnerUp[] {
  const out: RunnerUp[] = lead.slice(0, 10).map((s) => ({ event_id: s.event.id, score: s.score, reason: 'tied' as const }));
  for (const x of extra) {
    if (out.length === 10) break;
    out.push(x);
  }
  return out;
}

export function hoursBetween(dtMs: number): number {
  return round6(dtMs / 3_600_000);
}
