// `tieout demo`: a workspace holding a generated month, imported through the normal path and reconciled.
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../workspace/workspace.ts';
import { writeMonthFiles, type MonthFiles } from '../synthetic/monthFiles.ts';
import { importAndReconcile, type ImportAndReconcileResult } from './importAndReconcile.ts';
import { reconcile, type RunReport } from '../matching/engine.ts';

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
export function createDemoWorkspace(dir: string, options: { orders: number; seed?: number; actor: string }): DemoResult {
  const workspace = createWorkspace(dir, { name: 'Demo month (Ridge Outfitters)', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  try {
    const files = writeMonthFiles(join(workspace.dir, DEMO_SOURCE_DIR), { orders: options.orders, seed: options.seed ?? 2026 });
    const imports = [
      importAndReconcile(workspace, { source: 'shopify:demo-store', files: [files.shopifyCsv], actor: options.actor }),
      importAndReconcile(workspace, { source: 'stripe:demo', files: [files.stripeCsv], actor: options.actor }),
      importAndReconcile(workspace, { source: 'bank:demo-operating', files: [files.camtPath], actor: options.actor }),
    ];
    const fullRun = reconcile(workspace.db, workspace.settings, { mode: 'full', actor: 'system:engine' });
    return { workspace, files, imports, fullRun };
  } catch (err) {
    workspace.close();
    throw err;
  }
}
