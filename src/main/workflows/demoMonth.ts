// `tieout demo`: a workspace holding a generated month, imported through the normal path and reconciled.
import { join } from 'node:path';
import { writeFileAtomic } from '../workspace/atomicFile.ts';
import { SETTINGS_FILE } from '../workspace/workspace.ts';
import { META_TIME_ZONE } from '../synthetic/growthMonth.ts';
import { DEFAULT_BILLING_GRACE_DAYS } from '../growth/growthExceptions.ts';
import { addDays } from '../../shared/time/period.ts';
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
 * Writes a realistic month (Shopify orders CSV, Stripe itemized balance CSV, camt.053 statement, and its growth side:
 * a Meta Ads export and billing, a Google Ads report and billing activity, ShipStation shipments, with the gaps
 * growth-truth.json lists) into WORKSPACE/demo-source-files, imports each file as a user would, then runs a full
 * reconcile. The Meta ad account reports in Los Angeles time (workspace.json source_time_zones says so). The caller
 * closes the returned workspace.
 */
export function createDemoWorkspace(
  dir: string,
  options: { orders: number; seed?: number; actor: string; onStep?: (label: string, done: number, total: number) => void },
): DemoResult {
  const workspace = createWorkspace(dir, { name: 'Demo month (Ridge Outfitters)', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  try {
    const files = writeMonthFiles(join(workspace.dir, DEMO_SOURCE_DIR), { orders: options.orders, seed: options.seed ?? 2026 }, { growth: true });
    const growth = files.growth?.paths;
    if (growth === undefined) throw new Error('the demo month was written without its growth side');
    workspace.settings.source_time_zones = { ...workspace.settings.source_time_zones, 'meta-ads:demo': META_TIME_ZONE };
    writeFileAtomic(join(workspace.dir, SETTINGS_FILE), `${JSON.stringify(workspace.settings, null, 2)}\n`);
    // Each export covers the generated month (its last record's day), as a person states with --period-end; the
    // camt.053 states its own period; the billing downloads are taken a week into the next month, past the grace days a
    // month-end charge may take: the month-end charge never came, which is the demo's unbilled spend.
    const periodEnd = files.summary.dateRange.to;
    const billedThrough = addDays(periodEnd, DEFAULT_BILLING_GRACE_DAYS);
    const sources = [
      { source: 'shopify:demo-store', file: files.shopifyCsv, label: 'Importing the Shopify orders', periodEnd },
      { source: 'stripe:demo', file: files.stripeCsv, label: 'Importing the Stripe balance report', periodEnd },
      { source: 'bank:demo-operating', file: files.camtPath, label: 'Importing the bank statement', periodEnd },
      { source: 'meta-ads:demo', file: growth.metaAds, label: 'Importing the Meta Ads export', periodEnd },
      { source: 'meta-ads:demo', file: growth.metaBilling, label: 'Importing the Meta billing transactions', periodEnd: billedThrough },
      { source: 'google-ads:demo', file: growth.googleAds, label: 'Importing the Google Ads report', periodEnd },
      { source: 'google-ads:demo', file: growth.googleBilling, label: 'Importing the Google Ads billing activity', periodEnd: billedThrough },
      { source: 'shipstation:demo', file: growth.shipstation, label: 'Importing the ShipStation shipments', periodEnd },
    ];
    const total = sources.length + 2;
    const step = (label: string, done: number) => options.onStep?.(label, done, total);
    step('Writing the month’s source files', 0);
    const imports = sources.map((s, i) => {
      step(s.label, i + 1);
      return importAndReconcile(workspace, { source: s.source, files: [s.file], actor: options.actor, periodEnd: s.periodEnd });
    });
    step('Reconciling the month', total - 1);
    const fullRun = reconcile(workspace.db, workspace.settings, { mode: 'full', actor: 'system:engine' });
    step('Done', total);
    return { workspace, files, imports, fullRun };
  } catch (err) {
    workspace.close();
    throw err;
  }
}
