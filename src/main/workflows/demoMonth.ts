// `tieout demo`: a workspace holding a generated month, imported through the normal path and reconciled.
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../workspace/workspace.ts';
import { writeMonthFiles, type MonthFiles } from '../synthetic/monthFiles.ts';
import { importAndReconcile, type ImportAndReconcileResult } from './importAndReconcile.ts';
import { reconcile, type RunReport } from '../matching/engine/engine.ts';

export const DEMO_SOURCE_DIR = 'demo-source-files';

export interface DemoResult {
  workspace: Workspace;
  files: MonthFiles;
  imports: ImportAndReconcileResult[];
  fullRun: RunReport;
}

/**
 * Writes a realistic month (Shopify orders CSV, Stripe itemized balance CSV, camt.053 statement) into
 * WORKSPACE/demo-source-files, imports each file as a user would, then runs a full reconcile. The
 * caller closes the returned workspace.
 */
export function createDemoWorkspace(
  dir: string,
  options: { orders: number; seed?: number; actor: string; onStep?: (label: string, done: number, total: number) => void },
): DemoResult {
  const step = (label: string, done: number) => options.onStep?.(label, done, 5);
  const workspace = createWorkspace(dir, { name: 'Demo month (Ridge Outfitters)', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  try {
    step('Writing the month’s source files', 0);
    const files = writeMonthFiles(join(workspace.dir, DEMO_SOURCE_DIR), { orders: options.orders, seed: options.seed ?? 2026 });
    const sources = [
      { source: 'shopify:demo-store', file: files.shopifyCsv, label: 'Importing the Shopify orders' },
      { source: 'stripe:demo', file: files.stripeCsv, label: 'Importing the Stripe balance report' },
      { source: 'bank:demo-operating', file: files.camtPath, label: 'Importing the bank statement' },
    ];
    // Each export covers the generated month (its last record's day), as a person states with --period-end; the
    // camt.053 states its own period.
    const periodEnd = files.summary.dateRange.to;
    const imports = sources.map((s, i) => {
      step(s.label, i + 1);
      return importAndReconcile(workspace, { source: s.source, files: [s.file], actor: options.actor, periodEnd });
    });
    step('Reconciling the month', 4);
    const fullRun = reconcile(workspace.db, workspace.settings, { mode: 'full', actor: 'system:engine' });
    step('Done', 5);
    return { workspace, files, imports, fullRun };
  } catch (err) {
    workspace.close();
    throw err;
  }
}
