// The thread an audit pack is built on (packRunner.ts starts it and waits): the builder is asynchronous, the services
// that ask for a pack are not. Posts progress, then one result or error, raising the signal the caller sleeps on.
import { workerData, type MessagePort } from 'node:worker_threads';
import { buildPack } from './packBuilder.ts';
import type { PackProgress, PackResult, PackSpec } from './packSpec.ts';

export interface PackWorkerData {
  spec: PackSpec;
  port: MessagePort;
  /** [0] incremented with every message posted (the waiting thread sleeps on it); [1] set when this thread exits. */
  signal: Int32Array;
}

export type PackMessage =
  { type: 'progress'; progress: PackProgress } | { type: 'done'; result: PackResult } | { type: 'error'; message: string; stack: string };

const data = workerData as PackWorkerData;

function post(message: PackMessage): void {
  data.port.postMessage(message);
  Atomics.add(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
}

// A thread that dies without posting (out of memory) must still wake the waiting one.
process.on('exit', () => {
  Atomics.store(data.signal, 1, 1);
  Atomics.add(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
});

buildPack(data.spec, (progress) => post({ type: 'progress', progress }))
  .then((result) => post({ type: 'done', result }))
  .catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? (err.stack ?? '') : '' }),
  );
