// The reading half of an import on two threads (workerPass.ts): runs a file's parse pass and posts its items in
// batches to the importing thread, which holds the transaction and writes them. At most MAX_AHEAD batches wait unread.
import { workerData } from 'node:worker_threads';
import { parsePass, type PassItem } from './parsePass.ts';
import { FormatError } from './parserTypes.ts';
import { CONSUMED, POSTED, type ParseWorkerData, type ParseWorkerMessage } from './parseWorkerMessages.ts';

/** Batches posted but not yet written: enough to keep both threads busy, few enough that memory stays flat. */
const MAX_AHEAD = 8;
/** Events per batch: posting costs little next to them, and the writer starts early. */
const BATCH_EVENTS = 500;

const data = workerData as ParseWorkerData;

function post(message: ParseWorkerMessage): void {
  data.port.postMessage(message);
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

function run(): void {
  let items: PassItem[] = [];
  let events = 0;
  for (const item of parsePass(data.spec)) {
    items.push(item);
    if (item.t === 'events') events += item.events.length;
    if (events >= BATCH_EVENTS || item.t === 'chunk' || item.t === 'end') {
      waitForRoom();
      post({ t: 'items', items });
      items = [];
      events = 0;
    }
  }
}

try {
  run();
} catch (err) {
  const position = err instanceof FormatError ? err.position : null;
  post({ t: 'error', message: err instanceof Error ? err.message : String(err), position, stack: err instanceof Error ? err.stack : undefined });
}
