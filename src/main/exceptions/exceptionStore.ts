// The one place exceptions are created and changed by their producers (the matching engine, feed heartbeats, the import's
// duplicate records): open, re-derive, escalate and end, each with its journal entry, on the caller's transaction.
import type { LedgerDb } from '../ledger/database.ts';
import type { JournalWriter } from '../ledger/journal.ts';
import type { ExceptionClass, ExceptionCode } from '../../shared/rules/ruleSet.ts';
import type { Explanation } from '../matching/rules/explanation.ts';
import type { Classified } from '../matching/rules/classification.ts';
import { packExplanation } from '../matching/engine/explanationText.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { OpeningAssigner, type OpeningAssignment } from '../owners/openingAssigner.ts';
import { AdjustmentRecorder, type AdjustmentChange } from '../close/adjustments.ts';

/** What a producer wants to exist: the finding, how it is classified, and what made it. */
export interface ExceptionDraft {
  exceptionId: string;
  code: ExceptionCode;
  /** Amount at stake, signed minor units (docs/matching.md says what it means per code). */
  amount: number;
  currency: string;
  /** The events it names, by ledger seq. */
  eventSeqs: readonly number[];
  explanation: Explanation;
  classified: Classified;
  /** The rule and rule set version that derived it; null for producers without rules (heartbeats, imports). */
  rule: { ruleId: string | null; ruleSetId: string; ruleVersion: number } | null;
  /** Why a class A exception is resolved already (default `auto-resolved (class A): CODE`). */
  resolution?: string;
  /** The journal entry's actor when it is not the one who resolves (an import by a person is journaled by system:import). */
  journalActor?: string;
  /** Facts the producer adds to the journal entry's payload (the delivering file, the feed's cadence, …). */
  journalExtra?: Record<string, unknown>;
  /** Identified by its anchor alone (a PAYOUT_MISMATCH by its payout): a stored row takes the draft's events. */
  membersMayChange?: true;
}

/** Who acts, when, and the run (if any) the change belongs to. */
export interface StoreContext {
  actor: string;
  now: string;
  runId: string | null;
}

/** The stored row a producer compares its draft with. */
export interface StoredException {
  seq: number;
  exception_id: string;
  class: ExceptionClass;
  state: string;
  ended_at: string | null;
  policy_gated: number;
  amount_minor: number;
  due_at: string | null;
}

/** How a change reads in the journal and in a run's digest (engine/runContext.ts RunLog). */
export type StoreOutcome = { kind: 'opened' | 'changed' | 'same' | 'ended'; logLine: string | null };

const COLUMNS = [
  'seq',
  'exception_id',
  'code',
  'class',
  'default_class',
  'policy_gated',
  'state',
  'amount_minor',
  'currency',
  'explanation',
  'origin',
  'rule_id',
  'rule_set_id',
  'rule_version',
  'due_at',
  'created_run_id',
  'created_at',
  'resolved_at',
  'resolved_by',
  'resolution',
] as const;
/** Set when an exception opens or opens again (owners and SLA, src/main/owners/openingAssigner.ts). */
const OPENING_COLUMNS = ['domain', 'owner', 'backup', 'sla_tier', 'sla_due_at', 'opened_at', 'escalation_level'] as const;
const INSERTED = [...COLUMNS, ...OPENING_COLUMNS];

export class ExceptionStore {
  private readonly db: LedgerDb;
  private readonly journal: JournalWriter;
  private readonly s;
  private readonly assigner: OpeningAssigner | null;
  /** Changes touching a closed month become adjustments (src/main/close/adjustments.ts); inert when none is closed. */
  private readonly adjust: AdjustmentRecorder;

  /** `settings`: the workspace's, so an opening gets its owners and SLA (without them those columns stay empty). */
  constructor(db: LedgerDb, journal: JournalWriter, settings?: WorkspaceSettings) {
    this.db = db;
    this.journal = journal;
    this.assigner = settings === undefined ? null : new OpeningAssigner(db, settings);
    this.adjust = new AdjustmentRecorder(db);
    this.s = {
      byId: db.prepare('SELECT seq, exception_id, class, state, ended_at, policy_gated, amount_minor, due_at FROM exceptions WHERE exception_id = ?'),
      insert: db.prepare(`INSERT INTO exceptions (${INSERTED.join(', ')}) VALUES (${INSERTED.map((c) => `@${c}`).join(', ')})`),
      member: db.prepare('INSERT INTO exception_members (exception_seq, event_seq) VALUES (?, ?)'),
      members: db.prepare('SELECT event_seq FROM exception_members WHERE exception_seq = ?').pluck(),
      membersById: db
        .prepare('SELECT m.event_seq FROM exceptions x JOIN exception_members m ON m.exception_seq = x.seq WHERE x.exception_id = ?')
        .pluck(),
      removeMember: db.prepare('DELETE FROM exception_members WHERE exception_seq = ? AND event_seq = ?'),
      // Its business time is its earliest member's: cleared when the members change, refilled by the review's
      // ensureExceptionBusinessTimes (src/main/review/businessTime.ts) before anything reads it.
      undate: db.prepare('UPDATE exceptions SET business_at = NULL, business_local_date = NULL WHERE seq = ?'),
      reactivate: db.prepare(
        `UPDATE exceptions SET ended_at = NULL, class = @class, default_class = @default_class, policy_gated = @policy_gated, state = @state,
         amount_minor = @amount_minor, explanation = @explanation, due_at = @due_at, created_run_id = @created_run_id, resolved_at = @resolved_at,
         resolved_by = @resolved_by, resolution = @resolution, ${OPENING_COLUMNS.map((c) => `${c} = @${c}`).join(', ')}
         WHERE exception_id = @exception_id AND ended_at IS NOT NULL`,
      ),
      rederive: db.prepare(
        `UPDATE exceptions SET class = @class, default_class = @default_class, policy_gated = @policy_gated, state = @state, amount_minor = @amount_minor,
         explanation = @explanation, due_at = @due_at, resolved_at = @resolved_at, resolved_by = @resolved_by, resolution = @resolution
         WHERE exception_id = @exception_id AND ended_at IS NULL`,
      ),
      reclassify: db.prepare('UPDATE exceptions SET class = @class, state = @state, policy_gated = @policy_gated WHERE exception_id = @exception_id'),
      // The entry that last set the row's class: a remediation escalation is the one carrying `remediation: true`.
      classSetBy: db
        .prepare(
          `SELECT coalesce(json_extract(payload, '$.remediation'), 0) FROM journal WHERE subject_id = ?
           AND entry_type IN ('exception.opened', 'exception.auto_resolved', 'exception.reclassified', 'exception.escalated')
           ORDER BY seq DESC LIMIT 1`,
        )
        .pluck(),
      end: db.prepare(
        `UPDATE exceptions SET ended_at = @now, state = 'resolved', resolved_at = coalesce(resolved_at, @now), resolved_by = coalesce(resolved_by, @by),
         resolution = coalesce(resolution, @resolution) WHERE exception_id = @exception_id AND ended_at IS NULL`,
      ),
    };
  }

  find(exceptionId: string): StoredException | undefined {
    return this.s.byId.get(exceptionId) as StoredException | undefined;
  }

  /**
   * Makes the draft the exception's current state: a new row, an ended one active again, or an active one re-derived
   * (escalated when only its remediation window ended, reclassified when its figures or class changed). `stored`:
   * the row as the caller already read it (undefined: look it up; null: known not to exist).
   */
  put(draft: ExceptionDraft, ctx: StoreContext, stored?: StoredException | null): StoreOutcome {
    const existing = stored === undefined ? this.find(draft.exceptionId) : (stored ?? undefined);
    if (existing !== undefined && existing.ended_at === null) return this.rederive(draft, existing, ctx);
    const opening = this.opening(draft, ctx);
    const row = { ...this.row(draft, ctx), ...opening };
    if (existing === undefined) {
      const seq = this.s.insert.run(row).lastInsertRowid;
      for (const e of draft.eventSeqs) this.s.member.run(seq, e);
    } else {
      this.s.reactivate.run(row);
      if (draft.membersMayChange === true) this.syncMembers(existing.seq, draft.eventSeqs);
    }
    this.adjusted(draft.exceptionId, existing === undefined ? 'opened' : 'reactivated', ctx, draft.eventSeqs);
    const c = draft.classified;
    const resolved = c.state === 'resolved';
    this.journal.append({
      type: resolved ? 'exception.auto_resolved' : 'exception.opened',
      actor: draft.journalActor ?? ctx.actor,
      subjectId: draft.exceptionId,
      reason: resolved ? `class A: ${draft.code}` : `${draft.code}: class ${c.cls}, ${c.state}`,
      payload: {
        run_id: ctx.runId,
        code: draft.code,
        class: c.cls,
        state: c.state,
        amount_minor: draft.amount,
        currency: draft.currency,
        due_at: c.dueAt,
        events: draft.eventSeqs.length,
        ...(draft.journalExtra ?? {}),
        domain: opening.domain,
        owner: opening.owner,
        backup: opening.backup,
        sla_tier: opening.sla_tier,
        sla_due_at: opening.sla_due_at,
      },
      createdAt: ctx.now,
    });
    return { kind: 'opened', logLine: `+x ${draft.exceptionId} ${c.cls} ${c.state}` };
  }

  private rederive(draft: ExceptionDraft, existing: StoredException, ctx: StoreContext): StoreOutcome {
    const c = draft.classified;
    const moved = draft.membersMayChange === true ? this.syncMembers(existing.seq, draft.eventSeqs) : 0;
    if (moved === 0 && existing.class === c.cls && existing.state === c.state && existing.amount_minor === draft.amount)
      return { kind: 'same', logLine: null };
    if (this.escalatedByRemediation(draft, existing))
      return moved === 0 ? { kind: 'same', logLine: null } : { kind: 'changed', logLine: `~x ${draft.exceptionId} C open (members)` };
    const windowEnded = existing.class === 'B' && existing.state === 'in_remediation' && c.cls === 'C' && existing.amount_minor === draft.amount;
    if (windowEnded) {
      this.escalate(draft.exceptionId, c.dueAt ?? existing.due_at, ctx, c.policyGated);
    } else {
      // The same exception derived again with another amount at stake or class (a new rule set version, a changed
      // policy gate): the row takes the new figures and explanation, and the journal says what changed and why.
      const resolved = c.state === 'resolved';
      this.s.rederive.run(this.row(draft, ctx));
      this.journal.append({
        type: resolved ? 'exception.auto_resolved' : 'exception.reclassified',
        actor: ctx.actor,
        subjectId: draft.exceptionId,
        reason: `derived again${draft.rule === null ? '' : ` under ${draft.rule.ruleSetId} v${draft.rule.ruleVersion}`}${resolved ? `: class A, ${draft.code}` : ''}`,
        payload: {
          run_id: ctx.runId,
          from_class: existing.class,
          from_state: existing.state,
          from_amount_minor: existing.amount_minor,
          to_class: c.cls,
          to_state: c.state,
          to_amount_minor: draft.amount,
          currency: draft.currency,
          events: draft.eventSeqs.length,
        },
        createdAt: ctx.now,
      });
      this.adjusted(draft.exceptionId, 'reclassified', ctx, draft.eventSeqs);
    }
    return { kind: 'changed', logLine: `~x ${draft.exceptionId} ${c.cls} ${c.state} ${draft.amount}` };
  }

  /**
   * Whether the row is class C because a remediation call said so (a failed payout, with the provider's reason) and the
   * draft is the same finding (same amount) still in class B: that escalation is a fact, it stays.
   */
  private escalatedByRemediation(draft: ExceptionDraft, existing: StoredException): boolean {
    if (existing.class !== 'C' || existing.state !== 'open' || draft.classified.cls !== 'B' || existing.amount_minor !== draft.amount) return false;
    return this.s.classSetBy.get(draft.exceptionId) === 1;
  }

  /** Gives a stored row exactly these member events; how many rows it added or removed. */
  private syncMembers(seq: number, eventSeqs: readonly number[]): number {
    const want = new Set(eventSeqs);
    let moved = 0;
    for (const e of this.s.members.all(seq) as number[]) {
      if (want.delete(e)) continue;
      this.s.removeMember.run(seq, e);
      moved++;
    }
    for (const e of want) {
      this.s.member.run(seq, e);
      moved++;
    }
    if (moved > 0) this.s.undate.run(seq);
    return moved;
  }

  /**
   * A class B exception whose remediation window ended without new data, or whose remediation the provider said cannot
   * succeed (`reason`: a payout failed, with the provider's words): class C, open.
   */
  escalate(exceptionId: string, dueAt: string | null, ctx: StoreContext, policyGated = false, reason?: string): StoreOutcome {
    this.s.reclassify.run({ exception_id: exceptionId, class: 'C', state: 'open', policy_gated: policyGated ? 1 : 0 });
    this.journal.append({
      type: 'exception.escalated',
      actor: ctx.actor,
      subjectId: exceptionId,
      reason: reason ?? `remediation window ended (due ${dueAt ?? '-'})`,
      payload: {
        run_id: ctx.runId,
        from_class: 'B',
        from_state: 'in_remediation',
        to_class: 'C',
        to_state: 'open',
        // Said by the provider (a re-derivation keeps it: escalatedByRemediation); a window's end is not.
        remediation: reason !== undefined,
      },
      createdAt: ctx.now,
    });
    this.adjusted(exceptionId, 'escalated', ctx);
    return { kind: 'changed', logLine: `~x ${exceptionId} C open` };
  }

  /** A class B remediation call made for the exception (issue 14): what the provider was asked and what it answered. */
  remediationCall(
    exceptionId: string,
    call: { provider: string; request: string; outcome: string; facts: Record<string, unknown> },
    ctx: StoreContext,
  ): void {
    this.journal.append({
      type: 'exception.remediation',
      actor: ctx.actor,
      subjectId: exceptionId,
      reason: call.outcome,
      payload: { run_id: ctx.runId, provider: call.provider, request: call.request, ...call.facts },
      createdAt: ctx.now,
    });
  }

  /**
   * Ends an exception that no longer holds. One still open is resolved by new data; one resolved already (a class A
   * finding beside a match) ends with the match it documented. `why` and `extra` go to the journal entry.
   */
  end(
    row: Pick<StoredException, 'exception_id' | 'class' | 'state'>,
    ctx: StoreContext,
    why?: { reason?: string; extra?: Record<string, unknown> },
  ): StoreOutcome {
    const wasResolved = row.state === 'resolved';
    this.s.end.run({ exception_id: row.exception_id, now: ctx.now, by: ctx.actor, resolution: wasResolved ? null : 'resolved by new data' });
    this.journal.append({
      type: wasResolved ? 'exception.ended' : 'exception.resolved_by_new_data',
      actor: ctx.actor,
      subjectId: row.exception_id,
      reason: why?.reason ?? (wasResolved ? 'the match it documented no longer holds' : 'resolved by new data'),
      payload: { run_id: ctx.runId, previous_class: row.class, previous_state: row.state, ...(why?.extra ?? {}) },
      createdAt: ctx.now,
    });
    this.adjusted(row.exception_id, 'ended', ctx);
    return { kind: 'ended', logLine: `-x ${row.exception_id}` };
  }

  /** The one hook of the close (src/main/close/adjustments.ts): a change touching a closed month is recorded as an adjustment. */
  private adjusted(exceptionId: string, change: AdjustmentChange, ctx: StoreContext, eventSeqs?: readonly number[]): void {
    if (!this.adjust.active) return;
    const seqs = eventSeqs ?? (this.s.membersById.all(exceptionId) as number[]);
    this.adjust.note('exception', exceptionId, change, seqs);
    this.adjust.flush(ctx);
  }

  /** Owner, backup and SLA of an opening; empty (the clock still starts) when the store was built without settings. */
  private opening(
    draft: ExceptionDraft,
    ctx: StoreContext,
  ): Omit<OpeningAssignment, 'sla_tier'> & { sla_tier: OpeningAssignment['sla_tier'] | null } {
    const c = draft.classified;
    if (this.assigner === null)
      return { domain: null, owner: null, backup: null, sla_tier: null, sla_due_at: null, opened_at: ctx.now, escalation_level: 0 };
    return this.assigner.assign(
      { code: draft.code, cls: c.cls, state: c.state, amount: draft.amount, currency: draft.currency, eventSeqs: draft.eventSeqs },
      ctx.now,
    );
  }

  /** The 19 stored columns of a draft (plus seq for a new row). */
  private row(draft: ExceptionDraft, ctx: StoreContext): Record<(typeof COLUMNS)[number], unknown> {
    const c = draft.classified;
    const resolved = c.state === 'resolved';
    return {
      seq: null,
      exception_id: draft.exceptionId,
      code: draft.code,
      class: c.cls,
      default_class: c.defaultClass,
      policy_gated: c.policyGated ? 1 : 0,
      state: c.state,
      amount_minor: draft.amount,
      currency: draft.currency,
      explanation: packExplanation({ ...draft.explanation, policy: c.policy }),
      origin: 'engine',
      rule_id: draft.rule?.ruleId ?? null,
      rule_set_id: draft.rule?.ruleSetId ?? null,
      rule_version: draft.rule?.ruleVersion ?? null,
      due_at: c.dueAt,
      created_run_id: ctx.runId,
      created_at: ctx.now,
      resolved_at: resolved ? ctx.now : null,
      resolved_by: resolved ? ctx.actor : null,
      resolution: resolved ? (draft.resolution ?? `auto-resolved (class A): ${draft.code}`) : null,
    };
  }
}
