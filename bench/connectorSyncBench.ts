// `npm run bench` part: a Stripe sync of TIEOUT_BENCH_SYNC_TXNS balance transactions (default 100,000) from a local
// Stripe on 127.0.0.1 (test/connectors/support/fakeStripe.ts, pages of 100 as Stripe serves them), into a new
// workspace. The sync runs in its own process, so its peak RSS is its own; the server's time is in the wall clock.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkspace, openWorkspace } from '../src/main/workspace/workspace.ts';
import { connectorConfig, storeConnection } from '../src/main/connectors/connectSource.ts';
import { SecretKeeper } from '../src/main/connectors/secrets/secretCipher.ts';
import { FileKeyCipher } from '../src/main/connectors/secrets/fileKeyCipher.ts';
import { openCredentials } from '../src/main/connectors/credentials.ts';
import { syncSource } from '../src/main/connectors/syncRunner.ts';
import { generateMonth, type SyntheticMonthStripeRow } from '../src/main/synthetic/monthGenerator.ts';
import { FakeStripe, stripeDataFromRows } from '../test/connectors/support/fakeStripe.ts';

const KEY = 'sk_test_51NbenchKey0000000000000001';
const { values } = parseArgs({ options: { phase: { type: 'string' }, ws: { type: 'string' }, key: { type: 'string' } } });

if (values.phase === 'sync') {
  // The child: one sync, as `tieout sync` makes it (pages landed one transaction each, then an incremental run).
  const ws = openWorkspace(values.ws as string);
  const keeper = new SecretKeeper(new FileKeyCipher(values.key as string));
  const t0 = performance.now();
  const report = await syncSource(ws, 'stripe:main', await openCredentials(ws, 'stripe:main', keeper), { trigger: 'bench', reconcile: false });
  const syncSeconds = (performance.now() - t0) / 1000;
  ws.close();
  process.stdout.write(
    `${JSON.stringify({ state: report.state, error: report.error, pages: report.pages, events: report.eventsCreated, duplicates: report.duplicatesSkipped, syncSeconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
} else {
  const target = Number(process.env['TIEOUT_BENCH_SYNC_TXNS'] ?? '100000');
  const dir = mkdtempSync(join(tmpdir(), 'tieout-sync-bench-'));
  try {
    // A generated month sized to the target (about one balance transaction per order), cut to it exactly.
    const rows: SyntheticMonthStripeRow[] = [];
    generateMonth(
      { orders: Math.ceil(target * 1.1), seed: 14 },
      { order: () => {}, stripeRow: (r) => rows.push({ ...r }), bankLine: () => {}, truth: () => {} },
    );
    rows.length = Math.min(rows.length, target);
    const payouts = new Set(rows.filter((r) => r.category === 'payout').map((r) => r.sourceId));
    for (const r of rows) if (r.category !== 'payout' && !payouts.has(r.payoutId)) r.payoutId = '';
    const stripe = new FakeStripe(stripeDataFromRows(rows), KEY);
    stripe.cacheLists = true;
    const url = await stripe.start();
    const last = Math.max(...stripe.data.balanceTransactions.map((b) => b.created as number));
    stripe.server.skewMs = (last + 3 * 86_400) * 1000 - Date.now();
    const wsDir = join(dir, 'books');
    const keyFile = join(dir, 'bench.key');
    const ws = createWorkspace(wsDir, { timeZone: 'UTC' });
    storeConnection(
      ws,
      'stripe:main',
      connectorConfig({ source: 'stripe:main', baseUrl: url }),
      await new SecretKeeper(new FileKeyCipher(keyFile)).seal({ api_key: KEY }),
      'system:bench',
    );
    ws.close();
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...(process.env['TIEOUT_BENCH_PROFILE'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', process.env['TIEOUT_BENCH_PROFILE']]),
        import.meta.filename,
        '--phase',
        'sync',
        '--ws',
        wsDir,
        '--key',
        keyFile,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    const wall = (performance.now() - t0) / 1000;
    await stripe.close();
    const r = JSON.parse(out.trim().split('\n').pop() as string) as {
      state: string;
      error: string | null;
      pages: number;
      events: number;
      duplicates: number;
      syncSeconds: number;
      peakRssMiB: number;
    };
    console.log(
      `Stripe sync of ${rows.length.toLocaleString('en-US')} balance transactions from a local server: ${r.state}${r.error === null ? '' : ` (${r.error})`}, ` +
        `${r.pages} pages, ${r.events.toLocaleString('en-US')} events (${r.duplicates.toLocaleString('en-US')} records read twice: a payout's items, then the balance history), ` +
        `${r.syncSeconds.toFixed(1)} s (${Math.round(r.events / r.syncSeconds).toLocaleString('en-US')} events/s; ${wall.toFixed(1)} s with process start), ` +
        `peak RSS of the syncing process ${r.peakRssMiB} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
