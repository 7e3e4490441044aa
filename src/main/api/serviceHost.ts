// Runs the services in a worker thread and carries calls and events to and from it. Every front door (the
// Electron shell, the browser host, `tieout serve`) talks to one ServiceHost; none touches SQLite itself.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { userInfo } from 'node:os';
import { ApiError, type ApiErrorBody, type ApiEvent } from '../../shared/api/contract.ts';
import type { Envelope } from '../../shared/api/contract.ts';
import type { FromWorker, ServiceWorkerData, ToWorker } from './serviceWorker.ts';
import type { SecretCipher } from '../connectors/secrets/secretCipher.ts';
import { answerCipherRequest } from '../connectors/secrets/hostCipher.ts';

export type { Envelope } from '../../shared/api/contract.ts';

export interface ServiceHostOptions {
  /** Where the recent-workspaces list is kept. */
  configDir: string;
  /** Opened at start; start() fails with the reason when it cannot be opened. */
  workspacePath?: string;
  host: 'electron' | 'browser';
  /** Who decisions are recorded as (default: user:<login name>). */
  actor?: string;
  /**
   * The worker entry. Default: serviceWorker.ts beside this file, which plain Node 24 runs from source. The
   * Electron shell passes its bundled worker, since the bundle has no .ts files beside it.
   */
  workerUrl?: URL | string;
  /** Caps for the worker's heap; a worker that exceeds them stops and is restarted on the next call. */
  resourceLimits?: ResourceLimits;
  /** The SLA clock's period on the wall clock (serviceWorker.ts); the app's front doors pass SLA_CLOCK_MS, tests leave it off. */
  slaClockMs?: number;
  /**
   * The Electron shell's safeStorage cipher (src/main/shell/safeStorageCipher.ts): the worker cannot call Electron, so
   * it asks this thread to seal and open connector secrets. Absent (browser host, `tieout serve`): the file-key fallback.
   */
  secretCipher?: SecretCipher;
}

/** How often the app runs the SLA clock: escalation steps are due by the hour, a minute is soon enough. */
export const SLA_CLOCK_MS = 60_000;

const CLOSE_TIMEOUT_MS = 10_000;

function localUserActor(): string {
  try {
    return `user:${userInfo().username}`;
  } catch {
    return 'user:unknown';
  }
}

function defaultWorkerUrl(): URL {
  // Built from the path rather than `new URL('./serviceWorker.ts', import.meta.url)`, which bundlers rewrite.
  return pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'serviceWorker.ts'));
}

function internal(message: string): Envelope {
  return { ok: false, error: { kind: 'internal', message, field: null } };
}

/**
 * `imports.upload` bytes are moved to the worker, not copied: the ArrayBuffer is transferred (and detached
 * here). A view that does not span its whole buffer (e.g. a pooled Node Buffer) is copied first, so the
 * transfer never detaches memory that other objects share.
 */
function transferable(method: string, request: unknown): { request: unknown; transfer: ArrayBuffer[] } {
  if (method !== 'imports.upload' || typeof request !== 'object' || request === null) return { request, transfer: [] };
  const bytes = (request as { bytes?: unknown }).bytes;
  if (!(bytes instanceof Uint8Array)) return { request, transfer: [] };
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const own = whole ? bytes : new Uint8Array(bytes);
  return { request: { ...request, bytes: own }, transfer: [own.buffer as ArrayBuffer] };
}

export class ServiceHost {
  private readonly options: ServiceHostOptions;
  private readonly actor: string;
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly pending = new Map<number, (envelope: Envelope) => void>();
  private worker: Worker | null = null;
  private restarting: Promise<Worker> | null = null;
  private workspacePath: string | null;
  private seq = 0;
  private closed = false;

  private constructor(options: ServiceHostOptions) {
    this.options = options;
    this.actor = options.actor ?? localUserActor();
    this.workspacePath = options.workspacePath ?? null;
  }

  /** Starts the worker; with `workspacePath`, fails (ApiError) when that workspace cannot be opened. */
  static async start(options: ServiceHostOptions): Promise<ServiceHost> {
    const host = new ServiceHost(options);
    const ready = await host.spawn();
    if (ready.error !== null) {
      await host.close();
      throw new ApiError(ready.error);
    }
    return host;
  }

  /** Sends one call to the worker; the answer is the dispatch envelope (failures are answered, not thrown). */
  async call(method: string, request: unknown, callId: string): Promise<Envelope> {
    if (this.closed) return internal('The Tieout services have been shut down.');
    let worker: Worker;
    try {
      worker = this.worker ?? (await (this.restarting ??= this.restart().finally(() => (this.restarting = null))));
    } catch (err) {
      return internal(`The Tieout services could not start: ${(err as Error).message}`);
    }
    const seq = ++this.seq;
    const message = transferable(method, request);
    return new Promise<Envelope>((resolve) => {
      this.pending.set(seq, resolve);
      const toWorker: ToWorker = { type: 'call', seq, callId, method, request: message.request };
      try {
        worker.postMessage(toWorker, message.transfer);
      } catch (err) {
        // Only plain data crosses to the worker (e.g. no functions); such a request was never a valid call.
        this.pending.delete(seq);
        resolve({
          ok: false,
          error: { kind: 'invalid_request', message: `${method}: the request cannot be sent (${(err as Error).message})`, field: null },
        });
      }
    });
  }

  onEvent(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lets the worker answer what it was sent, close the workspace and stop; stops it outright after a timeout. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker ?? (this.restarting === null ? null : await this.restarting.catch(() => null));
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Crash recovery: when the worker dies (an uncaught error, running out of memory), `exit` fails every
   * pending call with an `internal` error and forgets the worker; the next call() starts a new one, which
   * reopens the workspace that was open (its path comes back with every answer).
   */
  private async restart(): Promise<Worker> {
    const reopening = this.workspacePath;
    const ready = await this.spawn();
    if (ready.error !== null) process.stderr.write(`tieout: the restarted services could not reopen ${String(reopening)}: ${ready.error.message}\n`);
    if (this.worker === null) throw new Error('the service worker stopped while starting');
    return this.worker;
  }

  /** A cipher answer for a worker that may have stopped meanwhile (then nobody waits for it). */
  private answerWorker(worker: Worker, answer: ToWorker): void {
    try {
      worker.postMessage(answer);
    } catch {
      // the worker exited
    }
  }

  private spawn(): Promise<{ error: ApiErrorBody | null }> {
    const data: ServiceWorkerData = {
      configDir: this.options.configDir,
      workspacePath: this.workspacePath,
      host: this.options.host,
      actor: this.actor,
      slaClockMs: this.options.slaClockMs,
      hostCipher: this.options.secretCipher === undefined ? null : 'electron-safe-storage',
    };
    const worker = new Worker(this.options.workerUrl ?? defaultWorkerUrl(), { workerData: data, resourceLimits: this.options.resourceLimits });
    let lastError: Error | null = null;
    let tempDir: string | null = null;
    return new Promise<{ error: ApiErrorBody | null }>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          tempDir = message.tempDir;
          this.workspacePath = message.workspacePath;
          this.worker = worker;
          resolve({ error: message.error });
        } else if (message.type === 'cipher') {
          const cipher = this.options.secretCipher;
          if (cipher !== undefined) void answerCipherRequest(cipher, message).then((answer) => this.answerWorker(worker, answer));
        } else if (message.type === 'result') {
          this.workspacePath = message.workspacePath;
          const answer = this.pending.get(message.seq);
          this.pending.delete(message.seq);
          answer?.(message.envelope);
        } else {
          for (const listener of this.listeners) {
            try {
              listener(message.event);
            } catch (err) {
              process.stderr.write(`tieout: an API event listener failed: ${(err as Error).stack ?? String(err)}\n`);
            }
          }
        }
      });
      worker.on('error', (err) => {
        lastError = err;
        process.stderr.write(`tieout: the service worker failed: ${err.stack ?? err.message}\n`);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
        const why = lastError === null ? `exit code ${code}` : lastError.message;
        reject(new Error(why));
        const failed = internal(`The Tieout services stopped (${why}); the call did not complete. They restart with the next call.`);
        for (const answer of this.pending.values()) answer(failed);
        this.pending.clear();
      });
    });
  }
}
