// Shadow costs (issue 11): a shadow version's full run into its lane beside the active version's full run (target
// ≤ 1.5× its time, within the same 1.5 GB), and an import's incremental run with one shadow version beside the same
// run without (target ≤ 2×). Each phase in its own process; two copies of one workspace, one with a shadow version.
// Wall time and CPU time of the timed part are both printed: on a machine others share, wall time waits on them.
//   TIEOUT_BENCH_ORDERS=100000 node bench/shadowBench.ts
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Result {
  phase: string;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  detail: Record<string, unknown>;
}

const sizes = (process.env['TIEOUT_BENCH_ORDERS'] ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const dir = mkdtempSync(join(tmpdir(), 'tieout-sbench-'));

function run(script: string, args: string[]): Result {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as Result;
}

const fmt = (r: Result): string =>
  `${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(2)} s), peak RSS ${r.peakRssMiB} MiB ${JSON.stringify(r.detail)}`;

try {
  console.log(`Tieout shadow-cost benchmark (node ${process.version}, ${new Date().toISOString()})`);
  for (const orders of sizes) {
    const d = join(dir, `m${orders}`);
    const common = ['--orders', String(orders), '--dir', d];
    console.log(`${orders.toLocaleString('en-US')} orders`);
    run('matchingPhase.ts', ['--phase', 'setup', ...common]);
    const active = run('shadowPhase.ts', ['--phase', 'active-full', ...common]);
    console.log(`  active full run          ${fmt(active)}`);
    // The same ledger, reconciled, without a shadow version: the incremental run's baseline.
    cpSync(join(d, 'ws'), join(d, 'ws-plain'), { recursive: true });
    const shadow = run('shadowPhase.ts', ['--phase', 'shadow-full', ...common]);
    console.log(`  shadow full run          ${fmt(shadow)}`);
    const plain = run('shadowPhase.ts', ['--phase', 'incr', ...common, '--ws', join(d, 'ws-plain')]);
    console.log(`  incremental, no shadow   ${fmt(plain)}`);
    const withShadow = run('shadowPhase.ts', ['--phase', 'incr', ...common]);
    console.log(`  incremental, one shadow  ${fmt(withShadow)}`);
    const judged = orders >= 1_000_000;
    const mark = (ok: boolean): string => (judged ? (ok ? 'met' : 'NOT met') : 'target is for the 1M-order month');
    const fullRatio = shadow.seconds / active.seconds;
    const incrRatio = withShadow.seconds / plain.seconds;
    const cpu = (a: Result, b: Result): string => `${(a.cpuSeconds / b.cpuSeconds).toFixed(2)}× by CPU time`;
    console.log(
      `  shadow full / active full: ${fullRatio.toFixed(2)}× wall, ${cpu(shadow, active)} (target ≤ 1.5×: ${mark(fullRatio <= 1.5)}); ` +
        `shadow peak RSS ${shadow.peakRssMiB} MiB (≤ 1536: ${mark(shadow.peakRssMiB <= 1536)})`,
    );
    console.log(
      `  incremental with one shadow / without: ${incrRatio.toFixed(2)}× wall, ${cpu(withShadow, plain)} (target ≤ 2×: ${mark(incrRatio <= 2)})`,
    );
    rmSync(d, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
