// One benchmark phase in its own process, so its peak RSS is its own: prints one JSON line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkspace, openWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { openLedger } from '../src/main/ledger/database.ts';
import { EventWriter, eventIdFor } from '../src/main/ledger/eventStore.ts';
import { syntheticStripeRows, writeSyntheticStripeCsv } from '../src/main/synthetic/stripeBalanceCsvWriter.ts';
import { writeBenchCamt, writeBenchMt940 } from './bankStatements.ts';
import { writeMonthFiles } from '../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { ledgerBytes } from './ledgerBytes.ts';

const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    rows: { type: 'string' },
    dir: { type: 'string' },
    file: { type: 'string' },
    source: { type: 'string' },
    ws: { type: 'string' },
  },
});
const rows = Number(values.rows);
const dir = values.dir as string;
const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function report(extra: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ phase: values.phase, rows, peakRssMiB: peakRssMiB(), ...extra })}\n`);
}

if (values.phase === 'generate') {
  const t0 = performance.now();
  writeSyntheticStripeCsv(values.file as string, rows);
  report({ seconds: (performance.now() - t0) / 1000 });
} else if (values.phase === 'generate-camt' || values.phase === 'generate-mt940') {
  const t0 = performance.now();
  (values.phase === 'generate-camt' ? writeBenchCamt : writeBenchMt940)(values.file as string, rows);
  report({ seconds: (performance.now() - t0) / 1000 });
} else if (values.phase === 'import') {
  const ws = createWorkspace(join(dir, `ws-import-${rows}-${Math.random().toString(36).slice(2)}`));
  const t0 = performance.now();
  const result = importFiles(ws.db, ws.settings, { source: 'bank:bench', files: [values.file as string], actor: 'system:bench' });
  const seconds = (performance.now() - t0) / 1000;
  ws.close();
  report({ seconds, rowsPerSecond: Math.round(rows / seconds), eventsCreated: result.eventsCreated });
} else if (values.phase === 'generate-month') {
  // The generated month a user imports file by file: Shopify orders, the Stripe balance report, a camt.053.
  const t0 = performance.now();
  const f = writeMonthFiles(dir, { orders: rows, seed: 2026 });
  report({ seconds: (performance.now() - t0) / 1000, files: { shopify: f.shopifyCsv, stripe: f.stripeCsv, camt: f.camtPath } });
} else if (values.phase === 'import-month-file') {
  // One of the month's files into the month's workspace (created by the first), as `tieout import --no-reconcile` does.
  const wsDir = values.ws as string;
  const ws = existsSync(wsDir) ? openWorkspace(wsDir) : createWorkspace(wsDir, { name: 'import bench', timeZone: 'America/New_York' });
  // CPU time beside wall time: this machine's 2 cores are shared, and CPU time moves less with the load than wall time.
  const cpu = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;
  const [c0, m0, t0] = [process.cpuUsage(), process.threadCpuUsage(), performance.now()];
  const result = importFiles(ws.db, ws.settings, { source: values.source as string, files: [values.file as string], actor: 'system:bench' });
  const seconds = (performance.now() - t0) / 1000;
  const [cpuSeconds, mainCpuSeconds] = [cpu(process.cpuUsage(c0)), cpu(process.threadCpuUsage(m0))];
  ws.close();
  const read = result.files.reduce((n, f) => n + f.rowsRead, 0);
  report({ seconds, cpuSeconds, mainCpuSeconds, rowsRead: read, rowsPerSecond: Math.round(read / seconds), eventsCreated: result.eventsCreated });
} else if (values.phase === 'reconcile-month') {
  const ws = openWorkspace(values.ws as string);
  const t0 = performance.now();
  const r = reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:bench' });
  const seconds = (performance.now() - t0) / 1000;
  ws.close();
  report({ seconds, matchesCreated: r.matches_created });
} else if (values.phase === 'ledger-bytes') {
  const ws = openWorkspace(values.ws as string);
  const bytes = ledgerBytes(ws.db);
  ws.close();
  report({ seconds: 0, ...bytes });
} else if (values.phase === 'plain') {
  // The storage limit: the same rows, already in memory form, through one prepared INSERT in one transaction.
  const { db } = openLedger(join(dir, `plain-${rows}.sqlite`));
  db.pragma('foreign_keys = OFF');
  const writer = new EventWriter(db);
  const t0 = performance.now();
  db.transaction(() => {
    for (const r of syntheticStripeRows(rows)) {
      writer.write({
        event_id: eventIdFor('stripe:bench', r.id, 'payment', ''),
        batch_id: 'plain',
        source: 'stripe:bench',
        kind: 'payment',
        external_id: r.id,
        source_revision: '',
        order_ref: r.orderId || null,
        customer_ref: r.email || null,
        payout_ref: r.payoutId,
        trace_id: r.sourceId,
        amount_minor: r.grossMinor,
        currency: 'USD',
        fee_minor: r.feeMinor,
        net_minor: r.grossMinor - r.feeMinor,
        state: r.category,
        channel: null,
        occurred_at: `${r.created.replace(' ', 'T')}Z`,
        local_date: null,
        received_at: '2026-01-01T00:00:00Z',
        raw_artifact_id: '0'.repeat(64),
        raw_line_start: 1,
        raw_line_end: 1,
        mapping_version: 'plain',
        attributes: '{}',
      });
    }
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  report({ seconds, rowsPerSecond: Math.round(rows / seconds) });
} else {
  throw new Error(`unknown phase ${String(values.phase)}`);
}
