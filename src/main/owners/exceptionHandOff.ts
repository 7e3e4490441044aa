// What a person needs to own one exception (the card) and to hand it to the team's ticketing: owner, backup, SLA,
// escalation history, the code's playbook, the communication template of its family filled in, the domain's
// new-ticket link filled in, and "copy as ticket": the exception, its events, explanation, history, owner and SLA as
// plain text (`tieout ticket`).
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { formatPerson } from '../../shared/ownership/people.ts';
import { playbookFor, codeFamily, type Playbook } from '../../shared/ownership/playbooks.ts';
import { DEFAULT_TEMPLATES, fillTemplate } from '../../shared/ownership/communicationTemplates.ts';
import { ESCALATION_STEPS, type SlaTier } from '../../shared/ownership/slaTiers.ts';
import { exceptionHistory } from '../matching/decisions.ts';
import { unpackExplanation } from '../matching/engine/explanationText.ts';
import { OwnershipConfig } from './ownershipConfig.ts';
import { UserError } from '../../shared/errors/userError.ts';

export class UnknownExceptionError extends UserError {
  constructor(id: string) {
    super(`exception ${id} does not exist`);
  }
}

export type SlaState = 'none' | 'on_track' | 'due_today' | 'overdue';

export interface ExceptionHandOff {
  exceptionId: string;
  code: string;
  domain: string | null;
  owner: string | null;
  backup: string | null;
  escalationContact: string | null;
  slaTier: SlaTier | null;
  slaDueAt: string | null;
  slaState: SlaState;
  openedAt: string | null;
  escalationLevel: number;
  /** Who has it at this level of the matrix: owner, backup, escalation contact. */
  escalatedTo: (typeof ESCALATION_STEPS)[number];
  escalations: Array<{ level: number; role: string; to: string | null; at: string; asOf: string }>;
  playbook: Playbook & { origin: 'workspace' | 'default' };
  family: 'finance' | 'growth';
  /** The family's message, every placeholder filled. */
  message: string;
  ticketTitle: string;
  ticketText: string;
  /** The domain's new-ticket link with the ticket filled in; null when the domain has none. */
  ticketUrl: string | null;
}

interface Row {
  seq: number;
  exception_id: string;
  code: string;
  class: string;
  state: string;
  policy_gated: number;
  amount_minor: number;
  currency: string;
  explanation: string;
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
  domain: string | null;
  owner: string | null;
  backup: string | null;
  sla_tier: SlaTier | null;
  sla_due_at: string | null;
  opened_at: string | null;
  created_at: string;
  escalation_level: number;
  ended_at: string | null;
  resolution: string | null;
}

/** Events listed in a ticket; `events` says how many there are in all. */
const TICKET_EVENTS = 20;
/** A new-ticket link carries at most this much of the text (browsers and trackers cut long URLs). */
const URL_TEXT_CHARS = 1500;

function localTime(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Where the SLA stands at `now`: past due, due before the end of the workspace's day, or on track. */
export function slaStateAt(dueAt: string | null, live: boolean, now: string, endOfToday: string): SlaState {
  if (dueAt === null || !live) return 'none';
  if (dueAt <= now) return 'overdue';
  if (dueAt < endOfToday) return 'due_today';
  return 'on_track';
}

/** A new-ticket link template with {title}, {description}, {id}, {code}, {domain}, {owner}, {due} filled, URL-encoded. */
export function fillTicketUrl(
  template: string,
  values: Record<'title' | 'description' | 'id' | 'code' | 'domain' | 'owner' | 'due', string>,
): string {
  return template.replace(/\{(title|description|id|code|domain|owner|due)\}/g, (_, k: keyof typeof values) => encodeURIComponent(values[k]));
}

export function exceptionHandOff(db: LedgerDb, settings: WorkspaceSettings, exceptionId: string, now: string, endOfToday: string): ExceptionHandOff {
  const x = db.prepare('SELECT * FROM exceptions WHERE exception_id = ?').get(exceptionId) as Row | undefined;
  if (x === undefined) throw new UnknownExceptionError(exceptionId);
  const c = new OwnershipConfig(settings);
  const tz = settings.time_zone;
  const live = x.ended_at === null && x.state !== 'resolved';
  const { playbook, origin } = playbookFor(x.code, settings.playbooks);
  const amount = formatAmount(x.amount_minor, x.currency, { code: 'suffix' });
  const explanation = unpackExplanation(x.explanation, x);
  const events = db
    .prepare(
      `SELECT e.event_id, e.kind, e.source, e.external_id, e.amount_minor, e.currency, e.occurred_at FROM exception_members xm
       CROSS JOIN events e ON e.seq = xm.event_seq WHERE xm.exception_seq = ? ORDER BY e.occurred_at, e.event_id`,
    )
    .all(x.seq) as Array<{
    event_id: string;
    kind: string;
    source: string;
    external_id: string;
    amount_minor: number;
    currency: string;
    occurred_at: string;
  }>;
  const eventLines = events
    .slice(0, TICKET_EVENTS)
    .map(
      (e) =>
        `- ${e.kind} ${e.source}/${e.external_id}: ${formatAmount(e.amount_minor, e.currency, { code: 'suffix' })} on ${localTime(e.occurred_at, tz)} (${e.event_id})`,
    );
  if (events.length > TICKET_EVENTS) eventLines.push(`- … and ${events.length - TICKET_EVENTS} more`);
  const history = exceptionHistory(db, exceptionId);
  const escalations = history
    .filter((h) => h.type === 'exception.sla_escalated')
    .map((h) => ({
      level: Number(h.payload['level']),
      role: String(h.payload['role']),
      to: (h.payload['to'] as string | null) ?? null,
      at: h.at,
      asOf: String(h.payload['as_of']),
    }));
  const contact = c.escalationContact(x.domain);
  const due = x.sla_due_at === null ? 'no SLA' : `${localTime(x.sla_due_at, tz)} (${tz})`;
  const steps = playbook.steps.map((s, i) => `${i + 1}. ${s}`);
  const title = `${x.code}: ${playbook.title} (${amount})`;
  const text = [
    `${title}`,
    `Exception ${x.exception_id}: class ${x.class}${x.policy_gated === 1 ? ', above the policy gate' : ''}, ${x.ended_at === null ? x.state : `ended (${x.resolution ?? 'no longer holds'})`}`,
    `Domain: ${x.domain ?? 'none'}. Owner: ${x.owner ?? 'unassigned'}. Backup: ${x.backup ?? 'none'}.`,
    `SLA: ${x.sla_tier ?? 'none'}, due ${due}; escalation level ${x.escalation_level} (${ESCALATION_STEPS[x.escalation_level as 0 | 1 | 2]}).`,
    '',
    'Explanation:',
    `  ${explanation.summary}`,
    '',
    `Events (${events.length}):`,
    ...eventLines,
    '',
    'History:',
    ...history.map((h) => `- ${localTime(h.at, tz)} ${h.type} by ${h.actor}${h.reason === null ? '' : `: ${h.reason}`}`),
    '',
    `Playbook (${origin === 'workspace' ? 'this workspace' : 'shipped'}):`,
    ...steps,
  ].join('\n');
  const message = fillTemplate(settings.communication_templates?.[codeFamily(x.code)] ?? DEFAULT_TEMPLATES[codeFamily(x.code)], {
    workspace: settings.name,
    exception_id: x.exception_id,
    code: x.code,
    title: playbook.title,
    tier: x.sla_tier ?? 'no SLA tier',
    amount,
    summary: explanation.summary,
    events: eventLines.join('\n'),
    owner: x.owner ?? 'unassigned',
    owner_name: x.owner?.replace(/\s*<[^>]*>\s*$/, '') ?? 'team',
    backup: x.backup ?? 'none',
    due,
    steps: steps.join('\n'),
    me: settings.me === undefined ? '' : formatPerson(settings.me),
  });
  const template = x.domain === null ? undefined : settings.owners?.[x.domain]?.ticket_url;
  const url =
    template === undefined
      ? null
      : fillTicketUrl(template, {
          title,
          description: text.length > URL_TEXT_CHARS ? `${text.slice(0, URL_TEXT_CHARS)}…` : text,
          id: x.exception_id,
          code: x.code,
          domain: x.domain ?? '',
          owner: x.owner ?? '',
          due: x.sla_due_at ?? '',
        });
  return {
    exceptionId: x.exception_id,
    code: x.code,
    domain: x.domain,
    owner: x.owner,
    backup: x.backup,
    escalationContact: contact === null ? null : formatPerson(contact),
    slaTier: x.sla_tier,
    slaDueAt: x.sla_due_at,
    slaState: slaStateAt(x.sla_due_at, live, now, endOfToday),
    openedAt: x.opened_at,
    escalationLevel: x.escalation_level,
    escalatedTo: ESCALATION_STEPS[x.escalation_level as 0 | 1 | 2],
    escalations,
    playbook: { ...playbook, origin },
    family: codeFamily(x.code),
    message,
    ticketTitle: title,
    ticketText: text,
    ticketUrl: url,
  };
}
