// Rule set versions as people name them (`default@4`, `workspace@2`), their states and which transitions are allowed
// (DESIGN §8): pure, so the CLI, the services and the Rules screen read the same state machine.
import { UserError } from '../errors/userError.ts';
import { EXCEPTION_CODES } from './ruleSet.ts';

export const RULE_VERSION_STATES = ['draft', 'shadow', 'active', 'canary', 'retired'] as const;
export type RuleVersionState = (typeof RULE_VERSION_STATES)[number];

/** The line a workspace's own versions are created on (edits, tolerances): `workspace@1`, `workspace@2`, … */
export const WORKSPACE_LINE = 'workspace';

export interface VersionRef {
  ruleSetId: string;
  version: number;
}

export class VersionLabelError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export function versionLabel(v: VersionRef): string {
  return `${v.ruleSetId}@${v.version}`;
}

/** `id@version`, or a bare number for the workspace line (`--version 3` is `workspace@3`). */
export function parseVersionLabel(text: string): VersionRef {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { ruleSetId: WORKSPACE_LINE, version: Number(t) };
  const m = /^([a-z][a-z0-9_.-]*)@(\d+)$/.exec(t);
  if (m === null)
    throw new VersionLabelError(
      `"${text}" is not a rule set version: write id@version (e.g. default@4, workspace@2) or a number for the workspace line`,
    );
  return { ruleSetId: m[1] as string, version: Number(m[2]) };
}

export function sameVersion(a: VersionRef | null | undefined, b: VersionRef | null | undefined): boolean {
  return a != null && b != null && a.ruleSetId === b.ruleSetId && a.version === b.version;
}

/**
 * Which state may follow which. A new version starts as draft or shadow (or active, when a run used it directly:
 * `tieout reconcile --rules`). Promotion (shadow → active, or through a canary) retires the previous active version;
 * a rollback makes a retired version active again. A retired version may be watched in shadow again.
 */
export const TRANSITIONS: Record<RuleVersionState, readonly RuleVersionState[]> = {
  draft: ['shadow', 'retired'],
  shadow: ['canary', 'active', 'retired'],
  canary: ['canary', 'active', 'retired'],
  active: ['retired'],
  retired: ['shadow', 'active'],
};

export function canMove(from: RuleVersionState, to: RuleVersionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Where a canary's auto-resolution (class A) applies: sources (ids or kinds) and exception codes. */
export interface CanaryScope {
  sources: string[];
  codes: string[];
}

/**
 * `--canary stripe:main,ROUNDING_DIFF`: items in upper case that are exception codes are codes, every other item a
 * source id (`stripe:main`) or source kind (`stripe`). An empty list is refused: a canary applies somewhere.
 */
export function parseCanaryScope(text: string): CanaryScope {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new VersionLabelError('--canary needs at least one source (e.g. stripe:main) or exception code (e.g. ROUNDING_DIFF)');
  const codes: string[] = [];
  const sources: string[] = [];
  for (const item of items) {
    if (/^[A-Z_]+$/.test(item)) {
      if (!(EXCEPTION_CODES as readonly string[]).includes(item))
        throw new VersionLabelError(`--canary: ${item} is not an exception code (${EXCEPTION_CODES.join(', ')})`);
      codes.push(item);
    } else if (/^[a-z0-9][a-z0-9_.-]*(:[^,\s]+)?$/.test(item)) {
      sources.push(item);
    } else {
      throw new VersionLabelError(`--canary: "${item}" is neither a source (kind or kind:name, e.g. stripe:main) nor an exception code`);
    }
  }
  return { sources: [...new Set(sources)].sort(), codes: [...new Set(codes)].sort() };
}

export function canaryScopeText(scope: CanaryScope): string {
  return [...scope.sources, ...scope.codes].join(',');
}

/** Whether a source id (`stripe:main`) is named by a scope's source (the id itself, or its kind `stripe`). */
export function sourceInScope(source: string, scope: CanaryScope): boolean {
  const kind = source.split(':')[0] as string;
  return scope.sources.some((s) => s === source || s === kind);
}

/** Whether `wider` covers at least what `narrower` does (widening a canary never narrows it). */
export function scopeCovers(wider: CanaryScope, narrower: CanaryScope): boolean {
  return (
    narrower.codes.every((c) => wider.codes.includes(c)) &&
    narrower.sources.every((s) => wider.sources.includes(s) || wider.sources.includes(s.split(':')[0] as string))
  );
}

/** What promotion requires by default (workspace.json `promotion` overrides each). */
export const DEFAULT_PROMOTION_POLICY = {
  /** Days of business time (events' occurred_at: the ledger's as-of time) observed in shadow since the version entered it. */
  min_observation_days: 14,
  /** When set: this many new events observed in shadow meets the window as well as the days do. */
  min_observation_events: null as number | null,
  /** The estimated false positive rate must not exceed this share. */
  max_false_positive_rate: 0.05,
  /** The estimate must rest on at least this many graded decisions (0: an estimate on no decision is 0 and passes). */
  min_graded_decisions: 0,
};
export type PromotionPolicy = typeof DEFAULT_PROMOTION_POLICY;
