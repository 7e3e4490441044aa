// Month-end close (DESIGN §10, §11, §13): a month's close status (checklist, rollforward, sign-offs), closing it with a
// sign-off (its audit pack made and stored in the ledger, the period.closed journal entry naming the pack's sha256),
// reopening it with a reason, and the audit pack of any month (a closed month's stored bytes, or a draft of an open one).
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { readArtifactChunks, storeFileArtifact } from '../ledger/artifacts.ts';
import { sha256Hex } from '../ledger/canonicalJson.ts';
import { UserError } from '../../shared/errors/userError.ts';
import type { ChecklistItem, Rollforward, SignOff } from '../../shared/close/closeReport.ts';
import { policyGateMinor } from '../matching/rules/classification.ts';
import { closePeriod, parseMonth, shiftMonth, type ClosePeriod } from './closePeriod.ts';
import { closeChecklist, type OpenException } from './checklist.ts';
import { ledgerStatements } from './statements.ts';
import { processorRollforward } from './processorRollforward.ts';
import { bankRollforward } from './bankRollforward.ts';
import { closeOf, periodStates, periodSubject, type ClosePayload, type ClosingBalance, type PeriodState } from './periodStates.ts';
import { countAdjustments } from './adjustments.ts';
import { runPackBuild } from './pack/packRunner.ts';
import { ensureExceptionBusinessTimes } from '../review/businessTime.ts';
import type { PackProgress, PackResult, PackSpec } from './pack/packSpec.ts';

export class CloseError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export interface CloseStatus {
  month: string;
  timeZone: string;
  fromDate: string;
  toDate: string;
  state: 'open' | 'closed';
  checklist: ChecklistItem[];
  rollforward: Rollforward;
  signOffs: SignOff[];
  adjustments: { recordedHere: number; affectingThisMonth: number };
  /** Open class C exceptions of the month: closing refuses them unless they are carried forward explicitly. */
  blocking: number;
  pack: { sha256: string; bytes: number; fileName: string } | null;
}

interface Computed {
  checklist: ChecklistItem[];
  rollforward: Rollforward;
  classC: OpenException[];
}

function compute(db: LedgerDb, p: ClosePeriod, states: Map<string, PeriodState>, notes: Record<string, string>): Computed {
  const statements = ledgerStatements(db);
  const { items, classC } = closeChecklist(db, p, statements, notes);
  const previous = closeOf(states, shiftMonth(p.month, -1));
  const proc = processorRollforward(db, p, { previousClose: previous, statements });
  const banks = bankRollforward(db, p, previous, statements);
  return { checklist: items, rollforward: { processors: proc.rows, banks, inTransit: proc.inTransit, straddling: proc.straddling }, classC };
}

export function signOffsOf(state: PeriodState | undefined): SignOff[] {
  return (state?.history ?? []).map((e) => {
    const payload = e.payload as Partial<ClosePayload> & { by?: string };
    return {
      action: e.type === 'period.closed' ? ('closed' as const) : ('reopened' as const),
      by: payload.by ?? e.actor.replace(/^user:/, ''),
      reason: e.reason ?? '',
      at: e.type === 'period.closed' ? (payload.closed_at ?? e.createdAt) : e.createdAt,
      journalSeq: e.seq,
      packSha256: payload.pack?.sha256 ?? null,
      acceptedOpen: payload.accepted_open?.count ?? 0,
    };
  });
}

/** The month's close status: live for an open month, as signed for a closed one. */
export function closeStatus(ws: Workspace, month: string, notes: Record<string, string> = {}): CloseStatus {
  const db = ws.db;
  return db.transaction(() => {
    ensureExceptionBusinessTimes(db);
    const p = closePeriod(parseMonth(month), ws.settings.time_zone);
    const states = periodStates(db);
    const close = closeOf(states, p.month);
    const adj = countAdjustments(db, p.month);
    const base = {
      month: p.month,
      timeZone: p.timeZone,
      fromDate: p.fromDate,
      toDate: p.toDate,
      signOffs: signOffsOf(states.get(p.month)),
      adjustments: { recordedHere: adj.recordedIn, affectingThisMonth: adj.affecting },
    };
    if (close !== null) {
      const report = close.payload.report;
      const pack = close.payload.pack;
      return {
        ...base,
        timeZone: close.payload.time_zone,
        state: 'closed' as const,
        checklist: report.checklist,
        rollforward: report.rollforward,
        blocking: 0,
        pack: { sha256: pack.sha256, bytes: pack.bytes, fileName: pack.file_name },
      };
    }
    const c = compute(db, p, states, notes);
    return { ...base, state: 'open' as const, checklist: c.checklist, rollforward: c.rollforward, blocking: c.classC.length, pack: null };
  })();
}

export interface CloseRequest {
  month: string;
  by: string;
  reason: string;
  /** Carry the month's open class C exceptions forward (listed in the pack) instead of refusing. */
  acceptOpen: boolean;
  /** Why a source has not delivered past the month's end, by source id. */
  sourceNotes?: Record<string, string>;
  onProgress?: (p: PackProgress) => void;
}

export interface CloseResult {
  month: string;
  journalSeq: number;
  pack: { sha256: string; bytes: number; fileName: string };
  acceptedOpen: number;
  rows: Record<string, number>;
}

function ledgerPath(ws: Workspace): string {
  const name = ws.db.name;
  if (name === ':memory:' || name === '') throw new CloseError('closing a month needs a workspace ledger on disk');
  return name;
}

function required(value: string, what: string): string {
  if (value.trim() === '') throw new CloseError(`${what} is required`);
  return value.trim();
}

/**
 * Runs `fn` in one write transaction (BEGIN IMMEDIATE) with every exception's business time filled and committed first:
 * the pack is built on another connection, which sees only committed rows. Should a run land between the fill and the
 * transaction, the fill is committed again and `fn` retried.
 */
function inWriteTransaction<T>(db: LedgerDb, fn: () => T): T {
  for (let attempt = 0; ; attempt++) {
    db.transaction(() => ensureExceptionBusinessTimes(db)).immediate();
    const stale = Symbol('stale');
    try {
      return db
        .transaction(() => {
          if (ensureExceptionBusinessTimes(db) > 0 && attempt < 3) throw stale;
          return fn();
        })
        .immediate();
    } catch (err) {
      if (err !== stale) throw err;
    }
  }
}

function head(db: LedgerDb): { seq: number; hash: string; createdAt: string } {
  const h = db.prepare('SELECT seq, hash, created_at FROM journal ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string; created_at: string } | undefined;
  return h === undefined
    ? { seq: 0, hash: '0'.repeat(64), createdAt: '1970-01-01T00:00:00.000Z' }
    : { seq: h.seq, hash: h.hash, createdAt: h.created_at };
}

/** The journal segment a month's pack holds: from the latest close of an earlier month (included: the chain links packs) to the head. */
function segmentStart(states: Map<string, PeriodState>, month: string): number {
  let from = 1;
  for (const s of states.values()) {
    if (s.month >= month) continue;
    for (const e of s.history) if (e.type === 'period.closed' && e.seq > from) from = e.seq;
  }
  return from;
}

function packSpec(
  ws: Workspace,
  p: ClosePeriod,
  parts: Pick<PackSpec, 'state' | 'generatedAt' | 'report' | 'signOffs' | 'carriedForward' | 'sourceNotes' | 'withSources' | 'outPath'>,
  states: Map<string, PeriodState>,
): PackSpec {
  const h = head(ws.db);
  return {
    ...parts,
    ledgerPath: ledgerPath(ws),
    workspace: {
      name: ws.settings.name,
      reporting_currency: ws.settings.reporting_currency,
      time_zone: p.timeZone,
      policy_gate_minor: policyGateMinor(ws.settings),
    },
    month: p.month,
    segment: { fromSeq: Math.min(segmentStart(states, p.month), Math.max(h.seq, 1)), toSeq: h.seq },
    ledgerHeadHash: h.hash,
    adjustmentsThrough: ws.db.prepare('SELECT coalesce(max(seq), 0) FROM adjustments').pluck().get() as number,
  };
}

function closingBalances(r: Rollforward): ClosingBalance[] {
  return [
    ...r.processors.map((x): ClosingBalance => ({ type: 'processor', source: x.source, account: '', currency: x.currency, amount: x.closing })),
    ...r.banks.map((b): ClosingBalance => ({ type: 'bank', source: b.source, account: b.account, currency: b.currency, amount: b.closing })),
  ];
}

/**
 * Signs a month off: refuses while class C exceptions of the month are open (unless `acceptOpen`), makes the pack from
 * the ledger as it stands, stores it (byte-exact, content-addressed) and journals the close naming its sha256. One
 * write transaction, held from the checklist to the journal entry, so nothing lands in between.
 */
export function closeMonth(ws: Workspace, req: CloseRequest): CloseResult {
  const month = parseMonth(req.month);
  const by = required(req.by, '--by NAME (who signs the month off)');
  const reason = required(req.reason, '--reason TEXT');
  ledgerPath(ws);
  const db = ws.db;
  const tmp = mkdtempSync(join(tmpdir(), 'tieout-close-'));
  try {
    return inWriteTransaction(db, (): CloseResult => {
      const states = periodStates(db);
      if (closeOf(states, month) !== null) throw new CloseError(`${month} is closed already; reopen it first (tieout reopen-period)`);
      const p = closePeriod(month, ws.settings.time_zone);
      const notes = Object.fromEntries(Object.entries(req.sourceNotes ?? {}).filter(([, v]) => v.trim() !== ''));
      const c = compute(db, p, states, notes);
      if (c.classC.length > 0 && !req.acceptOpen) {
        throw new CloseError(
          `${month} has ${c.classC.length} open class C exceptions (${c.classC
            .slice(0, 3)
            .map((x) => x.exception_id)
            .join(', ')}${c.classC.length > 3 ? ', …' : ''}): ` +
            'resolve them, or close with --accept-open to carry them forward (they are listed in the pack)',
        );
      }
      // As signed: the open class C exceptions no longer block, they are carried forward (and listed in the pack).
      const checklist = c.checklist.map((item) =>
        item.id === 'class_c_open' && item.status === 'blocking'
          ? { ...item, status: 'attention' as const, detail: `${item.detail.replace(/: resolve them.*$/, '')}: carried forward at sign-off` }
          : item,
      );
      const closedAt = new Date().toISOString();
      const h = head(db);
      const signOff: SignOff = { action: 'closed', by, reason, at: closedAt, journalSeq: h.seq + 1, packSha256: null, acceptedOpen: c.classC.length };
      const fileName = `tieout-pack-${month}.zip`;
      const outPath = join(tmp, fileName);
      const spec = packSpec(
        ws,
        p,
        {
          state: 'closed',
          generatedAt: closedAt,
          report: { checklist, rollforward: c.rollforward },
          signOffs: [...signOffsOf(states.get(month)), signOff],
          carriedForward: c.classC,
          sourceNotes: notes,
          withSources: false,
          outPath,
        },
        states,
      );
      const built = runPackBuild(spec, req.onProgress);
      storeFileArtifact(db, outPath, built.sha256, fileName, built.bytes, { compress: false });
      const payload: ClosePayload = {
        period: month,
        time_zone: p.timeZone,
        closed_at: closedAt,
        by,
        pack: { sha256: built.sha256, bytes: built.bytes, file_name: fileName },
        ledger_head_hash: h.hash,
        events_through_seq: db.prepare('SELECT coalesce(max(seq), 0) FROM event_rows').pluck().get() as number,
        journal_segment: { first_seq: spec.segment.fromSeq, last_seq: spec.segment.toSeq },
        accepted_open: { count: c.classC.length, ids_sha256: sha256Hex(c.classC.map((x) => x.exception_id).join('\n')) },
        source_notes: notes,
        closing_balances: closingBalances(c.rollforward),
        report: { checklist, rollforward: c.rollforward },
      };
      const entry = new JournalWriter(db).append({
        type: 'period.closed',
        actor: `user:${by}`,
        reason,
        subjectId: periodSubject(month),
        payload: { ...payload },
        createdAt: closedAt,
      });
      return {
        month,
        journalSeq: entry.seq,
        pack: { sha256: built.sha256, bytes: built.bytes, fileName },
        acceptedOpen: c.classC.length,
        rows: built.rows,
      };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface ReopenRequest {
  month: string;
  by: string;
  reason: string;
}

/** Opens a closed month again: journaled with who and why; its stored pack stays in the ledger, named by the close. */
export function reopenMonth(ws: Workspace, req: ReopenRequest): { month: string; journalSeq: number; supersededPack: string } {
  const month = parseMonth(req.month);
  const by = required(req.by, '--by NAME (who reopens the month)');
  const reason = required(req.reason, '--reason TEXT (why the month is opened again)');
  const db = ws.db;
  return db
    .transaction(() => {
      const close = closeOf(periodStates(db), month);
      if (close === null) throw new CloseError(`${month} is not closed`);
      const entry = new JournalWriter(db).append({
        type: 'period.reopened',
        actor: `user:${by}`,
        reason,
        subjectId: periodSubject(month),
        payload: { period: month, by, close_seq: close.seq, pack_sha256: close.payload.pack.sha256 },
      });
      return { month, journalSeq: entry.seq, supersededPack: close.payload.pack.sha256 };
    })
    .immediate();
}

export interface PackRequest {
  month: string;
  outPath: string;
  withSources: boolean;
  onProgress?: (p: PackProgress) => void;
}

export interface PackOutcome {
  month: string;
  state: 'closed' | 'draft';
  sha256: string;
  bytes: number;
  /** A closed month's pack is the one stored at its close, byte for byte. */
  stored: boolean;
  rows: Record<string, number> | null;
}

/** Writes a closed month's stored pack to `outPath`. */
function copyStoredPack(db: LedgerDb, sha256: string, outPath: string): number {
  const fd = openSync(outPath, 'w');
  let bytes = 0;
  try {
    for (const chunk of readArtifactChunks(db, sha256)) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      bytes += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** The audit pack of a month: the bytes stored at its close when it is closed, else a draft made now (deterministic). */
export function writePack(ws: Workspace, req: PackRequest): PackOutcome {
  const month = parseMonth(req.month);
  const db = ws.db;
  const states = periodStates(db);
  const close = closeOf(states, month);
  if (close !== null) {
    if (req.withSources)
      throw new CloseError(
        `${month} is closed: its pack is the one stored at its close (without raw sources); --with-sources applies to open months`,
      );
    const bytes = copyStoredPack(db, close.payload.pack.sha256, req.outPath);
    req.onProgress?.({ label: 'done', done: 1, total: 1 });
    return { month, state: 'closed', sha256: close.payload.pack.sha256, bytes, stored: true, rows: null };
  }
  return inWriteTransaction(db, (): PackOutcome => {
    const p = closePeriod(month, ws.settings.time_zone);
    const c = compute(db, p, states, {});
    const spec = packSpec(
      ws,
      p,
      {
        state: 'draft',
        generatedAt: head(db).createdAt,
        report: { checklist: c.checklist, rollforward: c.rollforward },
        signOffs: signOffsOf(states.get(month)),
        carriedForward: c.classC,
        sourceNotes: {},
        withSources: req.withSources,
        outPath: req.outPath,
      },
      states,
    );
    const built: PackResult = runPackBuild(spec, req.onProgress);
    return { month, state: 'draft', sha256: built.sha256, bytes: built.bytes, stored: false, rows: built.rows };
  });
}
