// Accuracy and DuckDB comparison: for each size, a synthetic month (writeMonthFiles) imported through importFiles
// (Shopify CSV, Stripe CSV, camt.053; import only, no incremental runs), ONE full reconcile, the score against the
// injected truth, then the DuckDB baseline for the exact-key and amount+window steps (amount+window up to 100k orders:
// see AMOUNT_WINDOW_MAX_ORDERS in duckdbBaseline.ts). Each phase runs in its own process
// (this file with --phase) and prints one JSON line, so peak RSS is per phase.
//   node bench/matchingAccuracyBench.ts                    10k, 100k and 1M orders
//   TIEOUT_BENCH_ORDERS=10000 node bench/matchingAccuracyBench.ts
//   TIEOUT_BENCH_DIR=/tmp/x keeps the month and workspace there (not deleted); TIEOUT_BENCH_SEED (default 2026).
// Figures are printed as measured, with the targets marked met / NOT met; nothing here fails on a target.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkspace, openWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { BANK_ACCOUNT, writeMonthFiles } from '../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { accuracyTargets, formatAccuracy, scoreAgainstTruth, type AccuracyReport } from './accuracy.ts';
import { compareWithDuckDb, formatComparison, stepsForSize, type DuckDbComparison } from './duckdbBaseline.ts';

interface PhaseOut {
  phase: string;
  orders: number;
  seconds: number;
  peakRssMiB: number;
  detail: Record<string, unknown>;
}

const IMPORTED_SNAPSHOT = 'imported.sqlite';

const { values } = parseArgs({
  options: { phase: { type: 'string' }, orders: { type: 'string' }, dir: { type: 'string' }, seed: { type: 'string' } },
});

function report(phase: string, orders: number, seconds: number, detail: Record<string, unknown>): void {
  const r: PhaseOut = { phase, orders, seconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), detail };
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

async function child(phase: string, orders: number, dir: string, seed: number): Promise<void> {
  const wsDir = join(dir, 'ws');
  const files = join(dir, 'files');
  const t0 = performance.now();
  const since = (): number => (performance.now() - t0) / 1000;
  if (phase === 'setup') {
    mkdirSync(dir, { recursive: true });
    const month = writeMonthFiles(files, { orders, seed });
    const generateS = since();
    const ws = createWorkspace(wsDir, { name: 'accuracy bench', reportingCurrency: 'USD', timeZone: 'America/New_York' });
    const t1 = performance.now();
    for (const [source, file] of [
      ['shopify:bench', month.shopifyCsv],
      ['stripe:bench', month.stripeCsv],
      ['bank:bench', month.camtPath],
    ] as const) {
      // Each export covers the generated month, as the README's commands state it (--period-end).
      importFiles(ws.db, ws.settings, { source, files: [file], actor: 'system:bench', periodEnd: month.summary.dateRange.to });
    }
    const importS = (performance.now() - t1) / 1000;
    // The imported, not yet reconciled ledger: the DuckDB phase and our restricted-rule runs start from it.
    ws.db.prepare('VACUUM INTO ?').run(join(dir, IMPORTED_SNAPSHOT));
    const events = ws.db.prepare('SELECT count(*) FROM events').pluck().get();
    ws.close();
    writeFileSync(join(dir, 'month.json'), JSON.stringify({ truthPath: month.truthPath, summary: month.summary }));
    report(phase, orders, since(), {
      generateS: +generateS.toFixed(2),
      importS: +importS.toFixed(2),
      events,
      anomalies: month.summary.anomalies,
      truthMatches: month.summary.matches,
    });
  } else if (phase === 'full') {
    const ws = openWorkspace(wsDir);
    const t1 = performance.now();
    const r = reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:bench' });
    const s = (performance.now() - t1) / 1000;
    ws.close();
    report(phase, orders, s, { events: r.events_considered, matches: r.matches_created, exceptions: r.exceptions_opened });
  } else if (phase === 'score') {
    const { truthPath } = JSON.parse(readFileSync(join(dir, 'month.json'), 'utf8')) as { truthPath: string };
    const ws = openWorkspace(wsDir);
    const r = scoreAgainstTruth(ws.db, truthPath, BANK_ACCOUNT);
    ws.close();
    report(phase, orders, since(), { report: r });
  } else if (phase === 'duckdb') {
    const ws = openWorkspace(wsDir);
    const settings = ws.settings;
    ws.close();
    const { steps, skipped } = stepsForSize(orders);
    const c = await compareWithDuckDb(join(dir, IMPORTED_SNAPSHOT), settings, dir, steps, skipped);
    report(phase, orders, since(), { comparison: c });
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
}

function runPhase(phase: string, orders: number, dir: string, seed: number): PhaseOut {
  const args = [import.meta.filename, '--phase', phase, '--orders', String(orders), '--dir', dir, '--seed', String(seed)];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseOut;
}

function parent(): void {
  const sizes = (process.env['TIEOUT_BENCH_ORDERS'] ?? '10000,100000,1000000').split(',').map(Number);
  const seed = Number(process.env['TIEOUT_BENCH_SEED'] ?? '2026');
  const keep = process.env['TIEOUT_BENCH_DIR'];
  const root = keep ?? mkdtempSync(join(tmpdir(), 'tieout-accbench-'));
  try {
    console.log(`Tieout matching accuracy + DuckDB baseline (node ${process.version}, ${new Date().toISOString()}, seed ${seed})`);
    console.log("Each phase runs in its own process; peak RSS is that process's maximum resident set.\n");
    for (const orders of sizes) {
      const dir = join(root, `acc-${orders}`);
      rmSync(dir, { recursive: true, force: true });
      console.log(`=== ${orders.toLocaleString('en-US')} orders ===`);
      const setup = runPhase('setup', orders, dir, seed);
      console.log(
        `setup  ${setup.seconds.toFixed(2)} s, peak RSS ${setup.peakRssMiB} MiB: ${JSON.stringify({ generateS: setup.detail['generateS'], importS: setup.detail['importS'], events: setup.detail['events'] })}`,
      );
      const full = runPhase('full', orders, dir, seed);
      console.log(`full reconcile ${full.seconds.toFixed(2)} s, peak RSS ${full.peakRssMiB} MiB: ${JSON.stringify(full.detail)}`);
      const score = runPhase('score', orders, dir, seed);
      const r = score.detail['report'] as AccuracyReport;
      console.log(`\nAccuracy against truth.jsonl (scored in ${score.seconds.toFixed(2)} s, peak RSS ${score.peakRssMiB} MiB)`);
      console.log(formatAccuracy(r));
      console.log('Targets:');
      for (const t of accuracyTargets(r)) console.log(`  ${t}`);
      const duck = runPhase('duckdb', orders, dir, seed);
      console.log(
        `\nDuckDB comparison (phase ${duck.seconds.toFixed(2)} s, peak RSS ${duck.peakRssMiB} MiB, DuckDB and our restricted runs in one process)`,
      );
      console.log(formatComparison(duck.detail['comparison'] as DuckDbComparison));
      console.log('');
    }
  } finally {
    if (keep === undefined) rmSync(root, { recursive: true, force: true });
  }
}

if (values.phase !== undefined) await child(values.phase, Number(values.orders), values.dir as string, Number(values.seed ?? '2026'));
else parent();
