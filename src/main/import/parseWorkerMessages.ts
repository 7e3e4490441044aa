// What the importing thread and its parse worker share: the worker's data, its messages, and the two counters they wait on.
import type { MessagePort } from 'node:worker_threads';
import type { ParsePassSpec, PassItem } from './parsePass.ts';

export interface ParseWorkerData {
  spec: ParsePassSpec;
  port: MessagePort;
  /** [batches posted, batches the importing thread has finished]: each side waits on the other's count (Atomics.wait). */
  counters: Int32Array;
}

export type ParseWorkerMessage =
  | { t: 'items'; items: PassItem[] }
  | { t: 'error'; message: string; position: { line: number; column: number } | null; stack?: string };

/** Index in `counters` of the batches the worker posted. */
export const POSTED = 0;
/** Index in `counters` of the batches the importing thread finished writing. */
export const CONSUMED = 1;
