// Matching benchmark: a synthetic month imported through the real pipeline, then full (cold), full (no change) and
// incremental (a 1,000-event import) reconcile runs, each phase in its own process so its peak RSS is its own.
//   node bench/matchingBench.ts                      sizes 10k,100k orders
//   TIEOUT_BENCH_ORDERS=1000000 node bench/matchingBench.ts
//   TIEOUT_BENCH_DIR=/tmp/x  keeps the workspaces there (not deleted); TIEOUT_BENCH_PHASES=full1,full2,incr limits phases.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseResult } from './matchingPhase.ts';

const phaseScript = join(import.meta.dirname, 'matchingPhase.ts');
const sizes = (process.env['TIEOUT_BENCH_ORDERS'] ?? '10000,100000').split(',').map(Number);
const keep = process.env['TIEOUT_BENCH_DIR'];
const dir = keep ?? mkdtempSync(join(tmpdir(), 'tieout-mbench-'));
const phases = (process.env['TIEOUT_BENCH_PHASES'] ?? 'setup,full1,full2,incr').split(',');

function phase(name: string, orders: number): PhaseResult {
  const args = [phaseScript, '--phase', name, '--orders', String(orders), '--dir', join(dir, `m${orders}`)];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseResult;
}

const fmt = (r: PhaseResult): string =>
  `${r.phase.padEnd(6)} ${r.seconds.toFixed(2).padStart(7)} s (process CPU ${r.cpuSeconds.toFixed(1)} s)  peak RSS ${String(r.peakRssMiB).padStart(5)} MiB  ${JSON.stringify(r.detail)}`;

try {
  console.log(`Tieout matching benchmark (node ${process.version}, ${new Date().toISOString()})`);
  console.log('Each phase runs in its own process; peak RSS is that process\'s maximum resident set.\n');
  for (const orders of sizes) {
    console.log(`${orders.toLocaleString('en-US')} orders`);
    for (const p of phases) console.log(`  ${fmt(phase(p, orders))}`);
  }
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
