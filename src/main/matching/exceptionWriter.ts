// Applies a run's exceptions to the projection: opened, re-derived, escalated when their window ends, ended when they stop holding.
import type { Explanation } from './explanation.ts';
import type { DesiredException } from './model.ts';
import { classify, policyGateMinor } from './exceptions.ts';
import { packExplanation } from './explanationText.ts';
import { activeRows, bulkIndexes, type RunContext, type ScopeJudge } from './runContext.ts';

/** An exception as the writer needs it: its events by id and ledger seq (a parallel run's worker sends these). */
export interface ExceptionOutcome extends Pick<DesiredException, 'exceptionId' | 'code' | 'amount' | 'currency' | 't'> {
  ruleId: string | null;
  explanation: Explanation;
  events: Array<{ id: string; seq: number }>;
}

export function toExceptionOutcome(d: DesiredException): ExceptionOutcome {
  return {
    exceptionId: d.exceptionId,
    code: d.code,
    amount: d.amount,
    currency: d.currency,
    t: d.t,
    ruleId: d.rule?.id ?? null,
    explanation: d.explanation,
    events: d.events.map((e) => ({ id: e.id, seq: e.seq })),
  };
}

export function applyExceptions(ctx: RunContext, desired: ExceptionOutcome[], judge: ScopeJudge | null): { opened: number; closed: number; changed: number } {
  const touched = new Set(ctx.w.humanTouched.all() as string[]);
  const want = new Map<string, ExceptionOutcome>();
  for (const d of desired) if (!want.has(d.exceptionId) && !touched.has(d.exceptionId)) want.set(d.exceptionId, d);
  const counts = { opened: 0, closed: 0, changed: 0 };
  type XRow = { exception_id: string; class: string; state: string; rule_id: string | null; events: string | null };
  const active = new Set<string>();
  for (const row of activeRows<XRow>(ctx.w.activeEngineExceptions, ctx.w.activeEngineExceptionsTouching, judge, (r) => r.exception_id)) {
    active.add(row.exception_id);
    if (touched.has(row.exception_id) || want.has(row.exception_id)) continue;
    if (judge !== null && !judge.exception(row.rule_id, (row.events ?? '').split(','))) continue;
    endException(ctx, row);
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
  const seqs = { next: ctx.w.nextExceptionSeq.get() as number };
  const gate = policyGateMinor(ctx.settings);
  for (const d of toApply) {
    const r = upsertException(ctx, d, seqs, gate);
    if (r === 'opened') counts.opened++;
    if (r === 'changed') counts.changed++;
  }
  rebuild();
  ctx.progress({ phase: 'writing exceptions', done: toApply.length, total: toApply.length });
  counts.changed += escalateOverdue(ctx, touched, want);
  return counts;
}

function endException(ctx: RunContext, row: { exception_id: string; class: string; state: string }): void {
  const wasResolved = row.state === 'resolved';
  ctx.w.endException.run({ exception_id: row.exception_id, now: ctx.now, by: ctx.actor, resolution: wasResolved ? null : 'resolved by new data' });
  ctx.journal.append({
    type: wasResolved ? 'exception.ended' : 'exception.resolved_by_new_data',
    actor: ctx.actor,
    subjectId: row.exception_id,
    reason: wasResolved ? 'the match it documented no longer holds' : 'resolved by new data',
    payload: { run_id: ctx.runId, previous_class: row.class, previous_state: row.state },
    createdAt: ctx.now,
  });
  ctx.log.line(`-x ${row.exception_id}`);
}

function upsertException(ctx: RunContext, d: ExceptionOutcome, seqs: { next: number }, gate: number): 'opened' | 'changed' | 'same' {
  const c = classify(d, ctx.ruleSet, ctx.settings.reporting_currency, gate, ctx.asOfMs);
  const existing = ctx.w.exceptionById.get(d.exceptionId) as
    | { class: string; state: string; ended_at: string | null; policy_gated: number; amount_minor: number }
    | undefined;
  const resolved = c.state === 'resolved';
  const row = {
    exception_id: d.exceptionId, code: d.code, class: c.cls, default_class: c.defaultClass, policy_gated: c.policyGated ? 1 : 0, state: c.state,
    amount_minor: d.amount, currency: d.currency, explanation: packExplanation({ ...d.explanation, policy: c.policy }), rule_id: d.ruleId,
    rule_set_id: ctx.ruleSet.rule_set_id, rule_version: ctx.ruleSet.version, due_at: c.dueAt, created_run_id: ctx.runId, created_at: ctx.now,
    resolved_at: resolved ? ctx.now : null, resolved_by: resolved ? ctx.actor : null, resolution: resolved ? `auto-resolved (class A): ${d.code}` : null,
  };
  if (existing !== undefined && existing.ended_at === null) {
    if (existing.class === c.cls && existing.state === c.state && existing.amount_minor === d.amount) return 'same';
    const windowEnded = existing.class === 'B' && existing.state === 'in_remediation' && c.cls === 'C' && existing.amount_minor === d.amount;
    if (windowEnded) {
      ctx.w.reclassify.run({ exception_id: d.exceptionId, class: c.cls, state: c.state, policy_gated: row.policy_gated });
      ctx.journal.append({
        type: 'exception.escalated', actor: ctx.actor, subjectId: d.exceptionId, reason: `remediation window ended (due ${c.dueAt ?? '-'})`,
        payload: { run_id: ctx.runId, from_class: existing.class, from_state: existing.state, to_class: c.cls, to_state: c.state }, createdAt: ctx.now,
      });
    } else {
      // The same exception derived again with another amount at stake or class (a new rule set version, a changed
      // policy gate): the row takes the new figures and explanation, and the journal says what changed and why.
      ctx.w.rederive.run(row);
      ctx.journal.append({
        type: resolved ? 'exception.auto_resolved' : 'exception.reclassified', actor: ctx.actor, subjectId: d.exceptionId,
        reason: `derived again under ${ctx.ruleSet.rule_set_id} v${ctx.ruleSet.version}${resolved ? `: class A, ${d.code}` : ''}`,
        payload: {
          run_id: ctx.runId, from_class: existing.class, from_state: existing.state, from_amount_minor: existing.amount_minor,
          to_class: c.cls, to_state: c.state, to_amount_minor: d.amount, currency: d.currency, events: d.events.map((e) => e.id),
        },
        createdAt: ctx.now,
      });
    }
    ctx.log.line(`~x ${d.exceptionId} ${c.cls} ${c.state} ${d.amount}`);
    return 'changed';
  }
  if (existing === undefined) {
    const seq = seqs.next++;
    ctx.w.insertException.run({ ...row, seq });
    for (const e of d.events) ctx.w.insertExceptionMember.run(seq, e.seq);
  } else ctx.w.reactivateException.run(row);
  if (resolved) {
    ctx.journal.append({
      type: 'exception.auto_resolved', actor: ctx.actor, subjectId: d.exceptionId, reason: `class A: ${d.code}`,
      payload: { run_id: ctx.runId, code: d.code, amount_minor: d.amount, currency: d.currency, events: d.events.map((e) => e.id) }, createdAt: ctx.now,
    });
  }
  ctx.log.line(`+x ${d.exceptionId} ${c.cls} ${c.state}`);
  return 'opened';
}

/** Exceptions outside this run's scope still turn class C when the ledger's as-of time passes their due time. */
function escalateOverdue(ctx: RunContext, touched: Set<string>, handled: Map<string, ExceptionOutcome>): number {
  let n = 0;
  for (const r of ctx.w.inRemediation.all() as { exception_id: string; due_at: string | null }[]) {
    if (handled.has(r.exception_id) || touched.has(r.exception_id) || r.due_at === null || ctx.asOfMs <= Date.parse(r.due_at)) continue;
    ctx.w.reclassify.run({ exception_id: r.exception_id, class: 'C', state: 'open', policy_gated: 0 });
    ctx.journal.append({
      type: 'exception.escalated', actor: ctx.actor, subjectId: r.exception_id, reason: `remediation window ended (due ${r.due_at})`,
      payload: { run_id: ctx.runId, from_class: 'B', from_state: 'in_remediation', to_class: 'C', to_state: 'open' }, createdAt: ctx.now,
    });
    ctx.log.line(`~x ${r.exception_id} C open`);
    n++;
  }
  return n;
}
