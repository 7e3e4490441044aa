// One matching-benchmark phase in its own process: prints one JSON line (seconds = the timed work of the phase).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkspace, openWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { writeMonthFiles } from '../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../src/main/matching/engine.ts';

export interface PhaseResult {
  phase: string;
  orders: number;
  seconds: number;
  peakRssMiB: number;
  detail: Record<string, unknown>;
}

/** The increment: the last INCR_CHARGES Stripe charges (payments for orders already imported) and the last INCR_ORDERS orders. */
const INCR_CHARGES = 990;
const INCR_ORDERS = 10;

const { values } = parseArgs({ options: { phase: { type: 'string' }, orders: { type: 'string' }, dir: { type: 'string' } } });
const orders = Number(values.orders);
const dir = values.dir as string;
const wsDir = join(dir, 'ws');
const src = join(dir, 'files');

function report(seconds: number, detail: Record<string, unknown>): void {
  const r: PhaseResult = { phase: values.phase as string, orders, seconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), detail };
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

/** Splits a CSV (header + lines) into the kept part and the held-back part. */
function split(path: string, holdBack: (lines: string[]) => Set<number>): { main: string; inc: string } {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = lines[0] as string;
  const body = lines.slice(1);
  const held = holdBack(body);
  const main = [header, ...body.filter((_, i) => !held.has(i))].join('\n') + '\n';
  const inc = [header, ...body.filter((_, i) => held.has(i))].join('\n') + '\n';
  const mainPath = path.replace(/\.csv$/, '.main.csv');
  const incPath = path.replace(/\.csv$/, '.inc.csv');
  writeFileSync(mainPath, main);
  writeFileSync(incPath, inc);
  return { main: mainPath, inc: incPath };
}

const t0 = performance.now();
const elapsed = (): number => (performance.now() - t0) / 1000;

if (values.phase === 'setup') {
  mkdirSync(dir, { recursive: true });
  const files = writeMonthFiles(src, { orders, seed: 2026 });
  const genS = elapsed();
  // Shopify: the last INCR_ORDERS orders (an order spans consecutive lines sharing its Name, the first column).
  const shop = split(files.shopifyCsv, (body) => {
    const held = new Set<number>();
    let names = 0;
    let last = '';
    for (let i = body.length - 1; i >= 0; i--) {
      const name = (body[i] as string).split(',', 1)[0] as string;
      if (name !== last) {
        if (names === INCR_ORDERS) break;
        names++;
        last = name;
      }
      held.add(i);
    }
    return held;
  });
  // Stripe: the last INCR_CHARGES charges in file order.
  const stripe = split(files.stripeCsv, (body) => {
    const held = new Set<number>();
    for (let i = body.length - 1; i >= 0 && held.size < INCR_CHARGES; i--) if ((body[i] as string).includes(',charge,')) held.add(i);
    return held;
  });
  const ws = createWorkspace(wsDir, { name: 'matching bench', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  const t1 = performance.now();
  const a = importFiles(ws.db, ws.settings, { source: 'shopify:bench', files: [shop.main], actor: 'system:bench' });
  const b = importFiles(ws.db, ws.settings, { source: 'stripe:bench', files: [stripe.main], actor: 'system:bench' });
  const c = importFiles(ws.db, ws.settings, { source: 'bank:bench', files: [files.camtPath], actor: 'system:bench' });
  const importS = (performance.now() - t1) / 1000;
  const events = ws.db.prepare('SELECT count(*) FROM events').pluck().get();
  ws.close();
  writeFileSync(join(dir, 'inc.json'), JSON.stringify({ shopify: shop.inc, stripe: stripe.inc }));
  report(elapsed(), { generateS: +genS.toFixed(2), importS: +importS.toFixed(2), events, created: a.eventsCreated + b.eventsCreated + c.eventsCreated });
} else if (values.phase === 'full1' || values.phase === 'full2') {
  const ws = openWorkspace(wsDir);
  const t1 = performance.now();
  const r = reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:bench' });
  const s = (performance.now() - t1) / 1000;
  ws.close();
  report(s, { events: r.events_considered, created: r.matches_created, ended: r.matches_ended, xOpened: r.exceptions_opened, xClosed: r.exceptions_closed });
} else if (values.phase === 'incr') {
  const inc = JSON.parse(readFileSync(join(dir, 'inc.json'), 'utf8')) as { shopify: string; stripe: string };
  const ws = openWorkspace(wsDir);
  const t1 = performance.now();
  const imp = importFiles(ws.db, ws.settings, { source: 'shopify:bench', files: [inc.shopify], actor: 'system:bench' });
  const imp2 = importFiles(ws.db, ws.settings, { source: 'stripe:bench', files: [inc.stripe], actor: 'system:bench' });
  const importS = (performance.now() - t1) / 1000;
  const batches = [...imp.files, ...imp2.files].map((f) => f.batchId);
  const ids = ws.db.prepare(`SELECT event_id FROM events WHERE batch_id IN (${batches.map(() => '?').join(',')})`).pluck().all(...batches) as string[];
  const t2 = performance.now();
  const r = reconcile(ws.db, ws.settings, { mode: 'incremental', newEventIds: ids, actor: 'system:bench' });
  const s = (performance.now() - t2) / 1000;
  ws.close();
  report(s, { importS: +importS.toFixed(2), newEvents: ids.length, scope: r.events_considered, created: r.matches_created, ended: r.matches_ended, xOpened: r.exceptions_opened, xClosed: r.exceptions_closed });
} else {
  throw new Error(`unknown phase ${String(values.phase)}`);
}
