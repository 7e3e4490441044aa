// Background sync in the main process's services (DESIGN §1): every connected source of the open workspace synced at
// its cadence, one sync per source at a time (single flight; another process is kept out by the ledger's sync runs),
// "Sync now" on demand. The worker thread is not blocked: a sync awaits the network and lands each page in one short
// transaction between API calls.
import type { Workspace } from '../workspace/workspace.ts';
import { listConnectors, recentSyncRuns, SyncBusyError } from './connectorStore.ts';
import { connectorStatuses, nextRunAt, RETRY_AFTER_FAILURE_MS, type ConnectorStatus } from './connectorStatus.ts';
import { openCredentials } from './credentials.ts';
import { syncSource, type SyncReport } from './syncRunner.ts';
import type { SecretKeeper } from './secrets/secretCipher.ts';
import type { ApiHttpOptions } from './http/apiHttp.ts';

export interface SchedulerOptions {
  /** The workspace open now (null: none); read on every tick, so opening another one is followed. */
  workspace: () => Workspace | null;
  keeper: SecretKeeper;
  /** Told when a sync starts, lands a page (`progress`) and ends (`landed`: its events may change every screen). */
  onChange: (what: 'progress' | 'landed') => void;
  /** How often due sources are looked for (default 30 s). */
  tickMs?: number;
  now?: () => number;
  http?: ApiHttpOptions;
}

export class SyncScheduler {
  private readonly options: SchedulerOptions;
  private readonly inFlight = new Map<string, Promise<SyncReport | null>>();
  /** The last failure this process saw that never reached the ledger (a secret that does not open here). */
  private readonly setupErrors = new Map<string, { message: string; at: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(options: SchedulerOptions) {
    this.options = options;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 30_000);
    this.timer.unref();
    this.tick();
  }

  /**
   * Stops scheduling and waits for syncs in flight up to `waitMs`: one that is still waiting on the network then is
   * left (the page it waits for never lands; the next sync resumes before it).
   */
  async stop(waitMs = 5_000): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    let timeout: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timeout = setTimeout(resolve, waitMs)));
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), waited]);
    clearTimeout(timeout);
  }

  /** Starts every due source that is not syncing already. */
  tick(): void {
    const ws = this.options.workspace();
    if (ws === null) return;
    const now = (this.options.now ?? Date.now)();
    for (const c of listConnectors(ws.db)) {
      if (this.inFlight.has(c.source) || now - (this.setupErrors.get(c.source)?.at ?? -Infinity) < RETRY_AFTER_FAILURE_MS) continue;
      const last = recentSyncRuns(ws.db, c.source, 5).find((r) => r.state !== 'running');
      if (nextRunAt(c, last) <= now) this.begin(ws, c.source, 'schedule');
    }
  }

  /** "Sync now": starts the source's sync unless one is in flight (then says so; the running one carries on). */
  syncNow(source: string): { started: boolean; message: string } {
    const ws = this.options.workspace();
    if (ws === null) return { started: false, message: 'No workspace is open.' };
    if (!listConnectors(ws.db).some((c) => c.source === source)) return { started: false, message: `${source} is not connected.` };
    if (this.inFlight.has(source)) return { started: false, message: `${source} is syncing already.` };
    this.begin(ws, source, 'sync-now');
    return { started: true, message: `Syncing ${source}.` };
  }

  /** The sync in flight for a source (tests wait on it). */
  running(source: string): Promise<SyncReport | null> | undefined {
    return this.inFlight.get(source);
  }

  statuses(): ConnectorStatus[] {
    const ws = this.options.workspace();
    if (ws === null) return [];
    return connectorStatuses(ws.db, new Set(this.inFlight.keys())).map((s) => {
      const setup = this.setupErrors.get(s.source);
      return setup === undefined || s.state === 'syncing' ? s : { ...s, state: 'failed', error: setup.message };
    });
  }

  private begin(ws: Workspace, source: string, trigger: string): void {
    const run = this.sync(ws, source, trigger).finally(() => {
      this.inFlight.delete(source);
      this.options.onChange('landed');
    });
    this.inFlight.set(source, run);
    this.options.onChange('progress');
  }

  private async sync(ws: Workspace, source: string, trigger: string): Promise<SyncReport | null> {
    try {
      this.setupErrors.delete(source);
      const credentials = await openCredentials(ws, source, this.options.keeper);
      return await syncSource(ws, source, credentials, { trigger, http: this.options.http, onProgress: () => this.options.onChange('progress') });
    } catch (err) {
      // Busy elsewhere: the other process's run shows in the ledger; try at the next tick.
      if (err instanceof SyncBusyError) return null;
      // A secret that does not open here, a workspace closed mid-sync: kept until "Sync now" or a reconnect.
      if (ws === this.options.workspace()) this.setupErrors.set(source, { message: (err as Error).message, at: (this.options.now ?? Date.now)() });
      return null;
    }
  }
}

export type { ConnectorStatus };
