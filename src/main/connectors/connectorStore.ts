// Connectors as the ledger keeps them: their configuration (journaled on every change), each step's cursor (the latest
// page that landed), and the sync runs the Sources screen shows.
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { PROVIDERS, type ConnectorConfig, type Provider } from './connectorTypes.ts';

export interface StoredConnector {
  source: string;
  config: ConnectorConfig;
  connectedAt: string;
  connectedBy: string;
}

interface ConnectorRow {
  source: string;
  provider: string;
  config: string;
  connected_at: string;
  connected_by: string;
}

/** A source or connection request that cannot be used as given. */
export class ConnectorSetupError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** The provider a source id names (`stripe:main` → stripe), or an error saying which kinds can be connected. */
export function providerOf(source: string): Provider {
  const kind = source.split(':')[0] ?? '';
  if ((PROVIDERS as readonly string[]).includes(kind)) return kind as Provider;
  throw new ConnectorSetupError(`--source ${source}: only ${PROVIDERS.map((p) => `${p}:NAME`).join(', ')} can be connected`);
}

/** Creates or replaces the source's connector, journaled with its configuration (never a secret) and who did it. */
export function saveConnector(db: LedgerDb, source: string, config: ConnectorConfig, actor: string, at: string): void {
  db.transaction(() => {
    const before = readConnector(db, source);
    db.prepare(
      `INSERT INTO connectors (source, provider, config, connected_at, connected_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET provider = excluded.provider, config = excluded.config, connected_at = excluded.connected_at,
         connected_by = excluded.connected_by`,
    ).run(source, config.provider, JSON.stringify(config), at, actor);
    new JournalWriter(db).append({
      type: 'connector.connected',
      actor,
      subjectId: source,
      reason: before === null ? `connected ${source}` : `connected ${source} again`,
      payload: { source, provider: config.provider, config, previous_config: before?.config ?? null },
      createdAt: at,
    });
  })();
}

export function readConnector(db: LedgerDb, source: string): StoredConnector | null {
  const row = db.prepare('SELECT * FROM connectors WHERE source = ?').get(source) as ConnectorRow | undefined;
  return row === undefined ? null : toStored(row);
}

export function listConnectors(db: LedgerDb): StoredConnector[] {
  return (db.prepare('SELECT * FROM connectors ORDER BY source').all() as ConnectorRow[]).map(toStored);
}

function toStored(row: ConnectorRow): StoredConnector {
  return { source: row.source, config: JSON.parse(row.config) as ConnectorConfig, connectedAt: row.connected_at, connectedBy: row.connected_by };
}

/** The step's cursor after the latest page that landed (null: the step never ran). */
export function stepCursor(db: LedgerDb, source: string, step: string): unknown {
  const text = db.prepare('SELECT cursor FROM sync_pages WHERE source = ? AND step = ? ORDER BY seq DESC LIMIT 1').pluck().get(source, step) as
    string | undefined;
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

// --- sync runs ------------------------------------------------------------------------------------------------------

export interface SyncRunRow {
  sync_id: string;
  source: string;
  trigger: string;
  state: 'running' | 'ok' | 'failed' | 'interrupted';
  pid: number;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  pages: number;
  events_created: number;
  step: string | null;
  error: string | null;
}

/** Another process is syncing the same source (its run is alive). */
export class SyncBusyError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** A run older than this without a heartbeat is taken as dead even when its pid is alive (a reused pid). */
const STALE_RUN_MS = 10 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a run: refused while another live process syncs the source (single flight across processes; within one
 * process the scheduler keeps it). A run left `running` by a process that died (SIGKILL) is marked interrupted: its
 * pages that landed stay, and this run resumes after them.
 */
export function beginSyncRun(db: LedgerDb, run: { syncId: string; source: string; trigger: string; at: string }): void {
  db.transaction(() => {
    const running = db.prepare("SELECT * FROM sync_runs WHERE source = ? AND state = 'running'").all(run.source) as SyncRunRow[];
    for (const r of running) {
      const fresh = Date.parse(run.at) - Date.parse(r.heartbeat_at) < STALE_RUN_MS;
      if (r.pid !== process.pid && processAlive(r.pid) && fresh) {
        throw new SyncBusyError(`${run.source} is being synced by another process (pid ${r.pid}, since ${r.started_at}); try again when it ends`);
      }
      db.prepare(
        "UPDATE sync_runs SET state = 'interrupted', finished_at = ?, error = coalesce(error, 'the process stopped during the sync') WHERE sync_id = ?",
      ).run(run.at, r.sync_id);
    }
    db.prepare("INSERT INTO sync_runs (sync_id, source, trigger, state, pid, started_at, heartbeat_at) VALUES (?, ?, ?, 'running', ?, ?, ?)").run(
      run.syncId,
      run.source,
      run.trigger,
      process.pid,
      run.at,
      run.at,
    );
  })();
}

export function heartbeatSyncRun(db: LedgerDb, syncId: string, progress: { pages: number; eventsCreated: number; step: string; at: string }): void {
  db.prepare('UPDATE sync_runs SET heartbeat_at = ?, pages = ?, events_created = ?, step = ? WHERE sync_id = ?').run(
    progress.at,
    progress.pages,
    progress.eventsCreated,
    progress.step,
    syncId,
  );
}

export function endSyncRun(db: LedgerDb, syncId: string, end: { state: 'ok' | 'failed'; at: string; error: string | null }): void {
  db.prepare('UPDATE sync_runs SET state = ?, finished_at = ?, heartbeat_at = ?, error = ? WHERE sync_id = ?').run(
    end.state,
    end.at,
    end.at,
    end.error,
    syncId,
  );
}

/** The source's latest runs, newest first. */
export function recentSyncRuns(db: LedgerDb, source: string, limit: number): SyncRunRow[] {
  return db.prepare('SELECT * FROM sync_runs WHERE source = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').all(source, limit) as SyncRunRow[];
}
