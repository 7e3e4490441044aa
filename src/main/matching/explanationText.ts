// The stored form of an explanation: compact JSON without what the row's own columns already say.
//
// A full run of a 1M-order month stores a million match explanations; written out in full each is ~800 bytes,
// most of it field names and the rule id, rule set and version that the row carries in its own columns anyway.
// The packed form keeps every fact (summary, strategy, link, each key compared with both values, deltas, score,
// runner-ups, policy) in positional arrays, about a third of the size, and is expanded back to the same
// Explanation when read (`tieout explain`, exports, the app). Rows written before this format (full JSON with a
// `summary` field) and a person's match notes are read as they are.
import type { Explanation, KeyAgreement, RunnerUp } from './explanation.ts';

/** [left_field, right_field, left_value, right_value (null: same as left), compare, value, agreed 1/0]. */
type PackedKey = [string, string, string, string | null, string, number, 0 | 1];
/** [event_id, score, reason]. */
type PackedRunnerUp = [string, number | null, RunnerUp['reason']];

interface Packed {
  /** summary, always first and always present: the mark of the packed form. */
  s: string;
  g?: string;
  l?: string;
  k?: PackedKey[];
  a?: number;
  h?: number;
  c?: number;
  r?: PackedRunnerUp[];
  p?: string;
}

/** The columns every match and exception row has, which the packed form leaves out. */
export interface ExplanationColumns {
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
}

export function packExplanation(e: Explanation): string {
  const p: Packed = { s: e.summary };
  if (e.strategy !== null) p.g = e.strategy;
  if (e.link !== null) p.l = e.link;
  if (e.keys.length > 0) {
    p.k = e.keys.map((k) => [k.left_field, k.right_field, k.left_value, k.right_value === k.left_value ? null : k.right_value, k.compare, k.value, k.agreed ? 1 : 0]);
  }
  if (e.amount_delta_minor !== null) p.a = e.amount_delta_minor;
  if (e.time_delta_hours !== null) p.h = e.time_delta_hours;
  if (e.score !== null) p.c = e.score;
  if (e.runners_up.length > 0) p.r = e.runners_up.map((r) => [r.event_id, r.score, r.reason]);
  if (e.policy !== undefined) p.p = e.policy;
  return JSON.stringify(p);
}

function isPacked(v: unknown): v is Packed {
  return typeof v === 'object' && v !== null && typeof (v as Packed).s === 'string' && !('summary' in v);
}

/** Reads a stored explanation: the packed form is expanded with the row's columns; anything else is returned as stored. */
export function unpackExplanation(text: string, columns: ExplanationColumns): Explanation {
  const v = JSON.parse(text) as unknown;
  if (!isPacked(v)) return v as Explanation;
  const keys: KeyAgreement[] = (v.k ?? []).map(([lf, rf, lv, rv, compare, value, agreed]) => ({
    left_field: lf,
    right_field: rf,
    left_value: lv,
    right_value: rv ?? lv,
    compare,
    value,
    agreed: agreed === 1,
  }));
  const e: Explanation = {
    rule_id: columns.rule_id,
    rule_set_id: columns.rule_set_id,
    rule_version: columns.rule_version,
    strategy: v.g ?? null,
    link: v.l ?? null,
    summary: v.s,
    keys,
    amount_delta_minor: v.a ?? null,
    time_delta_hours: v.h ?? null,
    score: v.c ?? null,
    runners_up: (v.r ?? []).map(([event_id, score, reason]) => ({ event_id, score, reason })),
  };
  if (v.p !== undefined) e.policy = v.p;
  return e;
}

/** The explanation a computed (not yet stored) match carries, expanded: for callers of computeOutcome such as tests. */
export function desiredMatchExplanation(d: { explanationText: string; rule: { id: string } }, ruleSet: { rule_set_id: string; version: number }): Explanation {
  return unpackExplanation(d.explanationText, { rule_id: d.rule.id, rule_set_id: ruleSet.rule_set_id, rule_version: ruleSet.version });
}
