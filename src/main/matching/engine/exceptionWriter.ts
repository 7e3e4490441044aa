// Applies a run's exceptions to the projection through the exceptions store: opened, re-derived, escalated when their
// window ends, ended when they stop holding.
import type { DesiredException } from '../rules/model.ts';
import { type Explanation } from '../rules/explanation.ts';
import { classify, holdForPerson, policyGateMinor } from '../rules/classification.ts';
import { ExceptionStore, type StoreContext, type StoreOutcome } from '../../exceptions/exceptionStore.ts';
import { exceptionIdOfKey } from './identity.ts';
import { activeRows, bulkIndexes, type RunContext, type ScopeJudge } from './runContext.ts';
import { ledgerEvent } from './ledgerEvent.ts';

/** An exception as the writer needs it: its id, its events by id and ledger seq (a parallel run's worker sends these). */
export interface ExceptionOutcome extends Pick<DesiredException, 'code' | 'amount' | 'currency' | 't' | 'membersMayChange'> {
  exceptionId: string;
  ruleId: string | null;
  explanation: Explanation;
  events: Array<{ id: string; seq: number }>;
}

export function toExceptionOutcome(d: DesiredException): ExceptionOutcome {
  return {
    exceptionId: exceptionIdOfKey(d.key),
    code: d.code,
    amount: d.amount,
    currency: d.currency,
    t: d.t,
    ruleId: d.rule?.id ?? null,
    explanation: d.explanation,
    ...(d.membersMayChange === true ? { membersMayChange: true as const } : {}),
    events: d.events.map((e) => ({ id: e.id, seq: ledgerEvent(e).seq })),
  };
}

export function applyExceptions(
  ctx: RunContext,
  desired: ExceptionOutcome[],
  judge: ScopeJudge | null,
): { opened: number; closed: number; changed: number } {
  const store = new ExceptionStore(ctx.db, ctx.journal, ctx.settings);
  const sc: StoreContext = { actor: ctx.actor, now: ctx.now, runId: ctx.runId };
  const note = (o: StoreOutcome): StoreOutcome => {
    if (o.logLine !== null) ctx.log.line(o.logLine);
    return o;
  };
  const touched = new Set(ctx.w.humanTouched.all() as string[]);
  const want = new Map<string, ExceptionOutcome>();
  for (const d of desired) if (!want.has(d.exceptionId) && !touched.has(d.exceptionId)) want.set(d.exceptionId, d);
  const counts = { opened: 0, closed: 0, changed: 0 };
  type XRow = { exception_id: string; code: string; class: 'A' | 'B' | 'C'; state: string; rule_id: string | null; events: string | null };
  const active = new Set<string>();
  for (const row of activeRows<XRow>(ctx.w.activeEngineExceptions, ctx.w.activeEngineExceptionsTouching, judge, (r) => r.exception_id)) {
    active.add(row.exception_id);
    if (touched.has(row.exception_id) || want.has(row.exception_id)) continue;
    if (judge !== null && !judge.exception(row.rule_id, (row.events ?? '').split(','), row.code)) continue;
    note(store.end(row, sc));
    counts.closed++;
  }
  const toApply = [...want.values()].sort((a, b) => (a.exceptionId < b.exceptionId ? -1 : 1));
  ctx.progress({ phase: 'writing exceptions', done: 0, total: toApply.length });
  // Event links the run may add (exceptions not active now; an AMBIGUOUS_MATCH names every tied candidate, so a
  // month without keys can bring millions): past the bulk threshold their indexes are rebuilt, as for matches.
  let newLinks = 0;
  for (const d of toApply) if (!active.has(d.exceptionId)) newLinks += d.events.length;
  // The exception id index stays: every desired exception is looked up by id (they are few; their links are many).
  const rebuild = bulkIndexes(ctx.db, ['exception_members', 'exceptions'], newLinks, ctx.bulkRows, ['exceptions_by_id']);
  const gate = policyGateMinor(ctx.settings);
  const rule = (ruleId: string | null) => ({ ruleId, ruleSetId: ctx.ruleSet.rule_set_id, ruleVersion: ctx.ruleSet.version });
  for (const d of toApply) {
    const derived = classify(d, ctx.ruleSet, ctx.settings.reporting_currency, gate, ctx.asOfMs);
    // A canary's auto-resolution outside its scope waits for a person unless the previous version auto-resolves it too.
    const classified = derived.cls === 'A' && ctx.autoResolveGate !== undefined ? holdForPerson(derived, ctx.autoResolveGate(d)) : derived;
    const draft = { ...d, eventSeqs: d.events.map((e) => e.seq), classified, rule: rule(d.ruleId) };
    const r = note(store.put(draft, sc));
    if (r.kind === 'opened') counts.opened++;
    if (r.kind === 'changed') counts.changed++;
  }
  rebuild();
  ctx.progress({ phase: 'writing exceptions', done: toApply.length, total: toApply.length });
  counts.changed += escalateOverdue(ctx, store, sc, touched, want);
  return counts;
}

/** Exceptions outside this run's scope still turn class C when the ledger's as-of time passes their due time. */
function escalateOverdue(
  ctx: RunContext,
  store: ExceptionStore,
  sc: StoreContext,
  touched: Set<string>,
  handled: Map<string, ExceptionOutcome>,
): number {
  let n = 0;
  for (const r of ctx.w.inRemediation.all() as { exception_id: string; due_at: string | null }[]) {
    if (handled.has(r.exception_id) || touched.has(r.exception_id) || r.due_at === null || ctx.asOfMs <= Date.parse(r.due_at)) continue;
    const o = store.escalate(r.exception_id, r.due_at, sc);
    if (o.logLine !== null) ctx.log.line(o.logLine);
    n++;
  }
  return n;
}
