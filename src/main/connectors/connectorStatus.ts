// What the Sources screen shows of each connected source: its state (never synced, syncing, ok, failed), the last
// sync and the last good one, the next scheduled run and the last error, read from the ledger's sync runs.
import type { LedgerDb } from '../ledger/database.ts';
import { listConnectors, recentSyncRuns, type StoredConnector, type SyncRunRow } from './connectorStore.ts';
import type { Provider } from './connectorTypes.ts';

/** A failed sync is tried again after this (or the cadence, when shorter), not only at the next cadence. */
export const RETRY_AFTER_FAILURE_MS = 15 * 60_000;

export interface ConnectorStatus {
  source: string;
  provider: Provider;
  /** Where it reads from: the API location, and the shop for Shopify. */
  location: string;
  cadenceHours: number;
  state: 'never' | 'syncing' | 'ok' | 'failed';
  /** The run in progress (or the last one): its step and pages so far. */
  step: string | null;
  pages: number;
  eventsCreated: number;
  lastSyncAt: string | null;
  lastOkAt: string | null;
  nextRunAt: string;
  error: string | null;
}

/** When the source is next due: now when never synced, else after its cadence (sooner after a failure). */
export function nextRunAt(connector: StoredConnector, last: SyncRunRow | undefined): number {
  if (last === undefined) return Date.parse(connector.connectedAt);
  const cadenceMs = connector.config.cadenceHours * 3_600_000;
  if (last.state === 'failed' || last.state === 'interrupted')
    return Date.parse(last.finished_at ?? last.heartbeat_at) + Math.min(cadenceMs, RETRY_AFTER_FAILURE_MS);
  return Date.parse(last.started_at) + cadenceMs;
}

/** Every connector's status; `syncing` names the sources this process is syncing now (its runs are `running`). */
export function connectorStatuses(db: LedgerDb, syncing: ReadonlySet<string>): ConnectorStatus[] {
  return listConnectors(db).map((c) => {
    const runs = recentSyncRuns(db, c.source, 20);
    const last = runs.find((r) => r.state !== 'running' || syncing.has(c.source));
    const finished = runs.find((r) => r.state !== 'running');
    const lastOk = runs.find((r) => r.state === 'ok');
    const state = syncing.has(c.source) ? 'syncing' : finished === undefined ? 'never' : finished.state === 'ok' ? 'ok' : 'failed';
    return {
      source: c.source,
      provider: c.config.provider,
      location: c.config.shop === undefined ? c.config.baseUrl : `${c.config.shop} (${c.config.baseUrl})`,
      cadenceHours: c.config.cadenceHours,
      state,
      step: last?.step ?? null,
      pages: last?.pages ?? 0,
      eventsCreated: last?.events_created ?? 0,
      lastSyncAt: finished?.finished_at ?? null,
      lastOkAt: lastOk?.finished_at ?? null,
      nextRunAt: new Date(nextRunAt(c, finished)).toISOString(),
      error: state === 'failed' ? (finished?.error ?? null) : null,
    };
  });
}
