// `npm run bench`: import throughput and memory against the plain-insert storage limit, measured in one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const phaseScript = join(import.meta.dirname, 'importBench.ts');
/** A list of sizes from the environment; an empty value skips that part. */
const sizesFrom = (name: string, fallback: string): number[] =>
  (process.env[name] ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const sizes = sizesFrom('TIEOUT_BENCH_ROWS', '100000,1000000');
const dir = mkdtempSync(join(tmpdir(), 'tieout-bench-'));

interface PhaseResult {
  phase: string;
  rows: number;
  peakRssMiB: number;
  seconds: number;
  rowsPerSecond?: number;
  [detail: string]: unknown;
}

function phase(name: string, rows: number, file?: string, extra: string[] = [], phaseDir = dir): PhaseResult {
  const args = [phaseScript, '--phase', name, '--rows', String(rows), '--dir', phaseDir, ...(file ? ['--file', file] : []), ...extra];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string) as PhaseResult;
}

const monthSizes = sizesFrom('TIEOUT_BENCH_IMPORT_ORDERS', '100000');
const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);

/** Bytes per event of the ledger and what they are spent on (bench/ledgerBytes.ts). */
function bytesLine(r: PhaseResult): string {
  const p = r['perEvent'] as Record<string, number>;
  return (
    `${mib(r['fileBytes'] as number)} MiB for ${(r['events'] as number).toLocaleString('en-US')} events: ${p['file']} bytes per event ` +
    `(events ${p['events']}, their indexes ${p['eventIndexes']}, raw files ${p['artifacts']}, matches ${p['matches']}, other ${p['other']}; goal < 1024: ` +
    `${(p['file'] as number) < 1024 ? 'met' : 'NOT met'})`
  );
}

/**
 * A generated month's three files imported one after another into one workspace, each in its own process, as
 * `tieout import --no-reconcile` would (importFiles only); then the ledger's size, a full reconcile, and its size with matches.
 */
function importMonth(orders: number): void {
  const monthDir = join(dir, `month-${orders}`);
  const ws = join(dir, `ws-month-${orders}`);
  const files = phase('generate-month', orders, undefined, [], monthDir)['files'] as Record<string, string>;
  console.log(`\nA generated ${orders.toLocaleString('en-US')}-order month, its three files imported in order (importFiles, no reconcile):`);
  let total = 0;
  let peak = 0;
  for (const [source, file] of [
    ['shopify:store', files['shopify']],
    ['stripe:main', files['stripe']],
    ['bank:main', files['camt']],
  ] as const) {
    const r = phase('import-month-file', orders, file, ['--source', source, '--ws', ws]);
    total += r.seconds;
    peak = Math.max(peak, r.peakRssMiB);
    console.log(
      `  ${basename(file as string).padEnd(20)} ${mib(statSync(file as string).size).padStart(6)} MiB: ${r.seconds.toFixed(2)} s ` +
        `(CPU ${(r['cpuSeconds'] as number).toFixed(2)} s, of it the importing thread ${(r['mainCpuSeconds'] as number).toFixed(2)} s), ` +
        `${String(r['rowsRead']).padStart(7)} rows (${(r.rowsPerSecond ?? 0).toLocaleString('en-US')} rows/s), ${r['eventsCreated']} events, peak RSS ${r.peakRssMiB} MiB`,
    );
  }
  console.log(`  the three imports: ${total.toFixed(2)} s, peak RSS ${peak} MiB`);
  console.log(`  ledger after the imports: ${bytesLine(phase('ledger-bytes', orders, undefined, ['--ws', ws]))}`);
  const run = phase('reconcile-month', orders, undefined, ['--ws', ws]);
  console.log(`  full reconcile: ${run.seconds.toFixed(2)} s, ${run['matchesCreated']} matches, peak RSS ${run.peakRssMiB} MiB`);
  console.log(`  ledger with its matches: ${bytesLine(phase('ledger-bytes', orders, undefined, ['--ws', ws]))}`);
}

try {
  console.log(`Tieout import benchmark (node ${process.version}, ${new Date().toISOString()})`);
  console.log("Each phase runs in its own process; peak RSS is that process's maximum resident set.\n");
  const lines: string[] = [];
  const rssBySize: Array<[number, number]> = [];
  for (const rows of sizes) {
    const file = join(dir, `stripe-${rows}.csv`);
    phase('generate', rows, file);
    const csvMiB = mib(statSync(file).size);
    const ours = phase('import', rows, file);
    const plain = phase('plain', rows);
    const ratio = (ours.rowsPerSecond ?? 0) / (plain.rowsPerSecond ?? 1);
    rssBySize.push([rows, ours.peakRssMiB]);
    lines.push(
      `${String(rows).padStart(9)} rows (${csvMiB} MiB CSV): import ${ours.rowsPerSecond?.toLocaleString('en-US')} rows/s ` +
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
  const bankSizes = sizesFrom('TIEOUT_BENCH_BANK_ENTRIES', '100000');
  if (bankSizes.length > 0) console.log('\nBank statements (one statement, streamed; XML read as a stream, not a DOM):');
  for (const entries of bankSizes) {
    for (const [format, ext] of [
      ['camt', 'xml'],
      ['mt940', 'sta'],
    ] as const) {
      const file = join(dir, `${format}-${entries}.${ext}`);
      phase(`generate-${format}`, entries, file);
      const fileMiB = mib(statSync(file).size);
      const r = phase('import', entries, file);
      console.log(
        `${format.padStart(6)} ${String(entries).padStart(8)} entries (${fileMiB} MiB): ${r.rowsPerSecond?.toLocaleString('en-US')} entries/s ` +
          `(${r.seconds.toFixed(2)} s), peak RSS ${r.peakRssMiB} MiB`,
      );
    }
  }
  for (const orders of monthSizes) importMonth(orders);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Matching: full and incremental reconcile timings, then accuracy against the generated month's truth and
// the DuckDB baseline. Sizes come from TIEOUT_BENCH_ORDERS (default 10000,100000,1000000: the 1M-order month's
// generation and import take a few minutes on 2 cores).
// TIEOUT_BENCH_IMPORT_ONLY=1 stops after the import section.
const importOnly = process.env['TIEOUT_BENCH_IMPORT_ONLY'] === '1';
const orders = process.env['TIEOUT_BENCH_ORDERS'] ?? '10000,100000,1000000';
for (const script of importOnly ? [] : ['matchingBench.ts', 'matchingAccuracyBench.ts']) {
  console.log(`\n--- ${script} (TIEOUT_BENCH_ORDERS=${orders}) ---`);
  execFileSync(process.execPath, [join(import.meta.dirname, script)], {
    stdio: 'inherit',
    env: { ...process.env, TIEOUT_BENCH_ORDERS: orders },
  });
}

// The path users take: the month's three files imported one after another, each with its run, beside the fast path
// (imports, then one full run) and DuckDB; ledger bytes per event (TIEOUT_BENCH_USER_ORDERS picks sizes).
console.log('\n--- userPathBench.ts ---');
execFileSync(process.execPath, [join(import.meta.dirname, 'userPathBench.ts')], {
  stdio: 'inherit',
  env: { ...process.env, TIEOUT_BENCH_ORDERS: orders },
});

// Growth vs finance: the demo month's growth side scored against its injected gaps (TIEOUT_BENCH_GROWTH_ORDERS).
if (!importOnly) {
  console.log('\n--- growthBench.ts ---');
  execFileSync(process.execPath, [join(import.meta.dirname, 'growthBench.ts')], { stdio: 'inherit' });
}

// Connectors: a Stripe sync of 100,000 balance transactions from a local server (TIEOUT_BENCH_SYNC_TXNS; 0 skips it).
if (!importOnly && (process.env['TIEOUT_BENCH_SYNC_TXNS'] ?? '100000') !== '0') {
  console.log('\n--- connectorSyncBench.ts ---');
  execFileSync(process.execPath, [join(import.meta.dirname, 'connectorSyncBench.ts')], { stdio: 'inherit' });
}

// Shadow costs (issue 11): a shadow version's full run beside the active one's, an import's run with one shadow lane
// beside the same run without.
if (!importOnly) {
  console.log(`\n--- shadowBench.ts (TIEOUT_BENCH_ORDERS=${orders}) ---`);
  execFileSync(process.execPath, [join(import.meta.dirname, 'shadowBench.ts')], {
    stdio: 'inherit',
    env: { ...process.env, TIEOUT_BENCH_ORDERS: orders },
  });
}

// The month-end close: a month's audit pack made as a draft and at its close, and verified (TIEOUT_BENCH_PACK_ORDERS picks sizes).
if (!importOnly) {
  console.log('\n--- closeBench.ts ---');
  execFileSync(process.execPath, [join(import.meta.dirname, 'closeBench.ts')], { stdio: 'inherit' });
}

// The desktop app: the Exceptions grid over 100,000 exceptions in Chromium (needs /usr/bin/chromium and the
// built renderer, `npm run build`).
if (!importOnly) {
  console.log('\n--- exceptionsGridBench.ts ---');
  execFileSync(process.execPath, [join(import.meta.dirname, 'exceptionsGridBench.ts')], { stdio: 'inherit' });
}
