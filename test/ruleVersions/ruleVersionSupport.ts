// What the rule version tests share: a workspace with a generated month, edited copies of the default rule set, and
// snapshots of a projection (the ledger's, or a shadow lane's) that compare results, not run bookkeeping.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Workspace } from '../../src/main/workspace/workspace.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import type { Rule, RuleSet } from '../../src/shared/rules/ruleSet.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';

/** The default rule set with some rules' amounts changed (e.g. exact-key rounding 0: its ROUNDING_DIFF becomes an AMOUNT_MISMATCH). */
export function editedDefault(amounts: Record<string, Partial<Rule['amount']>>, name = 'edited'): RuleSet {
  return {
    ...structuredClone(DEFAULT_RULE_SET),
    name,
    rules: DEFAULT_RULE_SET.rules.map((r) =>
      amounts[r.id] === undefined ? structuredClone(r) : { ...structuredClone(r), amount: { ...r.amount, ...amounts[r.id] } },
    ),
  };
}

/** Exact-key payments must equal their order to the cent: the demo month's 1-cent ROUNDING_DIFF becomes an AMOUNT_MISMATCH. */
export const NO_ROUNDING = editedDefault({ 'order-payment.exact-key': { rounding_minor: 0 } }, 'no rounding on exact key');

export function demoWorkspace(root: string, name: string, orders = 300): Workspace {
  return createDemoWorkspace(join(root, name), { orders, actor: 'user:test' }).workspace;
}

export interface Projection {
  matches: string[];
  exceptions: string[];
  awaiting: string[];
}

/**
 * The results a projection holds: active matches with their status, score, explanation and members; active exceptions
 * with class, state, amount, explanation and members (what the matcher derives: DUPLICATE_RECORD and FEED_MISSING
 * left out); awaiting rows. `schema` names the attached lane (main: the connection's own file).
 */
export function projection(db: Database.Database, schema = 'main'): Projection {
  const s = schema;
  return {
    matches: db
      .prepare(
        `SELECT m.match_id || ' ' || m.link || ' ' || m.status || ' ' || coalesce(m.score, '') || ' ' || m.explanation || ' ' ||
           (SELECT group_concat(x.event_seq || x.side, ',') FROM (SELECT event_seq, side FROM ${s}.match_members WHERE match_seq = m.seq ORDER BY event_seq) x)
         FROM ${s}.matches m WHERE m.ended_at IS NULL AND m.origin = 'engine' ORDER BY m.match_id`,
      )
      .pluck()
      .all() as string[],
    exceptions: db
      .prepare(
        `SELECT x.exception_id || ' ' || x.code || ' ' || x.class || ' ' || x.state || ' ' || x.amount_minor || ' ' || coalesce(x.due_at, '') || ' ' || x.explanation || ' ' ||
           (SELECT group_concat(y.event_seq, ',') FROM (SELECT event_seq FROM ${s}.exception_members WHERE exception_seq = x.seq ORDER BY event_seq) y)
         FROM ${s}.exceptions x WHERE x.ended_at IS NULL AND x.code NOT IN ('DUPLICATE_RECORD', 'FEED_MISSING') ORDER BY x.exception_id`,
      )
      .pluck()
      .all() as string[],
    awaiting: db
      .prepare(`SELECT event_seq || ' ' || code || ' ' || until || ' ' || waits_on FROM ${s}.awaiting ORDER BY 1`)
      .pluck()
      .all() as string[],
  };
}

/** A lane file's projection, read on its own. */
export function laneProjection(file: string): Projection {
  const db = new Database(file, { readonly: true });
  try {
    return projection(db);
  } finally {
    db.close();
  }
}
