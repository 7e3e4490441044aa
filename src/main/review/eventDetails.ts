// Events as the review screens show them (every canonical field and the raw source lines), stored explanations in the
// contract's shape, and journal entries with a one-line reading.
import iconv from 'iconv-lite';
import type { LedgerDb } from '../ledger/database.ts';
import { readArtifactChunks } from '../ledger/artifacts.ts';
import type { TextEncoding } from '../import/text/fileText.ts';
import { unpackExplanation, type ExplanationColumns } from '../matching/engine/explanationText.ts';
import type { HistoryEntry as JournalHistoryEntry } from '../matching/decisions.ts';
import type { EventDetail, EventLine, Explanation, HistoryEntry } from '../../shared/api/contract.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { EVENT_LINE_COLUMNS, idChunks, notFound, toEventLine, type EventLineRow } from './reviewSupport.ts';
import { type Explanation as StoredExplanation } from '../matching/rules/explanation.ts';

/** The raw excerpt of one event: at most this many lines … */
export const RAW_MAX_LINES = 20;
/** … and this many bytes (UTF-8) of text. */
export const RAW_MAX_BYTES = 8 * 1024;

export function eventLines(db: LedgerDb, eventIds: readonly string[]): Map<string, EventLine> {
  const stmt = db.prepare(`SELECT ${EVENT_LINE_COLUMNS} FROM events e WHERE e.event_id IN (SELECT value FROM json_each(?))`);
  const out = new Map<string, EventLine>();
  for (const chunk of idChunks([...new Set(eventIds)])) {
    for (const r of stmt.all(chunk) as EventLineRow[]) out.set(r.event_id, toEventLine(r));
  }
  return out;
}

interface EventRow extends EventLineRow {
  fee_minor: number | null;
  net_minor: number | null;
  order_ref: string | null;
  customer_ref: string | null;
  payout_ref: string | null;
  trace_id: string | null;
  state: string | null;
  channel: string | null;
  local_date: string | null;
  received_at: string;
  batch_id: string;
  mapping_version: string;
  attributes: string;
  raw_artifact_id: string;
  raw_line_start: number;
  raw_line_end: number;
  file_name: string;
  encoding: string;
  format: string;
}

/** Every canonical field of each event, with its raw source lines; in the order of `eventIds`. */
export function eventDetails(db: LedgerDb, eventIds: readonly string[]): EventDetail[] {
  const stmt = db.prepare(
    `SELECT e.*, b.file_name, b.encoding, b.format FROM events e JOIN import_batches b ON b.batch_id = e.batch_id
     WHERE e.event_id IN (SELECT value FROM json_each(?))`,
  );
  const rows = new Map<string, EventRow>();
  for (const chunk of idChunks([...new Set(eventIds)])) {
    for (const r of stmt.all(chunk) as EventRow[]) rows.set(r.event_id, r);
  }
  const ordered = eventIds.map((id) => {
    const r = rows.get(id);
    if (r === undefined) throw notFound('event', id);
    return r;
  });
  const raw = rawExcerpts(db, ordered);
  return ordered.map((r) => ({
    ...toEventLine(r),
    feeMinor: r.fee_minor,
    netMinor: r.net_minor,
    orderRef: r.order_ref,
    customerRef: r.customer_ref,
    payoutRef: r.payout_ref,
    traceId: r.trace_id,
    state: r.state,
    channel: r.channel,
    localDate: r.local_date,
    receivedAt: r.received_at,
    batchId: r.batch_id,
    mappingVersion: r.mapping_version,
    attributes: JSON.parse(r.attributes) as Record<string, unknown>,
    raw: raw.get(r.event_id) as EventDetail['raw'],
  }));
}

// --- raw lines ---------------------------------------------------------------------------------------------

/**
 * Reads each artifact once per call, streaming: one pass over its chunks collects every line some event asked
 * for and stops after the last one, so neither a large file nor many events of one file cost more than one read,
 * and no decoded file outlives the call.
 */
function rawExcerpts(db: LedgerDb, events: readonly EventRow[]): Map<string, EventDetail['raw']> {
  // The same bytes imported twice under different declared encodings are two readings of one artifact.
  const byReading = new Map<string, EventRow[]>();
  for (const e of events) {
    const key = `${e.raw_artifact_id}\u001f${e.encoding}\u001f${e.format}`;
    const list = byReading.get(key);
    if (list === undefined) byReading.set(key, [e]);
    else list.push(e);
  }
  const out = new Map<string, EventDetail['raw']>();
  for (const list of byReading.values()) {
    const first = list[0] as EventRow;
    const artifactId = first.raw_artifact_id;
    const wanted = list.map((e) => ({ start: e.raw_line_start, end: Math.min(e.raw_line_end, e.raw_line_start + RAW_MAX_LINES - 1) }));
    const lines = collectLines(decodedChunks(db, artifactId, first.encoding as TextEncoding), wanted, first.format !== 'camt');
    for (const [i, e] of list.entries()) {
      const w = wanted[i] as { start: number; end: number };
      const text: string[] = [];
      for (let n = w.start; n <= w.end; n++) {
        const l = lines.get(n);
        if (l !== undefined) text.push(l);
      }
      const capped = capBytes(text.join('\n'), RAW_MAX_BYTES);
      out.set(e.event_id, {
        fileName: e.file_name,
        artifactId,
        lineStart: e.raw_line_start,
        lineEnd: e.raw_line_end,
        text: capped.text,
        truncated: capped.cut || e.raw_line_end > w.end,
      });
    }
  }
  return out;
}

/** The artifact's text as the importer decoded it: the batch's encoding, a byte-order mark of that encoding dropped. */
function* decodedChunks(db: LedgerDb, artifactId: string, encoding: TextEncoding): Generator<string> {
  if (encoding === 'cp852') {
    const d = iconv.getDecoder('cp852');
    for (const bytes of readArtifactChunks(db, artifactId)) yield d.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    yield d.end() ?? '';
    return;
  }
  // WHATWG maps iso-8859-1 to windows-1252, as the importer's decoder does.
  const d = new TextDecoder(encoding);
  for (const bytes of readArtifactChunks(db, artifactId)) yield d.decode(bytes, { stream: true });
  yield d.decode();
}

/** Longest line kept, in characters: a line longer than the byte cap is cut anyway. */
const LINE_CAP = RAW_MAX_BYTES + 1;

/**
 * 1-based lines as the parsers number them: CSV and OFX readers end a line at CRLF, LF or CR; the XML reader
 * counts LF only (a CR before it is dropped here).
 */
function collectLines(chunks: Iterable<string>, wanted: ReadonlyArray<{ start: number; end: number }>, crEndsLine: boolean): Map<number, string> {
  const out = new Map<number, string>();
  const wantedLines = new Set<number>();
  for (const w of wanted) for (let n = w.start; n <= w.end; n++) wantedLines.add(n);
  if (wantedLines.size === 0) return out;
  const last = Math.max(...wantedLines);
  const isWanted = (n: number): boolean => wantedLines.has(n);
  const breaks = crEndsLine ? /\r\n?|\n/g : /\n/g;
  const keep = (s: string): string => (crEndsLine ? s : s.replace(/\r$/, ''));
  let line = 1;
  let current = '';
  let afterCr = false;
  for (const text of chunks) {
    let pos = afterCr && text.startsWith('\n') ? 1 : 0;
    afterCr = false;
    breaks.lastIndex = pos;
    for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
      if (isWanted(line)) out.set(line, keep((current + text.slice(pos, m.index)).slice(0, LINE_CAP)));
      current = '';
      line++;
      pos = m.index + m[0].length;
      if (line > last) return out;
      if (m[0] === '\r' && pos === text.length) afterCr = true;
    }
    if (isWanted(line) && current.length < LINE_CAP) current = (current + text.slice(pos)).slice(0, LINE_CAP);
  }
  if (isWanted(line) && current !== '') out.set(line, keep(current));
  return out;
}

/** The longest prefix of `text` whose UTF-8 form fits `maxBytes`, cut between characters. */
function capBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, cut: false };
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return { text: text.slice(0, end), cut: true };
}

// --- explanations ------------------------------------------------------------------------------------------

const NO_COLUMNS: ExplanationColumns = { rule_id: null, rule_set_id: null, rule_version: null };

/** What decisions.ts stores as a person's match note instead of an engine explanation. */
interface ManualNote {
  by?: unknown;
  reason?: unknown;
  events?: { left?: unknown; right?: unknown };
}

/**
 * The stored explanation of a match or exception in the contract's shape: the packed form is expanded with the
 * row's rule columns, runner-ups become event lines. A person's manual match stores a note (who, why), read as an
 * explanation whose summary says so.
 */
export function toExplanation(db: LedgerDb, stored: string | StoredExplanation, columns: ExplanationColumns = NO_COLUMNS): Explanation {
  const read =
    typeof stored === 'string'
      ? unpackExplanation(stored, { rule_id: columns.rule_id, rule_set_id: columns.rule_set_id, rule_version: columns.rule_version })
      : stored;
  const e = read as Partial<StoredExplanation> & ManualNote;
  if (typeof e.summary !== 'string') return manualExplanation(e, columns);
  const runners = e.runners_up ?? [];
  const lines = eventLines(
    db,
    runners.map((r) => r.event_id),
  );
  return {
    ruleId: e.rule_id ?? columns.rule_id,
    ruleSetId: e.rule_set_id ?? columns.rule_set_id,
    ruleVersion: e.rule_version ?? columns.rule_version,
    strategy: e.strategy ?? null,
    link: e.link ?? null,
    summary: e.summary,
    keys: (e.keys ?? []).map((k) => ({
      leftField: k.left_field,
      rightField: k.right_field,
      leftValue: k.left_value ?? '',
      rightValue: k.right_value ?? '',
      compare: k.compare,
      value: k.value,
      agreed: k.agreed,
    })),
    amountDeltaMinor: e.amount_delta_minor ?? null,
    timeDeltaHours: e.time_delta_hours ?? null,
    score: e.score ?? null,
    runnersUp: runners.flatMap((r) => {
      const event = lines.get(r.event_id);
      return event === undefined ? [] : [{ event, score: r.score, reason: r.reason }];
    }),
    policy: e.policy ?? null,
  };
}

/** Just the summary of a stored (or already read) explanation, for grid rows. */
export function explanationSummary(stored: string | StoredExplanation): string {
  const e = (typeof stored === 'string' ? unpackExplanation(stored, NO_COLUMNS) : stored) as Partial<StoredExplanation> & ManualNote;
  return typeof e.summary === 'string' ? e.summary : manualExplanation(e, NO_COLUMNS).summary;
}

function manualExplanation(note: ManualNote, columns: ExplanationColumns): Explanation {
  const by = typeof note.by === 'string' ? note.by : 'a person';
  const reason = typeof note.reason === 'string' ? note.reason : '';
  return {
    ruleId: columns.rule_id,
    ruleSetId: columns.rule_set_id,
    ruleVersion: columns.rule_version,
    strategy: null,
    link: null,
    summary: reason === '' ? `matched by hand by ${by}` : `matched by hand by ${by}: ${reason}`,
    keys: [],
    amountDeltaMinor: null,
    timeDeltaHours: null,
    score: null,
    runnersUp: [],
    policy: null,
  };
}

// --- history -----------------------------------------------------------------------------------------------

function text(payload: Record<string, unknown>, key: string): string | null {
  const v = payload[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function count(payload: Record<string, unknown>, key: string): number {
  const v = payload[key];
  return Array.isArray(v) ? v.length : 0;
}

function withReason(head: string, reason: string | null): string {
  return reason === null || reason === '' ? head : `${head}: ${reason}`;
}

function amountText(payload: Record<string, unknown>, key: string): string | null {
  const minor = payload[key];
  const currency = text(payload, 'currency');
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) return null;
  if (currency === null) return String(minor);
  try {
    return formatAmount(minor, currency, { code: 'suffix' });
  } catch {
    return `${minor} ${currency}`;
  }
}

type Summarizer = (e: JournalHistoryEntry) => string;

const SUMMARIES: Record<string, Summarizer> = {
  'exception.opened': (e) => withReason('opened', e.reason),
  'exception.auto_resolved': (e) => {
    const code = text(e.payload, 'code');
    return code === null ? withReason('auto-resolved', e.reason) : `auto-resolved (class A): ${code}`;
  },
  'exception.reclassified': (e) => {
    const p = e.payload;
    const from = amountText(p, 'from_amount_minor');
    const to = amountText(p, 'to_amount_minor');
    const amount = from !== null && to !== null && from !== to ? `, at stake ${from} → ${to}` : '';
    return `reclassified: class ${text(p, 'from_class') ?? '?'} → ${text(p, 'to_class') ?? '?'}, ${text(p, 'from_state') ?? '?'} → ${text(p, 'to_state') ?? '?'}${amount}`;
  },
  'exception.escalated': (e) =>
    withReason(`escalated to class ${text(e.payload, 'to_class') ?? 'C'} (${text(e.payload, 'to_state') ?? 'open'})`, e.reason),
  'exception.resolved_by_new_data': (e) => withReason('resolved by new data', text(e.payload, 'why')),
  'exception.ended': (e) => withReason('ended', e.reason),
  'exception.resolved': (e) => withReason('resolved', e.reason),
  'exception.commented': (e) => `comment: ${text(e.payload, 'text') ?? ''}`,
  'exception.reopened': (e) => withReason('reopened', e.reason),
  'exception.assigned': (e) => {
    const previous = text(e.payload, 'previous_owner');
    return `assigned to ${text(e.payload, 'owner') ?? '?'}${previous === null ? '' : ` (was ${previous})`}`;
  },
  'match.manual': (e) => {
    const resolved = count(e.payload, 'resolved_exceptions');
    const superseded = count(e.payload, 'superseded_matches');
    const effects = [
      superseded > 0 ? `superseded ${superseded} engine match${superseded === 1 ? '' : 'es'}` : '',
      resolved > 0 ? `resolved ${resolved} exception${resolved === 1 ? '' : 's'}` : '',
    ].filter((s) => s !== '');
    const head =
      `matched by hand in ${text(e.payload, 'link') ?? '?'} (${count(e.payload, 'left')} ↔ ${count(e.payload, 'right')} events` +
      `${effects.length > 0 ? `; ${effects.join(', ')}` : ''})`;
    return withReason(head, e.reason);
  },
  'match.broken': (e) => withReason('unmatched', e.reason),
};

/** Journal entries in the contract's shape, each with a one-line reading; an unknown type reads as type and reason. */
export function historyEntries(entries: readonly JournalHistoryEntry[]): HistoryEntry[] {
  return entries.map((e) => ({
    seq: e.seq,
    type: e.type,
    actor: e.actor,
    reason: e.reason,
    at: e.at,
    summary: (SUMMARIES[e.type] ?? ((x: JournalHistoryEntry) => withReason(x.type, x.reason)))(e),
    payload: e.payload,
  }));
}

/**
 * The engine journals a run, not each match it makes: a match (or an exception stored before the exceptions store
 * journaled each opening) starts its history with the `reconcile.run` entry of the run that created it, read as
 * "opened by …", so no history begins in silence.
 */
export function withCreatingRun(db: LedgerDb, runId: string | null, history: HistoryEntry[], what: 'opened' | 'made'): HistoryEntry[] {
  if (runId === null) return history;
  const run = db
    .prepare(`SELECT seq, actor, reason, created_at, payload FROM journal WHERE subject_id = ? AND entry_type = 'reconcile.run'`)
    .get(runId) as { seq: number; actor: string; reason: string | null; created_at: string; payload: string } | undefined;
  // Rows the exceptions store opens carry their own `exception.opened` / `exception.auto_resolved` entry.
  if (run === undefined || history.some((h) => h.seq === run.seq || h.type === 'exception.opened' || h.type === 'exception.auto_resolved'))
    return history;
  const payload = JSON.parse(run.payload) as Record<string, unknown>;
  const mode = typeof payload['mode'] === 'string' ? `${payload['mode']} ` : '';
  const rules = typeof payload['rule_set_id'] === 'string' ? ` (rule set ${payload['rule_set_id']} v${String(payload['rule_version'])})` : '';
  const entry: HistoryEntry = {
    seq: run.seq,
    type: 'reconcile.run',
    actor: run.actor,
    reason: run.reason,
    at: run.created_at,
    summary: `${what} by the ${mode}reconcile run ${runId}${rules}`,
    payload,
  };
  return [entry, ...history].sort((a, b) => a.seq - b.seq);
}
