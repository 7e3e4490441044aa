// What a parallel full run's worker sends the writing thread: prepared matches in flat batches, progress, the end.
import type { DesiredMatch } from '../rules/model.ts';
import { hoursBetween } from '../rules/strategies/candidates.ts';
import type { ExceptionOutcome } from './exceptionWriter.ts';
import type { AwaitingRows } from './awaitingWriter.ts';
import type { ReconcileProgress } from './runContext.ts';
import { ledgerEvent } from './ledgerEvent.ts';

/**
 * Matches, flat: a million small objects cloned one by one between threads cost seconds; strings in one array and
 * numbers in typed arrays (whose buffers are moved, not copied) cost a fraction. The writing thread makes what it can
 * from the events' seqs and the shared id table (eventIds.ts): an empty match id is made there, and an empty
 * explanation is a standard match's figures, packed there (explanationText.ts packStandardMatch).
 */
export interface MatchBatch {
  /** matchId ('' = made by the writer), explanation ('' = a standard match: delta and hours in `nums`), per match. */
  strings: string[];
  /** Per match: rule index in the rule set, status (1 = auto_resolved), left count, right count. */
  meta: Int32Array;
  /** Per match: score, amount delta, hours apart. */
  nums: Float64Array;
  /** Per match, its left seqs then its right seqs. */
  seqs: Int32Array;
}

/** Per match in a batch: the places of its fields in `meta` (META_WIDTH ints), `nums` (NUMS_WIDTH floats), `strings` (2). */
export const META = { rule: 0, status: 1, left: 2, right: 3 } as const;
export const META_WIDTH = 4;
export const NUMS = { score: 0, delta: 1, hours: 2 } as const;
export const NUMS_WIDTH = 3;
export const STRINGS = { matchId: 0, explanation: 1 } as const;
export const STRINGS_WIDTH = 2;

export type WorkerMessage =
  | { t: 'progress'; progress: ReconcileProgress }
  | { t: 'loaded'; events: number }
  | { t: 'matches'; batch: MatchBatch }
  | { t: 'done'; exceptions: ExceptionOutcome[]; awaiting: AwaitingRows; eventsConsidered: number }
  | { t: 'error'; message: string; stack: string | undefined };

/** Collects matches for one batch. */
export class MatchBatchBuilder {
  private strings: string[] = [];
  private meta: number[] = [];
  private nums: number[] = [];
  private seqs: number[] = [];

  get size(): number {
    return this.nums.length / NUMS_WIDTH;
  }

  add(d: DesiredMatch, ruleIndex: number, matchId: string, explanation: string): void {
    this.strings.push(matchId, explanation);
    this.meta.push(ruleIndex, d.status === 'auto_resolved' ? 1 : 0, d.left.length, d.right.length);
    this.nums.push(d.score, d.delta, hoursBetween(d.dtMs));
    for (const e of d.left) this.seqs.push(ledgerEvent(e).seq);
    for (const e of d.right) this.seqs.push(ledgerEvent(e).seq);
  }

  /** The batch so far (the builder starts empty again). */
  take(): MatchBatch {
    const batch: MatchBatch = {
      strings: this.strings,
      meta: Int32Array.from(this.meta),
      nums: Float64Array.from(this.nums),
      seqs: Int32Array.from(this.seqs),
    };
    this.strings = [];
    this.meta = [];
    this.nums = [];
    this.seqs = [];
    return batch;
  }
}
