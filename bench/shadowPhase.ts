// One shadow-cost benchmark phase in its own process (so its peak RSS is its own): prints one JSON line. The workspace
// is the matching benchmark's (bench/matchingPhase.ts setup: a generated month imported, an increment held back).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { DEFAULT_RULE_SET } from '../src/shared/rules/defaultRuleSet.ts';
import { createVersion, startShadow } from '../src/main/ruleVersions/versionLifecycle.ts';
import { laneFile } from '../src/main/ruleVersions/shadowFile.ts';
import { liveAndLanes } from '../src/main/workflows/importAndReconcile.ts';

const { values } = parseArgs({ options: { phase: { type: 'string' }, orders: { type: 'string' }, dir: { type: 'string' }, ws: { type: 'string' } } });
const dir = values.dir as string;
const wsDir = values.ws ?? join(dir, 'ws');

let cpuAtStart = process.cpuUsage();
/** Starts the timed part: its wall time and its CPU time (all threads; on a machine others share, CPU compares better). */
function start(): number {
  cpuAtStart = process.cpuUsage();
  return performance.now();
}

function report(seconds: number, detail: Record<string, unknown>): void {
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(
    `${JSON.stringify({ phase: values.phase, orders: Number(values.orders), seconds, cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), detail })}\n`,
  );
}

/** The edit a person would watch in shadow: exact-key payments must equal their order to the cent (no rounding difference). */
function editedRules() {
  const rules = structuredClone(DEFAULT_RULE_SET);
  return {
    ...rules,
    name: 'bench: no rounding on exact key',
    rules: rules.rules.map((r) => (r.id === 'order-payment.exact-key' ? { ...r, amount: { ...r.amount, rounding_minor: 0 } } : r)),
  };
}

const ws = openWorkspace(wsDir);
try {
  if (values.phase === 'active-full') {
    const t = start();
    const r = reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:bench' });
    report((performance.now() - t) / 1000, { events: r.events_considered, created: r.matches_created, xOpened: r.exceptions_opened });
  } else if (values.phase === 'shadow-full') {
    // Stored as a draft first, so the timed part is what putting it in shadow costs: its lane made and run in full.
    const v = createVersion(ws.db, ws.settings, { definition: editedRules(), reason: 'bench', actor: 'system:bench', state: 'draft' }).version;
    const t = start();
    const r = startShadow(ws.db, ws.settings, v, { reason: 'bench', actor: 'system:bench' });
    const s = (performance.now() - t) / 1000;
    if (r.run === null) throw new Error(`the shadow lane did not run: ${r.laneError ?? '?'}`);
    report(s, {
      events: r.run.events_considered,
      created: r.run.matches_created,
      xOpened: r.run.exceptions_opened,
      laneMiB: +(statSync(laneFile(ws.db.name, v)).size / 1048576).toFixed(1),
    });
  } else if (values.phase === 'incr') {
    // The increment imported, then what an import's run does: the live incremental run and one run per shadow lane.
    const inc = JSON.parse(readFileSync(join(dir, 'inc.json'), 'utf8')) as { shopify: string; stripe: string };
    const a = importFiles(ws.db, ws.settings, { source: 'shopify:bench', files: [inc.shopify], actor: 'system:bench' });
    const b = importFiles(ws.db, ws.settings, { source: 'stripe:bench', files: [inc.stripe], actor: 'system:bench' });
    const t = start();
    const { run, shadows } = liveAndLanes(ws, () => reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:bench' }));
    const s = (performance.now() - t) / 1000;
    const failed = shadows.find((l) => l.error !== null);
    if (failed !== undefined) throw new Error(`lane ${failed.version} failed: ${failed.error ?? ''}`);
    report(s, {
      newEvents: a.eventsCreated + b.eventsCreated,
      scope: run.events_considered,
      lanes: shadows.length,
      laneScope: shadows.map((l) => l.report?.events_considered ?? 0),
    });
  } else {
    throw new Error(`unknown phase ${String(values.phase)}`);
  }
} finally {
  ws.close();
}
