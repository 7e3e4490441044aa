// The computing half of a parallel full run (parallelOutcome.ts): loads the ledger's events through its own read-only
// connection, runs the rules, and streams each match, its id and explanation already made, to the writing thread.
import { workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { LedgerDb } from '../../ledger/database.ts';
import { computeOutcome } from '../rules/plan.ts';
import { loadAllEvents, loadHumanDecisions, rankEvents } from './eventLoad.ts';
import { LedgerTexts } from './eventKeys.ts';
import { matchExplanationText } from './matchWriter.ts';
import { toExceptionOutcome } from './exceptionWriter.ts';
import { MatchBatchBuilder, type WorkerMessage } from './outcomeMessages.ts';
import { EventIdTable, StringEventIds, type EventIdBuffers, type EventIdSource } from './eventIds.ts';
import { desiredMatchId } from './identity.ts';
import { readFeeds } from './feedProgress.ts';
import { toAwaitingRows } from './awaitingWriter.ts';
import { slotEventSets } from './ledgerEvent.ts';

export interface OutcomeWorkerData {
  ledgerPath: string;
  /** Files attached to the writing thread's connection, attached here under the same names (read-only, as this connection). */
  attached: Array<{ name: string; file: string }>;
  /** The writing thread's TEMP views (CREATE statements), made here too. */
  tempViews: string[];
  ruleSet: RuleSet;
  port: MessagePort;
  /** Counts the messages posted: the writing thread waits on it (Atomics.wait) instead of on an event loop. */
  signal: Int32Array;
  /** The run's event id table, filled by the writing thread while this one loads the events (eventIds.ts). */
  ids: EventIdBuffers;
  /** 0 while the table is being filled, 1 once it is, 2 when the ledger's ids cannot use it (they are read here then). */
  idsState: Int32Array;
}

/** Matches per message: large enough that posting is cheap, small enough that the writer starts early. */
const BATCH = 4000;

const data = workerData as OutcomeWorkerData;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
  Atomics.add(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
}

/** The run's ids: the shared table once the writing thread has filled it, else the ledger's ids read here as strings. */
function idSource(db: LedgerDb, table: EventIdTable): EventIdSource {
  while (Atomics.load(data.idsState, 0) === 0) Atomics.wait(data.idsState, 0, 0, 1000);
  return Atomics.load(data.idsState, 0) === 1 ? table : new StringEventIds(db);
}

function run(): void {
  // The run's snapshot: a read transaction over the whole computation, so every read sees the ledger as it was when
  // the run began, whatever the writing thread has written (uncommitted) meanwhile.
  const db = new Database(data.ledgerPath, { readonly: true, fileMustExist: true }) as unknown as LedgerDb;
  try {
    for (const a of data.attached) db.prepare(`ATTACH DATABASE ? AS "${a.name.replace(/"/g, '""')}"`).run(a.file);
    for (const sql of data.tempViews) db.exec(sql.replace(/^CREATE\s+(TEMP\s+|TEMPORARY\s+)?VIEW/i, 'CREATE TEMP VIEW'));
    // The events are read once, in order: SQLite's default page cache serves that (the writing thread keeps its own).
    db.exec('BEGIN');
    const { ruleSet } = data;
    post({ t: 'progress', progress: { phase: 'loading', done: 0, total: 0 } });
    const table = new EventIdTable(data.ids);
    let ids: EventIdSource = table;
    const events = loadAllEvents(db, ruleSet, {
      get ranks() {
        return ids.ranks;
      },
      id: (seq) => ids.id(seq),
    });
    ids = idSource(db, table);
    rankEvents(events, ids);
    // An event the table does not know (another process committed it between the two threads' snapshots): strings.
    if (ids === table && events.some((e) => e.rank < 0)) {
      ids = new StringEventIds(db);
      rankEvents(events, ids);
    }
    post({ t: 'progress', progress: { phase: 'loading', done: events.length, total: events.length } });
    post({ t: 'loaded', events: events.length });
    const texts = new LedgerTexts(db);
    const ruleIndex = new Map(ruleSet.rules.map((r, i) => [r.id, i]));
    // With the shared table the writing thread makes the match ids (from the members' seqs); else they are made here.
    const writerMakesIds = ids === table;
    const batch = new MatchBatchBuilder();
    const flush = (): void => {
      if (batch.size === 0) return;
      const b = batch.take();
      post({ t: 'matches', batch: b }, [b.meta.buffer, b.nums.buffer, b.seqs.buffer] as ArrayBuffer[]);
    };
    const outcome = computeOutcome(events, ruleSet, loadHumanDecisions(db), {
      eventSets: slotEventSets(events),
      feeds: readFeeds(db),
      texts,
      ranked: true,
      onRule: (rule, done, total) => {
        flush();
        post({ t: 'progress', progress: { phase: 'matching', done, total, detail: rule } });
      },
      onMatch: (d) => {
        batch.add(d, ruleIndex.get(d.rule.id) ?? -1, writerMakesIds ? '' : desiredMatchId(d), matchExplanationText(d, ruleSet, texts, true));
        if (batch.size === BATCH) flush();
      },
    });
    flush();
    const awaiting = toAwaitingRows(outcome.awaiting);
    post({ t: 'done', exceptions: outcome.exceptions.map(toExceptionOutcome), awaiting, eventsConsidered: events.length }, [
      awaiting.seqs.buffer,
      awaiting.until.buffer,
      awaiting.label.buffer,
    ] as ArrayBuffer[]);
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
