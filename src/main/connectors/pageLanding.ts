// One API page into the ledger with the import pipeline's guarantees: its bytes stored as an artifact, its events, the
// batch, its coverage (the source's watermark) and the step's cursor after it, in one transaction journaled with its
// counts and digest. A page that lands is never asked for again; one that does not left nothing behind.
import { createHash, randomUUID } from 'node:crypto';
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { ARTIFACT_CHUNK_BYTES, ArtifactChunks, beginArtifact, compressChunk } from '../ledger/artifacts.ts';
import { EventWriter, eventContentLine, STORED_EVENT_COLUMNS } from '../ledger/eventStore.ts';
import { checkDraft, toStored, BATCH_ID_AT, SOURCE_AT } from '../import/eventDrafts.ts';
import { BatchCoverage } from '../import/batchCoverage.ts';
import { supersedeEarlierRevisions } from '../import/revisions.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { mappingVersionOf, type PageContext, type PageFormat, type PageLookup } from './pages/pageFormat.ts';

/** What a connector hands over for one page. */
export interface PageToLand {
  /** The connector (sync_pages.source): `shopify:store`. */
  connectorSource: string;
  step: string;
  /** The source its events belong to: the connector's, or one it feeds (`shopify-payments:store`). */
  eventSource: string;
  format: PageFormat;
  bytes: Uint8Array;
  /** How the batch is named: the request, without host or secrets (`GET /v1/payouts?created[gte]=…`). */
  fileName: string;
  /** The request as data (method, path, query), for the journal and a replay's reader. */
  request: Record<string, unknown>;
  context: PageContext;
  /** The step's cursor after this page. */
  cursor: unknown;
  /** This page ends a unit of the step (a pass over a window, a payout's items): its cursor starts the next one. */
  passComplete: boolean;
  /** Set on the page that completes a pass over a time window: its end (the source's watermark reaches it). */
  coversTo: string | null;
  actor: string;
  fetchedAt: string;
}

export interface LandedPage {
  batchId: string;
  rowsRead: number;
  eventsCreated: number;
  duplicatesSkipped: number;
  rowsRejected: number;
}

const KIND_AT = STORED_EVENT_COLUMNS.indexOf('kind');
const OCCURRED_AT = STORED_EVENT_COLUMNS.indexOf('occurred_at');

/** The ledger as a page mapping may ask it (PageLookup). */
export function ledgerLookup(db: LedgerDb): PageLookup {
  const revision = db
    .prepare("SELECT source_revision FROM events WHERE source = ? AND external_id = ? AND source_revision <> '' ORDER BY seq DESC LIMIT 1")
    .pluck();
  return { knownRevision: (source, externalId) => (revision.get(source, externalId) as string | undefined) ?? null };
}

/** Stores a page's bytes unless the ledger holds them already; returns the artifact id (sha256). */
export function storePageBytes(db: LedgerDb, bytes: Uint8Array, fileName: string): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const artifact = beginArtifact(db, sha256, fileName, bytes.length);
  if (!artifact.alreadyStored) {
    const chunks = new ArtifactChunks(db, sha256);
    for (let at = 0; at < bytes.length; at += ARTIFACT_CHUNK_BYTES) chunks.add(compressChunk(bytes.subarray(at, at + ARTIFACT_CHUNK_BYTES)));
  }
  return sha256;
}

/**
 * Lands one page in one transaction. Records the mapping rejects are journaled (import.row_rejected) and counted,
 * as an import with --skip-invalid does: the provider cannot be asked for a corrected page, and the rest of it stands.
 * A record the ledger holds already (an overlap, the same record from another endpoint) is a no-op, never a
 * DUPLICATE_RECORD: a sync reads overlapping windows on purpose.
 */
export function landPage(db: LedgerDb, settings: WorkspaceSettings, page: PageToLand): LandedPage {
  return db.transaction(() => landInTransaction(db, settings, page))();
}

function landInTransaction(db: LedgerDb, settings: WorkspaceSettings, page: PageToLand): LandedPage {
  const journal = new JournalWriter(db);
  const writer = new EventWriter(db);
  const batchId = `ib_${randomUUID().replace(/-/g, '')}`;
  const mappingVersion = mappingVersionOf(page.format);
  const artifactId = storePageBytes(db, page.bytes, page.fileName);
  const counts = { rows_read: 0, events_created: 0, duplicates_skipped: 0, rows_rejected: 0 };
  const coverage = new BatchCoverage(settings.time_zone);
  coverage.formatKinds(page.format.kinds);
  const batch = { source: page.eventSource, batchId, receivedAt: page.fetchedAt, artifactId, mappingVersion };
  const text = new TextDecoder('utf-8').decode(page.bytes);
  for (const record of page.format.map(text, page.context, page.eventSource, ledgerLookup(db))) {
    counts.rows_read++;
    if (!record.ok) {
      reject(journal, page, batchId, record.position.line, record.position.column, record.message, record.raw);
      counts.rows_rejected++;
      continue;
    }
    const problem = record.events.map(checkDraft).find((p) => p !== null);
    if (problem !== undefined && problem !== null) {
      reject(journal, page, batchId, record.lineStart, 1, problem, '');
      counts.rows_rejected++;
      continue;
    }
    for (const draft of record.events) {
      const { values } = toStored(draft, batch, record.lineStart, record.lineEnd);
      values[BATCH_ID_AT] = batchId;
      values[SOURCE_AT] = page.eventSource;
      if (!writer.writeValues(values)) {
        counts.duplicates_skipped++;
        continue;
      }
      counts.events_created++;
      // A pass read newest first advances the watermark only once it is complete (see recordCoverage).
      if (page.coversTo !== null)
        coverage.event({ event_id: values[0] as string, kind: values[KIND_AT] as string, occurred_at: values[OCCURRED_AT] as string });
    }
  }
  db.prepare(
    `INSERT INTO import_batches (batch_id, source, format, mapping_version, file_name, artifact_id, encoding, started_at, finished_at,
       rows_read, events_created, duplicates_skipped, rows_rejected, actor)
     VALUES (@batch_id, @source, @format, @mapping_version, @file_name, @artifact_id, 'utf-8', @started_at, @finished_at,
       @rows_read, @events_created, @duplicates_skipped, @rows_rejected, @actor)`,
  ).run({
    batch_id: batchId,
    source: page.eventSource,
    format: page.format.format,
    mapping_version: mappingVersion,
    file_name: page.fileName,
    artifact_id: artifactId,
    started_at: page.fetchedAt,
    finished_at: new Date().toISOString(),
    actor: page.actor,
    ...counts,
  });
  recordCoverage(db, coverage, page, batchId);
  if (counts.events_created > 0) supersedeEarlierRevisions(db, batchId);
  db.prepare(
    'INSERT INTO sync_pages (batch_id, source, step, request, context, cursor, pass_complete, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    batchId,
    page.connectorSource,
    page.step,
    JSON.stringify(page.request),
    JSON.stringify(page.context),
    JSON.stringify(page.cursor),
    page.passComplete ? 1 : 0,
    page.fetchedAt,
  );
  journal.append({
    type: 'import.batch',
    actor: page.actor,
    subjectId: batchId,
    payload: {
      batch_id: batchId,
      source: page.eventSource,
      file_name: page.fileName,
      sha256: artifactId,
      byte_length: page.bytes.length,
      format: page.format.format,
      mapping_version: mappingVersion,
      encoding: 'utf-8',
      ...counts,
      duplicate_records: 0,
      statements: [],
      sync: { connector: page.connectorSource, step: page.step, request: page.request, context: page.context, pass_complete: page.passComplete },
      events_digest: storedEventsDigest(db, batchId),
    },
  });
  return {
    batchId,
    rowsRead: counts.rows_read,
    eventsCreated: counts.events_created,
    duplicatesSkipped: counts.duplicates_skipped,
    rowsRejected: counts.rows_rejected,
  };
}

/**
 * The batch's coverage row. A window is read newest first (Stripe lists so), so a page in the middle of a pass has
 * delivered the window's latest records but not its earliest: only the kinds count then. The page that completes the
 * pass carries the watermark: everything up to the window's end (`coversTo`) has been read.
 */
function recordCoverage(db: LedgerDb, coverage: BatchCoverage, page: PageToLand, batchId: string): void {
  if (page.coversTo !== null) coverage.coversThrough(page.coversTo);
  coverage.write(db, batchId, page.eventSource);
}

function reject(journal: JournalWriter, page: PageToLand, batchId: string, line: number, column: number, message: string, raw: string): void {
  journal.append({
    type: 'import.row_rejected',
    actor: page.actor,
    subjectId: batchId,
    reason: message,
    payload: { batch_id: batchId, file_name: page.fileName, line, column, message, raw: raw.slice(0, 4000) },
  });
}

function storedEventsDigest(db: LedgerDb, batchId: string): string {
  const hash = createHash('sha256');
  for (const row of db.prepare('SELECT * FROM events WHERE batch_id = ? ORDER BY seq').iterate(batchId) as Iterable<object>)
    hash.update(eventContentLine(row));
  return hash.digest('hex');
}
