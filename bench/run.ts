// `npm run bench`: import throughput and memory against the plain-insert storage limit, measured in one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const phaseScript = join(import.meta.dirname, 'importBench.ts');
const sizes = (process.env['TIEOUT_BENCH_ROWS'] ?? '100000,1000000').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'tieout-bench-'));

interface PhaseResult {
  phase: string;
  rows: number;
  peakRssMiB: number;
  seconds: number;
  rowsPerSecond?: number;
}

function phase(name: string, rows: number, file?: string): PhaseResult {
  const args = [phaseScript, '--phase', name, '--rows', String(rows), '--dir', dir, ...(file ? ['--file', file] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseResult;
}

try {
  console.log(`Tieout import benchmark (node ${process.version}, ${new Date().toISOString()})`);
  console.log('Each phase runs in its own process; peak RSS is that process\'s maximum resident set.\n');
  const lines: string[] = [];
  const rssBySize: Array<[number, number]> = [];
  for (const rows of sizes) {
    const file = join(dir, `stripe-${rows}.csv`);
    phase('generate', rows, file);
    const mib = (statSync(file).size / 1048576).toFixed(1);
    const ours = phase('import', rows, file);
    const plain = phase('plain', rows);
    const ratio = (ours.rowsPerSecond ?? 0) / (plain.rowsPerSecond ?? 1);
    rssBySize.push([rows, ours.peakRssMiB]);
    lines.push(
      `${String(rows).padStart(9)} rows (${mib} MiB CSV): import ${ours.rowsPerSecond?.toLocaleString('en-US')} rows/s ` +
        `(${ours.seconds.toFixed(2)} s, peak RSS ${ours.peakRssMiB} MiB) | plain insert ${plain.rowsPerSecond?.toLocaleString('en-US')} rows/s ` +
        `(${plain.seconds.toFixed(2)} s, peak RSS ${plain.peakRssMiB} MiB) | import/plain ${(ratio * 100).toFixed(0)}% ` +
        `(target >= 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
    );
    console.log(lines[lines.length - 1]);
  }
  if (rssBySize.length > 1) {
    const [small, large] = [rssBySize[0] as [number, number], rssBySize[rssBySize.length - 1] as [number, number]];
    console.log(
      `Import memory: ${large[0].toLocaleString('en-US')} rows peaked at ${large[1]} MiB vs ${small[1]} MiB for ${small[0].toLocaleString('en-US')} rows ` +
        `(${(large[0] / small[0]).toFixed(0)}x the rows, ${(large[1] / small[1]).toFixed(2)}x the memory: SQLite's 64 MiB page cache and V8's heap settle; nothing per row is kept).`,
    );
  }
  const bankSizes = (process.env['TIEOUT_BENCH_BANK_ENTRIES'] ?? '100000').split(',').map(Number);
  console.log('\nBank statements (one statement, streamed; XML read as a stream, not a DOM):');
  for (const entries of bankSizes) {
    for (const [format, ext] of [['camt', 'xml'], ['mt940', 'sta']] as const) {
      const file = join(dir, `${format}-${entries}.${ext}`);
      phase(`generate-${format}`, entries, file);
      const mib = (statSync(file).size / 1048576).toFixed(1);
      const r = phase('import', entries, file);
      console.log(
        `${format.padStart(6)} ${String(entries).padStart(8)} entries (${mib} MiB): ${r.rowsPerSecond?.toLocaleString('en-US')} entries/s ` +
          `(${r.seconds.toFixed(2)} s), peak RSS ${r.peakRssMiB} MiB`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Matching: full and incremental reconcile timings, then accuracy against the generated month's truth and
// the DuckDB baseline. Sizes come from TIEOUT_BENCH_ORDERS (default 10000,100000,1000000: the 1M-order month's
// generation and import take a few minutes on 2 cores).
const orders = process.env['TIEOUT_BENCH_ORDERS'] ?? '10000,100000,1000000';
for (const script of ['matchingBench.ts', 'matchingAccuracyBench.ts']) {
  console.log(`\n--- ${script} (TIEOUT_BENCH_ORDERS=${orders}) ---`);
  execFileSync(process.execPath, [join(import.meta.dirname, script)], {
    stdio: 'inherit',
    env: { ...process.env, TIEOUT_BENCH_ORDERS: orders },
  });
}

// The path users take: the month's three files imported one after another, each with its run, beside the fast path
// (imports, then one full run) and DuckDB; ledger bytes per event (TIEOUT_BENCH_USER_ORDERS picks sizes).
console.log('\n--- userPathBench.ts ---');
execFileSync(process.execPath, [join(import.meta.dirname, 'userPathBench.ts')], { stdio: 'inherit', env: { ...process.env, TIEOUT_BENCH_ORDERS: orders } });

// The desktop app: the Exceptions grid over 100,000 exceptions in Chromium (needs /usr/bin/chromium and the
// built renderer, `npm run build`).
console.log('\n--- exceptionsGridBench.ts ---');
execFileSync(process.execPath, [join(import.meta.dirname, 'exceptionsGridBench.ts')], { stdio: 'inherit' });
