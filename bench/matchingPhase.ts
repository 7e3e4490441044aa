// One matching-benchmark phase in its own process: prints one JSON line (seconds = the timed work of the phase).
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkspace, openWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { writeMonthFiles } from '../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';

export interface PhaseResult {
  phase: string;
  orders: number;
  seconds: number;
  /** CPU time of the whole process (user + system, all threads): comparable between runs on a busy machine, unlike wall time. */
  cpuSeconds: number;
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
  const cpu = process.cpuUsage();
  const cpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(2);
  const r: PhaseResult = {
    phase: values.phase as string,
    orders,
    seconds,
    cpuSeconds,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    detail,
  };
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

/** Lines of a file without its trailing newline, read in chunks (the 1M-order exports are larger than one JS string can be). */
function* lines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 22);
  let rest = '';
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop() as string;
      yield* parts;
    }
  } finally {
    closeSync(fd);
  }
  if (rest !== '') yield rest;
}

/**
 * Splits a CSV (header + lines) into the kept part and the held-back part. `key` reduces each body line to what
 * `holdBack` needs (two streaming passes, so no file is ever held whole).
 */
function split(path: string, key: (line: string) => string, holdBack: (keys: string[]) => Set<number>): { main: string; inc: string } {
  const keys: string[] = [];
  let first = true;
  for (const line of lines(path)) {
    if (first) first = false;
    else keys.push(key(line));
  }
  const held = holdBack(keys);
  const mainPath = path.replace(/\.csv$/, '.main.csv');
  const incPath = path.replace(/\.csv$/, '.inc.csv');
  const main = openSync(mainPath, 'w');
  const inc = openSync(incPath, 'w');
  let i = -1;
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) writeSync(main, pending.join(''));
    pending = [];
  };
  for (const line of lines(path)) {
    if (i === -1) {
      writeSync(main, `${line}\n`);
      writeSync(inc, `${line}\n`);
    } else if (held.has(i)) writeSync(inc, `${line}\n`);
    else {
      pending.push(`${line}\n`);
      if (pending.length >= 10_000) flush();
    }
    i++;
  }
  flush();
  closeSync(main);
  closeSync(inc);
  return { main: mainPath, inc: incPath };
}

const t0 = performance.now();
const elapsed = (): number => (performance.now() - t0) / 1000;

if (values.phase === 'setup') {
  mkdirSync(dir, { recursive: true });
  const files = writeMonthFiles(src, { orders, seed: 2026 });
  const genS = elapsed();
  // Shopify: the last INCR_ORDERS orders (an order spans consecutive lines sharing its Name, the first column).
  const shop = split(
    files.shopifyCsv,
    (line) => line.split(',', 1)[0] as string,
    (body) => {
      const held = new Set<number>();
      let names = 0;
      let last = '';
      for (let i = body.length - 1; i >= 0; i--) {
        const name = body[i] as string;
        if (name !== last) {
          if (names === INCR_ORDERS) break;
          names++;
          last = name;
        }
        held.add(i);
      }
      return held;
    },
  );
  // Stripe: the last INCR_CHARGES charges in file order.
  const stripe = split(
    files.stripeCsv,
    (line) => (line.includes(',charge,') ? 'c' : ''),
    (body) => {
      const held = new Set<number>();
      for (let i = body.length - 1; i >= 0 && held.size < INCR_CHARGES; i--) if (body[i] === 'c') held.add(i);
      return held;
    },
  );
  const ws = createWorkspace(wsDir, { name: 'matching bench', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  const t1 = performance.now();
  const a = importFiles(ws.db, ws.settings, { source: 'shopify:bench', files: [shop.main], actor: 'system:bench' });
  const b = importFiles(ws.db, ws.settings, { source: 'stripe:bench', files: [stripe.main], actor: 'system:bench' });
  const c = importFiles(ws.db, ws.settings, { source: 'bank:bench', files: [files.camtPath], actor: 'system:bench' });
  const importS = (performance.now() - t1) / 1000;
  const events = ws.db.prepare('SELECT count(*) FROM events').pluck().get();
  ws.close();
  writeFileSync(join(dir, 'inc.json'), JSON.stringify({ shopify: shop.inc, stripe: stripe.inc }));
  report(elapsed(), {
    generateS: +genS.toFixed(2),
    importS: +importS.toFixed(2),
    events,
    created: a.eventsCreated + b.eventsCreated + c.eventsCreated,
  });
} else if (values.phase === 'full1' || values.phase === 'full2') {
  const ws = openWorkspace(wsDir);
  const t1 = performance.now();
  const r = reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:bench' });
  const s = (performance.now() - t1) / 1000;
  ws.close();
  report(s, {
    events: r.events_considered,
    created: r.matches_created,
    ended: r.matches_ended,
    xOpened: r.exceptions_opened,
    xClosed: r.exceptions_closed,
  });
} else if (values.phase === 'incr') {
  const inc = JSON.parse(readFileSync(join(dir, 'inc.json'), 'utf8')) as { shopify: string; stripe: string };
  const ws = openWorkspace(wsDir);
  const t1 = performance.now();
  const imp = importFiles(ws.db, ws.settings, { source: 'shopify:bench', files: [inc.shopify], actor: 'system:bench' });
  const imp2 = importFiles(ws.db, ws.settings, { source: 'stripe:bench', files: [inc.stripe], actor: 'system:bench' });
  const importS = (performance.now() - t1) / 1000;
  const batches = [...imp.files, ...imp2.files].map((f) => f.batchId);
  const ids = ws.db
    .prepare(`SELECT event_id FROM events WHERE batch_id IN (${batches.map(() => '?').join(',')})`)
    .pluck()
    .all(...batches) as string[];
  const t2 = performance.now();
  const r = reconcile(ws.db, ws.settings, { mode: 'incremental', newEventIds: ids, actor: 'system:bench' });
  const s = (performance.now() - t2) / 1000;
  ws.close();
  report(s, {
    importS: +importS.toFixed(2),
    newEvents: ids.length,
    scope: r.events_considered,
    created: r.matches_created,
    ended: r.matches_ended,
    xOpened: r.exceptions_opened,
    xClosed: r.exceptions_closed,
  });
} else {
  throw new Error(`unknown phase ${String(values.phase)}`);
}
