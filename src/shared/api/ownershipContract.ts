// The API shapes of owners, SLA, metrics, the operating checklist and the exception card (issue 13), kept beside the
// contract (contract.ts imports them into its method table) so the table stays one entry per method.
import { z } from 'zod';
import { PersonSchema } from '../ownership/people.ts';
import { DomainRuleSchema } from '../ownership/domains.ts';
import { PlaybookSchema } from '../ownership/playbooks.ts';
import { SLA_TIERS } from '../ownership/slaTiers.ts';

const isoInstant = z.string().min(1);
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a calendar date YYYY-MM-DD');

export const SLA_STATES = ['none', 'on_track', 'due_today', 'overdue'] as const;

/** The Exceptions screen's work queues (src/main/owners/queues.ts says what each holds). */
export const EXCEPTION_QUEUES = ['mine', 'team', 'unassigned', 'escalated', 'due_today'] as const;
export const ExceptionQueueSchema = z.enum(EXCEPTION_QUEUES);
export type ExceptionQueue = z.infer<typeof ExceptionQueueSchema>;

/** Live exceptions per queue, for the queue tabs. */
export const QueueCountsSchema = z.object({
  mine: z.number().int(),
  team: z.number().int(),
  unassigned: z.number().int(),
  escalated: z.number().int(),
  due_today: z.number().int(),
});
export const SlaStateSchema = z.enum(SLA_STATES);
export const SlaTierSchema = z.enum(SLA_TIERS);

export const DomainOwnersSchema = z.object({
  domain: z.string(),
  owner: z.string().nullable(),
  backup: z.string().nullable(),
  since: z.string().nullable(),
  handoff: z.boolean(),
  origin: z.enum(['assignment', 'rotation']).nullable(),
  escalation: z.string().nullable(),
  ticketUrl: z.string().nullable(),
  rotation: z.object({ every: z.string(), starting: z.string(), people: z.array(z.string()), handoffDays: z.number().int() }).nullable(),
  assignments: z.array(z.object({ from: z.string(), owner: z.string(), backup: z.string() })),
});

export const OwnersViewSchema = z.object({
  /** The workspace's calendar day the owners are for. */
  day: z.string(),
  me: z.string().nullable(),
  domains: z.array(DomainOwnersSchema),
  /** Everyone the workspace names, "NAME <EMAIL>": the choices for an owner. */
  people: z.array(z.string()),
  /** The workspace's own code/source → domain rows (read before the shipped table). */
  domainMap: z.array(DomainRuleSchema),
});
export type OwnersView = z.infer<typeof OwnersViewSchema>;

export const SetOwnersRequestSchema = z
  .object({ domain: z.string().min(1).max(40), owner: PersonSchema, backup: PersonSchema, from: calendarDate.optional() })
  .strict();

export const NotificationSchema = z.object({
  seq: z.number().int(),
  exceptionId: z.string(),
  code: z.string(),
  level: z.number().int(),
  role: z.string(),
  to: z.string().nullable(),
  owner: z.string().nullable(),
  at: isoInstant,
  asOf: isoInstant,
  title: z.string(),
  body: z.string(),
  forMe: z.boolean(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const SlaCheckSchema = z.object({
  asOf: isoInstant,
  /** Live exceptions that got owners or an SLA in this check. */
  assigned: z.number().int(),
  /** The escalation steps this check took. */
  notifications: z.array(NotificationSchema),
  overdue: z.number().int(),
  escalatedTotal: z.number().int(),
});

const rate = z.number().nullable();
export const MetricsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  asOf: isoInstant,
  reportingCurrency: z.string(),
  summary: z.object({
    unmatched_rate_1h: rate,
    mean_time_to_resolution_hours: z.number().nullable(),
    auto_resolve_rate: rate,
    manual_actions_per_day: z.number(),
    high_value_open: z.object({ count: z.number().int(), value_minor: z.number().int() }),
    top_exceptions: z.array(
      z.object({ code: z.string(), count: z.number().int(), trend: z.array(z.object({ week: z.string(), count: z.number().int() })) }),
    ),
  }),
  days: z.array(
    z.object({
      date: z.string(),
      arrived: z.number().int(),
      unmatched1h: z.number().int(),
      unmatchedRate1h: rate,
      resolved: z.number().int(),
      mttrHours: z.number().nullable(),
      opened: z.number().int(),
      autoResolved: z.number().int(),
      autoResolveRate: rate,
      manualActions: z.number().int(),
      highValueOpen: z.number().int(),
      highValueMinor: z.number().int(),
    }),
  ),
});
export type MetricsReportView = z.infer<typeof MetricsReportSchema>;

export const ChecklistSchema = z.object({
  items: z.array(z.object({ id: z.string(), label: z.string(), ok: z.boolean(), detail: z.string() })),
});
export type Checklist = z.infer<typeof ChecklistSchema>;

/** What the exception card shows of owners and SLA, and the hand-off (src/main/owners/exceptionHandOff.ts). */
export const ExceptionCardSchema = z.object({
  exceptionId: z.string(),
  code: z.string(),
  domain: z.string().nullable(),
  owner: z.string().nullable(),
  backup: z.string().nullable(),
  escalationContact: z.string().nullable(),
  slaTier: SlaTierSchema.nullable(),
  slaDueAt: isoInstant.nullable(),
  slaState: SlaStateSchema,
  openedAt: isoInstant.nullable(),
  escalationLevel: z.number().int(),
  escalatedTo: z.string(),
  escalations: z.array(z.object({ level: z.number().int(), role: z.string(), to: z.string().nullable(), at: isoInstant, asOf: isoInstant })),
  playbook: PlaybookSchema.extend({ origin: z.enum(['workspace', 'default']) }),
  family: z.enum(['finance', 'growth']),
  message: z.string(),
  ticketTitle: z.string(),
  ticketText: z.string(),
  ticketUrl: z.string().nullable(),
});
export type ExceptionCard = z.infer<typeof ExceptionCardSchema>;

export const NotificationEventSchema = z.object({ type: z.literal('notification'), notifications: z.array(NotificationSchema) });
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

export { PersonSchema, DomainRuleSchema, PlaybookSchema };
