// Runs the pack builder on its own thread and waits for it synchronously (the services are synchronous), passing its
// progress on as it comes.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PackMessage, PackWorkerData } from './packWorker.ts';
import type { PackProgress, PackResult, PackSpec } from './packSpec.ts';

/** packWorker.ts beside this file under Node, packWorker.js beside the bundle in the app. */
function workerUrl(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  const ts = join(here, 'packWorker.ts');
  return pathToFileURL(existsSync(ts) ? ts : join(here, 'packWorker.js'));
}

export class PackBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackBuildError';
  }
}

export function runPackBuild(spec: PackSpec, onProgress?: (p: PackProgress) => void): PackResult {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const data: PackWorkerData = { spec, port: port2, signal };
  const worker = new Worker(workerUrl(), { workerData: data, transferList: [port2] });
  const handle = (msg: PackMessage): PackResult | null => {
    if (msg.type === 'progress') onProgress?.(msg.progress);
    else if (msg.type === 'done') return msg.result;
    else throw new PackBuildError(`the audit pack could not be built: ${msg.message}\n${msg.stack}`);
    return null;
  };
  try {
    for (let seen = 0; ;) {
      // Read the exit flag before draining: whatever the thread posted before exiting is then drained too.
      const exited = Atomics.load(signal, 1) === 1;
      for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) {
        const result = handle(m.message as PackMessage);
        if (result !== null) return result;
      }
      if (exited) throw new PackBuildError('the audit pack worker stopped without a result');
      Atomics.wait(signal, 0, seen, 250);
      seen = Atomics.load(signal, 0);
    }
  } finally {
    void worker.terminate();
    port1.close();
  }
}
