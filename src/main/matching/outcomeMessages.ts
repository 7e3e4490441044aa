// What a parallel full run's worker sends the writing thread: prepared matches in flat batches, progress, the end.
import type { PreparedMatch } from './matchWriter.ts';
import type { ExceptionOutcome } from './exceptionWriter.ts';
import type { ReconcileProgress } from './runContext.ts';

/**
 * Prepared matches, flat: a million small objects cloned one by one between threads cost seconds; strings in one
 * array and numbers in typed arrays (whose buffers are moved, not copied) cost a fraction.
 */
export interface MatchBatch {
  /** matchId, explanation, per match. */
  strings: string[];
  /** Per match: rule index in the rule set, status (1 = auto_resolved), left count, right count. */
  meta: Int32Array;
  scores: Float64Array;
  /** Per match, its left seqs then its right seqs. */
  seqs: Int32Array;
}

export type WorkerMessage =
  | { t: 'progress'; progress: ReconcileProgress }
  | { t: 'loaded'; events: number }
  | { t: 'matches'; batch: MatchBatch }
  | { t: 'done'; exceptions: ExceptionOutcome[]; eventsConsidered: number }
  | { t: 'error'; message: string; stack: string | undefined };

export function encodeMatches(matches: readonly PreparedMatch[], ruleIndex: ReadonlyMap<string, number>): MatchBatch {
  const strings: string[] = [];
  const meta = new Int32Array(matches.length * 4);
  const scores = new Float64Array(matches.length);
  let seqCount = 0;
  for (const m of matches) seqCount += m.left.length + m.right.length;
  const seqs = new Int32Array(seqCount);
  let s = 0;
  matches.forEach((m, i) => {
    strings.push(m.matchId, m.explanation);
    meta[i * 4] = ruleIndex.get(m.ruleId) ?? -1;
    meta[i * 4 + 1] = m.status === 'auto_resolved' ? 1 : 0;
    meta[i * 4 + 2] = m.left.length;
    meta[i * 4 + 3] = m.right.length;
    scores[i] = m.score;
    for (const x of m.left) seqs[s++] = x;
    for (const x of m.right) seqs[s++] = x;
  });
  return { strings, meta, scores, seqs };
}
