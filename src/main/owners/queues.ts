// The work queues of the Exceptions screen (issue 13) as SQL over the exceptions table: My queue (what I own, and what
// the escalation matrix handed me), Team (all live work), Unassigned, Escalated, Due today; and the owner, domain and
// SLA-state filters. The review query (src/main/review/exceptionsQuery.ts) adds these terms to its own.
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { formatPerson } from '../../shared/ownership/people.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { OwnershipConfig } from './ownershipConfig.ts';
import type { SlaState } from './exceptionHandOff.ts';

import type { ExceptionQueue } from '../../shared/api/ownershipContract.ts';

export type Queue = ExceptionQueue;

/** Who "I" am and the clock the queues and SLA states are read against. */
export interface QueueContext {
  /** "NAME <EMAIL>" of workspace.json `me`, or null (My queue is then empty). */
  me: string | null;
  /** Domains whose escalation contact I am: their exceptions at the last step are mine too. */
  contactDomains: string[];
  now: string;
  /** The end of the workspace's day of `now` ("Due today" means due before it). */
  endOfToday: string;
}

export function queueContext(settings: WorkspaceSettings, now: Date): QueueContext {
  const c = new OwnershipConfig(settings);
  const at = now.toISOString();
  const me = settings.me === undefined ? null : formatPerson(settings.me);
  const myEmail = settings.me?.email.toLowerCase();
  const contactDomains = myEmail === undefined ? [] : c.domainMap.domains().filter((d) => c.escalationContact(d)?.email.toLowerCase() === myEmail);
  return { me, contactDomains, now: at, endOfToday: c.endOfDay(at) };
}

export interface QueueFilter {
  queue?: Queue;
  /** Owners as stored ("NAME <EMAIL>"); an empty string stands for "no owner". */
  owners?: readonly string[];
  /** Domains; an empty string stands for "no domain". */
  domains?: readonly string[];
  slaStates?: readonly SlaState[];
}

const LIVE = `(x.ended_at IS NULL AND x.state IN (${OPEN_STATES_SQL}))`;

const SLA_STATE_SQL: Record<SlaState, string> = {
  overdue: `(${LIVE} AND x.sla_due_at <= @qNow)`,
  due_today: `(${LIVE} AND x.sla_due_at > @qNow AND x.sla_due_at < @qEndOfToday)`,
  on_track: `(${LIVE} AND x.sla_due_at >= @qEndOfToday)`,
  none: `(NOT ${LIVE} OR x.sla_due_at IS NULL)`,
};

/** The terms a queue filter adds (each alias `x`), with their parameters; empty when the filter names none. */
export function queueTerms(f: QueueFilter, q: QueueContext): { parts: string[]; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.queue !== undefined) {
    parts.push(LIVE);
    if (f.queue === 'mine') {
      parts.push(
        q.me === null
          ? '0'
          : `(x.owner = @qMe OR (x.escalation_level >= 1 AND x.backup = @qMe) OR (x.escalation_level = 2 AND x.domain IN (SELECT value FROM json_each(@qContactDomains))))`,
      );
    }
    if (f.queue === 'unassigned') parts.push('x.owner IS NULL');
    if (f.queue === 'escalated') parts.push('x.escalation_level > 0');
    if (f.queue === 'due_today') parts.push('x.sla_due_at < @qEndOfToday');
  }
  const orNone = (column: string, name: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    const named = values.filter((v) => v !== '');
    const terms = [`${column} IN (SELECT value FROM json_each(@${name}))`, ...(values.includes('') ? [`${column} IS NULL`] : [])];
    parts.push(`(${terms.join(' OR ')})`);
    params[name] = JSON.stringify(named);
  };
  orNone('x.owner', 'qOwners', f.owners);
  orNone('x.domain', 'qDomains', f.domains);
  if (f.slaStates !== undefined) parts.push(f.slaStates.length === 0 ? '0' : `(${f.slaStates.map((s) => SLA_STATE_SQL[s]).join(' OR ')})`);
  return { parts, params: { ...queueParams(q), ...params } };
}

/** The parameters every queue term may use (unused ones are ignored by SQLite's named binding). */
export function queueParams(q: QueueContext): Record<string, unknown> {
  return { qMe: q.me, qContactDomains: JSON.stringify(q.contactDomains), qNow: q.now, qEndOfToday: q.endOfToday };
}

/** Counts of every queue (live rows only, `where` narrowing them further) in one pass, for the queue tabs. */
export function queueCountsSql(where: string, source = 'exceptions x'): string {
  return `SELECT
      coalesce(sum(x.owner = @qMe OR (x.escalation_level >= 1 AND x.backup = @qMe)
        OR (x.escalation_level = 2 AND x.domain IN (SELECT value FROM json_each(@qContactDomains)))), 0) AS mine,
      count(*) AS team,
      coalesce(sum(x.owner IS NULL), 0) AS unassigned,
      coalesce(sum(x.escalation_level > 0), 0) AS escalated,
      coalesce(sum(x.sla_due_at < @qEndOfToday), 0) AS due_today
    FROM ${source} WHERE ${LIVE} AND ${where}`;
}
