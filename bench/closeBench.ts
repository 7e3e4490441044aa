// The month-end close at scale (issue 12: "a 1M-order month packs in ≤ 60 s at ≤ 1 GB peak RSS"): a generated month
// imported and reconciled, then its audit pack made as a draft, the month closed (the pack made again and stored in the
// ledger), and the pack verified, each step in its own process. TIEOUT_BENCH_PACK_ORDERS picks the sizes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMonthFiles } from '../src/main/synthetic/monthFiles.ts';

const PHASE = join(import.meta.dirname, 'closePhase.ts');
const sizes = (process.env['TIEOUT_BENCH_PACK_ORDERS'] ?? '100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const TARGET_SECONDS = 60;
const TARGET_RSS_MIB = 1024;

interface Step {
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  wall: number;
  [k: string]: unknown;
}

function step(args: string[]): Step {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', PHASE, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return { ...(JSON.parse(out.trim().split('\n').pop() as string) as Step), wall: (performance.now() - t0) / 1000 };
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);

function rowsText(rows: Record<string, number>): string {
  return Object.entries(rows)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
    .join(', ');
}

for (const orders of sizes) {
  const dir = mkdtempSync(join(tmpdir(), `tieout-closebench-${orders}-`));
  try {
    const month = writeMonthFiles(join(dir, 'files'), { orders, seed: 2026 });
    const period = month.summary.dateRange.from.slice(0, 7);
    const ws = join(dir, 'ws');
    const files = [
      ['shopify:store', month.shopifyCsv],
      ['stripe:main', month.stripeCsv],
      ['bank:main', month.camtPath],
    ];
    console.log(`\n=== ${orders.toLocaleString('en-US')} orders, period ${period} ===`);
    const imported = step(['--phase', 'import', '--ws', ws, '--files', JSON.stringify(files), '--period-end', month.summary.dateRange.to]);
    const run = step(['--phase', 'full-run', '--ws', ws]);
    console.log(
      `  set-up: imports ${imported.wall.toFixed(1)} s, full run ${run.wall.toFixed(1)} s (${String(run['matches'])} matches, ${String(run['exceptions'])} exceptions)`,
    );
    const draft = join(dir, 'draft.zip');
    const status = step(['--phase', 'status', '--ws', ws, '--month', period]);
    console.log(
      `  close status (the Close screen's checklist and rollforward): ${status.wall.toFixed(1)} s wall, ${status.cpuSeconds.toFixed(1)} s CPU, peak RSS ${status.peakRssMiB} MiB`,
    );
    const pack = step(['--phase', 'pack', '--ws', ws, '--month', period, '--out', draft]);
    const close = step(['--phase', 'close', '--ws', ws, '--month', period]);
    const verify = step(['--phase', 'verify', '--out', draft]);
    for (const [label, s] of [
      ['draft pack (tieout pack)', pack],
      ['close (pack made and stored)', close],
    ] as const) {
      console.log(
        `  ${label.padEnd(30)} ${s.wall.toFixed(1).padStart(6)} s wall (${s.seconds.toFixed(1)} s in-process, ${s.cpuSeconds.toFixed(1)} s CPU), peak RSS ${s.peakRssMiB} MiB, ` +
          `${mib(s['bytes'] as number)} MiB pack; target ≤ ${TARGET_SECONDS} s and ≤ ${TARGET_RSS_MIB} MiB: ` +
          `${verdict(s.wall <= TARGET_SECONDS)} / ${verdict(s.peakRssMiB <= TARGET_RSS_MIB)}`,
      );
    }
    console.log(`  rows: ${rowsText(pack['rows'] as Record<string, number>)}`);
    console.log(
      `  verify PACK.zip: ${verify.wall.toFixed(1)} s wall, ${verify.cpuSeconds.toFixed(1)} s CPU, peak RSS ${verify.peakRssMiB} MiB, ${verify['ok'] === true ? 'passed' : 'FAILED'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
