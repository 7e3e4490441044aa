// What a pack is made from: the month, its state and sign-offs, the close report as signed (or as it stands for a draft),
// and where the ledger and the output are. Plain data: it crosses to the worker thread that builds the pack.
import type { ChecklistItem, Rollforward, SignOff } from '../../../shared/close/closeReport.ts';
import type { OpenException } from '../checklist.ts';

export const PACK_FORMAT = 'tieout-audit-pack';
export const PACK_FORMAT_VERSION = 1;
export const GENERATOR = 'tieout 0.1.0';
/**
 * manifest.json seals itself: `self_sha256` is the sha256 of the manifest's text with that value written as 64 zeros, so
 * verify can tell a changed manifest from a changed member.
 */
export const UNSEALED = '0'.repeat(64);

export interface PackSpec {
  ledgerPath: string;
  workspace: { name: string; reporting_currency: string; time_zone: string; policy_gate_minor: number };
  month: string;
  /** closed: made at sign-off and stored; draft: an open month as it stands. */
  state: 'closed' | 'draft';
  /** The close's time (closed) or the journal head's time (draft): every timestamp inside the pack. */
  generatedAt: string;
  report: { checklist: ChecklistItem[]; rollforward: Rollforward };
  signOffs: SignOff[];
  /** Open class C exceptions carried forward at sign-off (closed), or open now (draft). */
  carriedForward: OpenException[];
  sourceNotes: Record<string, string>;
  /** The journal segment the pack holds, and the ledger head it ends at. */
  segment: { fromSeq: number; toSeq: number };
  ledgerHeadHash: string;
  /** Adjustments recorded in the month up to this seq. */
  adjustmentsThrough: number;
  withSources: boolean;
  outPath: string;
}

export interface PackProgress {
  label: string;
  done: number;
  total: number;
}

export interface PackResult {
  sha256: string;
  bytes: number;
  members: number;
  rows: Record<string, number>;
}
