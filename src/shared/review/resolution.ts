// How a person resolves an exception: a category from a fixed list, the account an accepted difference is written
// off to, and the reason. They are journaled together as the decision's reason text, "Timing difference: cheque
// cleared on 2 Nov" or "Accepted difference (written off to 6990 Bank charges): FX rounding", so the hash-chained
// journal holds all three and every front door reads them back the same way.

export const RESOLUTION_CATEGORIES = ['timing', 'accepted_difference', 'duplicate', 'out_of_scope', 'fixed_at_source'] as const;
export type ResolutionCategory = (typeof RESOLUTION_CATEGORIES)[number];

export const RESOLUTION_LABELS: Record<ResolutionCategory, string> = {
  timing: 'Timing difference',
  accepted_difference: 'Accepted difference',
  duplicate: 'Duplicate',
  out_of_scope: 'Out of scope',
  fixed_at_source: 'Fixed at source',
};

/** What each category means, for the person choosing it. */
export const RESOLUTION_HINTS: Record<ResolutionCategory, string> = {
  timing: 'The counterpart exists and arrives in another period (a cheque clearing, a payout landing after month end).',
  accepted_difference: 'The difference is real and accepted: it is written off to an account.',
  duplicate: 'The record is a duplicate of another one already accounted for.',
  out_of_scope: 'Not part of this reconciliation (rent, payroll, a transfer between own accounts).',
  fixed_at_source: 'Corrected in the source system; the corrected data settles it.',
};

export interface Resolution {
  category: ResolutionCategory;
  /** Required for accepted_difference; ignored otherwise. */
  account?: string;
  reason: string;
}

export interface ResolutionReading {
  /** Null for a resolution recorded without a category (older decisions, the engine's, the CLI's free text). */
  category: ResolutionCategory | null;
  account: string | null;
  reason: string;
  /** The text as recorded. */
  text: string;
}

/** The reason text a resolution is journaled as. */
export function composeResolution(r: Resolution): string {
  const reason = r.reason.trim();
  if (r.category === 'accepted_difference') {
    const account = (r.account ?? '').trim();
    if (account === '') throw new RangeError('an accepted difference names the account it is written off to');
    return `${RESOLUTION_LABELS.accepted_difference} (written off to ${account}): ${reason}`;
  }
  return `${RESOLUTION_LABELS[r.category]}: ${reason}`;
}

const WRITE_OFF = /^Accepted difference \(written off to (.+?)\): ([\s\S]*)$/;

/** A recorded resolution read back; text without a category prefix reads as a reason alone. */
export function readResolution(text: string): ResolutionReading {
  const writeOff = WRITE_OFF.exec(text);
  if (writeOff !== null) return { category: 'accepted_difference', account: writeOff[1] ?? null, reason: writeOff[2] ?? '', text };
  for (const category of RESOLUTION_CATEGORIES) {
    const prefix = `${RESOLUTION_LABELS[category]}: `;
    if (category !== 'accepted_difference' && text.startsWith(prefix)) return { category, account: null, reason: text.slice(prefix.length), text };
  }
  return { category: null, account: null, reason: text, text };
}
