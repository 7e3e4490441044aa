// The service worker thread: owns the open workspace (SQLite) and runs every API call, one at a time, so the
// thread that owns the window or the HTTP server never blocks on the ledger. Started by ServiceHost only.
import { parentPort, workerData } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiErrorBody, ApiEvent } from '../../shared/api/contract.ts';
import { dispatch } from './dispatch.ts';
import type { Envelope } from '../../shared/api/contract.ts';
import type { ServiceContext } from './handlers.ts';
import { UploadStore } from '../import/uploadStore.ts';
import type { ResponseOf } from '../../shared/api/contract.ts';
import { SyncScheduler } from '../connectors/syncScheduler.ts';
import { SecretKeeper } from '../connectors/secrets/secretCipher.ts';
import { FileKeyCipher, fileKeyPath } from '../connectors/secrets/fileKeyCipher.ts';
import { HostCipher, type CipherAnswer, type CipherRequest } from '../connectors/secrets/hostCipher.ts';

export interface ServiceWorkerData {
  configDir: string;
  /** Opened at start: the workspace asked for, or (after a crash) the one that was open. */
  workspacePath: string | null;
  host: ServiceContext['host'];
  actor: string;
  /** Runs the SLA clock (sla.check) on the wall clock this often while a workspace is open; 0 or absent: never. */
  slaClockMs?: number;
  /** The host seals and opens secrets with this cipher of its own (the app's safeStorage); null: the file key only. */
  hostCipher?: 'electron-safe-storage' | null;
}

export type ToWorker = { type: 'call'; seq: number; callId: string; method: unknown; request: unknown } | { type: 'close' } | CipherAnswer;

export type FromWorker =
  | { type: 'ready'; error: ApiErrorBody | null; workspacePath: string | null; tempDir: string }
  | { type: 'result'; seq: number; envelope: Envelope; workspacePath: string | null }
  | { type: 'event'; event: ApiEvent }
  | CipherRequest;

if (parentPort === null) throw new Error('serviceWorker.ts runs only as a worker thread started by ServiceHost');
const port = parentPort;
const data = workerData as ServiceWorkerData;

function post(message: FromWorker): void {
  port.postMessage(message);
}
const emit = (event: ApiEvent): void => post({ type: 'event', event });

// Uploads (up to 2 GiB each) are staged in this worker's own temp folder, which the host removes when the
// worker exits, even when it dies without closing the store.
const tempDir = mkdtempSync(join(tmpdir(), 'tieout-services-'));
const uploads = new UploadStore(tempDir);
const ctx: ServiceContext = { workspace: null, configDir: data.configDir, uploads, actor: data.actor, host: data.host };

// Connected sources sync in the background at their cadence. In the app, secrets are sealed and opened by the shell's
// safeStorage (safeStorageCipher.ts) across the message channel, since this worker cannot call Electron; what the CLI
// sealed with the key file still opens. The browser host has the labelled file-key fallback only.
const fileKey = new FileKeyCipher(fileKeyPath(data.configDir));
const hostCipher = (data.hostCipher ?? null) === null ? null : new HostCipher('electron-safe-storage', post);
let lastProgress = 0;
ctx.syncs = new SyncScheduler({
  workspace: () => ctx.workspace,
  keeper: hostCipher === null ? new SecretKeeper(fileKey) : new SecretKeeper(hostCipher, [fileKey]),
  onChange: (what) => {
    const now = Date.now();
    if (what === 'progress' && now - lastProgress < 1000) return;
    lastProgress = now;
    emit({ type: 'changed', what: what === 'landed' ? ['connectors', 'imports', 'matches', 'exceptions'] : ['connectors'] });
  },
  tickMs: Number(process.env['TIEOUT_SYNC_TICK_MS'] ?? 30_000),
});

async function start(): Promise<void> {
  let startError: ApiErrorBody | null = null;
  if (data.workspacePath !== null) {
    const opened = await dispatch(ctx, 'workspace.open', { path: data.workspacePath }, 'startup', emit);
    if (!opened.ok) startError = opened.error;
  }
  post({ type: 'ready', error: startError, workspacePath: ctx.workspace?.dir ?? null, tempDir });
  ctx.syncs?.start();
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'call') {
    const envelope = await dispatch(ctx, message.method, message.request, message.callId, emit);
    post({ type: 'result', seq: message.seq, envelope, workspacePath: ctx.workspace?.dir ?? null });
    return;
  }
  // Messages are handled in order, so every call sent before `close` has been answered by now; a sync in flight
  // lands the page it is on (or none) and stops.
  if (slaClock !== null) clearInterval(slaClock);
  await ctx.syncs?.stop();
  ctx.workspace?.close();
  ctx.workspace = null;
  ctx.uploads.close();
  port.close();
}

// One call at a time, in the order they came: a call that awaits (an XLSX export being written) holds the next.
let queue: Promise<void> = start();
port.on('message', (message: ToWorker) => {
  // A cipher's answer settles a call in flight (a sync opening its secrets) at once: queued, it could wait on itself.
  if (message.type === 'cipher-answer') hostCipher?.answered(message);
  else queue = queue.then(() => handle(message));
});

/**
 * The app's SLA clock (DESIGN §7): every slaClockMs, in the queue between calls, escalation steps that came due are
 * taken and announced (a `notification` event, and `changed` so open screens refetch). Unref'd: it never keeps the
 * worker alive.
 */
async function slaTick(): Promise<void> {
  if (ctx.workspace === null) return;
  const envelope = await dispatch(ctx, 'sla.check', {}, 'sla-clock', emit);
  if (!envelope.ok) return;
  const r = envelope.result as ResponseOf<'sla.check'>;
  if (r.notifications.length > 0) emit({ type: 'notification', notifications: r.notifications });
  if (r.notifications.length > 0 || r.assigned > 0) emit({ type: 'changed', what: ['exceptions'] });
}
const tick = (): void => {
  queue = queue.then(slaTick);
};
const slaClock = (data.slaClockMs ?? 0) > 0 ? setInterval(tick, data.slaClockMs) : null;
slaClock?.unref();
if (slaClock !== null) setTimeout(tick, 1000).unref();
