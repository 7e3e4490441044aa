// What the importing thread and its parse worker share: the worker's data, the messages each way, and the counters they wait on.
import type { MessagePort } from 'node:worker_threads';
import type { ParsePassSpec, PassItem } from './parsePass.ts';

export interface ParseWorkerData {
  port: MessagePort;
  /** [batches posted, batches the importing thread finished, requests posted]: each side waits on the other's (Atomics.wait). */
  counters: Int32Array;
}

/** To the worker: read this file, or stop. */
export type ParseWorkerRequest = { t: 'pass'; spec: ParsePassSpec } | { t: 'stop' };

/** From the worker: the next items of the current pass, or why it failed. */
export type ParseWorkerMessage =
  { t: 'items'; items: PassItem[] } | { t: 'error'; message: string; position: { line: number; column: number } | null; stack?: string };

/** Index in `counters` of the batches the worker posted. */
export const POSTED = 0;
/** Index in `counters` of the batches the importing thread finished writing. */
export const CONSUMED = 1;
/** Index in `counters` of the requests the importing thread posted. */
export const REQUESTED = 2;
