// The path users take, measured (issue: "the continuous path at month scale"): a generated month's three files imported
// one after another, each followed by its incremental run, one process per step as the CLI runs them (each step's
// peak RSS is its own); beside it the fast path (the same imports without runs, then one full run) and DuckDB loading
// the same files and running the chain's joins, all in the same run. Ledger bytes per event are printed after.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMonthFiles } from '../src/main/synthetic/monthFiles.ts';

const PHASE = join(import.meta.dirname, 'userPathPhase.ts');
const sizes = (process.env['TIEOUT_BENCH_USER_ORDERS'] ?? process.env['TIEOUT_BENCH_ORDERS'] ?? '100000,1000000').split(',').map(Number);

interface Step {
  phase: string;
  peakRssMiB: number;
  seconds: number;
  [k: string]: unknown;
}

/** Runs one phase in its own process; the wall time is the parent's (process start and module loading included, as a CLI user waits them). */
function step(args: string[]): Step & { wall: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', PHASE, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const wall = (performance.now() - t0) / 1000;
  return { ...(JSON.parse(out.trim().split('\n').pop() as string) as Step), wall };
}

const fmt = (s: number): string => `${s.toFixed(1)} s`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function benchSize(orders: number): void {
  const dir = mkdtempSync(join(tmpdir(), `tieout-userpath-${orders}-`));
  try {
    const month = writeMonthFiles(join(dir, 'files'), { orders, seed: 2026 });
    const periodEnd = month.summary.dateRange.to;
    const files = [
      ['shopify:store', month.shopifyCsv, 'Shopify orders'],
      ['stripe:main', month.stripeCsv, 'Stripe balance'],
      ['bank:main', month.camtPath, 'camt.053'],
    ] as const;
    console.log(
      `\n=== ${orders.toLocaleString('en-US')} orders (${month.summary.orders.toLocaleString('en-US')} in the Shopify export, ${month.summary.stripeRows.toLocaleString('en-US')} Stripe rows) ===`,
    );
    console.log('step (each its own process, as `tieout import … --period-end` runs it)        wall     in-process  peak RSS  run');
    const user = join(dir, 'user');
    step(['--phase', 'init', '--ws', user]);
    let userWall = 0;
    let userPeak = 0;
    for (const [source, file, label] of files) {
      const s = step(['--phase', 'import-and-run', '--ws', user, '--source', source, '--file', file, '--period-end', periodEnd]);
      userWall += s.wall;
      userPeak = Math.max(userPeak, s.peakRssMiB);
      const run = s['run'] as { mode: string; considered: number; awaiting: number } | null;
      console.log(
        `  import ${label.padEnd(16)} + its run                                  ${fmt(s.wall).padStart(8)} ${fmt(s.seconds).padStart(10)} ${String(s.peakRssMiB).padStart(6)} MiB  ` +
          (run === null
            ? 'none'
            : `${run.mode}, ${run.considered.toLocaleString('en-US')} events looked at, ${run.awaiting.toLocaleString('en-US')} awaiting`),
      );
    }
    const fast = join(dir, 'fast');
    step(['--phase', 'init', '--ws', fast]);
    let fastWall = 0;
    let fastPeak = 0;
    for (const [source, file, label] of files) {
      const s = step(['--phase', 'import', '--ws', fast, '--source', source, '--file', file, '--period-end', periodEnd]);
      fastWall += s.wall;
      fastPeak = Math.max(fastPeak, s.peakRssMiB);
      console.log(
        `  fast path: import ${label.padEnd(16)} (--no-reconcile)                ${fmt(s.wall).padStart(8)} ${fmt(s.seconds).padStart(10)} ${String(s.peakRssMiB).padStart(6)} MiB`,
      );
    }
    const full = step(['--phase', 'full-run', '--ws', fast]);
    fastWall += full.wall;
    fastPeak = Math.max(fastPeak, full.peakRssMiB);
    console.log(
      `  fast path: one full run                                         ${fmt(full.wall).padStart(8)} ${fmt(full.seconds).padStart(10)} ${String(full.peakRssMiB).padStart(6)} MiB`,
    );
    const duck = step(['--phase', 'duckdb', '--shopify', month.shopifyCsv, '--stripe', month.stripeCsv, '--bank', month.camtPath]);
    const duckS = (duck['loadS'] as number) + (duck['joinS'] as number);
    console.log(
      `  DuckDB: load the three files ${fmt(duck['loadS'] as number)}, the joins ${fmt(duck['joinS'] as number)} (in-process ${fmt(duckS)}, process ${fmt(duck.wall)}, ` +
        `${duck.peakRssMiB} MiB): ${String(duck['orderPayment'])} order↔payment, ${String(duck['payoutItems'])} payouts = items, ${String(duck['bankPayout'])} bank↔payout`,
    );
    const size = step(['--phase', 'size', '--ws', user]);
    const split = Object.entries(size['split'] as Record<string, number>)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `  ledger: ${((size['bytes'] as number) / 1048576).toFixed(0)} MiB for ${(size['events'] as number).toLocaleString('en-US')} events = ${String(size['perEvent'])} bytes per event (${split}; goal < 1,000)`,
    );
    const ratio = userWall / fastWall;
    const vsDuck = userWall / duck.wall;
    console.log(`  user path ${fmt(userWall)} vs fast path ${fmt(fastWall)}: ${ratio.toFixed(2)}x (target ≤ 1.2x: ${verdict(ratio <= 1.2)})`);
    if (orders <= 100_000) {
      console.log(
        `  user path vs DuckDB (process to process): ${vsDuck.toFixed(1)}x (target ≤ 5x: ${verdict(vsDuck <= 5)}; never above 10x: ${verdict(vsDuck <= 10)})`,
      );
      console.log(`  peak RSS ${userPeak} MiB (target ≤ 700 MiB: ${verdict(userPeak <= 700)}; never above 900 MiB: ${verdict(userPeak <= 900)})`);
    } else {
      console.log(
        `  1M-order month end to end ${fmt(userWall)} (target ≤ 90 s: ${verdict(userWall <= 90)}), peak RSS ${userPeak} MiB (target ≤ 1.5 GB: ${verdict(userPeak <= 1536)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Tieout user path (node ${process.version}, ${new Date().toISOString()}): wall = the step's process from start to exit.`);
for (const orders of sizes) benchSize(orders);
