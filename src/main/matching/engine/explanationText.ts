// The stored form of an explanation: compact JSON without what the row's own columns already say.
//
// A full run of a 1M-order month stores a million match explanations; written out in full each is ~800 bytes,
// most of it field names and the rule id, rule set and version that the row carries in its own columns anyway.
// The packed form keeps every fact (summary, strategy, link, each key compared with both values, deltas, score,
// runner-ups, policy) in positional arrays, about a third of the size, and is expanded back to the same
// Explanation when read (`tieout explain`, exports, the app). Version 2 (`"v":2`) also leaves out the summary of a
// match decided the standard way (rule, keys that agreed, amount and time deltas, and a note): it is composed from
// those same facts when read, so a million such matches neither hold nor store a hundred-byte sentence each. A
// standard match (one left, one right event: decide.ts recordWinner) stores only what its rule version and two events
// do not already say (`"e":1`: deltas, runner-ups, note); its key comparisons are made again between those two
// immutable events under that immutable rule version when it is read (explanation.ts readMatchExplanation), the same
// computation the engine made. Rows written before (version 1: `s` first, no `v`; or full JSON with a `summary`
// field) and a person's match notes are read as they are.
import { composeMatchSummary, type Explanation, type KeyAgreement, type RunnerUp } from '../rules/explanation.ts';

/** Version 1: [left_field, right_field, left_value, right_value (null: same as left), compare, value, agreed 1/0]. */
type PackedKeyV1 = [string, string, string, string | null, string, number, 0 | 1];
/** Version 2: [left_field, right_field, compare, value, agreed 1/0], then, when stored, left_value and right_value (null: same). */
type PackedKey = [string, string, string, number, 0 | 1] | [string, string, string, number, 0 | 1, string, string | null];
/** [event_id, score, reason]. */
type PackedRunnerUp = [string, number | null, RunnerUp['reason']];

interface Packed {
  /** 2 in the current form; absent in version 1, whose mark is `s` first. */
  v?: 2;
  /** summary; absent (version 2) when it is the standard match summary, composed on read. */
  s?: string;
  /** The note appended to a composed summary. */
  n?: string;
  /** 1: a standard match whose keys, strategy, link and score are read from its rule, its events and its row. */
  e?: 1;
  g?: string;
  l?: string;
  k?: PackedKey[] | PackedKeyV1[];
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

/** A standard match's stored explanation: its amount delta, its hours, its runner-ups and note (see the header). */
export function packStandardMatch(delta: number, hours: number, runnersUp: readonly RunnerUp[], note: string | undefined): string {
  const p: Packed = { v: 2, e: 1, a: delta, h: hours };
  if (runnersUp.length > 0) p.r = runnersUp.map((r) => [r.event_id, r.score, r.reason]);
  if (note !== undefined) p.n = note;
  return JSON.stringify(p);
}

export function packExplanation(e: Explanation): string {
  const p: Packed = { v: 2 };
  if (e.summary !== '') p.s = e.summary;
  if (e.note !== undefined) p.n = e.note;
  if (e.strategy !== null) p.g = e.strategy;
  if (e.link !== null) p.l = e.link;
  if (e.keys.length > 0) {
    p.k = e.keys.map((k): PackedKey => {
      const head: [string, string, string, number, 0 | 1] = [k.left_field, k.right_field, k.compare, k.value, k.agreed ? 1 : 0];
      if (k.left_value === undefined) return head;
      return [...head, k.left_value, k.right_value === k.left_value ? null : (k.right_value ?? null)];
    });
  }
  if (e.amount_delta_minor !== null) p.a = e.amount_delta_minor;
  if (e.time_delta_hours !== null) p.h = e.time_delta_hours;
  if (e.score !== null) p.c = e.score;
  if (e.runners_up.length > 0) p.r = e.runners_up.map((r) => [r.event_id, r.score, r.reason]);
  if (e.policy !== undefined) p.p = e.policy;
  return JSON.stringify(p);
}

function unpackKey(k: PackedKey): KeyAgreement {
  const [lf, rf, compare, value, agreed, lv, rv] = k;
  const a: KeyAgreement = { left_field: lf, right_field: rf, compare, value, agreed: agreed === 1 };
  if (lv !== undefined) {
    a.left_value = lv;
    a.right_value = rv ?? lv;
  }
  return a;
}

function unpackKeyV1([lf, rf, lv, rv, compare, value, agreed]: PackedKeyV1): KeyAgreement {
  return { left_field: lf, right_field: rf, left_value: lv, right_value: rv ?? lv, compare, value, agreed: agreed === 1 };
}

function isPacked(v: unknown): v is Packed {
  if (typeof v !== 'object' || v === null || 'summary' in v) return false;
  return (v as Packed).v === 2 || typeof (v as Packed).s === 'string';
}

/** Reads a stored explanation: the packed form is expanded with the row's columns; anything else is returned as stored. */
export function unpackExplanation(text: string, columns: ExplanationColumns): Explanation {
  const v = JSON.parse(text) as unknown;
  if (!isPacked(v)) return v as Explanation;
  const keys: KeyAgreement[] =
    v.v === 2 ? ((v.k as PackedKey[] | undefined) ?? []).map(unpackKey) : ((v.k as PackedKeyV1[] | undefined) ?? []).map(unpackKeyV1);
  const e: Explanation = {
    rule_id: columns.rule_id,
    rule_set_id: columns.rule_set_id,
    rule_version: columns.rule_version,
    strategy: v.g ?? null,
    link: v.l ?? null,
    summary: '',
    keys,
    amount_delta_minor: v.a ?? null,
    time_delta_hours: v.h ?? null,
    score: v.c ?? null,
    runners_up: (v.r ?? []).map(([event_id, score, reason]) => ({ event_id, score, reason })),
  };
  if (v.p !== undefined) e.policy = v.p;
  if (v.n !== undefined) e.note = v.n;
  if (v.e === 1) e.keys_from_events = true;
  else e.summary = v.s ?? composeMatchSummary(e);
  return e;
}

/** An explanation as it reads once stored (its summary composed): for callers of computeOutcome such as tests. */
export function desiredMatchExplanation(e: Explanation): Explanation {
  return unpackExplanation(packExplanation(e), e);
}
