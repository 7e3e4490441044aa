// Why a match or exception exists, as the engine decided it: the record every front door shows (CLI, app, audit pack).

export interface KeyAgreement {
  left_field: string;
  right_field: string;
  /**
   * The two texts compared. Absent in a standard match's stored explanation (one left, one right event): they are the
   * fields of its own two events, shown from them (review/eventDetails.ts), not stored a million times over.
   */
  left_value?: string;
  right_value?: string;
  compare: string;
  /** 1/0 for exact comparisons, the similarity for fuzzy ones. */
  value: number;
  agreed: boolean;
}

export interface RunnerUp {
  event_id: string;
  score: number | null;
  reason: 'lower score' | 'outside window' | 'amount beyond tolerance' | 'already used' | 'blocked by a person' | 'currency differs' | 'tied';
}

export interface Explanation {
  rule_id: string | null;
  /** Null for exceptions no rule set decides: DUPLICATE_RECORD (raised by the import) and FEED_MISSING (heartbeats). */
  rule_set_id: string | null;
  rule_version: number | null;
  strategy: string | null;
  link: string | null;
  /**
   * One line a reviewer reads first. While the engine holds a match decided the standard way, '' (composed from the
   * rule, keys, deltas and note when stored or read: explanationText.ts summaryOf); every stored or read explanation
   * has its sentence.
   */
  summary: string;
  /** What a composed summary appends (a late counterpart, the tie a similarity key broke). */
  note?: string;
  /**
   * Read from a standard match's stored form: keys, strategy, link, score and summary are still to be made from its
   * rule version and its two events (readMatchExplanation); never set on what a reader is given.
   */
  keys_from_events?: true;
  keys: KeyAgreement[];
  amount_delta_minor: number | null;
  time_delta_hours: number | null;
  score: number | null;
  runners_up: RunnerUp[];
  /** Policy gate outcome for exceptions; absent on matches. */
  policy?: string;
}

/**
 * The summary of a match decided the standard way (decide.ts recordWinner): which keys agreed (or amount and time),
 * the amount delta, the hours between the two sides, then the note. Composed, never stored, for those matches.
 */
export function composeMatchSummary(e: Pick<Explanation, 'rule_id' | 'keys' | 'amount_delta_minor' | 'time_delta_hours' | 'note'>): string {
  const agreed = e.keys
    .filter((k) => k.agreed)
    .map((k) => `${k.left_field}↔${k.right_field}${k.compare === 'similarity' ? ` (similarity ${k.value})` : ''}`);
  const how = agreed.length > 0 ? `keys ${agreed.join(', ')} agree` : 'amount and time agree';
  const base = `${e.rule_id ?? '(no rule)'}: ${how}; amount delta ${e.amount_delta_minor ?? 0}, ${e.time_delta_hours ?? 0} h apart`;
  return e.note === undefined ? base : `${base}; ${e.note}`;
}

/** An explanation's summary line: as written, or composed (summary '' marks a standard match summary, see Explanation). */
export function summaryOf(e: Explanation): string {
  return e.summary === '' ? composeMatchSummary(e) : e.summary;
}
