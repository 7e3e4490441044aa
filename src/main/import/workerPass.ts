// An import on two threads: a worker reads, hashes, compresses and parses the file (parseWorker.ts) while this
// thread, which holds the import's transaction, writes what it sends. The items arrive exactly as parsePass yields
// them on one thread, so the import's result does not depend on where the file was parsed.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ParsePassSpec, PassItem } from './parsePass.ts';
import { FormatError } from './parserTypes.ts';
import { CONSUMED, POSTED, type ParseWorkerData, type ParseWorkerMessage } from './parseWorkerMessages.ts';

/** A worker silent this long (it posts at least every few thousand events or 1 MiB of file) is taken as lost. */
const SILENCE_LIMIT_MS = 10 * 60_000;

/** parseWorker.ts beside this file under Node; parseWorker.js beside the bundle (or one folder up from a chunk) in the app. */
function workerUrl(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'parseWorker.ts'), join(here, 'parseWorker.js'), join(here, '..', 'parseWorker.js')];
  return pathToFileURL(candidates.find((p) => existsSync(p)) ?? (candidates[1] as string));
}

/** The pass's items, read on a worker. A FormatError there is a FormatError here; the worker ends with the generator. */
export function* passOnWorker(spec: ParsePassSpec): Generator<PassItem> {
  const { port1, port2 } = new MessageChannel();
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const data: ParseWorkerData = { spec, port: port2, counters };
  // A small young generation: the worker's garbage (decoded text, fields, drafts) dies young, and RSS stays lower.
  const worker = new Worker(workerUrl(), { workerData: data, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  try {
    for (;;) {
      const message = receive(port1, counters, worker);
      if (message.t === 'error') {
        if (message.position !== null) throw new FormatError(message.message, message.position);
        const err = new Error(`import worker: ${message.message}`);
        if (message.stack !== undefined) err.stack = `${err.message}\n--- in the worker:\n${message.stack}`;
        throw err;
      }
      for (const item of message.items) {
        yield item;
        if (item.t === 'end') return;
      }
      Atomics.add(counters, CONSUMED, 1);
      Atomics.notify(counters, CONSUMED);
    }
  } finally {
    void worker.terminate();
    port1.close();
  }
}

/**
 * The next message, waiting with Atomics.wait (this thread is inside a synchronous transaction and runs no event loop).
 * A worker that stopped without a word (it could not load, or crashed) shows as threadId -1 and fails the import.
 */
function receive(port: MessagePort, counters: Int32Array, worker: Worker): ParseWorkerMessage {
  let heardAt = Date.now();
  for (;;) {
    const posted = Atomics.load(counters, POSTED);
    const received = receiveMessageOnPort(port);
    if (received !== undefined) return received.message as ParseWorkerMessage;
    if (worker.threadId === -1) throw new Error('the import worker stopped before it finished reading the file');
    if (Date.now() - heardAt > SILENCE_LIMIT_MS) throw new Error(`the import worker sent nothing for ${SILENCE_LIMIT_MS / 60_000} minutes; the import is abandoned`);
    if (Atomics.wait(counters, POSTED, posted, 200) !== 'timed-out') heardAt = Date.now();
  }
}
