// A full run on two threads: a worker loads the events and runs the rules (outcomeWorker.ts) while this thread, which
// holds the run's write transaction, writes each batch of matches as it arrives. Reading the ledger and matching on
// one core and writing it on the other overlap; the run stays one transaction, and its result is the one the same
// computation gives on one thread (test/matching/parallelRun.test.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { LedgerDb } from '../../ledger/database.ts';
import type { ExceptionOutcome } from './exceptionWriter.ts';
import type { AwaitingRows } from './awaitingWriter.ts';
import type { MatchWriter } from './matchWriter.ts';
import type { WorkerMessage } from './outcomeMessages.ts';
import type { OutcomeWorkerData } from './outcomeWorker.ts';
import type { ReconcileProgress } from './runContext.ts';
import { EventIdTable, fillEventIds, maxEventSeq } from './eventIds.ts';

/** How far above its live size a heap may grow before V8 collects it, during a parallel run (percent). */
const HEAP_GROWING_PERCENT = 15;

/** A worker silent this long (it reports at least every rule and every few thousand matches) is taken as lost. */
export const SILENCE_LIMIT_MS = 10 * 60_000;

/** The worker entry: outcomeWorker.ts beside this file under Node, outcomeWorker.js beside the bundle in the app. */
function workerUrl(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  const ts = join(here, 'outcomeWorker.ts');
  return pathToFileURL(existsSync(ts) ? ts : join(here, 'outcomeWorker.js'));
}

/** The ledger file a connection reads, or null for an in-memory one (which another thread cannot open). */
export function ledgerFile(db: LedgerDb): string | null {
  return db.memory || db.name === '' ? null : db.name;
}

/**
 * What the worker's connection must look like besides its main file: the files attached to `db` (a shadow lane's
 * connection has the ledger attached: ruleVersions/shadowFile.ts) and its TEMP views (a replay's restriction to a
 * period), so every name the engine's SQL uses resolves as it does on this thread.
 */
function connectionShape(db: LedgerDb): Pick<OutcomeWorkerData, 'attached' | 'tempViews'> {
  const attached = (db.pragma('database_list') as Array<{ name: string; file: string }>)
    .filter((d) => d.name !== 'main' && d.name !== 'temp' && d.file !== '')
    .map((d) => ({ name: d.name, file: d.file }));
  const tempViews = db.prepare("SELECT sql FROM temp.sqlite_schema WHERE type = 'view' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[];
  return { attached, tempViews };
}

export interface ParallelResult {
  exceptions: ExceptionOutcome[];
  awaiting: AwaitingRows;
  eventsConsidered: number;
}

/**
 * Runs the computation in a worker over the ledger `file` (the one `db`, this thread's connection, holds) and feeds every match to `writer` as it comes. `expectNew` hears
 * how many events were loaded before the first match arrives (MatchWriter.begin needs an estimate of the new rows).
 */
export function parallelOutcome(
  db: LedgerDb,
  file: string,
  ruleSet: RuleSet,
  writer: MatchWriter,
  expectNew: (events: number) => void,
  progress: (p: ReconcileProgress) => void,
): ParallelResult {
  // Two heaps grow at once during the run (the worker's events and the writer's batches). V8 lets a busy heap grow to a
  // few times its live size before collecting; for the run, growth is held to HEAP_GROWING_PERCENT above what is live, so a
  // 1M-order month stays in 1.5 GB. Process-wide (V8 has no per-isolate setting), and restored after the run.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const ids = EventIdTable.allocate(maxEventSeq(db));
  const idsState = new Int32Array(new SharedArrayBuffer(4));
  const data: OutcomeWorkerData = { ledgerPath: file, ...connectionShape(db), ruleSet, port: port2, signal, ids: ids.buffers, idsState };
  const worker = new Worker(workerUrl(), { workerData: data, transferList: [port2] });
  try {
    // While the worker loads the events, this thread reads their ids into the shared table (ranks and match ids).
    Atomics.store(idsState, 0, fillEventIds(db, ids) ? 1 : 2);
    Atomics.notify(idsState, 0);
    let seen = 0;
    let heardAt = Date.now();
    for (;;) {
      const received = receiveMessageOnPort(port1);
      if (received === undefined) {
        // Nothing queued: sleep until the worker posts (it bumps the signal after each message), or time out.
        if (Date.now() - heardAt > SILENCE_LIMIT_MS)
          throw new Error(`the matching worker sent nothing for ${SILENCE_LIMIT_MS / 60_000} minutes; the run is abandoned`);
        Atomics.wait(signal, 0, seen, 1000);
        seen = Atomics.load(signal, 0);
        continue;
      }
      heardAt = Date.now();
      const m = received.message as WorkerMessage;
      switch (m.t) {
        case 'progress':
          progress(m.progress);
          break;
        case 'loaded':
          expectNew(m.events);
          break;
        case 'matches':
          writer.addBatch(m.batch, ruleSet, ids);
          break;
        case 'done':
          return { exceptions: m.exceptions, awaiting: m.awaiting, eventsConsidered: m.eventsConsidered };
        case 'error': {
          const err = new Error(`matching worker: ${m.message}`);
          if (m.stack !== undefined) err.stack = `${err.message}\n--- in the worker:\n${m.stack}`;
          throw err;
        }
      }
    }
  } finally {
    void worker.terminate();
    port1.close();
    setFlagsFromString('--heap-growing-percent=0');
  }
}
