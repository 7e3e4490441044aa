// One sync of one connected source: its steps in order, page by page, each page landed with its cursor in one
// transaction, then an incremental reconcile. Killed anywhere, the next sync resumes after the last page that landed.
import { randomUUID } from 'node:crypto';
import type { Workspace } from '../workspace/workspace.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { reconcile, type RunReport } from '../matching/engine/engine.ts';
import { owesWork } from '../matching/engine/pendingWork.ts';
import { ApiHttp, ConnectorHttpError, type ApiHttpOptions } from './http/apiHttp.ts';
import { landPage } from './pageLanding.ts';
import { beginSyncRun, endSyncRun, heartbeatSyncRun, readConnector, stepCursor, ConnectorSetupError } from './connectorStore.ts';
import { ConnectorError, type ConnectorConfig, type Credentials, type StepContext } from './connectorTypes.ts';
import { stepsFor } from './providers.ts';
import { remediateWithStripe, type RemediationReport } from './remediation/stripeRemediation.ts';
import { remediateWithShopify } from './remediation/shopifyRemediation.ts';
import { remediateWithPaypal } from './remediation/paypalRemediation.ts';

export const SYNC_ACTOR = 'system:sync';

export interface SyncProgress {
  source: string;
  step: string;
  pages: number;
  eventsCreated: number;
}

export interface SyncOptions {
  /** What started it, shown with the run: `cli`, `schedule`, `sync-now`. */
  trigger: string;
  onProgress?: (p: SyncProgress) => void;
  /** Options of the HTTP module (tests shorten the backoff); the connector's secrets are added to its redaction list. */
  http?: ApiHttpOptions;
  /** Run the incremental reconcile after the pages landed (default true). */
  reconcile?: boolean;
  /** Ask the provider about open class B exceptions after the sync (default true). */
  remediate?: boolean;
  /** Clock (ms) a sync reads `now` from before the first Date header (tests); default Date.now. */
}

export interface StepReport {
  step: string;
  pages: number;
  eventsCreated: number;
  duplicatesSkipped: number;
  rowsRejected: number;
}

export interface SyncReport {
  source: string;
  syncId: string;
  state: 'ok' | 'failed';
  steps: StepReport[];
  pages: number;
  eventsCreated: number;
  duplicatesSkipped: number;
  rowsRejected: number;
  /** What failed, redacted, for a person; null when the sync completed. */
  error: string | null;
  /** True when only a person can fix the failure (refused credentials). */
  needsPerson: boolean;
  /** The server's clock minus ours, as its Date headers showed it (ms). */
  clockOffsetMs: number;
  reconcile: RunReport | null;
  /** Class B remediation calls made after the sync (any provider: remediation/), or null when none were attempted. */
  remediation: RemediationReport | null;
}

/**
 * Syncs `source` with `credentials` (already opened from their seal). Never throws for what the provider or the
 * network did: the report says `failed` with the reason, the pages that landed stay, and the journal records the end
 * (`sync.completed` / `sync.failed`). Throws only for what the caller must fix (no such connector, another process
 * syncing it).
 */
export async function syncSource(ws: Workspace, source: string, credentials: Credentials, options: SyncOptions): Promise<SyncReport> {
  const connector = readConnector(ws.db, source);
  if (connector === null)
    throw new ConnectorSetupError(`${source} is not connected; connect it first: tieout connect ${ws.dir} --source ${source} …`);
  const syncId = `sy_${randomUUID().replace(/-/g, '')}`;
  beginSyncRun(ws.db, { syncId, source, trigger: options.trigger, at: new Date().toISOString() });
  const http = new ApiHttp({ ...options.http, secrets: [...(options.http?.secrets ?? []), ...Object.values(credentials)] });
  const report: SyncReport = {
    source,
    syncId,
    state: 'ok',
    steps: [],
    pages: 0,
    eventsCreated: 0,
    duplicatesSkipped: 0,
    rowsRejected: 0,
    error: null,
    needsPerson: false,
    clockOffsetMs: 0,
    reconcile: null,
    remediation: null,
  };
  const ctx: StepContext = {
    http,
    config: connector.config,
    credentials,
    source,
    db: ws.db,
    now: () => http.serverNow(),
    syncId,
  };
  try {
    for (const step of stepsFor(connector.config.provider)) {
      const sr: StepReport = { step: step.name, pages: 0, eventsCreated: 0, duplicatesSkipped: 0, rowsRejected: 0 };
      report.steps.push(sr);
      for (;;) {
        const next = await step.next(stepCursor(ws.db, source, step.name), ctx);
        if (next === null) break;
        const landed = landPage(ws.db, ws.settings, {
          ...next.page,
          connectorSource: source,
          step: step.name,
          actor: SYNC_ACTOR,
          fetchedAt: new Date().toISOString(),
        });
        sr.pages++;
        sr.eventsCreated += landed.eventsCreated;
        sr.duplicatesSkipped += landed.duplicatesSkipped;
        sr.rowsRejected += landed.rowsRejected;
        report.pages++;
        report.eventsCreated += landed.eventsCreated;
        report.duplicatesSkipped += landed.duplicatesSkipped;
        report.rowsRejected += landed.rowsRejected;
        heartbeatSyncRun(ws.db, syncId, { pages: report.pages, eventsCreated: report.eventsCreated, step: step.name, at: new Date().toISOString() });
        options.onProgress?.({ source, step: step.name, pages: report.pages, eventsCreated: report.eventsCreated });
        if (next.last) break;
      }
    }
  } catch (err) {
    if (!(err instanceof ConnectorError) && !(err instanceof ConnectorHttpError)) {
      finish(ws, report, syncId, 'failed', `internal error: ${http.redact((err as Error).message)}`);
      throw err;
    }
    report.state = 'failed';
    report.needsPerson = err instanceof ConnectorError && err.needsPerson;
    report.error = http.redact(err.message);
  }
  report.clockOffsetMs = http.clockOffsetMs;
  finish(ws, report, syncId, report.state, report.error);
  if (options.reconcile !== false && (report.eventsCreated > 0 || owesWork(ws.db))) {
    report.reconcile = reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine' });
  }
  // Class B remediation asks the provider about what the run left open; only after a sync that reached the provider.
  if (options.remediate !== false && report.state === 'ok') {
    const remediate = REMEDIATION[connector.config.provider];
    report.remediation = await remediate(ws, source, connector.config, credentials, http);
  }
  return report;
}

/** Each provider's class B remediation (remediation/): what it can ask its API about. */
const REMEDIATION: Record<ConnectorConfig['provider'], typeof remediateWithStripe> = {
  stripe: remediateWithStripe,
  shopify: remediateWithShopify,
  paypal: remediateWithPaypal,
};

function finish(ws: Workspace, report: SyncReport, syncId: string, state: 'ok' | 'failed', error: string | null): void {
  const at = new Date().toISOString();
  ws.db.transaction(() => {
    endSyncRun(ws.db, syncId, { state, at, error });
    new JournalWriter(ws.db).append({
      type: state === 'ok' ? 'sync.completed' : 'sync.failed',
      actor: SYNC_ACTOR,
      subjectId: report.source,
      reason: error,
      payload: {
        sync_id: syncId,
        source: report.source,
        pages: report.pages,
        events_created: report.eventsCreated,
        duplicates_skipped: report.duplicatesSkipped,
        rows_rejected: report.rowsRejected,
        steps: report.steps.map((s) => ({ step: s.step, pages: s.pages, events_created: s.eventsCreated })),
        clock_offset_ms: report.clockOffsetMs,
      },
      createdAt: at,
    });
  })();
}
