// DuckDB baseline for the two matching steps DuckDB's SQL can express, timed next to our engine doing the same steps.
//
// Data: the ledger's events (only the columns the steps read) are written by better-sqlite3 to a CSV and loaded with
// `CREATE TABLE ev AS SELECT * FROM read_csv(...)` into an in-memory DuckDB. That load is timed separately and is not
// part of the step times. Windows, roundings and sources come from DEFAULT_RULE_SET, so the SQL follows the rules.
//
// Step (a) exact key (rule order-payment.exact-key):
//   DOES   orders ↔ stripe/paypal payments sharing order_ref, or trace_id, or order.trace_id = payment.external_id
//          (three equi-joins, UNIONed), payment within [−7 d, +30 d] of the order, same currency, |Δamount| ≤ 2 minor
//          units (0 = matched, 1–2 = the rounding case); one-to-one by a greedy pass: each order keeps its best candidate
//          (smallest |Δamount|, then |Δt|, then id), then each payment keeps its best order. Key hits whose amount or
//          currency differs are counted (the engine's AMOUNT_MISMATCH/CURRENCY_MISMATCH input). Pairs go to a temp table.
//   DOESN'T  detect ties (two equally good candidates: DuckDB silently takes the first by id, the engine raises
//          AMBIGUOUS_MATCH or DUPLICATE_PAYMENT), score by key agreement, write explanations or runner-ups, raise any
//          exception, derive leftovers (MISSING_PAYMENT/MISSING_ORDER), respect human decisions, or persist anything.
// Step (b) amount + time window (rules bank-payout.amount-window and order-payment.amount-window):
//   DOES   bank_credit ↔ stripe/paypal payout: bank amount = −payout amount, same currency, bank time within [−2 d, +5 d]
//          of the payout; greedy one-to-one by |Δt| then id. Order ↔ payment: exact amount, same currency, payment within
//          [−1 d, +10 d] of the order (within +3 d is a match, 3–10 d the engine's TIMING_DIFF case); greedy one-to-one
//          preferring the [−1, +3] window, then |Δt|, then id. Pairs go to temp tables.
//   DOESN'T  detect ties (with many orders of one amount in a window, DuckDB pairs them by time order; the engine refuses
//          to guess within its tie margin and raises AMBIGUOUS_MATCH), do the bounded subset sum (one credit ↔ several
//          payouts), explain, raise exceptions, or persist.
// Our engine runs with a RuleSet restricted to the same rules, on a fresh VACUUM INTO copy of the ledger with its
// projections (matches, exceptions) cleared. The step (computeOutcome from the first of the step's rules starting to
// the leftovers starting: the events are in memory at the start and the step's matches and findings in memory at the
// end, as DuckDB's table and temp table are) is run twice over the same loaded events, as DuckDB runs its SQL twice:
// the second (warm) runs are compared against the target, the first (cold: V8 compiling the rules' code, DuckDB
// planning and caching) beside them. The whole `reconcile()` call (reading events from SQLite, the step, leftover
// exceptions, explanations, and writing matches, exceptions and journal entries) is printed too.
import { createWriteStream, existsSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { openLedger } from '../src/main/ledger/database.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { computeOutcome } from '../src/main/matching/rules/plan.ts';
import { loadFullRun } from '../src/main/matching/engine/eventLoad.ts';
import { LedgerTexts } from '../src/main/matching/engine/eventKeys.ts';
import { DEFAULT_RULE_SET } from '../src/shared/rules/defaultRuleSet.ts';
import type { Rule, RuleSet } from '../src/shared/rules/ruleSet.ts';
import type { WorkspaceSettings } from '../src/shared/workspace/settings.ts';

const DAY_MS = 86_400_000;

export const EXACT_KEY_RULES = ['order-payment.exact-key'] as const;
export const AMOUNT_WINDOW_RULES = ['order-payment.amount-window', 'bank-payout.amount-window'] as const;

export const DUCKDB_CAVEAT =
  "Both step times start with the events in memory (DuckDB's table loaded, our events read from the ledger) and end with the step's pairs in memory " +
  "(DuckDB's temp table, our computed matches and findings); the whole reconcile() call adds reading the ledger, leftovers, explanations and writing. " +
  "DuckDB's SQL here has no tie detection (it takes the first candidate; the engine raises AMBIGUOUS_MATCH), no scoring by key agreement, " +
  'no explanations or runner-ups, no exceptions or leftovers, no subset sum, no human decisions and no persistence.';

/** DEFAULT_RULE_SET with only `ids`, under its own rule_set_id so it never clashes with the stored default version. */
export function restrictedRuleSet(ids: readonly string[], ruleSetId: string): RuleSet {
  const rules = DEFAULT_RULE_SET.rules.filter((r) => ids.includes(r.id));
  if (rules.length !== ids.length) throw new Error(`rules not in the default set: ${ids.filter((id) => !rules.some((r) => r.id === id)).join(', ')}`);
  return { ...DEFAULT_RULE_SET, rule_set_id: ruleSetId, name: `bench: ${ids.join(' + ')}`, rules };
}

function rule(id: string): Rule {
  const r = DEFAULT_RULE_SET.rules.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no rule ${id}`);
  return r;
}

const sqlList = (xs: readonly string[] | undefined): string => (xs ?? []).map((s) => `'${s.replace(/'/g, "''")}'`).join(', ');
const days = (d: number): string => String(d * DAY_MS);

export type ComparedStep = 'exact_key' | 'amount_window';
export const COMPARED_STEPS: readonly ComparedStep[] = ['exact_key', 'amount_window'];

export interface StepCounts {
  [name: string]: number;
}

export interface DuckStep {
  step: ComparedStep;
  /** The step's second run in the process (warm: plans and data cached). */
  seconds: number;
  /** Its first run (cold). */
  coldSeconds: number;
  counts: StepCounts;
}

export interface OursStep {
  step: ComparedStep;
  rules: readonly string[];
  /** The whole reconcile() call: reading the ledger, the step, leftovers, explanations, writing it all. */
  seconds: number;
  /** The step itself: the engine running the step's rules over the loaded events (what DuckDB's SQL does), its second run (warm: compiled). */
  stepSeconds: number;
  /** The step's first run in the process (cold: the rules' code not yet compiled by V8). */
  coldStepSeconds: number;
  counts: StepCounts;
}

export interface DuckDbComparison {
  events: number;
  exportSeconds: number;
  duckLoadSeconds: number;
  duck: DuckStep[];
  ours: OursStep[];
  /** Steps left out at this size, with the reason printed in their place. */
  skipped: Partial<Record<ComparedStep, string>>;
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return /[",\n\r]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v;
}

const EXPORT_COLUMNS = ['event_id', 'kind', 'src', 'external_id', 'order_ref', 'trace_id', 'amount', 'currency', 't'] as const;

/** Writes the columns the steps need to a CSV (t = occurred_at in epoch ms, as the engine's Date.parse); returns the row count. */
export async function exportEventsCsv(ledgerPath: string, csvPath: string): Promise<number> {
  const db = new Database(ledgerPath, { readonly: true });
  const out = createWriteStream(csvPath);
  let n = 0;
  try {
    out.write(`${EXPORT_COLUMNS.join(',')}\n`);
    const rows = db
      .prepare(
        `SELECT event_id, kind, substr(source, 1, instr(source || ':', ':') - 1) AS src, external_id, order_ref, trace_id, amount_minor AS amount,
                currency, CAST(round(unixepoch(occurred_at, 'subsec') * 1000) AS INTEGER) AS t
         FROM events WHERE kind IN ('order', 'payment', 'payout', 'bank_credit')`,
      )
      .raw()
      .iterate() as Iterable<Array<string | number | null>>;
    let chunk = '';
    for (const r of rows) {
      chunk += `${r.map(csvCell).join(',')}\n`;
      n++;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.write(chunk);
  } finally {
    db.close();
    out.end();
    await once(out, 'finish');
  }
  return n;
}

async function loadIntoDuck(c: DuckDBConnection, csvPath: string): Promise<void> {
  const types =
    "{'event_id': 'VARCHAR', 'kind': 'VARCHAR', 'src': 'VARCHAR', 'external_id': 'VARCHAR', 'order_ref': 'VARCHAR', 'trace_id': 'VARCHAR', 'amount': 'BIGINT', 'currency': 'VARCHAR', 't': 'BIGINT'}";
  await c.run(`CREATE TABLE ev AS SELECT * FROM read_csv('${csvPath.replace(/'/g, "''")}', header = true, columns = ${types})`);
}

/** Step (a): see the file comment. */
export function exactKeySql(): string {
  const r = rule('order-payment.exact-key');
  const rounding = Math.max(r.amount.tolerance_minor ?? 0, r.amount.rounding_minor ?? 0);
  const pick = 'o.event_id AS o_id, p.event_id AS p_id, o.amount AS oa, p.amount AS pa, o.currency AS oc, p.currency AS pc, o.t AS ot, p.t AS pt';
  return `
CREATE OR REPLACE TEMP TABLE duck_exact AS
WITH o AS (SELECT event_id, order_ref, trace_id, amount, currency, t FROM ev WHERE kind IN (${sqlList(r.left.kinds)})),
p AS (SELECT event_id, external_id, order_ref, trace_id, amount, currency, t FROM ev
      WHERE kind IN (${sqlList(r.right.kinds)}) AND src IN (${sqlList(r.right.sources)})),
hits AS (
  SELECT ${pick} FROM o JOIN p ON o.order_ref = p.order_ref
  UNION SELECT ${pick} FROM o JOIN p ON o.trace_id = p.trace_id
  UNION SELECT ${pick} FROM o JOIN p ON o.trace_id = p.external_id),
cand AS (SELECT *, abs(pa - oa) AS da, abs(pt - ot) AS dt FROM hits WHERE pt BETWEEN ot - ${days(r.window.before_days)} AND ot + ${days(r.window.after_days)}),
ok AS (SELECT * FROM cand WHERE da <= ${rounding} AND oc = pc),
best_o AS (SELECT * FROM ok QUALIFY row_number() OVER (PARTITION BY o_id ORDER BY da, dt, p_id) = 1)
SELECT *, (SELECT count(*) FROM cand WHERE da > ${rounding} OR oc <> pc) AS key_hits_differing
FROM best_o QUALIFY row_number() OVER (PARTITION BY p_id ORDER BY da, dt, o_id) = 1`;
}

/** Step (b), bank credit ↔ payout: see the file comment. */
export function bankAmountWindowSql(): string {
  const r = rule('bank-payout.amount-window');
  return `
CREATE OR REPLACE TEMP TABLE duck_bank AS
WITH po AS (SELECT event_id, amount, currency, t FROM ev WHERE kind IN (${sqlList(r.left.kinds)}) AND src IN (${sqlList(r.left.sources)})),
bk AS (SELECT event_id, amount, currency, t FROM ev WHERE kind IN (${sqlList(r.right.kinds)})),
cand AS (SELECT po.event_id AS po_id, bk.event_id AS bk_id, abs(bk.t - po.t) AS dt FROM po JOIN bk
         ON bk.amount = -po.amount AND bk.currency = po.currency AND bk.t BETWEEN po.t - ${days(r.window.before_days)} AND po.t + ${days(r.window.after_days)}),
best_po AS (SELECT * FROM cand QUALIFY row_number() OVER (PARTITION BY po_id ORDER BY dt, bk_id) = 1)
SELECT * FROM best_po QUALIFY row_number() OVER (PARTITION BY bk_id ORDER BY dt, po_id) = 1`;
}

/** Step (b), order ↔ payment by amount: see the file comment. */
export function orderAmountWindowSql(): string {
  const r = rule('order-payment.amount-window');
  const ext = r.window.extended_after_days ?? r.window.after_days;
  return `
CREATE OR REPLACE TEMP TABLE duck_amount AS
WITH o AS (SELECT event_id, amount, currency, t FROM ev WHERE kind IN (${sqlList(r.left.kinds)})),
p AS (SELECT event_id, amount, currency, t FROM ev WHERE kind IN (${sqlList(r.right.kinds)}) AND src IN (${sqlList(r.right.sources)})),
cand AS (SELECT o.event_id AS o_id, p.event_id AS p_id, p.t - o.t AS dt, (p.t - o.t) > ${days(r.window.after_days)} AS timing FROM o JOIN p
         ON p.amount = o.amount AND p.currency = o.currency AND p.t BETWEEN o.t - ${days(r.window.before_days)} AND o.t + ${days(ext)}),
best_o AS (SELECT * FROM cand QUALIFY row_number() OVER (PARTITION BY o_id ORDER BY timing, abs(dt), p_id) = 1)
SELECT * FROM best_o QUALIFY row_number() OVER (PARTITION BY p_id ORDER BY timing, abs(dt), o_id) = 1`;
}

async function scalarRow(c: DuckDBConnection, sql: string): Promise<StepCounts> {
  const r = await c.runAndReadAll(sql);
  const row = r.getRowObjectsJS()[0] ?? {};
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)]));
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, (performance.now() - t0) / 1000];
}

/** Loads the ledger's events into DuckDB and times steps (a) and (b); `workDir` holds the CSV (removed after). */
export async function runDuckDbSteps(
  ledgerPath: string,
  workDir: string,
  steps: readonly ComparedStep[] = COMPARED_STEPS,
): Promise<Pick<DuckDbComparison, 'events' | 'exportSeconds' | 'duckLoadSeconds' | 'duck'>> {
  const csv = join(workDir, 'duck-events.csv');
  const [events, exportSeconds] = await timed(() => exportEventsCsv(ledgerPath, csv));
  // A spill (DuckDB writes to its temp directory past its memory limit) goes into workDir, removed with it.
  const inst = await DuckDBInstance.create(':memory:', { temp_directory: join(workDir, 'duckdb-temp') });
  const c = await inst.connect();
  try {
    const [, duckLoadSeconds] = await timed(() => loadIntoDuck(c, csv));
    const duck: DuckStep[] = [];
    if (steps.includes('exact_key')) {
      const [, exactCold] = await timed(() => c.run(exactKeySql()));
      const [, exactS] = await timed(() => c.run(exactKeySql()));
      const exact = await scalarRow(
        c,
        'SELECT count(*) AS matches, count(*) FILTER (WHERE da = 0) AS exact, count(*) FILTER (WHERE da > 0) AS rounding, coalesce(max(key_hits_differing), 0) AS key_hits_amount_or_currency_differ FROM duck_exact',
      );
      duck.push({ step: 'exact_key', seconds: exactS, coldSeconds: exactCold, counts: exact });
    }
    if (steps.includes('amount_window')) {
      const windowStep = async (): Promise<void> => {
        await c.run(bankAmountWindowSql());
        await c.run(orderAmountWindowSql());
      };
      const [, windowCold] = await timed(windowStep);
      const [, windowS] = await timed(windowStep);
      const bank = await scalarRow(c, 'SELECT count(*) AS bank_payout FROM duck_bank');
      const amount = await scalarRow(
        c,
        'SELECT count(*) FILTER (WHERE NOT timing) AS order_payment, count(*) FILTER (WHERE timing) AS order_payment_timing FROM duck_amount',
      );
      duck.push({ step: 'amount_window', seconds: windowS, coldSeconds: windowCold, counts: { ...bank, ...amount } });
    }
    return { events, exportSeconds, duckLoadSeconds, duck };
  } finally {
    c.closeSync();
    inst.closeSync();
    rmSync(csv, { force: true });
  }
}

/**
 * Our engine on the same step: a VACUUM INTO copy of `ledgerPath` with matches and exceptions cleared (so a reconciled
 * ledger works too), one full reconcile() with the restricted rule set; the copy is removed after.
 */
export function runOursStep(ledgerPath: string, settings: WorkspaceSettings, workDir: string, which: OursStep['step']): OursStep {
  const rules = which === 'exact_key' ? EXACT_KEY_RULES : AMOUNT_WINDOW_RULES;
  const copy = join(workDir, `ours-${which}.sqlite`);
  for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) if (existsSync(f)) rmSync(f);
  const src = new Database(ledgerPath, { readonly: true });
  try {
    src.prepare('VACUUM INTO ?').run(copy);
  } finally {
    src.close();
  }
  const { db } = openLedger(copy);
  try {
    db.exec(
      'DELETE FROM match_members; DELETE FROM pinned_events; DELETE FROM blocked_pairs; DELETE FROM matches; DELETE FROM exception_members; DELETE FROM exceptions;',
    );
    const ruleSet = restrictedRuleSet(rules, `bench-${which.replace('_', '-')}`);
    // The step, twice over the same loaded events: from the first of its rules starting to the leftovers starting.
    const events = loadFullRun(db, ruleSet);
    const step = (): number => {
      let start = 0;
      let end = 0;
      computeOutcome(
        events,
        ruleSet,
        { pinned: new Map(), blocked: new Set() },
        {
          ranked: true,
          texts: new LedgerTexts(db),
          onRule: (rule, done) => {
            if (done === 0) start = performance.now();
            if (rule === 'leftovers') end = performance.now();
          },
        },
      );
      return (end - start) / 1000;
    };
    const coldStepSeconds = step();
    const stepSeconds = step();
    const t0 = performance.now();
    const report = reconcile(db, settings, { mode: 'full', ruleSet, actor: 'system:bench', parallel: 'never' });
    const seconds = (performance.now() - t0) / 1000;
    const counts: StepCounts = {};
    for (const row of db
      .prepare("SELECT link || '.' || status AS k, count(*) AS n FROM matches WHERE ended_at IS NULL GROUP BY 1 ORDER BY 1")
      .all() as { k: string; n: number }[])
      counts[row.k] = row.n;
    for (const row of db.prepare('SELECT code AS k, count(*) AS n FROM exceptions WHERE ended_at IS NULL GROUP BY 1 ORDER BY 1').all() as {
      k: string;
      n: number;
    }[])
      counts[`x.${row.k}`] = row.n;
    counts['events_considered'] = report.events_considered;
    return { step: which, rules, seconds, stepSeconds, coldStepSeconds, counts };
  } finally {
    db.close();
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  }
}

/** Both sides, DuckDB first, for `steps`; `skipped` says why a step is left out at this size. */
export async function compareWithDuckDb(
  ledgerPath: string,
  settings: WorkspaceSettings,
  workDir: string,
  steps: readonly ComparedStep[] = COMPARED_STEPS,
  skipped: Partial<Record<ComparedStep, string>> = {},
): Promise<DuckDbComparison> {
  const duck = await runDuckDbSteps(ledgerPath, workDir, steps);
  const ours = steps.map((step) => runOursStep(ledgerPath, settings, workDir, step));
  return { ...duck, ours, skipped };
}

/**
 * The amount+window step run alone over every order is a join of each order with every same-amount payment in its
 * window: its pairs grow with the square of the orders per day (85,000 tied pairs and ~4 s on both sides at 100k
 * orders; at 1M DuckDB's spill filled the 60 GB of free disk). In a real run the step only sees what the exact-key step left.
 * It is compared up to this many orders.
 */
export const AMOUNT_WINDOW_MAX_ORDERS = 100_000;

/** The steps compared for a month of `orders` orders, and why any is left out. */
export function stepsForSize(orders: number): { steps: ComparedStep[]; skipped: Partial<Record<ComparedStep, string>> } {
  if (orders <= AMOUNT_WINDOW_MAX_ORDERS) return { steps: [...COMPARED_STEPS], skipped: {} };
  return {
    steps: ['exact_key'],
    skipped: {
      amount_window:
        `not compared above ${AMOUNT_WINDOW_MAX_ORDERS.toLocaleString('en-US')} orders: run alone over every order it joins each order with every same-amount ` +
        "payment in its window, pairs growing with the square of the orders per day (at 1M DuckDB's spill filled the 60 GB of free disk); " +
        'in a full run the step sees only what the exact-key step left (see the full reconcile time above)',
    },
  };
}

/** Plain-text comparison with the target (ours within 3× of DuckDB on the steps both do). */
export function formatComparison(c: DuckDbComparison): string {
  const out: string[] = [];
  out.push(
    `DuckDB baseline over ${c.events.toLocaleString('en-US')} events (orders, payments, payouts, bank credits): SQLite → CSV ${c.exportSeconds.toFixed(2)} s, DuckDB load ${c.duckLoadSeconds.toFixed(2)} s (not in the step times)`,
  );
  for (const d of c.duck) {
    const o = c.ours.find((x) => x.step === d.step) as OursStep;
    const ratio = o.stepSeconds / d.seconds;
    out.push(
      `  ${d.step.padEnd(13)} warm: ours ${o.stepSeconds.toFixed(3)} s / DuckDB ${d.seconds.toFixed(3)} s = ${ratio.toFixed(1)}x (target ≤ 3x: ${ratio <= 3 ? 'met' : 'NOT met'}); ` +
        `cold: ours ${o.coldStepSeconds.toFixed(3)} s / DuckDB ${d.coldSeconds.toFixed(3)} s = ${(o.coldStepSeconds / d.coldSeconds).toFixed(1)}x; ` +
        `our whole reconcile() call ${o.seconds.toFixed(3)} s = ${(o.seconds / d.seconds).toFixed(1)}x`,
    );
    out.push(`    DuckDB: ${JSON.stringify(d.counts)}`);
    out.push(`    ours (${o.rules.join(' + ')}): ${JSON.stringify(o.counts)}`);
  }
  for (const [step, why] of Object.entries(c.skipped)) out.push(`  ${step.padEnd(13)} ${why}`);
  out.push(`  Note: ${DUCKDB_CAVEAT}`);
  return out.join('\n');
}
