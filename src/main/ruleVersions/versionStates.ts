// The states of a ledger's rule set versions: read from the append-only log `rule_set_states` (migration 13), and
// each transition recorded there with its journal entry, in the caller's transaction.
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import type { JournalEntryType } from '../../shared/journal/entryTypes.ts';
import { parseRuleSet, type RuleSet } from '../../shared/rules/ruleSet.ts';
import { DEFAULT_RULE_SET } from '../../shared/rules/defaultRuleSet.ts';
import { canMove, versionLabel, type CanaryScope, type RuleVersionState, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { ensureRuleSet, RuleSetVersionError } from '../matching/engine/projectionWriters.ts';

/** A transition the state machine does not allow, or a version that is not stored. */
export class RuleVersionError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** A version's latest state row. */
export interface VersionState extends VersionRef {
  state: RuleVersionState;
  seq: number;
  actor: string;
  reason: string;
  at: string;
  scope: CanaryScope | null;
  /** The version an active or canary row took over from (a rollback makes it active again). */
  replaces: VersionRef | null;
  override: boolean;
}

interface StateRow {
  seq: number;
  rule_set_id: string;
  version: number;
  state: RuleVersionState;
  actor: string;
  reason: string;
  scope: string | null;
  replaces: string | null;
  override: number;
  at: string;
}

function fromRow(r: StateRow): VersionState {
  const [id, v] = r.replaces === null ? [] : r.replaces.split('@');
  return {
    ruleSetId: r.rule_set_id,
    version: r.version,
    state: r.state,
    seq: r.seq,
    actor: r.actor,
    reason: r.reason,
    at: r.at,
    scope: r.scope === null ? null : (JSON.parse(r.scope) as CanaryScope),
    replaces: id === undefined ? null : { ruleSetId: id, version: Number(v) },
    override: r.override === 1,
  };
}

/** Every version's current state: its latest row (versions with no row are not listed). */
export function currentStates(db: LedgerDb): VersionState[] {
  const rows = db
    .prepare(
      `SELECT s.* FROM rule_set_states s WHERE s.seq = (SELECT max(t.seq) FROM rule_set_states t WHERE t.rule_set_id = s.rule_set_id AND t.version = s.version)
       ORDER BY s.rule_set_id, s.version`,
    )
    .all() as StateRow[];
  return rows.map(fromRow);
}

export function stateOf(db: LedgerDb, v: VersionRef): VersionState | null {
  const r = db
    .prepare('SELECT * FROM rule_set_states WHERE rule_set_id = ? AND version = ? ORDER BY seq DESC LIMIT 1')
    .get(v.ruleSetId, v.version) as StateRow | undefined;
  return r === undefined ? null : fromRow(r);
}

/** The rows of one version, oldest first (its history). */
export function historyOf(db: LedgerDb, v: VersionRef): VersionState[] {
  return (
    db.prepare('SELECT * FROM rule_set_states WHERE rule_set_id = ? AND version = ? ORDER BY seq').all(v.ruleSetId, v.version) as StateRow[]
  ).map(fromRow);
}

/** A stored version's definition; null when the ledger does not hold it. */
export function storedRuleSet(db: LedgerDb, v: VersionRef): RuleSet | null {
  const definition = db.prepare('SELECT definition FROM rule_sets WHERE rule_set_id = ? AND version = ?').pluck().get(v.ruleSetId, v.version) as
    string | undefined;
  if (definition === undefined) return null;
  const fail = (why: string): RuleSetVersionError => new RuleSetVersionError(`rule set ${versionLabel(v)} ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(definition);
  } catch {
    throw fail('is not valid JSON');
  }
  const parsed = parseRuleSet(json);
  if (!parsed.ok) throw fail(`cannot be read by this build: ${parsed.errors.slice(0, 3).join('; ')}`);
  return parsed.ruleSet;
}

/** The version in `rule_sets` or, for the build's default, the build's definition (stored when first used). */
export function ruleSetOf(db: LedgerDb, v: VersionRef): RuleSet {
  const stored = storedRuleSet(db, v);
  if (stored !== null) return stored;
  if (v.ruleSetId === DEFAULT_RULE_SET.rule_set_id && v.version === DEFAULT_RULE_SET.version) return DEFAULT_RULE_SET;
  throw new RuleVersionError(`rule set version ${versionLabel(v)} is not stored in this ledger (tieout rules list shows the versions)`);
}

/**
 * The version the latest run used, as the ledger knew it before versions had states: this build's default when nothing
 * ran yet or the latest run used the default line (any version: a newer build's default takes over).
 */
function latestRunVersion(db: LedgerDb): VersionRef {
  const run = db.prepare('SELECT rule_set_id, rule_version FROM recon_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1').get() as
    { rule_set_id: string; rule_version: number } | undefined;
  if (run === undefined || run.rule_set_id === DEFAULT_RULE_SET.rule_set_id)
    return { ruleSetId: DEFAULT_RULE_SET.rule_set_id, version: DEFAULT_RULE_SET.version };
  return { ruleSetId: run.rule_set_id, version: run.rule_version };
}

/**
 * The active version: the one whose latest state is active, else (a ledger with no state rows yet) the rule set of
 * its latest run. An active version on the default line is this build's default (a newer build's default takes over,
 * as it did before versions had states).
 */
export function activeVersion(db: LedgerDb): VersionRef {
  const active = db
    .prepare(
      `SELECT s.rule_set_id, s.version FROM rule_set_states s WHERE s.state = 'active'
         AND s.seq = (SELECT max(t.seq) FROM rule_set_states t WHERE t.rule_set_id = s.rule_set_id AND t.version = s.version)
       ORDER BY s.seq DESC LIMIT 1`,
    )
    .get() as { rule_set_id: string; version: number } | undefined;
  if (active === undefined) return latestRunVersion(db);
  if (active.rule_set_id === DEFAULT_RULE_SET.rule_set_id) return { ruleSetId: DEFAULT_RULE_SET.rule_set_id, version: DEFAULT_RULE_SET.version };
  return { ruleSetId: active.rule_set_id, version: active.version };
}

/** The canary version, if one runs. */
export function canaryVersion(db: LedgerDb): VersionState | null {
  return currentStates(db).find((s) => s.state === 'canary') ?? null;
}

/** Versions watched in shadow (their runs stored apart, never acting). */
export function shadowVersions(db: LedgerDb): VersionState[] {
  return currentStates(db).filter((s) => s.state === 'shadow');
}

/** A version's state: its latest row, or active for the implicit active version, retired for any other stored one. */
export function effectiveState(db: LedgerDb, v: VersionRef): RuleVersionState {
  const s = stateOf(db, v);
  if (s !== null) return s.state;
  const active = activeVersion(db);
  return active.ruleSetId === v.ruleSetId && active.version === v.version ? 'active' : 'retired';
}

const ENTRY_TYPE: Record<RuleVersionState, JournalEntryType> = {
  draft: 'rules.drafted',
  shadow: 'rules.shadowed',
  canary: 'rules.canary_started',
  active: 'rules.promoted',
  retired: 'rules.retired',
};

export interface Transition {
  to: RuleVersionState;
  actor: string;
  reason: string;
  scope?: CanaryScope;
  replaces?: VersionRef | null;
  override?: boolean;
  /** The journal entry's type when it is not the target state's (a rollback's re-activation). */
  entryType?: JournalEntryType;
  /** Facts the journal entry adds (the observation window, the run, what was missing). */
  payload?: Record<string, unknown>;
  /** Skips the state machine's check: a new version's first state, or a rule set a run was told to use directly. */
  force?: boolean;
  now?: string;
}

/**
 * Records a transition (state row + journal entry) in the caller's transaction. The version is stored first if it is
 * the build's default not yet in the ledger. Refused when the state machine does not allow it.
 */
export function recordTransition(db: LedgerDb, v: VersionRef, t: Transition): VersionState {
  const reason = t.reason.trim();
  if (reason === '') throw new RuleVersionError("a reason is required for every change of a rule set version's state");
  const from = stateOf(db, v) === null && t.force === true ? null : effectiveState(db, v);
  if (t.force !== true && from !== null && !canMove(from, t.to)) {
    throw new RuleVersionError(`rule set version ${versionLabel(v)} is ${from}: it cannot become ${t.to}`);
  }
  const now = t.now ?? new Date().toISOString();
  ensureRuleSet(db, ruleSetOf(db, v), t.actor, now);
  const entry = new JournalWriter(db).append({
    type: t.entryType ?? ENTRY_TYPE[t.to],
    actor: t.actor,
    reason,
    subjectId: versionLabel(v),
    createdAt: now,
    payload: {
      version: versionLabel(v),
      from,
      to: t.to,
      ...(t.scope === undefined ? {} : { scope: t.scope }),
      ...(t.replaces == null ? {} : { replaces: versionLabel(t.replaces) }),
      ...(t.override === true ? { override: true } : {}),
      ...(t.payload ?? {}),
    },
  });
  db.prepare(
    `INSERT INTO rule_set_states (rule_set_id, version, state, actor, reason, scope, replaces, override, at, journal_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    v.ruleSetId,
    v.version,
    t.to,
    t.actor,
    reason,
    t.scope === undefined ? null : JSON.stringify(t.scope),
    t.replaces == null ? null : versionLabel(t.replaces),
    t.override === true ? 1 : 0,
    now,
    entry.seq,
  );
  return stateOf(db, v) as VersionState;
}
