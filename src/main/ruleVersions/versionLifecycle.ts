// Creating rule set versions and moving them between draft, shadow and retired; a rule set a run is told to use
// directly (`--rules`). Promotion, canaries and rollback are in promotion.ts.
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { canonicalJson, sha256Hex } from '../ledger/canonicalJson.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { parseRuleSet, type RuleSet } from '../../shared/rules/ruleSet.ts';
import { DEFAULT_RULE_SET } from '../../shared/rules/defaultRuleSet.ts';
import { sameVersion, versionLabel, WORKSPACE_LINE, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import type { ReconcileProgress, RunReport } from '../matching/engine/engine.ts';
import { ensureRuleSet } from '../matching/engine/projectionWriters.ts';
import { activeVersion, canaryVersion, effectiveState, recordTransition, RuleVersionError, stateOf } from './versionStates.ts';
import { runLane } from './shadowRuns.ts';
import { laneFile, removeLaneFile } from './shadowFile.ts';

export interface CreatedVersion {
  version: VersionRef;
  state: 'draft' | 'shadow';
  ruleSet: RuleSet;
  /** The first shadow run (a full run into the new lane); null for a draft, or when it failed (`laneError`). */
  run: RunReport | null;
  laneError: string | null;
}

/** The line a new version goes on: the shipped `default` line is the build's, so an edit of it is the workspace's. */
function lineFor(ruleSetId: string): string {
  return ruleSetId === DEFAULT_RULE_SET.rule_set_id ? WORKSPACE_LINE : ruleSetId;
}

/** What makes two versions behave alike: their settings and rules (not the id, version, name or description). */
function behaviour(r: RuleSet): string {
  return canonicalJson({ settings: r.settings, rules: r.rules });
}

/** A stored version (or the build's default) whose rules and settings are those of `r`, if any. */
function identicalVersion(db: LedgerDb, r: RuleSet): string | null {
  const target = behaviour(r);
  if (behaviour(DEFAULT_RULE_SET) === target) return versionLabel({ ruleSetId: DEFAULT_RULE_SET.rule_set_id, version: DEFAULT_RULE_SET.version });
  for (const row of db.prepare('SELECT rule_set_id, version, definition FROM rule_sets ORDER BY rule_set_id, version').iterate() as Iterable<{
    rule_set_id: string;
    version: number;
    definition: string;
  }>) {
    const parsed = parseRuleSet(JSON.parse(row.definition));
    if (parsed.ok && behaviour(parsed.ruleSet) === target) return versionLabel({ ruleSetId: row.rule_set_id, version: row.version });
  }
  return null;
}

/** A rule set definition from JSON, or a UserError naming each bad field (`rules.2.window.after_days: …`). */
export function readDefinition(json: unknown, where = 'the rule set'): RuleSet {
  const parsed = parseRuleSet(json);
  if (!parsed.ok) throw new RuleVersionError(`${where}: ${parsed.errors.join('; ')}`);
  return parsed.ruleSet;
}

export interface CreateInput {
  definition: RuleSet;
  reason: string;
  actor: string;
  /** shadow (default): watched at once; draft: stored, not run until it is put in shadow. */
  state?: 'draft' | 'shadow';
  /** The version it was edited from (the Rules screen's editor, the tolerances), for the journal. */
  basedOn?: VersionRef;
  onProgress?: (p: ReconcileProgress) => void;
}

/**
 * Stores `definition` as the next version of its line (an edit of `default` goes on the `workspace` line; the file's own
 * version number is not used: versions are numbered by the ledger), with its journal entry and first state, in one
 * transaction; a shadow version then gets its lane and a full shadow run. Identical rules to a stored version are
 * refused (nothing would differ).
 */
export function createVersion(db: LedgerDb, settings: WorkspaceSettings, input: CreateInput): CreatedVersion {
  const reason = input.reason.trim();
  if (reason === '') throw new RuleVersionError('a reason is required to create a rule set version');
  const same = identicalVersion(db, input.definition);
  if (same !== null) throw new RuleVersionError(`these rules and settings are those of ${same} already: nothing to create`);
  const state = input.state ?? 'shadow';
  const line = lineFor(input.definition.rule_set_id);
  const created = db.transaction(() => {
    const latest = (db.prepare('SELECT max(version) FROM rule_sets WHERE rule_set_id = ?').pluck().get(line) as number | null) ?? 0;
    const ruleSet: RuleSet = { ...input.definition, rule_set_id: line, version: latest + 1 };
    const v: VersionRef = { ruleSetId: line, version: ruleSet.version };
    const now = new Date().toISOString();
    ensureRuleSet(db, ruleSet, input.actor, now);
    new JournalWriter(db).append({
      type: 'rules.version_created',
      actor: input.actor,
      reason,
      subjectId: versionLabel(v),
      createdAt: now,
      payload: {
        version: versionLabel(v),
        name: ruleSet.name,
        sha256: sha256Hex(canonicalJson(ruleSet)),
        rules: ruleSet.rules.length,
        based_on: input.basedOn === undefined ? null : versionLabel(input.basedOn),
      },
    });
    recordTransition(db, v, { to: state, actor: input.actor, reason, force: true, now, payload: state === 'shadow' ? observationStart(db) : {} });
    return { ruleSet, v };
  })();
  if (state === 'draft') return { version: created.v, state, ruleSet: created.ruleSet, run: null, laneError: null };
  const lane = firstLaneRun(db, settings, created.v, input.onProgress);
  return { version: created.v, state, ruleSet: created.ruleSet, ...lane };
}

/** What the ledger held when a version entered shadow: its observation window counts from here (promotion.ts). */
export function observationStart(db: LedgerDb): { observed_from: { as_of: string | null; events_through: number } } {
  const asOf = db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
  const through = (db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number) ?? 0;
  return { observed_from: { as_of: asOf, events_through: through } };
}

function firstLaneRun(
  db: LedgerDb,
  settings: WorkspaceSettings,
  v: VersionRef,
  onProgress?: (p: ReconcileProgress) => void,
): { run: RunReport | null; laneError: string | null } {
  if (db.memory) return { run: null, laneError: 'this ledger is in memory: shadow lanes need a ledger file' };
  try {
    return { run: runLane(db, settings, v, { mode: 'full', onProgress }), laneError: null };
  } catch (err) {
    return { run: null, laneError: err instanceof Error ? err.message : String(err) };
  }
}

/** A draft (or a retired version) watched in shadow from now on: its lane is made and run in full. */
export function startShadow(
  db: LedgerDb,
  settings: WorkspaceSettings,
  v: VersionRef,
  input: { reason: string; actor: string; onProgress?: (p: ReconcileProgress) => void },
): { run: RunReport | null; laneError: string | null } {
  db.transaction(() => recordTransition(db, v, { to: 'shadow', actor: input.actor, reason: input.reason, payload: observationStart(db) }))();
  if (!db.memory) removeLaneFile(laneFile(db.name, v));
  return firstLaneRun(db, settings, v, input.onProgress);
}

/** A draft or shadow version no longer watched (its lane is removed). The active version is retired by promotion or rollback. */
export function retireVersion(db: LedgerDb, v: VersionRef, input: { reason: string; actor: string }): void {
  const state = effectiveState(db, v);
  if (state === 'active' || state === 'canary') {
    throw new RuleVersionError(`${versionLabel(v)} is ${state}: it leaves that state by a promotion of another version or by a rollback`);
  }
  db.transaction(() => recordTransition(db, v, { to: 'retired', actor: input.actor, reason: input.reason }))();
  if (!db.memory) removeLaneFile(laneFile(db.name, v));
}

/**
 * A run told to use a rule set directly (`tieout reconcile --rules`, `import --rules`) makes it the active version at
 * once, outside the shadow flow: journaled as a promotion with override and the reason given. Nothing is recorded
 * when it is the version in force already. The same id and version with another definition is refused, as before.
 */
export function useDirectly(db: LedgerDb, ruleSet: RuleSet, input: { actor: string; reason: string }): void {
  const v: VersionRef = { ruleSetId: ruleSet.rule_set_id, version: ruleSet.version };
  const previous = canaryVersion(db) ?? activeVersion(db);
  if (sameVersion(previous, v)) {
    ensureRuleSet(db, ruleSet, input.actor, new Date().toISOString());
    return;
  }
  db.transaction(() => {
    const now = new Date().toISOString();
    ensureRuleSet(db, ruleSet, input.actor, now);
    const why = `${input.reason} (used directly, without observation in shadow)`;
    const canary = canaryVersion(db);
    if (canary !== null) recordTransition(db, canary, { to: 'retired', actor: input.actor, reason: why, force: true, now });
    const active = activeVersion(db);
    if (!sameVersion(active, v)) recordTransition(db, active, { to: 'retired', actor: input.actor, reason: why, force: true, now });
    recordTransition(db, v, {
      to: 'active',
      actor: input.actor,
      reason: why,
      force: true,
      override: true,
      replaces: active,
      now,
      payload: { direct: true },
    });
  })();
  if (stateOf(db, v) !== null && !db.memory) removeLaneFile(laneFile(db.name, v));
}
