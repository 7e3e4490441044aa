// Replaying a corrected mapping (DESIGN §3): a source's stored artifacts (files and API pages) re-read under the mapping
// in force now (a fixed parser version, an edited CSV mapping), each record compared with the latest revision the
// ledger holds, and, unless it is a dry run, what changed recorded as new revisions: the earlier ones superseded (never
// edited), the journal linking both versions, a reconcile run after.
//
// A replayed record's event id: its content changed but its source revision did not, so the usual id (source,
// external id, kind, revision) is the earlier version's. The replay's id hashes the revision with the mapping version
// that produced it (`REVISION@MAPPING`, docs/decisions/0006-replaying-a-mapping.md): replaying the same artifacts
// under the same mapping again gives the same ids (a no-op), and the stored source_revision stays the source's own.
// A record the new mapping reads for the first time (a row the old one rejected) gets the usual id.
import { randomUUID, createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { EventWriter, STORED_EVENT_COLUMNS, eventContentLine, eventIdFor, type StoredEventValues } from '../ledger/eventStore.ts';
import { readArtifactChunks } from '../ledger/artifacts.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { inspectFile, type TextEncoding } from './text/fileText.ts';
import { GENERIC_CSV_FORMAT, parserForFormat } from './formatRegistry.ts';
import { parsePass } from './parsePass.ts';
import { checkDraft, toStored, BATCH_ID_AT, SOURCE_AT } from './eventDrafts.ts';
import { BatchCoverage } from './batchCoverage.ts';
import { supersedeEarlierRevisions } from './revisions.ts';
import { sourceMappingPath } from './sourceMappings.ts';
import { sourceTimeZone } from './importFiles.ts';
import { ledgerLookup } from '../connectors/pageLanding.ts';
import { pageFormatNamed } from '../connectors/providers.ts';
import { mappingVersionOf, type PageContext } from '../connectors/pages/pageFormat.ts';
import { reconcile, type RunReport } from '../matching/engine/engine.ts';

export class ReplayError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** The event columns a replay compares: everything a record's mapping decides. */
const COMPARED = [
  'kind',
  'source_revision',
  'order_ref',
  'customer_ref',
  'payout_ref',
  'trace_id',
  'amount_minor',
  'currency',
  'fee_minor',
  'net_minor',
  'state',
  'channel',
  'occurred_at',
  'local_date',
  'attributes',
] as const;

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface ReplayedEvent {
  change: 'changed' | 'new' | 'gone';
  kind: string;
  externalId: string;
  /** The latest revision before the replay (null for a new record). */
  before: string | null;
  /** The event the replay records (null for a gone one, and in a dry run). */
  after: string | null;
  fields: FieldChange[];
}

export interface ReplayedBatch {
  batchId: string;
  fileName: string;
  fromMapping: string;
  toMapping: string;
  /** The batch the replay wrote (null in a dry run, or when nothing changed). */
  replayBatchId: string | null;
  unchanged: number;
  events: ReplayedEvent[];
}

export interface ReplayReport {
  source: string;
  dryRun: boolean;
  batches: ReplayedBatch[];
  /** Batches already under the mapping in force (nothing to replay). */
  current: number;
  /** Batches that cannot be re-read here, with why (an XLSX workbook's sheet). */
  skipped: Array<{ batchId: string; fileName: string; why: string }>;
  changed: number;
  added: number;
  gone: number;
  unchanged: number;
  reconcile: RunReport | null;
}

interface BatchRow {
  batch_id: string;
  format: string;
  mapping_version: string;
  file_name: string;
  artifact_id: string;
  encoding: string;
}

type Values = StoredEventValues;
const col = (name: (typeof STORED_EVENT_COLUMNS)[number]): number => STORED_EVENT_COLUMNS.indexOf(name);

/** What a batch's artifact maps to now, as stored values with the usual ids. */
interface Remapped {
  toMapping: string;
  values: Values[];
}

export interface ReplayRequest {
  source: string;
  /** An edited generic-CSV mapping; without it, a generic CSV batch is read with the source's saved mapping. */
  mappingPath?: string;
  dryRun: boolean;
  actor: string;
}

export function replayMapping(ws: Workspace, request: ReplayRequest): ReplayReport {
  const batches = ws.db
    .prepare('SELECT batch_id, format, mapping_version, file_name, artifact_id, encoding FROM import_batches WHERE source = ? ORDER BY rowid')
    .all(request.source) as BatchRow[];
  if (batches.length === 0) throw new ReplayError(`${request.source} has no import batches in ${ws.dir}`);
  const report: ReplayReport = {
    source: request.source,
    dryRun: request.dryRun,
    batches: [],
    current: 0,
    skipped: [],
    changed: 0,
    added: 0,
    gone: 0,
    unchanged: 0,
    reconcile: null,
  };
  const tempDir = mkdtempSync(join(tmpdir(), 'tieout-replay-'));
  try {
    // One transaction: a replay lands whole or not at all, as an import does.
    ws.db.transaction(() => {
      for (const batch of batches) {
        const remapped = remap(ws, request, batch, tempDir, report);
        if (remapped === null) continue;
        if (remapped.toMapping === batch.mapping_version) {
          report.current++;
          continue;
        }
        report.batches.push(replayBatch(ws, request, batch, remapped));
      }
    })();
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
  for (const b of report.batches) {
    for (const e of b.events) report[e.change === 'changed' ? 'changed' : e.change === 'new' ? 'added' : 'gone']++;
    report.unchanged += b.unchanged;
  }
  if (!request.dryRun && report.changed + report.added > 0)
    report.reconcile = reconcile(ws.db, ws.settings, { mode: 'incremental', actor: 'system:engine' });
  return report;
}

/** The batch's artifact read under the mapping in force; null (recorded as skipped) when it cannot be re-read here. */
function remap(ws: Workspace, request: ReplayRequest, batch: BatchRow, tempDir: string, report: ReplayReport): Remapped | null {
  const page = pageFormatNamed(batch.format);
  const constants = { source: request.source, batchId: batch.batch_id, receivedAt: '', artifactId: batch.artifact_id, mappingVersion: '' };
  if (page !== undefined) {
    const sync = ws.db.prepare('SELECT context FROM sync_pages WHERE batch_id = ?').pluck().get(batch.batch_id) as string | undefined;
    const context = JSON.parse(sync ?? '{}') as PageContext;
    const text = new TextDecoder('utf-8').decode(Buffer.concat([...readArtifactChunks(ws.db, batch.artifact_id)]));
    const values: Values[] = [];
    for (const record of page.map(text, context, request.source, ledgerLookup(ws.db))) {
      if (!record.ok || record.events.some((d) => checkDraft(d) !== null)) continue;
      for (const d of record.events) values.push(toStored(d, constants, record.lineStart, record.lineEnd).values);
    }
    return { toMapping: mappingVersionOf(page), values };
  }
  const mappingPath = batch.format === GENERIC_CSV_FORMAT ? genericMapping(ws, request) : undefined;
  let parser;
  try {
    parser = parserForFormat(batch.format, mappingPath);
  } catch (err) {
    report.skipped.push({ batchId: batch.batch_id, fileName: batch.file_name, why: (err as Error).message });
    return null;
  }
  if (parser.input === 'xlsx') {
    report.skipped.push({ batchId: batch.batch_id, fileName: batch.file_name, why: 'a workbook batch is re-read by importing the workbook again' });
    return null;
  }
  const toMapping = parser.mappingVersion ?? `${parser.format}@${parser.version}`;
  if (toMapping === batch.mapping_version) return { toMapping, values: [] };
  const path = join(tempDir, batch.batch_id);
  writeFileSync(path, Buffer.concat([...readArtifactChunks(ws.db, batch.artifact_id)]));
  const facts = inspectFile(path, batch.encoding as TextEncoding);
  const values: Values[] = [];
  const spec = {
    path,
    fileName: batch.file_name,
    encoding: facts.encoding,
    bomLength: facts.bomLength,
    format: parser.format,
    mappingPath,
    mappingVersion: toMapping,
    timeZone: sourceTimeZone(ws.settings, request.source),
    locale: ws.settings.locale,
    currency: ws.settings.reporting_currency,
    batch: { ...constants, mappingVersion: toMapping },
    storeBytes: false,
  };
  for (const item of parsePass(spec, parser)) if (item.t === 'events') values.push(...item.events);
  return { toMapping, values };
}

function genericMapping(ws: Workspace, request: ReplayRequest): string {
  if (request.mappingPath !== undefined) return request.mappingPath;
  const saved = sourceMappingPath(ws.dir, request.source);
  if (existsSync(saved)) return saved;
  throw new ReplayError(`${request.source} was imported as generic CSV: give the corrected mapping with --mapping MAP.json`);
}

/** Compares a batch's re-read records with the ledger and (unless a dry run) records what changed. */
function replayBatch(ws: Workspace, request: ReplayRequest, batch: BatchRow, remapped: Remapped): ReplayedBatch {
  const latest = ws.db.prepare(
    `SELECT * FROM events WHERE source = ? AND kind = ? AND external_id = ? AND seq NOT IN (SELECT event_seq FROM superseded_events) ORDER BY seq DESC LIMIT 1`,
  );
  const result: ReplayedBatch = {
    batchId: batch.batch_id,
    fileName: batch.file_name,
    fromMapping: batch.mapping_version,
    toMapping: remapped.toMapping,
    replayBatchId: null,
    unchanged: 0,
    events: [],
  };
  const planned: Array<{ values: Values; event: ReplayedEvent }> = [];
  const seen = new Set<string>();
  for (const v of remapped.values) {
    const kind = v[col('kind')] as string;
    const external = v[col('external_id')] as string;
    seen.add(`${kind}\u001f${external}`);
    const before = latest.get(request.source, kind, external) as Record<string, unknown> | undefined;
    if (before === undefined) {
      planned.push({ values: v, event: { change: 'new', kind, externalId: external, before: null, after: null, fields: [] } });
      continue;
    }
    const fields = COMPARED.filter((c) => (before[c] ?? null) !== (v[col(c)] ?? null)).map((c) => ({
      field: c,
      before: before[c] ?? null,
      after: v[col(c)] ?? null,
    }));
    if (fields.length === 0) {
      result.unchanged++;
      continue;
    }
    const replayed = [...v];
    replayed[0] = eventIdFor(request.source, external, kind, `${String(v[col('source_revision')])}@${remapped.toMapping}`);
    planned.push({
      values: replayed,
      event: { change: 'changed', kind, externalId: external, before: before.event_id as string, after: null, fields },
    });
  }
  // Records of this batch the mapping no longer makes: reported, left as they are (nothing to supersede them with).
  for (const e of ws.db.prepare('SELECT event_id, kind, external_id FROM events WHERE batch_id = ?').all(batch.batch_id) as Array<{
    event_id: string;
    kind: string;
    external_id: string;
  }>) {
    if (!seen.has(`${e.kind}\u001f${e.external_id}`))
      result.events.push({ change: 'gone', kind: e.kind, externalId: e.external_id, before: e.event_id, after: null, fields: [] });
  }
  result.events.unshift(...planned.map((p) => p.event));
  if (!request.dryRun && planned.length > 0) result.replayBatchId = writeReplay(ws, request, batch, remapped.toMapping, planned);
  return result;
}

/** The replay batch: its events, coverage, superseded revisions and journal entries, in the replay's transaction. */
function writeReplay(
  ws: Workspace,
  request: ReplayRequest,
  batch: BatchRow,
  toMapping: string,
  planned: Array<{ values: Values; event: ReplayedEvent }>,
): string {
  const db = ws.db;
  const batchId = `ib_${randomUUID().replace(/-/g, '')}`;
  const at = new Date().toISOString();
  const writer = new EventWriter(db);
  const coverage = new BatchCoverage(ws.settings.time_zone);
  let created = 0;
  for (const p of planned) {
    const v = [...p.values];
    v[BATCH_ID_AT] = batchId;
    v[SOURCE_AT] = request.source;
    if (!writer.writeValues(v)) continue;
    created++;
    p.event.after = v[0] as string;
    coverage.event({ event_id: v[0] as string, kind: v[col('kind')] as string, occurred_at: v[col('occurred_at')] as string });
  }
  db.prepare(
    `INSERT INTO import_batches (batch_id, source, format, mapping_version, file_name, artifact_id, encoding, started_at, finished_at,
       rows_read, events_created, duplicates_skipped, rows_rejected, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
  ).run(
    batchId,
    request.source,
    batch.format,
    toMapping,
    batch.file_name,
    batch.artifact_id,
    batch.encoding,
    at,
    at,
    planned.length,
    created,
    planned.length - created,
    request.actor,
  );
  coverage.write(db, batchId, request.source);
  supersedeEarlierRevisions(db, batchId);
  const hash = createHash('sha256');
  for (const row of db.prepare('SELECT * FROM events WHERE batch_id = ? ORDER BY seq').iterate(batchId) as Iterable<object>)
    hash.update(eventContentLine(row));
  const journal = new JournalWriter(db);
  journal.append({
    type: 'import.batch',
    actor: request.actor,
    subjectId: batchId,
    createdAt: at,
    payload: {
      batch_id: batchId,
      source: request.source,
      file_name: batch.file_name,
      sha256: batch.artifact_id,
      format: batch.format,
      mapping_version: toMapping,
      encoding: batch.encoding,
      rows_read: planned.length,
      events_created: created,
      duplicates_skipped: planned.length - created,
      rows_rejected: 0,
      duplicate_records: 0,
      statements: [],
      replay_of: batch.batch_id,
      events_digest: hash.digest('hex'),
    },
  });
  journal.append({
    type: 'import.replayed',
    actor: request.actor,
    subjectId: batchId,
    reason: `${batch.file_name} re-read under ${toMapping} (was ${batch.mapping_version})`,
    createdAt: at,
    payload: {
      batch_id: batch.batch_id,
      replay_batch_id: batchId,
      from_mapping: batch.mapping_version,
      to_mapping: toMapping,
      revisions: planned
        .filter((p) => p.event.change === 'changed')
        .map((p) => ({ before: p.event.before, after: p.event.after, fields: p.event.fields.map((f) => f.field) })),
      new_events: planned.filter((p) => p.event.change === 'new').map((p) => p.event.after),
    },
  });
  return batchId;
}
