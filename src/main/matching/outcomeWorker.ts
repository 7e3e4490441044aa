// The computing half of a parallel full run (parallelOutcome.ts): loads the ledger's events through its own read-only
// connection, runs the rules, and streams each match, its id and explanation already made, to the writing thread.
import { workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import type { LedgerDb } from '../ledger/database.ts';
import { computeOutcome } from './plan.ts';
import { loadAllEvents, loadHumanDecisions } from './scope.ts';
import { LedgerTexts } from './eventKeys.ts';
import { prepareMatch, type PreparedMatch } from './matchWriter.ts';
import { toExceptionOutcome } from './exceptionWriter.ts';
import { encodeMatches, type WorkerMessage } from './outcomeMessages.ts';

export interface OutcomeWorkerData {
  ledgerPath: string;
  ruleSet: RuleSet;
  port: MessagePort;
  /** Counts the messages posted: the writing thread waits on it (Atomics.wait) instead of on an event loop. */
  signal: Int32Array;
}

/** Matches per message: large enough that posting is cheap, small enough that the writer starts early. */
const BATCH = 4000;

const data = workerData as OutcomeWorkerData;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
  Atomics.add(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
}

function run(): void {
  // The run's snapshot: a read transaction over the whole computation, so every read sees the ledger as it was when
  // the run began, whatever the writing thread has written (uncommitted) meanwhile.
  const db = new Database(data.ledgerPath, { readonly: true, fileMustExist: true }) as unknown as LedgerDb;
  try {
    // The events are read once, in order: SQLite's default page cache serves that (the writing thread keeps its own).
    db.exec('BEGIN');
    const { ruleSet } = data;
    post({ t: 'progress', progress: { phase: 'loading', done: 0, total: 0 } });
    const events = loadAllEvents(db, ruleSet);
    post({ t: 'progress', progress: { phase: 'loading', done: events.length, total: events.length } });
    post({ t: 'loaded', events: events.length });
    const texts = new LedgerTexts(db);
    const ruleIndex = new Map(ruleSet.rules.map((r, i) => [r.id, i]));
    let batch: PreparedMatch[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      const encoded = encodeMatches(batch, ruleIndex);
      post({ t: 'matches', batch: encoded }, [encoded.meta.buffer, encoded.scores.buffer, encoded.seqs.buffer] as ArrayBuffer[]);
      batch = [];
    };
    const outcome = computeOutcome(events, ruleSet, loadHumanDecisions(db), {
      texts,
      onRule: (rule, done, total) => {
        flush();
        post({ t: 'progress', progress: { phase: 'matching', done, total, detail: rule } });
      },
      onMatch: (d) => {
        batch.push(prepareMatch(d, ruleSet, texts));
        if (batch.length === BATCH) flush();
      },
    });
    flush();
    post({ t: 'done', exceptions: outcome.exceptions.map(toExceptionOutcome), eventsConsidered: events.length });
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

try {
  run();
} catch (err) {
  post({ t: 'error', message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
}
