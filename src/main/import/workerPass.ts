// An import on two threads: a worker reads, hashes, compresses and parses each file (parseWorker.ts) while this
// thread, which holds the import's transaction, writes what it sends. The items arrive exactly as parsePass yields
// them on one thread, so the import's result does not depend on where the file was parsed.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ParsePassSpec, PassItem } from './parsePass.ts';
import { FormatError } from './parserTypes.ts';
import { CONSUMED, POSTED, REQUESTED, type ParseWorkerData, type ParseWorkerMessage, type ParseWorkerRequest } from './parseWorkerMessages.ts';

/** A worker silent this long (it posts at least every few hundred events or 1 MiB of file) is taken as lost. */
const SILENCE_LIMIT_MS = 10 * 60_000;

/** parseWorker.ts beside this file under Node; parseWorker.js beside the bundle (or one folder up from a chunk) in the app. */
function workerUrl(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'parseWorker.ts'), join(here, 'parseWorker.js'), join(here, '..', 'parseWorker.js')];
  return pathToFileURL(candidates.find((p) => existsSync(p)) ?? (candidates[1] as string));
}

/** One parse worker for one import command: files are read on it one after another; close() ends it. */
export class ParseWorker {
  private readonly port: MessagePort;
  private readonly counters = new Int32Array(new SharedArrayBuffer(12));
  private readonly worker: Worker;
  private stopped = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: ParseWorkerData = { port: port2, counters: this.counters };
    // A small young generation: the worker's garbage (decoded text, fields, drafts) dies young, and RSS stays lower.
    this.worker = new Worker(workerUrl(), { workerData: data, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  }

  /** The pass's items, read on the worker. A FormatError there is a FormatError here. Abandoned early, it stops the worker. */
  *pass(spec: ParsePassSpec): Generator<PassItem> {
    if (this.stopped) throw new Error('the import worker has stopped');
    this.request({ t: 'pass', spec });
    let finished = false;
    try {
      for (;;) {
        const message = this.receive();
        if (message.t === 'error') {
          finished = true;
          if (message.position !== null) throw new FormatError(message.message, message.position);
          const err = new Error(`import worker: ${message.message}`);
          if (message.stack !== undefined) err.stack = `${err.message}\n--- in the worker:\n${message.stack}`;
          throw err;
        }
        this.consumed();
        for (const item of message.items) {
          if (item.t === 'end') finished = true;
          yield item;
        }
        if (finished) return;
      }
    } finally {
      // The importing thread stopped before the pass did (a bad row, a failed write): the worker is still reading.
      if (!finished) this.close();
    }
  }

  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.request({ t: 'stop' });
    void this.worker.terminate();
    this.port.close();
  }

  private request(request: ParseWorkerRequest): void {
    this.port.postMessage(request);
    Atomics.add(this.counters, REQUESTED, 1);
    Atomics.notify(this.counters, REQUESTED);
  }

  private consumed(): void {
    Atomics.add(this.counters, CONSUMED, 1);
    Atomics.notify(this.counters, CONSUMED);
  }

  /**
   * The next message, waiting with Atomics.wait (this thread is inside a synchronous transaction and runs no event
   * loop). A worker that stopped without a word (it could not load, or crashed) shows as threadId -1 and fails the import.
   */
  private receive(): ParseWorkerMessage {
    let heardAt = Date.now();
    for (;;) {
      const posted = Atomics.load(this.counters, POSTED);
      const received = receiveMessageOnPort(this.port);
      if (received !== undefined) return received.message as ParseWorkerMessage;
      if (this.worker.threadId === -1) throw new Error('the import worker stopped before it finished reading the file');
      if (Date.now() - heardAt > SILENCE_LIMIT_MS)
        throw new Error(`the import worker sent nothing for ${SILENCE_LIMIT_MS / 60_000} minutes; the import is abandoned`);
      if (Atomics.wait(this.counters, POSTED, posted, 200) !== 'timed-out') heardAt = Date.now();
    }
  }
}
