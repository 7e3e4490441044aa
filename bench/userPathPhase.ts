// One step of the user-path benchmark in its own process (so its peak RSS is its own), printing one JSON line:
// an import followed by its run (the user's path), an import alone, a full run, the ledger's size, or the DuckDB baseline.
import { parseArgs } from 'node:util';
import { statSync, existsSync } from 'node:fs';
import { openWorkspace, createWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { importAndReconcile } from '../src/main/workflows/importAndReconcile.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { duckDbMonth } from './duckdbMonth.ts';

const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    ws: { type: 'string' },
    source: { type: 'string' },
    file: { type: 'string' },
    'period-end': { type: 'string' },
    shopify: { type: 'string' },
    stripe: { type: 'string' },
    bank: { type: 'string' },
  },
});
const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const out = (extra: Record<string, unknown>): void =>
  void process.stdout.write(`${JSON.stringify({ phase: values.phase, peakRssMiB: peakRssMiB(), ...extra })}\n`);
const ws = values.ws as string;

async function main(): Promise<void> {
  const t0 = performance.now();
  const seconds = (): number => +((performance.now() - t0) / 1000).toFixed(2);
  switch (values.phase) {
    case 'init':
      createWorkspace(ws, { reportingCurrency: 'USD', timeZone: 'America/New_York' }).close();
      out({ seconds: seconds() });
      break;
    case 'import-and-run': {
      const w = openWorkspace(ws);
      const r = importAndReconcile(w, {
        source: values.source as string,
        files: [values.file as string],
        actor: 'system:bench',
        periodEnd: values['period-end'],
      });
      w.close();
      out({
        seconds: seconds(),
        events: r.import.eventsCreated,
        run: r.reconcile === null ? null : { mode: r.reconcile.mode, considered: r.reconcile.events_considered, awaiting: r.reconcile.awaiting },
      });
      break;
    }
    case 'import': {
      const w = openWorkspace(ws);
      const r = importFiles(w.db, w.settings, {
        source: values.source as string,
        files: [values.file as string],
        actor: 'system:bench',
        periodEnd: values['period-end'],
      });
      w.close();
      out({ seconds: seconds(), events: r.eventsCreated });
      break;
    }
    case 'full-run': {
      const w = openWorkspace(ws);
      const r = reconcile(w.db, w.settings, { mode: 'full' });
      w.close();
      out({ seconds: seconds(), considered: r.events_considered, matches: r.matches_created, exceptions: r.exceptions_opened });
      break;
    }
    case 'size': {
      const w = openWorkspace(ws);
      w.db.pragma('wal_checkpoint(TRUNCATE)');
      const events = w.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
      const split = w.db
        .prepare(
          `SELECT CASE WHEN name = 'event_rows' THEN 'events' WHEN name IN ('artifact_chunks', 'matches', 'match_members', 'exceptions', 'journal', 'awaiting') THEN name
                  WHEN tbl_name IN ('events', 'event_rows') OR name LIKE 'events_%' OR name LIKE 'sqlite_autoindex_event%' THEN 'events indexes'
                  WHEN name LIKE 'match%' THEN 'match indexes' ELSE 'other' END AS part, sum(pgsize) AS bytes
           FROM dbstat LEFT JOIN sqlite_schema USING (name) GROUP BY part ORDER BY bytes DESC`,
        )
        .all() as Array<{ part: string; bytes: number }>;
      w.close();
      const file = `${ws}/ledger.sqlite`;
      const bytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
      out({
        seconds: seconds(),
        events,
        bytes,
        perEvent: Math.round(bytes / events),
        split: Object.fromEntries(split.map((s) => [s.part, Math.round(s.bytes / events)])),
      });
      break;
    }
    case 'duckdb': {
      const r = await duckDbMonth({ shopify: values.shopify as string, stripe: values.stripe as string, bank: values.bank as string });
      out({ seconds: seconds(), ...r });
      break;
    }
    default:
      throw new Error(`unknown phase ${String(values.phase)}`);
  }
}

await main();
