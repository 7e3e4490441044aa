// The SLA clock (DESIGN §7): run against an explicit as-of time (`tieout sla --as-of`, the wall clock in the app), it
// gives owners and an SLA to live exceptions that lack them (opened before this build, or before their domain had an
// owner) and raises each unresolved exception one escalation step at a time along the matrix owner → backup →
// escalation contact (24 h and 72 h by default), journaling every step once.
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { ESCALATION_STEPS, escalationLevelAfter, type SlaTier } from '../../shared/ownership/slaTiers.ts';
import { formatPerson } from '../../shared/ownership/people.ts';
import { HOUR_MS } from '../../shared/time/duration.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { OpeningAssigner } from './openingAssigner.ts';

export const SLA_ACTOR = 'system:sla';

/** States a person (or the system) still has to act on; SLA steps skip `in_remediation`, the system's own work. */
const ESCALATING_STATES_SQL = `'open', 'assigned', 'reopened'`;
const LIVE_STATES_SQL = `'open', 'in_remediation', 'assigned', 'reopened'`;

export interface EscalationStep {
  exceptionId: string;
  code: string;
  domain: string | null;
  level: 1 | 2;
  /** Who the step hands the exception to: the backup, then the escalation contact (null: nobody configured). */
  role: (typeof ESCALATION_STEPS)[1 | 2];
  to: string | null;
  owner: string | null;
  hoursOpen: number;
  slaTier: SlaTier | null;
  slaDueAt: string | null;
  amountMinor: number;
  currency: string;
}

export interface SlaReport {
  asOf: string;
  /** Live exceptions that got owners or an SLA now. */
  assigned: number;
  /** The steps taken by this check, oldest opening first. */
  escalated: EscalationStep[];
  /** Live exceptions past their SLA due time, and due later on the as-of day. */
  overdue: number;
  escalatedTotal: number;
}

export class AsOfError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** An ISO instant with a zone (a bare date YYYY-MM-DD is its midnight UTC). */
export function parseAsOf(text: string): string {
  const shaped = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text);
  const ms = shaped ? Date.parse(/T/.test(text) ? text : `${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) {
    throw new AsOfError(`--as-of: "${text}" is not an ISO 8601 time such as 2026-11-03T09:00:00Z`);
  }
  return new Date(ms).toISOString();
}

interface LiveRow {
  seq: number;
  exception_id: string;
  code: string;
  class: 'A' | 'B' | 'C';
  state: string;
  amount_minor: number;
  currency: string;
  domain: string | null;
  owner: string | null;
  backup: string | null;
  sla_tier: SlaTier | null;
  sla_due_at: string | null;
  opened_at: string | null;
  created_at: string;
  escalation_level: number;
}

const ROW_COLUMNS = `seq, exception_id, code, class, state, amount_minor, currency, domain, owner, backup, sla_tier, sla_due_at, opened_at, created_at,
  escalation_level`;

/** One check at `asOf`, in one transaction. */
export function applySla(db: LedgerDb, settings: WorkspaceSettings, asOf: string, actor = SLA_ACTOR): SlaReport {
  return db.transaction(() => {
    const journal = new JournalWriter(db);
    const assigner = new OpeningAssigner(db, settings);
    const assigned = assignMissing(db, journal, assigner, asOf, actor);
    const escalated = escalate(db, journal, assigner, asOf, actor);
    const count = (where: string, ...params: unknown[]): number =>
      db
        .prepare(`SELECT count(*) FROM exceptions WHERE ended_at IS NULL AND state IN (${LIVE_STATES_SQL}) AND ${where}`)
        .pluck()
        .get(...params) as number;
    return { asOf, assigned, escalated, overdue: count('sla_due_at <= ?', asOf), escalatedTotal: count('escalation_level > 0') };
  })();
}

/** Only the first part of a check: owners and SLA for live exceptions that lack them (after a domain got owners). */
export function assignMissingSla(db: LedgerDb, settings: WorkspaceSettings, asOf: string, actor = SLA_ACTOR): number {
  return db.transaction(() => assignMissing(db, new JournalWriter(db), new OpeningAssigner(db, settings), asOf, actor))();
}

/**
 * Live rows without an SLA (opened before migration 11, or by a store without settings), and rows without an owner
 * whose domain has one now: they get what an opening at `asOf` would give them, keeping a clock already started.
 */
function assignMissing(db: LedgerDb, journal: JournalWriter, assigner: OpeningAssigner, asOf: string, actor: string): number {
  const c = assigner.config;
  const day = c.dayOf(asOf);
  const owned = c.domainMap.domains().filter((d) => c.ownersOn(d, day) !== null);
  const rows = db
    .prepare(
      `SELECT ${ROW_COLUMNS} FROM exceptions WHERE ended_at IS NULL AND state IN (${LIVE_STATES_SQL})
       AND (sla_tier IS NULL OR (owner IS NULL AND domain IN (SELECT value FROM json_each(?)))) ORDER BY seq`,
    )
    .all(JSON.stringify(owned)) as LiveRow[];
  if (rows.length === 0) return 0;
  const members = db.prepare('SELECT event_seq FROM exception_members WHERE exception_seq = ? ORDER BY event_seq LIMIT 8').pluck();
  const update = db.prepare(
    `UPDATE exceptions SET domain = @domain, owner = @owner, backup = @backup, sla_tier = @sla_tier, sla_due_at = @sla_due_at, opened_at = @opened_at
     WHERE seq = @seq`,
  );
  let n = 0;
  for (const r of rows) {
    const a = assigner.assign(
      { code: r.code, cls: r.class, state: r.state, amount: r.amount_minor, currency: r.currency, eventSeqs: members.all(r.seq) as number[] },
      asOf,
    );
    const openedAt = r.opened_at ?? r.created_at;
    const next = {
      seq: r.seq,
      domain: r.domain ?? a.domain,
      owner: r.owner ?? a.owner,
      backup: r.backup ?? a.backup,
      sla_tier: r.sla_tier ?? a.sla_tier,
      sla_due_at:
        r.sla_due_at ??
        (a.sla_due_at === null
          ? null
          : new Date(Date.parse(openedAt) + c.tierOf(r.code, r.class, r.amount_minor, r.currency).dueHours * HOUR_MS).toISOString()),
      opened_at: openedAt,
    };
    if (next.owner === r.owner && next.sla_tier === r.sla_tier && next.domain === r.domain) continue;
    update.run(next);
    journal.append({
      type: 'exception.sla_assigned',
      actor,
      subjectId: r.exception_id,
      reason: next.owner === null ? `no owner for domain ${next.domain ?? '(none)'} yet` : `owner of ${next.domain ?? '(none)'} on ${day}`,
      payload: {
        as_of: asOf,
        domain: next.domain,
        owner: next.owner,
        backup: next.backup,
        sla_tier: next.sla_tier,
        sla_due_at: next.sla_due_at,
        opened_at: openedAt,
      },
    });
    n++;
  }
  return n;
}

/** Every step an unresolved exception has reached by `asOf` and not yet taken, each journaled once. */
function escalate(db: LedgerDb, journal: JournalWriter, assigner: OpeningAssigner, asOf: string, actor: string): EscalationStep[] {
  const c = assigner.config;
  const asOfMs = Date.parse(asOf);
  const firstStep = new Date(asOfMs - c.escalationHours[0] * HOUR_MS).toISOString();
  const rows = db
    .prepare(
      `SELECT ${ROW_COLUMNS} FROM exceptions WHERE ended_at IS NULL AND escalation_level < 2 AND opened_at <= ?
       AND state IN (${ESCALATING_STATES_SQL}) ORDER BY opened_at, exception_id`,
    )
    .all(firstStep) as LiveRow[];
  const raise = db.prepare('UPDATE exceptions SET escalation_level = ? WHERE seq = ?');
  const steps: EscalationStep[] = [];
  for (const r of rows) {
    const hoursOpen = (asOfMs - Date.parse(r.opened_at as string)) / HOUR_MS;
    const target = escalationLevelAfter(hoursOpen, c.escalationHours);
    for (let level = r.escalation_level + 1; level <= target; level++) {
      const step = level as 1 | 2;
      const contact = step === 1 ? r.backup : personText(c.escalationContact(r.domain));
      const s: EscalationStep = {
        exceptionId: r.exception_id,
        code: r.code,
        domain: r.domain,
        level: step,
        role: ESCALATION_STEPS[step],
        to: contact,
        owner: r.owner,
        hoursOpen: Math.round(hoursOpen * 10) / 10,
        slaTier: r.sla_tier,
        slaDueAt: r.sla_due_at,
        amountMinor: r.amount_minor,
        currency: r.currency,
      };
      journal.append({
        type: 'exception.sla_escalated',
        actor,
        subjectId: r.exception_id,
        reason: `unresolved ${c.escalationHours[step - 1]} h: escalated to the ${s.role}${contact === null ? ' (none configured)' : ` ${contact}`}`,
        payload: {
          as_of: asOf,
          level: step,
          role: s.role,
          to: contact,
          owner: r.owner,
          hours_open: s.hoursOpen,
          sla_tier: r.sla_tier,
          sla_due_at: r.sla_due_at,
        },
      });
      steps.push(s);
    }
    if (target > r.escalation_level) raise.run(target, r.seq);
  }
  return steps;
}

function personText(p: { name: string; email: string } | null): string | null {
  return p === null ? null : formatPerson(p);
}
