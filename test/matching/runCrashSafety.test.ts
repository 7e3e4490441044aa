// Pending work is durable (DESIGN §5): a process killed at any point of the run after an import (SIGKILL: nothing
// runs on the way out) leaves events no committed run has seen; whatever starts the next run takes them all, and the
// ledger ends as one full run over the same files leaves it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { createWorkspace, openWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { owesWork } from '../../src/main/matching/engine/pendingWork.ts';
import { catchUp, importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { snapshot } from './monthBuilder.ts';

const dir = makeTempDir('tieout-run-crash-');
const month = writeMonthFiles(join(dir, 'files'), { orders: 1200, seed: 77 });
const periodEnd = month.summary.dateRange.to;
const feeds = [
  ['shopify:store', month.shopifyCsv],
  ['stripe:main', month.stripeCsv],
  ['bank:main', month.camtPath],
] as const;
const SCRIPT = join(PROJECT_ROOT, 'test/support/killedRun.ts');

/** One full run over the three files imported without runs: what every path must end with. */
function reference(): ReturnType<typeof snapshot> {
  const w = createWorkspace(join(dir, 'reference'), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  for (const [source, file] of feeds) importFiles(w.db, w.settings, { source, files: [file], actor: 'user:test', periodEnd });
  reconcile(w.db, w.settings, { mode: 'full' });
  const s = snapshot(w);
  w.close();
  return s;
}

/** Runs the import of one feed in a child process killed at its run's `killAt`-th progress report. */
function killedImport(wsDir: string, source: string, file: string, killAt: number): void {
  const r = spawnSync(process.execPath, [SCRIPT, wsDir, source, file, String(killAt), periodEnd], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(r.signal, `${source}: ${r.stdout}${r.stderr}`).toBe('SIGKILL');
}

describe('a run killed at any point after its import', () => {
  const expected = reference();

  // Points across the run: as it loads, while rules run, while it writes matches and exceptions (seeded, fixed).
  for (const [i, points] of [
    [1, [1, 5, 9]],
    [2, [3, 12, 2]],
    [3, [14, 7, 16]],
  ] as const) {
    it(`trial ${i}: each of the three imports killed in its run (reports ${points.join(', ')}); the next run owes and takes every event`, () => {
      const wsDir = join(dir, `ws${i}`);
      createWorkspace(wsDir, { reportingCurrency: 'USD', timeZone: 'America/New_York' }).close();
      feeds.forEach(([source, file], k) => killedImport(wsDir, source, file, points[k] as number));
      const ws = openWorkspace(wsDir);
      try {
        expect(owesWork(ws.db)).toBe(true);
        // The app opening the workspace runs what is owed.
        const run =
          i === 2 ? importAndReconcile(ws, { source: 'bank:main', files: [month.camtPath], actor: 'user:test', periodEnd }).reconcile : catchUp(ws);
        expect(run).not.toBeNull();
        expect(owesWork(ws.db)).toBe(false);
        expect(snapshot(ws)).toEqual(expected);
        expect(verifyLedger(ws.db).ok).toBe(true);
      } finally {
        ws.close();
      }
    }, 120_000);
  }
});
