// DUPLICATE_RECORD (DESIGN §6, class A): a record another file already delivered is collapsed into its event and recorded.
import type Database from 'better-sqlite3';
import type { LedgerDb } from '../ledger/database.ts';
import type { JournalWriter } from '../ledger/journal.ts';
import { sha256Hex } from '../ledger/canonicalJson.ts';
import { ExceptionStore } from '../exceptions/exceptionStore.ts';
import { type Explanation } from '../matching/rules/explanation.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';

export const DUPLICATE_RECORD = 'DUPLICATE_RECORD';

/**
 * The journal actor of the auto-resolution. A `system:` actor, as for the engine's class-A auto-resolutions:
 * an `exception.*` entry by a person marks an exception human-touched (docs/matching.md), and the engine loads
 * that set on every run. The person who imported is resolved_by on the row and `imported_by` in the entry.
 */
export const DUPLICATE_RECORD_JOURNAL_ACTOR = 'system:import';

/** One id per (original event, delivering batch): a later file delivering the same record again is a new row. */
export function duplicateRecordIdFor(eventId: string, batchId: string): string {
  return `x_${sha256Hex(`${DUPLICATE_RECORD}\u001f${eventId}\u001f${batchId}`).slice(0, 32)}`;
}

export interface DeliveringBatch {
  batchId: string;
  /** As stored in import_batches.file_name. */
  fileName: string;
  /** The importing actor: resolved_by of the row. */
  actor: string;
  /** Timestamp of the rows and journal entries (the batch's start). */
  at: string;
  /** The workspace's settings: a recorded duplicate gets its domain's owners like any exception (exceptionStore.ts). */
  settings?: WorkspaceSettings;
}

interface Original {
  batch_id: string;
  source: string;
  kind: string;
  external_id: string;
  currency: string;
  raw_line_start: number;
  raw_line_end: number;
}

interface Statements {
  original: Database.Statement;
  fileName: Database.Statement;
  /** The one exceptions store every producer writes through. */
  store: ExceptionStore;
  eventSeq: Database.Statement;
}

const lines = (start: number, end: number): string => (start === end ? `line ${start}` : `lines ${start}-${end}`);

/**
 * Records, for one batch, each record whose event an earlier batch (another file) created. Work happens only on
 * the duplicate path: statements are prepared on the first duplicate, and a new event costs nothing.
 *
 * Not recorded (only counted in duplicates_skipped, as before): a record repeated inside the same file (its
 * event comes from this batch), and every record of a byte-identical re-import (the caller passes no recorder
 * when the file's artifact was already stored): the same file read again delivers nothing new.
 */
export class DuplicateRecorder {
  private readonly db: LedgerDb;
  private readonly journal: JournalWriter;
  private readonly batch: DeliveringBatch;
  private readonly recorded = new Set<string>();
  /** file_name of the batches that first delivered records (few: read once each). */
  private readonly fileNames = new Map<string, string | null>();
  private statements: Statements | null = null;
  count = 0;

  constructor(db: LedgerDb, journal: JournalWriter, batch: DeliveringBatch) {
    this.db = db;
    this.journal = journal;
    this.batch = batch;
  }

  private prepared(): Statements {
    this.statements ??= {
      original: this.db.prepare('SELECT batch_id, source, kind, external_id, currency, raw_line_start, raw_line_end FROM events WHERE event_id = ?'),
      fileName: this.db.prepare('SELECT file_name FROM import_batches WHERE batch_id = ?').pluck(),
      store: new ExceptionStore(this.db, this.journal, this.batch.settings),
      eventSeq: this.db.prepare('SELECT seq FROM events WHERE event_id = ?').pluck(),
    };
    return this.statements;
  }

  /** Called for an event the event writer skipped because its id exists; the lines are the record's in this file. */
  record(eventId: string, lineStart: number, lineEnd: number): void {
    if (this.recorded.has(eventId)) return;
    const s = this.prepared();
    const orig = s.original.get(eventId) as Original | undefined;
    if (orig === undefined || orig.batch_id === this.batch.batchId) return;
    this.recorded.add(eventId);
    const b = this.batch;
    const exceptionId = duplicateRecordIdFor(eventId, b.batchId);
    let firstFile = this.fileNames.get(orig.batch_id);
    if (firstFile === undefined) {
      firstFile = (s.fileName.get(orig.batch_id) as string | undefined) ?? null;
      this.fileNames.set(orig.batch_id, firstFile);
    }
    const record = `${orig.source}/${orig.external_id} (${orig.kind})`;
    const again = `${b.fileName} ${lines(lineStart, lineEnd)}`;
    const first = `${firstFile ?? orig.batch_id} ${lines(orig.raw_line_start, orig.raw_line_end)}`;
    const explanation: Explanation = {
      rule_id: null,
      rule_set_id: null,
      rule_version: null,
      strategy: null,
      link: null,
      summary:
        `${DUPLICATE_RECORD}: record ${record} delivered again by ${again} (batch ${b.batchId}); first delivered by ${first} ` +
        `(batch ${orig.batch_id}); collapsed into the existing event, nothing at stake`,
      keys: [],
      amount_delta_minor: null,
      time_delta_hours: null,
      score: null,
      runners_up: [],
      policy: 'nothing at stake (amount 0): the repeated record was collapsed into the event already in the ledger',
    };
    s.store.put(
      {
        exceptionId,
        code: DUPLICATE_RECORD,
        amount: 0,
        currency: orig.currency,
        eventSeqs: [s.eventSeq.get(eventId) as number],
        explanation,
        rule: null,
        classified: { defaultClass: 'A', cls: 'A', state: 'resolved', policyGated: false, dueAt: null, policy: explanation.policy as string },
        resolution: `auto-resolved (class A): ${DUPLICATE_RECORD}, delivered again by ${again} (batch ${b.batchId}); first delivered by ${first}`,
        journalActor: DUPLICATE_RECORD_JOURNAL_ACTOR,
        journalExtra: {
          batch_id: b.batchId,
          events: [eventId],
          imported_by: b.actor,
          file_name: b.fileName,
          line_start: lineStart,
          line_end: lineEnd,
          first_batch_id: orig.batch_id,
          first_file_name: firstFile,
          first_line_start: orig.raw_line_start,
          first_line_end: orig.raw_line_end,
        },
      },
      { actor: b.actor, now: b.at, runId: null },
      null,
    );
    this.count++;
  }
}
