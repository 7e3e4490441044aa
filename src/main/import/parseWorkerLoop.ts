// The parse worker's work (parseWorker.ts starts it): for each file the importing thread asks for, runs its parse
// pass and posts the items in batches to the importing thread, which holds the transaction and writes them. At most
// MAX_AHEAD batches wait unread.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { parsePass, type PassItem, type ParsePassSpec } from './parsePass.ts';
import { FormatError } from './parserTypes.ts';
import { CONSUMED, POSTED, REQUESTED, type ParseWorkerData, type ParseWorkerMessage, type ParseWorkerRequest } from './parseWorkerMessages.ts';

/** Batches posted but not yet written: enough to keep both threads busy, few enough that memory stays flat. */
const MAX_AHEAD = 8;
/** Events per batch: posting costs little next to them, and small batches keep both heaps small (peak RSS). */
const BATCH_EVENTS = 500;

const data = workerData as ParseWorkerData;

function post(message: ParseWorkerMessage, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
  Atomics.add(data.counters, POSTED, 1);
  Atomics.notify(data.counters, POSTED);
}

/** Waits while the importing thread is MAX_AHEAD batches behind. */
function waitForRoom(): void {
  for (;;) {
    const consumed = Atomics.load(data.counters, CONSUMED);
    if (Atomics.load(data.counters, POSTED) - consumed < MAX_AHEAD) return;
    Atomics.wait(data.counters, CONSUMED, consumed, 1000);
  }
}

function nextRequest(): ParseWorkerRequest {
  for (;;) {
    const requested = Atomics.load(data.counters, REQUESTED);
    const received = receiveMessageOnPort(data.port);
    if (received !== undefined) return received.message as ParseWorkerRequest;
    Atomics.wait(data.counters, REQUESTED, requested, 1000);
  }
}

function pass(spec: ParsePassSpec): void {
  let items: PassItem[] = [];
  let events = 0;
  for (const item of parsePass(spec)) {
    items.push(item);
    if (item.t === 'events') events += item.events.length;
    if (events >= BATCH_EVENTS || item.t === 'chunk' || item.t === 'end') {
      waitForRoom();
      // The file's chunks move to the importing thread rather than being copied (each has a buffer of its own).
      post(
        { t: 'items', items },
        items.flatMap((i) => (i.t === 'chunk' ? [i.bytes.buffer as ArrayBuffer] : [])),
      );
      items = [];
      events = 0;
    }
  }
}

/** Serves the importing thread's requests until it asks the worker to stop. */
export function serveParseRequests(): void {
  for (let request = nextRequest(); request.t === 'pass'; request = nextRequest()) {
    try {
      pass(request.spec);
    } catch (err) {
      const position = err instanceof FormatError ? err.position : null;
      post({ t: 'error', message: err instanceof Error ? err.message : String(err), position, stack: err instanceof Error ? err.stack : undefined });
    }
  }
}
