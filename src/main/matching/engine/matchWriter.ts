// Applies a run's matches to the projection: new rows written in batches, ended ones reactivated, stale ones ended.
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { DesiredMatch } from '../rules/model.ts';
import { packExplanation, packStandardMatch } from './explanationText.ts';
import { hoursBetween } from '../rules/strategies/candidates.ts';
import { matchExplanation } from '../rules/outcomes.ts';
import type { BatchedInsert } from './projectionWriters.ts';
import { META, META_WIDTH, NUMS, NUMS_WIDTH, STRINGS, STRINGS_WIDTH, type MatchBatch } from './outcomeMessages.ts';
import type { EventIdTable } from './eventIds.ts';
import { activeRows, bulkIndexes, PROGRESS_EVERY_ROWS, type Rebuild, type RunContext, type ScopeJudge } from './runContext.ts';
import { type TextSource } from '../rules/eventFields.ts';
import { desiredMatchId } from './identity.ts';
import { identifiedBy } from '../rules/outcomes.ts';
import { ledgerEvent } from './ledgerEvent.ts';
import { AdjustmentRecorder } from '../../close/adjustments.ts';

/**
 * A computed match ready to be written: its id and packed explanation made (the CPU part of writing a match, which a
 * parallel run does in its worker), its events as ledger seqs.
 */
export interface PreparedMatch {
  matchId: string;
  link: string;
  ruleId: string;
  status: 'matched' | 'auto_resolved';
  score: number;
  explanation: string;
  left: number[];
  right: number[];
}

/** `matchId`: already made (a run hashes every match id first to count its new rows). */
export function prepareMatch(d: DesiredMatch, ruleSet: RuleSet, texts: TextSource, matchId = desiredMatchId(d)): PreparedMatch {
  return {
    matchId,
    link: d.link,
    ruleId: d.rule.id,
    status: d.status,
    score: d.score,
    explanation: matchExplanationText(d, ruleSet, texts),
    left: d.left.map((e) => ledgerEvent(e).seq),
    right: d.right.map((e) => ledgerEvent(e).seq),
  };
}

/**
 * What a match stores as its explanation. A standard match stores its figures only; its keys are read again from its
 * two events (explanationText.ts). '' with `compact`: a standard match with nothing but its delta and hours, whose
 * text the writing thread packs itself (outcomeMessages.ts).
 */
export function matchExplanationText(d: DesiredMatch, ruleSet: RuleSet, texts: TextSource, compact = false): string {
  if (d.explanation !== null) return packExplanation(matchExplanation(ruleSet, texts, d));
  if (compact && d.runnersUp.length === 0 && d.note === undefined) return '';
  return packStandardMatch(d.delta, hoursBetween(d.dtMs), d.runnersUp, d.note);
}

type Stored = { seq: number; ended_at: string | null };
type ActiveRow = { seq: number; match_id: string; link: string; events: string | null };

/**
 * Takes a run's matches one at a time, in the order the rules found them (deterministic), and numbers its new rows
 * itself. begin() reads what is stored: the active engine matches the run decides (all of them in a full run, those
 * touching its events in an incremental one) and, where cheaper than a lookup per match, every other stored id.
 * finish() ends the active matches the run did not find again and rebuilds what a bulk write dropped.
 */
export class MatchWriter {
  private readonly ctx: RunContext;
  private readonly judge: ScopeJudge | null;
  /** Active engine matches the run decides: id → seq (a full run that finds a month again holds a million). */
  private readonly active = new Map<string, number>();
  /** Incremental runs: the link and events of each active row, for the judge. */
  private readonly judged = new Map<number, ActiveRow>();
  /** By match seq: 1 for the active matches found again (they stay); the rest of `active` ends. */
  private found: Uint8Array = new Uint8Array(0);
  private states: Map<string, Stored> | null = null;
  private rebuild: Rebuild = Object.assign(() => {}, { bulk: false });
  private insert: { matches: BatchedInsert; members: BatchedInsert } | null = null;
  private nextSeq = 0;
  private expected = 0;
  private created = 0;
  /** Rules whose matches are identified by their left events (rules/outcomes.ts identifiedBy): their members may change. */
  private readonly keyedByLeft: Set<string>;
  private readonly members: MembershipSync;
  /** Matches created, changed or ended that touch a closed month become adjustments (src/main/close/adjustments.ts). */
  private readonly adjust: AdjustmentRecorder;

  constructor(ctx: RunContext, judge: ScopeJudge | null) {
    this.ctx = ctx;
    this.judge = judge;
    this.adjust = new AdjustmentRecorder(ctx.db);
    this.keyedByLeft = new Set(ctx.ruleSet.rules.filter((r) => identifiedBy(r) === 'left').map((r) => r.id));
    this.members = new MembershipSync(ctx);
    if (judge === null) {
      const rows = ctx.w.activeEngineMatches.raw(true).iterate() as IterableIterator<[number, string]>;
      for (const [seq, id] of rows) this.active.set(id, seq);
      ctx.w.activeEngineMatches.raw(false);
    } else {
      for (const row of activeRows<ActiveRow>(ctx.w.activeEngineMatches, ctx.w.activeEngineMatchesTouching, judge, (r) => r.match_id)) {
        this.active.set(row.match_id, row.seq);
        this.judged.set(row.seq, row);
      }
    }
  }

  /** Whether a match of this id is active now (its row stays as it is). */
  isActive(matchId: string): boolean {
    return this.active.has(matchId);
  }

  /**
   * Before the first add: about how many new rows will come. From BULK_ROWS on, when they are at least half of the
   * rows stored, the tables' indexes are dropped for the write and rebuilt by finish() (runContext.ts bulkIndexes).
   */
  begin(expectedNew: number): void {
    const { ctx } = this;
    this.expected = expectedNew;
    this.rebuild = bulkIndexes(ctx.db, ['matches', 'match_members'], expectedNew, ctx.bulkRows);
    this.nextSeq = ctx.w.nextMatchSeq.get() as number;
    // A bulk write has dropped the id index, and a full run knows every active engine match already: every stored
    // id, or the rest (ended, or a person's), is read once instead of one lookup per written match.
    type Row = Stored & { match_id: string };
    const known = this.rebuild.bulk ? (ctx.w.allMatchStates.all() as Row[]) : this.judge === null ? (ctx.w.inactiveMatches.all() as Row[]) : null;
    this.states = known === null ? null : new Map(known.map((r) => [r.match_id, r]));
    this.insert = ctx.w.matchInserts();
    ctx.progress({ phase: 'writing matches', done: 0, total: expectedNew });
  }

  add(p: PreparedMatch): void {
    const seqs = [...p.left, ...p.right];
    this.write(p.matchId, p.link, p.ruleId, p.status, p.score, p.explanation, seqs, 0, p.left.length, p.right.length);
  }

  /**
   * A worker's batch (outcomeMessages.ts), written without making an object per match. Match ids the worker left
   * empty are made from the members' seqs with the run's id table; empty explanations are packed from their figures.
   */
  addBatch(b: MatchBatch, ruleSet: RuleSet, ids: EventIdTable): void {
    let s = 0;
    for (let i = 0; i < b.meta.length / META_WIDTH; i++) {
      const meta = (field: keyof typeof META): number => b.meta[i * META_WIDTH + META[field]] as number;
      const num = (field: keyof typeof NUMS): number => b.nums[i * NUMS_WIDTH + NUMS[field]] as number;
      const str = (field: keyof typeof STRINGS): string => b.strings[i * STRINGS_WIDTH + STRINGS[field]] as string;
      const rule = ruleSet.rules[meta('rule')];
      if (rule === undefined) throw new Error(`match ${str('matchId')}: rule index ${meta('rule')} is not in rule set ${ruleSet.rule_set_id}`);
      const nl = meta('left');
      const nr = meta('right');
      const status = meta('status') === 1 ? 'auto_resolved' : 'matched';
      const matchId = str('matchId') || ids.matchId(rule.link, rule.id, b.seqs, s, identifiedBy(rule) === 'left' ? nl : nl + nr);
      const explanation = str('explanation') || packStandardMatch(num('delta'), num('hours'), [], undefined);
      this.write(matchId, rule.link, rule.id, status, num('score'), explanation, b.seqs, s, nl, nr);
      s += nl + nr;
    }
  }

  /** One match: `seqs[from, from + nl)` its left events, the next `nr` its right ones. */
  private write(
    matchId: string,
    link: string,
    ruleId: string,
    status: PreparedMatch['status'],
    score: number,
    explanation: string,
    seqs: ArrayLike<number>,
    from: number,
    nl: number,
    nr: number,
  ): void {
    const { ctx } = this;
    const insert = this.insert;
    if (insert === null) throw new Error('MatchWriter.begin() was not called');
    const activeSeq = this.active.get(matchId);
    const keyed = this.keyedByLeft.has(ruleId);
    if (activeSeq !== undefined) {
      if (this.found.length <= activeSeq) this.growFound(activeSeq);
      this.found[activeSeq] = 1;
      // A match identified by its left events (a payout) may have gained or lost items since it was written.
      if (keyed && this.members.sync(activeSeq, seqs, from, nl, nr)) {
        ctx.w.updateMatchFigures.run({ seq: activeSeq, status, score, explanation });
        ctx.log.line(`~m ${matchId} ${nl + nr}`);
        this.adjust.note('match', matchId, 'members changed', seqs, from, nl + nr);
      }
      return;
    }
    const existing = this.stateOf(matchId);
    if (existing !== undefined && existing.ended_at === null) return; // a person's match of the same events
    if (existing === undefined) {
      const seq = this.nextSeq++;
      const m = insert.matches;
      m.put(seq);
      m.put(matchId);
      m.put(link);
      m.put(status);
      m.put('engine');
      m.put(ruleId);
      m.put(ctx.ruleSet.rule_set_id);
      m.put(ctx.ruleSet.version);
      m.put(score);
      m.put(explanation);
      m.put(ctx.runId);
      m.put(ctx.now);
      m.put(ctx.actor);
      m.endRow();
      for (let k = 0; k < nl + nr; k++) {
        insert.members.put(seq);
        insert.members.put(seqs[from + k]);
        insert.members.put(k < nl ? 'left' : 'right');
        insert.members.endRow();
      }
    } else {
      ctx.w.reactivateMatch.run({ seq: existing.seq, status, score, explanation, created_run_id: ctx.runId });
      if (keyed) this.members.sync(existing.seq, seqs, from, nl, nr);
    }
    this.adjust.note('match', matchId, existing === undefined ? 'created' : 'reactivated', seqs, from, nl + nr);
    ctx.log.matchCreated(matchId);
    if (++this.created % PROGRESS_EVERY_ROWS === 0)
      ctx.progress({ phase: 'writing matches', done: this.created, total: Math.max(this.expected, this.created) });
  }

  finish(): { created: number; ended: number } {
    const { ctx } = this;
    this.insert?.matches.flush();
    this.insert?.members.flush();
    this.rebuild();
    let ended = 0;
    const reason = `no longer holds under ${ctx.ruleSet.rule_set_id} v${ctx.ruleSet.version}`;
    for (const [matchId, seq] of this.active) {
      if (this.found[seq] === 1) continue;
      const row = this.judged.get(seq);
      if (this.judge !== null && row !== undefined && !this.judge.match(row.link, (row.events ?? '').split(','))) continue;
      ctx.w.endMatch.run({ seq, ended_at: ctx.now, ended_by: ctx.actor, end_reason: reason });
      ctx.log.line(`-m ${matchId}`);
      if (this.adjust.active) this.adjust.note('match', matchId, 'ended', this.members.current(seq));
      ended++;
    }
    this.adjust.flush(ctx);
    ctx.progress({ phase: 'writing matches', done: this.created, total: this.created });
    return { created: this.created, ended };
  }

  private growFound(seq: number): void {
    const bigger = new Uint8Array(Math.max(seq + 1, this.found.length * 2));
    bigger.set(this.found);
    this.found = bigger;
  }

  private stateOf(id: string): Stored | undefined {
    if (this.states !== null) return this.states.get(id);
    return this.ctx.w.matchById.get(id) as Stored | undefined;
  }
}

/**
 * Brings a stored match's members to what the run found: rows for new members, none for members that left, each change
 * recorded in match_member_changes with the run (a payout that gains a late item costs one row, not all of them again).
 */
class MembershipSync {
  private readonly ctx: RunContext;
  private readonly s;

  constructor(ctx: RunContext) {
    this.ctx = ctx;
    const { db } = ctx;
    this.s = {
      stored: db.prepare('SELECT event_seq, side FROM match_members WHERE match_seq = ?').raw(),
      add: db.prepare('INSERT INTO match_members (match_seq, event_seq, side) VALUES (?, ?, ?)'),
      remove: db.prepare('DELETE FROM match_members WHERE match_seq = ? AND event_seq = ?'),
      change: db.prepare('INSERT INTO match_member_changes (match_seq, event_seq, side, change, run_id, at) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  /** A match's member events now. */
  current(matchSeq: number): number[] {
    return (this.s.stored.all(matchSeq) as Array<[number, string]>).map(([event]) => event);
  }

  /** `seqs[from, from + nl)` left, the next `nr` right; true when the stored members changed. */
  sync(matchSeq: number, seqs: ArrayLike<number>, from: number, nl: number, nr: number): boolean {
    const want = new Map<number, 'left' | 'right'>();
    for (let k = 0; k < nl + nr; k++) want.set(seqs[from + k] as number, k < nl ? 'left' : 'right');
    const { runId, now } = this.ctx;
    let changed = false;
    for (const [event, side] of this.s.stored.all(matchSeq) as Array<[number, 'left' | 'right']>) {
      if (want.get(event) === side) {
        want.delete(event);
        continue;
      }
      this.s.remove.run(matchSeq, event);
      this.s.change.run(matchSeq, event, side, 'removed', runId, now);
      changed = true;
    }
    for (const [event, side] of want) {
      this.s.add.run(matchSeq, event, side);
      this.s.change.run(matchSeq, event, side, 'added', runId, now);
      changed = true;
    }
    return changed;
  }
}
