// Human decisions on matches and exceptions: each lands in one transaction with its journal entry, and nothing is deleted.
import { randomBytes } from 'node:crypto';
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { CODES_RAISED_OUTSIDE_THE_MATCHER } from '../../shared/rules/ruleSet.ts';

/** A decision that cannot be taken as asked (unknown id, wrong state, missing reason, policy gate). */
export class DecisionError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** Journal entry types written here; `subject_id` is the match or exception id. */
export const DECISION_ENTRY_TYPES = {
  manualMatch: 'match.manual',
  unmatch: 'match.broken',
  resolved: 'exception.resolved',
  commented: 'exception.commented',
  reopened: 'exception.reopened',
  assigned: 'exception.assigned',
} as const;

export const SUPERSEDED_BY_MANUAL = 'superseded by manual match';
export const RESOLVED_BY_MANUAL = 'resolved by manual match';

const ACTOR = /^(user|system):\S/;
const LINK = /^[a-z][a-z0-9_]*$/;

function requireActor(actor: string, humanOnly: boolean): void {
  if (!ACTOR.test(actor)) throw new DecisionError(`actor "${actor}" must be user:NAME or system:COMPONENT`);
  if (humanOnly && !actor.startsWith('user:')) throw new DecisionError(`only a person (user:NAME) may take this decision, not ${actor}`);
}

function requireText(value: string | undefined, what: string): string {
  const text = value?.trim() ?? '';
  if (text === '') throw new DecisionError(`a ${what} is required`);
  return text;
}

function nowIso(): string {
  return new Date().toISOString();
}

// --- matches ---

export interface ManualMatchInput {
  link: string;
  leftEventIds: readonly string[];
  rightEventIds: readonly string[];
  actor: string;
  reason: string;
}

interface ActiveMembership {
  event_id: string;
  match_id: string;
  origin: 'engine' | 'human';
}

function checkSides(input: ManualMatchInput): string[] {
  if (!LINK.test(input.link)) throw new DecisionError(`link "${input.link}" is not a link name such as order_payment`);
  if (input.leftEventIds.length === 0 || input.rightEventIds.length === 0) {
    throw new DecisionError('a manual match needs at least one event on each side');
  }
  const all = [...input.leftEventIds, ...input.rightEventIds];
  const seen = new Set<string>();
  for (const id of all) {
    if (seen.has(id)) throw new DecisionError(`event ${id} is listed twice`);
    seen.add(id);
  }
  return all;
}

function requireEventsExist(db: LedgerDb, ids: readonly string[]): void {
  const exists = db.prepare('SELECT 1 FROM events WHERE event_id = ?').pluck();
  for (const id of ids) if (exists.get(id) === undefined) throw new DecisionError(`event ${id} does not exist`);
}

/** CROSS JOIN keeps SQLite on the by-event index first (else it may walk every active match of the link per event). */
function activeMemberships(db: LedgerDb, link: string, ids: readonly string[]): ActiveMembership[] {
  const find = db.prepare(
    `SELECT e.event_id, m.match_id, m.origin FROM events e CROSS JOIN match_members mm ON mm.event_seq = e.seq CROSS JOIN matches m ON m.seq = mm.match_seq
     WHERE e.event_id = ? AND m.link = ? AND m.ended_at IS NULL`,
  );
  return ids.flatMap((id) => find.all(id, link) as ActiveMembership[]);
}

/** A person's match wins over the engine's: engine matches holding these events end; a human one is an error. */
function supersedeEngineMatches(db: LedgerDb, link: string, ids: readonly string[], actor: string, at: string): string[] {
  const memberships = activeMemberships(db, link, ids);
  const human = memberships.find((m) => m.origin === 'human');
  if (human !== undefined) {
    throw new DecisionError(`event ${human.event_id} is already in manual match ${human.match_id} of link ${link}; unmatch it first`);
  }
  const ended = [...new Set(memberships.map((m) => m.match_id))].sort();
  const end = db.prepare('UPDATE matches SET ended_at = ?, ended_by = ?, end_reason = ? WHERE match_id = ? AND ended_at IS NULL');
  for (const id of ended) end.run(at, actor, SUPERSEDED_BY_MANUAL, id);
  return ended;
}

function insertManualMatch(db: LedgerDb, matchId: string, input: ManualMatchInput, at: string): void {
  const explanation = { by: input.actor, reason: input.reason, events: { left: input.leftEventIds, right: input.rightEventIds } };
  const inserted = db
    .prepare(
      `INSERT INTO matches (match_id, link, status, origin, explanation, created_at, created_by)
       VALUES (?, ?, 'manual', 'human', ?, ?, ?)`,
    )
    .run(matchId, input.link, JSON.stringify(explanation), at, input.actor);
  const member = db.prepare('INSERT INTO match_members (match_seq, event_seq, side) SELECT ?, seq, ? FROM events WHERE event_id = ?');
  const pin = db.prepare('INSERT INTO pinned_events (event_id, link, match_id) VALUES (?, ?, ?)');
  for (const [side, ids] of [
    ['left', input.leftEventIds],
    ['right', input.rightEventIds],
  ] as const) {
    for (const id of ids) {
      member.run(inserted.lastInsertRowid, side, id);
      pin.run(id, input.link, matchId);
    }
  }
}

const OUTSIDE_SQL = CODES_RAISED_OUTSIDE_THE_MATCHER.map((c) => `'${c}'`).join(', ');

/**
 * Ends the engine's open exceptions that the new match answers: those touching one of its events
 * whose every event now sits in an active match of this link. Anything else that stopped holding
 * is closed by the engine's next run. A FEED_MISSING only links the source's latest event; matching
 * that event does not bring the feed back, so it is never answered here; nor is any other code raised outside the
 * matcher (a growth finding about an order is not answered by its payment).
 */
function resolveCoveredExceptions(db: LedgerDb, link: string, ids: readonly string[], actor: string, at: string): string[] {
  const candidates = db
    .prepare(
      `SELECT DISTINCT x.exception_id FROM events e CROSS JOIN exception_members xm ON xm.event_seq = e.seq CROSS JOIN exceptions x ON x.seq = xm.exception_seq
       WHERE e.event_id = ? AND x.origin = 'engine' AND x.ended_at IS NULL AND x.state <> 'resolved' AND x.code NOT IN (${OUTSIDE_SQL})`,
    )
    .pluck();
  const uncovered = db
    .prepare(
      `SELECT count(*) FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq WHERE x.exception_id = ? AND NOT EXISTS (
         SELECT 1 FROM match_members mm CROSS JOIN matches m ON m.seq = mm.match_seq
         WHERE mm.event_seq = xm.event_seq AND m.link = ? AND m.ended_at IS NULL)`,
    )
    .pluck();
  const covered = [...new Set(ids.flatMap((id) => candidates.all(id) as string[]))].filter((x) => uncovered.get(x, link) === 0).sort();
  const resolve = db.prepare(
    `UPDATE exceptions SET state = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?, ended_at = ? WHERE exception_id = ?`,
  );
  for (const x of covered) resolve.run(at, actor, RESOLVED_BY_MANUAL, at, x);
  return covered;
}

/**
 * A person matches chosen events in one link. Engine matches holding any of them end
 * ('superseded by manual match'), the events are pinned so the engine leaves them alone in
 * this link, and the engine exceptions the match answers are resolved. Returns the match id.
 */
export function manualMatch(db: LedgerDb, input: ManualMatchInput): string {
  return recordManualMatch(db, input).matchId;
}

/** manualMatch, also giving the engine matches it ended (their events are freed for a follow-up run). */
export function recordManualMatch(db: LedgerDb, input: ManualMatchInput): { matchId: string; supersededMatchIds: string[] } {
  requireActor(input.actor, true);
  const reason = requireText(input.reason, 'reason for the manual match');
  const all = checkSides(input);
  return db.transaction(() => {
    const at = nowIso();
    requireEventsExist(db, all);
    const superseded = supersedeEngineMatches(db, input.link, all, input.actor, at);
    const matchId = `mm_${randomBytes(16).toString('hex')}`;
    insertManualMatch(db, matchId, { ...input, reason }, at);
    const resolved = resolveCoveredExceptions(db, input.link, all, input.actor, at);
    new JournalWriter(db).append({
      type: DECISION_ENTRY_TYPES.manualMatch,
      actor: input.actor,
      reason,
      subjectId: matchId,
      createdAt: at,
      payload: {
        match_id: matchId,
        link: input.link,
        left: [...input.leftEventIds],
        right: [...input.rightEventIds],
        superseded_matches: superseded,
        resolved_exceptions: resolved,
      },
    });
    return { matchId, supersededMatchIds: superseded };
  })();
}

export interface UnmatchInput {
  matchId: string;
  actor: string;
  reason: string;
}

interface MatchRow {
  match_id: string;
  link: string;
  origin: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

/**
 * A person breaks a match (engine's or manual): the row gets ended_at (a reversal, not a delete),
 * its pins go, and every (left, right) pair is blocked so the engine never proposes it again.
 */
export function unmatch(db: LedgerDb, input: UnmatchInput): void {
  requireActor(input.actor, true);
  const reason = requireText(input.reason, 'reason for the unmatch');
  db.transaction(() => {
    const m = db.prepare('SELECT match_id, link, origin, ended_at, ended_by, end_reason FROM matches WHERE match_id = ?').get(input.matchId) as
      MatchRow | undefined;
    if (m === undefined) throw new DecisionError(`match ${input.matchId} does not exist`);
    if (m.ended_at !== null) {
      throw new DecisionError(`match ${m.match_id} already ended at ${m.ended_at} by ${m.ended_by ?? '?'} (${m.end_reason ?? 'no reason'})`);
    }
    const at = nowIso();
    const pairs = matchPairs(db, m.match_id);
    db.prepare('UPDATE matches SET ended_at = ?, ended_by = ?, end_reason = ? WHERE match_id = ?').run(at, input.actor, reason, m.match_id);
    db.prepare('DELETE FROM pinned_events WHERE match_id = ?').run(m.match_id);
    const entry = new JournalWriter(db).append({
      type: DECISION_ENTRY_TYPES.unmatch,
      actor: input.actor,
      reason,
      subjectId: m.match_id,
      createdAt: at,
      payload: { match_id: m.match_id, link: m.link, origin: m.origin, blocked_pairs: pairs },
    });
    const block = db.prepare(
      `INSERT INTO blocked_pairs (link, left_event_id, right_event_id, journal_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (link, left_event_id, right_event_id) DO NOTHING`,
    );
    for (const [left, right] of pairs) block.run(m.link, left, right, entry.seq);
  })();
}

function matchPairs(db: LedgerDb, matchId: string): Array<[string, string]> {
  const side = (s: 'left' | 'right'): string[] =>
    db
      .prepare(
        `SELECT e.event_id FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
         WHERE m.match_id = ? AND mm.side = ? ORDER BY e.event_id`,
      )
      .pluck()
      .all(matchId, s) as string[];
  const right = side('right');
  return side('left').flatMap((l) => right.map((r): [string, string] => [l, r]));
}

// --- exceptions ---

interface ExceptionRow {
  exception_id: string;
  state: 'open' | 'in_remediation' | 'assigned' | 'resolved' | 'reopened';
  policy_gated: number;
  owner: string | null;
  resolution: string | null;
  resolved_by: string | null;
  ended_at: string | null;
}

function loadException(db: LedgerDb, id: string): ExceptionRow {
  const row = db
    .prepare('SELECT exception_id, state, policy_gated, owner, resolution, resolved_by, ended_at FROM exceptions WHERE exception_id = ?')
    .get(id) as ExceptionRow | undefined;
  if (row === undefined) throw new DecisionError(`exception ${id} does not exist`);
  return row;
}

/** Ended exceptions stopped holding (the engine or a manual match closed them); only comments still apply. */
function loadLiveException(db: LedgerDb, id: string): ExceptionRow {
  const row = loadException(db, id);
  if (row.ended_at !== null) {
    throw new DecisionError(`exception ${id} ended at ${row.ended_at} (${row.resolution ?? 'no longer holds'}); it can only be commented`);
  }
  return row;
}

function uniqueIds(ids: readonly string[]): readonly string[] {
  if (ids.length === 0) throw new DecisionError('no exception ids given');
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new DecisionError(`exception ${dup} is listed twice`);
  return ids;
}

function resolveOne(db: LedgerDb, journal: JournalWriter, id: string, actor: string, reason: string, at: string): void {
  const x = loadLiveException(db, id);
  if (x.state === 'resolved') throw new DecisionError(`exception ${id} is already resolved (${x.resolution ?? ''}); reopen it first`);
  if (x.policy_gated === 1 && !actor.startsWith('user:')) {
    throw new DecisionError(`exception ${id} is above the policy gate: a person (user:NAME) must resolve it, not ${actor}`);
  }
  db.prepare(`UPDATE exceptions SET state = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ? WHERE exception_id = ?`).run(
    at,
    actor,
    reason,
    id,
  );
  journal.append({
    type: DECISION_ENTRY_TYPES.resolved,
    actor,
    reason,
    subjectId: id,
    createdAt: at,
    payload: { exception_id: id, from_state: x.state },
  });
}

export interface ResolveInput {
  exceptionId: string;
  actor: string;
  reason: string;
}

export interface BulkResolveInput {
  exceptionIds: readonly string[];
  actor: string;
  reason: string;
}

/** Resolves with a reason. Policy-gated exceptions need a person: a `system:` actor is refused. */
export function resolveException(db: LedgerDb, input: ResolveInput): void {
  resolveExceptions(db, { exceptionIds: [input.exceptionId], actor: input.actor, reason: input.reason });
}

/** All or nothing: one bad id and none is resolved. One journal entry per exception, so each history is complete. */
export function resolveExceptions(db: LedgerDb, input: BulkResolveInput): void {
  requireActor(input.actor, false);
  const reason = requireText(input.reason, 'reason for resolving');
  const ids = uniqueIds(input.exceptionIds);
  db.transaction(() => {
    const journal = new JournalWriter(db);
    const at = nowIso();
    for (const id of ids) resolveOne(db, journal, id, input.actor, reason, at);
  })();
}

export interface CommentInput {
  exceptionId: string;
  actor: string;
  text: string;
}

export interface BulkCommentInput {
  exceptionIds: readonly string[];
  actor: string;
  text: string;
}

/** Comments live only in the journal: the projection has nothing to change. */
export function commentException(db: LedgerDb, input: CommentInput): void {
  commentExceptions(db, { exceptionIds: [input.exceptionId], actor: input.actor, text: input.text });
}

export function commentExceptions(db: LedgerDb, input: BulkCommentInput): void {
  requireActor(input.actor, false);
  const text = requireText(input.text, 'comment text');
  const ids = uniqueIds(input.exceptionIds);
  db.transaction(() => {
    const journal = new JournalWriter(db);
    const at = nowIso();
    for (const id of ids) {
      loadException(db, id);
      journal.append({ type: DECISION_ENTRY_TYPES.commented, actor: input.actor, subjectId: id, createdAt: at, payload: { exception_id: id, text } });
    }
  })();
}

export interface ReopenInput {
  exceptionId: string;
  actor: string;
  reason: string;
}

/** A resolved exception comes back as `reopened`; its previous resolution stays in the journal. */
export function reopenException(db: LedgerDb, input: ReopenInput): void {
  requireActor(input.actor, false);
  const reason = requireText(input.reason, 'reason for reopening');
  db.transaction(() => {
    const x = loadLiveException(db, input.exceptionId);
    if (x.state !== 'resolved') throw new DecisionError(`exception ${x.exception_id} is ${x.state}, not resolved; nothing to reopen`);
    const at = nowIso();
    db.prepare(`UPDATE exceptions SET state = 'reopened', resolved_at = NULL, resolved_by = NULL, resolution = NULL WHERE exception_id = ?`).run(
      x.exception_id,
    );
    new JournalWriter(db).append({
      type: DECISION_ENTRY_TYPES.reopened,
      actor: input.actor,
      reason,
      subjectId: x.exception_id,
      createdAt: at,
      payload: { exception_id: x.exception_id, previous_resolution: x.resolution, previous_resolved_by: x.resolved_by },
    });
  })();
}

export interface AssignInput {
  exceptionId: string;
  actor: string;
  owner: string;
  /** Why: required to take an exception from an owner it already has (a reassignment), journaled with it. */
  reason?: string;
}

export interface BulkAssignInput {
  exceptionIds: readonly string[];
  actor: string;
  owner: string;
  reason?: string;
}

export function assignException(db: LedgerDb, input: AssignInput): void {
  assignExceptions(db, { exceptionIds: [input.exceptionId], actor: input.actor, owner: input.owner, reason: input.reason });
}

/**
 * Gives exceptions an owner (state `assigned`), all or nothing. Taking one from another owner is a reassignment and
 * needs a reason; each exception gets its own journal entry with the previous owner, so each history is complete.
 */
export function assignExceptions(db: LedgerDb, input: BulkAssignInput): number {
  requireActor(input.actor, false);
  const owner = requireText(input.owner, 'owner');
  const reason = input.reason?.trim() === '' ? undefined : input.reason?.trim();
  const ids = uniqueIds(input.exceptionIds);
  return db.transaction(() => {
    const journal = new JournalWriter(db);
    const at = nowIso();
    const set = db.prepare(`UPDATE exceptions SET state = 'assigned', owner = ? WHERE exception_id = ?`);
    for (const id of ids) {
      const x = loadLiveException(db, id);
      if (x.state === 'resolved') throw new DecisionError(`exception ${x.exception_id} is resolved; reopen it before assigning it`);
      if (x.owner !== null && x.owner !== owner && reason === undefined) {
        throw new DecisionError(`exception ${x.exception_id} is owned by ${x.owner}: a reason is required to reassign it to ${owner}`);
      }
      set.run(owner, x.exception_id);
      journal.append({
        type: DECISION_ENTRY_TYPES.assigned,
        actor: input.actor,
        reason: reason ?? null,
        subjectId: x.exception_id,
        createdAt: at,
        payload: { exception_id: x.exception_id, owner, previous_owner: x.owner, from_state: x.state },
      });
    }
    return ids.length;
  })();
}

// --- history ---

export interface HistoryEntry {
  seq: number;
  type: string;
  actor: string;
  reason: string | null;
  at: string;
  payload: Record<string, unknown>;
}

interface JournalRow {
  seq: number;
  entry_type: string;
  actor: string;
  reason: string | null;
  created_at: string;
  payload: string;
}

// A manual match records the matches it superseded and the exceptions it resolved in its own
// payload (one entry per decision), so their histories also look there.
function historyOf(db: LedgerDb, subjectId: string, payloadList: 'superseded_matches' | 'resolved_exceptions'): HistoryEntry[] {
  const rows = db
    .prepare(
      `SELECT seq, entry_type, actor, reason, created_at, payload FROM journal WHERE subject_id = @id
       UNION
       SELECT seq, entry_type, actor, reason, created_at, payload FROM journal
       WHERE entry_type = '${DECISION_ENTRY_TYPES.manualMatch}'
         AND EXISTS (SELECT 1 FROM json_each(journal.payload, '$.${payloadList}') WHERE value = @id)
       ORDER BY seq`,
    )
    .all({ id: subjectId }) as JournalRow[];
  return rows.map((r) => ({
    seq: r.seq,
    type: r.entry_type,
    actor: r.actor,
    reason: r.reason,
    at: r.created_at,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
  }));
}

/** Everything the journal says about one exception, oldest first (engine entries included). */
export function exceptionHistory(db: LedgerDb, exceptionId: string): HistoryEntry[] {
  loadException(db, exceptionId);
  return historyOf(db, exceptionId, 'resolved_exceptions');
}

/** Everything the journal says about one match, oldest first, including a manual match that superseded it. */
export function matchHistory(db: LedgerDb, matchId: string): HistoryEntry[] {
  if (db.prepare('SELECT 1 FROM matches WHERE match_id = ?').get(matchId) === undefined) {
    throw new DecisionError(`match ${matchId} does not exist`);
  }
  return historyOf(db, matchId, 'superseded_matches');
}

/**
 * The rule a later engine run uses to leave human decisions alone. An exception was touched by
 * a human when the journal holds, from an actor `user:…`,
 *  - an entry of type exception.resolved | exception.commented | exception.reopened |
 *    exception.assigned whose subject_id is the exception id, or
 *  - a match.manual entry listing it in payload.resolved_exceptions, while that manual match is
 *    still active (once a person unmatches it, the engine may raise the exception again).
 * The actor test matters: the engine journals its own auto-resolutions as `system:…`, and those
 * must not freeze an exception. Returns the subset of `ids` that were touched.
 */
export function humanTouchedExceptionIds(db: LedgerDb, ids: Iterable<string>): Set<string> {
  const touched = new Set<string>();
  const all = [...new Set(ids)];
  const types = [DECISION_ENTRY_TYPES.resolved, DECISION_ENTRY_TYPES.commented, DECISION_ENTRY_TYPES.reopened, DECISION_ENTRY_TYPES.assigned];
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    const rows = db
      .prepare(
        `SELECT DISTINCT subject_id FROM journal
         WHERE subject_id IN (${chunk.map(() => '?').join(',')}) AND entry_type IN (${types.map(() => '?').join(',')}) AND substr(actor, 1, 5) = 'user:'`,
      )
      .pluck()
      .all(...chunk, ...types) as string[];
    for (const id of rows) touched.add(id);
  }
  const wanted = new Set(all);
  const viaManual = db
    .prepare(
      `SELECT DISTINCT j.value FROM journal
       JOIN matches m ON m.match_id = journal.subject_id AND m.ended_at IS NULL
       CROSS JOIN json_each(journal.payload, '$.resolved_exceptions') AS j
       WHERE journal.entry_type = ? AND substr(journal.actor, 1, 5) = 'user:'`,
    )
    .pluck()
    .all(DECISION_ENTRY_TYPES.manualMatch) as string[];
  for (const id of viaManual) if (wanted.has(id)) touched.add(id);
  return touched;
}
