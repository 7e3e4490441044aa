// The engine's SQL: rule set versions, match and exception projections, run records; prepared once per run.
import type { LedgerDb } from '../ledger/database.ts';
import { canonicalJson, sha256Hex } from '../ledger/canonicalJson.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';

/** A rule set id + version already stored with a different definition: versions are immutable. */
export class RuleSetVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSetVersionError';
  }
}

/** Stores the rule set version on first use; the same id and version with another definition is refused. */
export function ensureRuleSet(db: LedgerDb, ruleSet: RuleSet, actor: string, now: string): void {
  const definition = canonicalJson(ruleSet);
  const sha = sha256Hex(definition);
  const stored = db.prepare('SELECT sha256 FROM rule_sets WHERE rule_set_id = ? AND version = ?').pluck().get(ruleSet.rule_set_id, ruleSet.version) as
    | string
    | undefined;
  if (stored === sha) return;
  if (stored !== undefined) {
    throw new RuleSetVersionError(
      `rule set ${ruleSet.rule_set_id} version ${ruleSet.version} already exists with a different definition; versions are immutable, give it a new version`,
    );
  }
  db.prepare('INSERT INTO rule_sets (rule_set_id, version, name, definition, sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    ruleSet.rule_set_id,
    ruleSet.version,
    ruleSet.name,
    definition,
    sha,
    now,
    actor,
  );
}

export type Writers = ReturnType<typeof prepareWriters>;

export function prepareWriters(db: LedgerDb) {
  return {
    activeEngineMatches: db.prepare(
      `SELECT m.match_id, group_concat(me.event_id) AS events FROM matches m JOIN match_events me ON me.match_id = m.match_id
       WHERE m.origin = 'engine' AND m.ended_at IS NULL GROUP BY m.match_id ORDER BY m.match_id`,
    ),
    matchById: db.prepare('SELECT ended_at FROM matches WHERE match_id = ?'),
    endMatch: db.prepare('UPDATE matches SET ended_at = @ended_at, ended_by = @ended_by, end_reason = @end_reason WHERE match_id = @match_id AND ended_at IS NULL'),
    insertMatch: db.prepare(
      `INSERT INTO matches (match_id, link, status, origin, rule_id, rule_set_id, rule_version, score, explanation, created_run_id, created_at, created_by)
       VALUES (@match_id, @link, @status, 'engine', @rule_id, @rule_set_id, @rule_version, @score, @explanation, @created_run_id, @created_at, @created_by)`,
    ),
    reactivateMatch: db.prepare(
      `UPDATE matches SET ended_at = NULL, ended_by = NULL, end_reason = NULL, status = @status, score = @score, explanation = @explanation,
       created_run_id = @created_run_id WHERE match_id = @match_id AND origin = 'engine'`,
    ),
    insertMatchEvent: db.prepare('INSERT INTO match_events (match_id, event_id, side) VALUES (?, ?, ?)'),
    humanTouched: db
      .prepare(
        `SELECT DISTINCT subject_id FROM journal WHERE entry_type LIKE 'exception.%' AND actor NOT LIKE 'system:%' AND subject_id IS NOT NULL
         UNION SELECT exception_id FROM exceptions WHERE origin = 'human' OR state IN ('assigned', 'reopened')`,
      )
      .pluck(),
    activeEngineExceptions: db.prepare(
      `SELECT x.exception_id, x.class, x.state, group_concat(xe.event_id) AS events FROM exceptions x
       JOIN exception_events xe ON xe.exception_id = x.exception_id
       WHERE x.origin = 'engine' AND x.ended_at IS NULL GROUP BY x.exception_id ORDER BY x.exception_id`,
    ),
    exceptionById: db.prepare('SELECT class, state, ended_at, policy_gated FROM exceptions WHERE exception_id = ?'),
    endException: db.prepare(
      `UPDATE exceptions SET ended_at = @now, state = 'resolved', resolved_at = coalesce(resolved_at, @now), resolved_by = coalesce(resolved_by, @by),
       resolution = coalesce(resolution, @resolution) WHERE exception_id = @exception_id AND ended_at IS NULL`,
    ),
    insertException: db.prepare(
      `INSERT INTO exceptions (exception_id, code, class, default_class, policy_gated, state, amount_minor, currency, explanation, origin, rule_id,
         rule_set_id, rule_version, due_at, created_run_id, created_at, resolved_at, resolved_by, resolution)
       VALUES (@exception_id, @code, @class, @default_class, @policy_gated, @state, @amount_minor, @currency, @explanation, 'engine', @rule_id,
         @rule_set_id, @rule_version, @due_at, @created_run_id, @created_at, @resolved_at, @resolved_by, @resolution)`,
    ),
    reactivateException: db.prepare(
      `UPDATE exceptions SET ended_at = NULL, class = @class, policy_gated = @policy_gated, state = @state, amount_minor = @amount_minor,
       explanation = @explanation, due_at = @due_at, created_run_id = @created_run_id, resolved_at = @resolved_at, resolved_by = @resolved_by,
       resolution = @resolution WHERE exception_id = @exception_id AND origin = 'engine'`,
    ),
    insertExceptionEvent: db.prepare('INSERT INTO exception_events (exception_id, event_id) VALUES (?, ?)'),
    reclassify: db.prepare('UPDATE exceptions SET class = @class, state = @state, policy_gated = @policy_gated WHERE exception_id = @exception_id'),
    inRemediation: db.prepare(
      "SELECT exception_id, due_at FROM exceptions WHERE state = 'in_remediation' AND ended_at IS NULL AND origin = 'engine' ORDER BY exception_id",
    ),
    insertRun: db.prepare(
      `INSERT INTO recon_runs (run_id, mode, rule_set_id, rule_version, as_of, started_at, finished_at, events_considered, matches_created,
         matches_ended, exceptions_opened, exceptions_closed)
       VALUES (@run_id, @mode, @rule_set_id, @rule_version, @as_of, @started_at, @finished_at, @events_considered, @matches_created,
         @matches_ended, @exceptions_opened, @exceptions_closed)`,
    ),
  };
}
