// The API contract between the renderer and the services (DESIGN §1, §12): every method's name, request
// schema and response schema, plus the progress and change events. Electron IPC, the browser host and the
// renderer's API client are all built from this one table; adding a method is one entry here plus one
// handler in src/main/api/handlers.ts.
import { z } from 'zod';
import { GrowthReportSchema } from '../growth/growthReport.ts';
import { EXCEPTION_CODES, EXCEPTION_CLASSES } from '../rules/ruleSet.ts';
import { EVENT_KINDS } from '../events/canonicalEvent.ts';
import { CsvMappingSchema } from '../import/csvMapping.ts';
import { TEXT_ENCODINGS } from '../import/textEncoding.ts';
import { EXCEPTION_STATES } from '../exceptions/states.ts';
import {
  ChecklistSchema,
  DomainRuleSchema,
  ExceptionCardSchema,
  MetricsReportSchema,
  NotificationEventSchema,
  NotificationSchema,
  OwnersViewSchema,
  PersonSchema,
  PlaybookSchema,
  SetOwnersRequestSchema,
  SlaCheckSchema,
  type NotificationEvent,
  ExceptionQueueSchema,
  QueueCountsSchema,
  SlaStateSchema,
  SlaTierSchema,
} from './ownershipContract.ts';
import { CloseStatusSchema } from '../close/closeReport.ts';
import { isCalendarDate } from '../time/period.ts';
import { RESOLUTION_CATEGORIES } from '../review/resolution.ts';

export const APP_INFO = { name: 'Tieout', version: '0.1.0' } as const;

// --- building blocks ---------------------------------------------------------------------------------

const id = z.string().min(1).max(200);
const isoInstant = z.string().min(1);
const minor = z.number().int().safe();
const currency = z.string().length(3);
const nonEmptyText = (what: string) => z.string().trim().min(1, `${what} is required`).max(4000);

export const ExceptionStateSchema = z.enum(EXCEPTION_STATES);
export type ExceptionState = z.infer<typeof ExceptionStateSchema>;
export const ExceptionCodeSchema = z.enum(EXCEPTION_CODES);
export const ExceptionClassSchema = z.enum(EXCEPTION_CLASSES);
export const EventKindSchema = z.enum(EVENT_KINDS);
export const MatchStatusSchema = z.enum(['matched', 'auto_resolved', 'manual']);
export const SortDirSchema = z.enum(['asc', 'desc']);

export const ResolutionCategorySchema = z.enum(RESOLUTION_CATEGORIES);
export type ResolutionCategory = z.infer<typeof ResolutionCategorySchema>;

/** A resolution as recorded (src/shared/review/resolution.ts): its category, the write-off account, the reason. */
export const ResolutionReadingSchema = z.object({
  category: ResolutionCategorySchema.nullable(),
  account: z.string().nullable(),
  reason: z.string(),
  text: z.string(),
});

/** An amount in one currency: integer minor units, never a float. */
export const MoneySchema = z.object({ amountMinor: minor, currency });
export type Money = z.infer<typeof MoneySchema>;

const calendarDate = z.string().refine(isCalendarDate, 'expected a calendar date YYYY-MM-DD');

/**
 * The review period every review query takes (docs/architecture.md, "The review period"): inclusive calendar days in
 * the workspace time zone. A row is in it by its business date (when the business happened: the events' occurred_at,
 * a bank line's booking date as written), never by when a run raised it. Left out, a query covers the whole ledger.
 */
export const PeriodSchema = z
  .object({ from: calendarDate, to: calendarDate })
  .strict()
  .refine((p) => p.from <= p.to, { message: 'the period ends before it starts', path: ['to'] });
export type Period = z.infer<typeof PeriodSchema>;
const period = { period: PeriodSchema.optional() };

/** A page of a grid: rows [startRow, endRow) of the filtered, sorted set, and how many rows the set has. */
const pageRequest = {
  startRow: z.number().int().nonnegative(),
  endRow: z.number().int().positive(),
};
function page<Row extends z.ZodType>(row: Row) {
  return z.object({ rows: z.array(row), totalRows: z.number().int().nonnegative() });
}

export const WorkspaceInfoSchema = z.object({
  path: z.string(),
  name: z.string(),
  reportingCurrency: currency,
  timeZone: z.string(),
  locale: z.string(),
  /** Minor units of the reporting currency; above it a person signs off any exception. */
  policyGateMinor: minor,
  eventCount: z.number().int().nonnegative(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfoSchema>;

/**
 * What a reader needs to recognise an event in a list. `amountMinor` keeps the ledger's sign (canonicalEvent.ts); the
 * renderer shows it in the one display convention (src/shared/review/displaySign.ts).
 */
export const EventLineSchema = z.object({
  eventId: id,
  source: z.string(),
  kind: EventKindSchema,
  externalId: z.string(),
  amountMinor: minor,
  currency,
  occurredAt: isoInstant,
  /** A bank line's booking date as the bank wrote it (its business date); null for other events. */
  localDate: z.string().nullable(),
  orderRef: z.string().nullable(),
  /** Who: a bank counterparty, a customer's name or e-mail. */
  counterparty: z.string().nullable(),
  /** What: a description or the remittance text. */
  description: z.string().nullable(),
});
export type EventLine = z.infer<typeof EventLineSchema>;

/** Every canonical field of an event, and the raw source record it came from. */
export const EventDetailSchema = EventLineSchema.extend({
  feeMinor: minor.nullable(),
  netMinor: minor.nullable(),
  orderRef: z.string().nullable(),
  customerRef: z.string().nullable(),
  payoutRef: z.string().nullable(),
  traceId: z.string().nullable(),
  state: z.string().nullable(),
  channel: z.string().nullable(),
  receivedAt: isoInstant,
  batchId: z.string(),
  mappingVersion: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  raw: z.object({
    fileName: z.string(),
    artifactId: z.string(),
    lineStart: z.number().int(),
    lineEnd: z.number().int(),
    /** The source lines [lineStart, lineEnd] as text (at most 20 lines / 8 KiB; `truncated` says so). */
    text: z.string(),
    truncated: z.boolean(),
  }),
});
export type EventDetail = z.infer<typeof EventDetailSchema>;

/** The stored explanation of a match or exception (src/main/matching/explanation.ts), as the engine wrote it. */
export const ExplanationSchema = z.object({
  ruleId: z.string().nullable(),
  ruleSetId: z.string().nullable(),
  ruleVersion: z.number().int().nullable(),
  strategy: z.string().nullable(),
  link: z.string().nullable(),
  summary: z.string(),
  keys: z.array(
    z.object({
      leftField: z.string(),
      rightField: z.string(),
      leftValue: z.string(),
      rightValue: z.string(),
      compare: z.string(),
      value: z.number(),
      agreed: z.boolean(),
    }),
  ),
  amountDeltaMinor: minor.nullable(),
  timeDeltaHours: z.number().nullable(),
  score: z.number().nullable(),
  runnersUp: z.array(z.object({ event: EventLineSchema, score: z.number().nullable(), reason: z.string() })),
  policy: z.string().nullable(),
});
export type Explanation = z.infer<typeof ExplanationSchema>;

/** One journal entry about a match or exception, oldest first. */
export const HistoryEntrySchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  at: isoInstant,
  /** A one-line reading of the entry ("resolved: paid by cheque", "comment: …"). */
  summary: z.string(),
  payload: z.record(z.string(), z.unknown()),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

// --- dashboard -----------------------------------------------------------------------------------------

/** One business day of the period: what happened that day and how much of it still needs someone. */
export const DashboardDaySchema = z.object({
  date: z.string(),
  /** Matchable events with this business date, and how many of them are matched. */
  matchable: z.number().int(),
  matched: z.number().int(),
  unmatchedRate: z.number().nullable(),
  /** Open exceptions whose business date is this day, and their amount at stake per currency. */
  openExceptions: z.number().int(),
  atStake: z.array(MoneySchema),
});
export type DashboardDay = z.infer<typeof DashboardDaySchema>;

// --- awaiting ------------------------------------------------------------------------------------------

/**
 * Events whose counterpart may still come (DESIGN §5): held back from a counterpart-missing exception until every
 * source that could hold it has delivered past the event's time plus the rule's window. Never exceptions.
 */
export const AwaitingSourceSchema = z.object({
  source: z.string(),
  /** The source's watermark: the latest business time it has delivered (or the end of a period its file states); null: nothing yet. */
  deliveredThrough: isoInstant.nullable(),
});
export type AwaitingSource = z.infer<typeof AwaitingSourceSchema>;

export const AwaitingGroupSchema = z.object({
  /** The exception the events would become if their counterparts never came. */
  code: ExceptionCodeSchema,
  kind: EventKindSchema,
  count: z.number().int(),
  /** Per currency, |amount| summed; currencies are never added together. */
  amount: z.array(MoneySchema),
  waitingOn: z.array(AwaitingSourceSchema),
  /** The earliest time one of those sources must reach for the first of these events to be decided. */
  firstUntil: isoInstant,
  /** "12,400 orders awaiting payments: no stripe:main data after 2026-10-12" */
  summary: z.string(),
});
export type AwaitingGroup = z.infer<typeof AwaitingGroupSchema>;

export const AwaitingSummarySchema = z.object({
  /** Events awaiting (an event awaiting under two codes counts once). */
  events: z.number().int(),
  groups: z.array(AwaitingGroupSchema),
});
export type AwaitingSummary = z.infer<typeof AwaitingSummarySchema>;

export const AWAITING_SORT_FIELDS = ['businessDate', 'amountMinor', 'code', 'until', 'source'] as const;

export const AwaitingRowSchema = EventLineSchema.extend({
  businessDate: z.string(),
  code: ExceptionCodeSchema,
  waitingOn: z.array(AwaitingSourceSchema),
  /** When the counterpart's sources must have delivered through for this event to be decided (match or exception). */
  until: isoInstant,
  /** Why it still waits, e.g. "no stripe:main data after 2026-10-12". */
  reason: z.string(),
});
export type AwaitingRow = z.infer<typeof AwaitingRowSchema>;

export const AwaitingFilterSchema = z.object({
  codes: z.array(ExceptionCodeSchema).optional(),
  kinds: z.array(EventKindSchema).optional(),
  /** Events waiting on this source. */
  waitingOn: z.string().min(1).optional(),
  /** External id, order ref or payout ref exactly; a customer, counterparty or description by substring. */
  search: z.string().max(200).optional(),
});
export type AwaitingFilter = z.infer<typeof AwaitingFilterSchema>;

export const DashboardSchema = z.object({
  asOf: isoInstant,
  /** The period the figures are of; null: the whole ledger. */
  period: PeriodSchema.nullable(),
  reportingCurrency: currency,
  eventsTotal: z.number().int(),
  eventsMatchable: z.number().int(),
  eventsMatched: z.number().int(),
  /** Null when nothing is matchable yet. */
  unmatchedRate: z.number().nullable(),
  /** The period's unmatched events that await a counterpart's feed: part of the unmatched rate, not exceptions. */
  awaiting: AwaitingSummarySchema,
  decisionsTotal: z.number().int(),
  decisionsAutoResolved: z.number().int(),
  autoResolveRate: z.number().nullable(),
  openExceptionsTotal: z.number().int(),
  openByCodeAndClass: z.array(
    z.object({ code: ExceptionCodeSchema, class: ExceptionClassSchema, count: z.number().int(), atStake: z.array(MoneySchema) }),
  ),
  /** Per currency; currencies are never added together. */
  valueAtStake: z.array(MoneySchema),
  /** The open exception whose business date is the earliest; its age counts from that business time. */
  oldestOpen: z
    .object({
      exceptionId: id,
      code: ExceptionCodeSchema,
      businessAt: isoInstant,
      businessDate: z.string(),
      ageDays: z.number(),
      createdAt: isoInstant,
    })
    .nullable(),
  /**
   * Open exceptions by age since their business time: '<1d', '1–3d', '3–7d', '7–30d', '>30d', each with its bounds in
   * days (`toDays` null: no upper bound) so a bar opens the grid filtered to it.
   */
  openByAge: z.array(z.object({ bucket: z.string(), fromDays: z.number(), toDays: z.number().nullable(), count: z.number().int() })),
  /** Every day of the period, oldest first (empty without a period). */
  days: z.array(DashboardDaySchema),
  /** Matchable events per kind and how many are matched. */
  matchedByKind: z.array(z.object({ kind: EventKindSchema, matchable: z.number().int(), matched: z.number().int() })),
  sources: z.array(
    z.object({
      source: z.string(),
      lastImportAt: isoInstant,
      lastEventAt: isoInstant.nullable(),
      events: z.number().int(),
      /** Its events whose business date is in the period. */
      eventsInPeriod: z.number().int(),
      /** From workspace.json `feeds`; null when the source declares no cadence. */
      expectedEveryHours: z.number().nullable(),
      /** True when a FEED_MISSING exception is open for the source. */
      feedMissing: z.boolean(),
    }),
  ),
  lastRun: z.object({ runId: id, mode: z.string(), ruleSetId: z.string(), ruleVersion: z.number().int(), finishedAt: isoInstant }).nullable(),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

// --- exceptions ----------------------------------------------------------------------------------------

export const EXCEPTION_SORT_FIELDS = [
  'businessDate',
  'createdAt',
  'code',
  'class',
  'state',
  'amountMinor',
  'dueAt',
  'owner',
  'ageDays',
  'domain',
  'slaDueAt',
  'slaTier',
  'escalationLevel',
] as const;

export const ExceptionFilterSchema = z.object({
  codes: z.array(ExceptionCodeSchema).optional(),
  classes: z.array(ExceptionClassSchema).optional(),
  states: z.array(ExceptionStateSchema).optional(),
  /** Source ids (e.g. "stripe:main"): an exception matches when one of its events comes from one of them. */
  sources: z.array(z.string()).optional(),
  /** |amount at stake| bounds, minor units, inclusive. */
  amountMinMinor: minor.optional(),
  amountMaxMinor: minor.optional(),
  /** Age (days since the business time of its events, as of now) bounds, inclusive. */
  ageDaysMin: z.number().nonnegative().optional(),
  ageDaysMax: z.number().nonnegative().optional(),
  /** Business date bounds inside the period (a day of the dashboard's trend), inclusive. */
  businessDateFrom: calendarDate.optional(),
  businessDateTo: calendarDate.optional(),
  /**
   * Quick search: exception id, code, owner, or of one of its events the external id, order ref, customer, or a
   * counterparty / description text.
   */
  search: z.string().max(200).optional(),
  /** Ended rows (superseded by a later run) are left out unless asked for. */
  includeEnded: z.boolean().optional(),
  /**
   * A work queue (live exceptions only): mine (owned by workspace.json `me`, or handed to me by an escalation step),
   * team (all), unassigned, escalated, due_today (SLA due before the end of today, overdue included).
   */
  queue: ExceptionQueueSchema.optional(),
  /** Owners as stored ("NAME <EMAIL>"); "" stands for no owner. */
  owners: z.array(z.string().max(300)).max(200).optional(),
  /** Domains (payments, bank, …); "" stands for none. */
  domains: z.array(z.string().max(40)).max(100).optional(),
  slaStates: z.array(SlaStateSchema).optional(),
});
export type ExceptionFilter = z.infer<typeof ExceptionFilterSchema>;

export const ExceptionRowSchema = z.object({
  exceptionId: id,
  /** When the business happened: the earliest event's occurred_at, and its business date (a booking date as written). */
  businessAt: isoInstant,
  businessDate: z.string(),
  code: ExceptionCodeSchema,
  class: ExceptionClassSchema,
  state: ExceptionStateSchema,
  policyGated: z.boolean(),
  amountMinor: minor,
  currency,
  /** Distinct sources of its events, sorted. */
  sources: z.array(z.string()),
  /** The first events (at most 3), for the grid's "events" column; eventCount says how many there are. */
  events: z.array(EventLineSchema),
  eventCount: z.number().int(),
  /** Read from the events: the first counterparty, description and order ref one of them has. */
  counterparty: z.string().nullable(),
  description: z.string().nullable(),
  orderRef: z.string().nullable(),
  summary: z.string(),
  owner: z.string().nullable(),
  createdAt: isoInstant,
  dueAt: isoInstant.nullable(),
  resolvedAt: isoInstant.nullable(),
  /** Days since the business time; `raisedAgeDays`: since a run (or a person) raised it. */
  ageDays: z.number(),
  raisedAgeDays: z.number(),
  ended: z.boolean(),
  resolution: ResolutionReadingSchema.nullable(),
  /** Owners and SLA (DESIGN §7): its domain, the backup, the tier and due time, where it stands now, the escalation step. */
  domain: z.string().nullable(),
  backup: z.string().nullable(),
  slaTier: SlaTierSchema.nullable(),
  slaDueAt: isoInstant.nullable(),
  slaState: SlaStateSchema,
  escalationLevel: z.number().int(),
});
export type ExceptionRow = z.infer<typeof ExceptionRowSchema>;

const MatchLinkSideSchema = z.object({ kinds: z.array(EventKindSchema), sources: z.array(z.string()) });

export const ExceptionDetailSchema = z.object({
  exception: ExceptionRowSchema.extend({
    defaultClass: ExceptionClassSchema,
    origin: z.enum(['engine', 'human']),
    resolvedBy: z.string().nullable(),
    /** How it came to be resolved, in words ("resolved by user:ana's manual match mm_…"); null while open. */
    resolvedHow: z.string().nullable(),
  }),
  events: z.array(EventDetailSchema),
  explanation: ExplanationSchema,
  history: z.array(HistoryEntrySchema),
  /**
   * Counterparts the engine suggests for a manual match of this exception's events: unmatched events of the
   * kinds the rule set links them to, best first, with why each is proposed. Empty for resolved exceptions.
   */
  candidates: z.array(
    z.object({
      event: EventLineSchema,
      link: z.string(),
      /** Which side of `link` the candidate is on; the exception's own events go on the other side. */
      side: z.enum(['left', 'right']),
      score: z.number(),
      reasons: z.array(z.string()),
    }),
  ),
  /**
   * The links a person may match this exception's events in (a rule of the link takes one of them on a side), from the
   * rule set in force: the kinds each side takes and the ledger sources it accepts (empty: any). An event's side is
   * the one that takes its kind; `events.search` looks for the side(s) the exception's own events are not on. Empty
   * for resolved exceptions.
   */
  matchLinks: z.array(z.object({ link: z.string(), left: MatchLinkSideSchema, right: MatchLinkSideSchema })),
});
export type ExceptionDetail = z.infer<typeof ExceptionDetailSchema>;

// --- matches -------------------------------------------------------------------------------------------

export const MATCH_SORT_FIELDS = ['createdAt', 'link', 'status', 'ruleId', 'score', 'amountMinor'] as const;

export const MatchFilterSchema = z.object({
  statuses: z.array(MatchStatusSchema).optional(),
  links: z.array(z.string()).optional(),
  /** Match id, rule id, or an external id / order ref of one of its events. */
  search: z.string().max(200).optional(),
});
export type MatchFilter = z.infer<typeof MatchFilterSchema>;

export const MatchRowSchema = z.object({
  matchId: id,
  link: z.string(),
  status: MatchStatusSchema,
  origin: z.enum(['engine', 'human']),
  ruleId: z.string().nullable(),
  ruleVersion: z.number().int().nullable(),
  score: z.number().nullable(),
  /** Sum of the left side's amounts, in its currency; `kind` is the left side's first kind (for the display sign). */
  amountMinor: minor,
  currency,
  kind: EventKindSchema,
  /** The business date of its left side's earliest event (the order, refund, dispute or payout it ties). */
  businessDate: z.string(),
  events: z.array(EventLineSchema),
  eventCount: z.number().int(),
  counterparty: z.string().nullable(),
  description: z.string().nullable(),
  orderRef: z.string().nullable(),
  summary: z.string(),
  createdAt: isoInstant,
  createdBy: z.string(),
});
export type MatchRow = z.infer<typeof MatchRowSchema>;

export const MatchDetailSchema = z.object({
  /** endedAt/endedBy/endReason: the match no longer holds (a person unmatched it, a later run or a manual match ended it). */
  match: MatchRowSchema.extend({ endedAt: isoInstant.nullable(), endedBy: z.string().nullable(), endReason: z.string().nullable() }),
  events: z.array(EventDetailSchema.extend({ side: z.enum(['left', 'right']) })),
  explanation: ExplanationSchema,
  history: z.array(HistoryEntrySchema),
});
export type MatchDetail = z.infer<typeof MatchDetailSchema>;

// --- payouts -------------------------------------------------------------------------------------------

export const PayoutRowSchema = z.object({
  payoutEventId: id,
  source: z.string(),
  externalId: z.string(),
  /** The processor's payout id (Stripe po_…), as the bank line's text names it. */
  payoutRef: z.string().nullable(),
  occurredAt: isoInstant,
  businessDate: z.string(),
  description: z.string().nullable(),
  /** What the processor says it paid out (positive = money sent to the bank). */
  netMinor: minor,
  currency,
  itemCount: z.number().int(),
  /** Payout net minus what its items explain; 0 when the items add up. */
  unexplainedMinor: minor,
  bank: z.enum(['matched', 'missing', 'pending']),
  bankEventId: id.nullable(),
});
export type PayoutRow = z.infer<typeof PayoutRowSchema>;

export const WATERFALL_STEPS = ['gross_sales', 'fees', 'refunds', 'disputes', 'adjustments', 'unexplained'] as const;

export const PayoutWaterfallSchema = z.object({
  payout: EventLineSchema,
  currency,
  /** From gross sales down to the payout net; `unexplained` is payout net − the sum of the other steps. */
  steps: z.array(
    z.object({
      step: z.enum(WATERFALL_STEPS),
      label: z.string(),
      amountMinor: minor,
      count: z.number().int(),
      /**
       * The items of the step (all of them; a payout's items are bounded by its processor), each with the part of
       * it the step counts: a payment sits in gross sales with its gross and in fees with the fee taken from it.
       */
      items: z.array(EventLineSchema.extend({ stepAmountMinor: minor })),
    }),
  ),
  payoutNetMinor: minor,
  unexplainedMinor: minor,
  /** The bank line the payout arrived as, with the match that ties them. */
  bank: z.object({ event: EventLineSchema, matchId: id }).nullable(),
  /** Exceptions on the payout (PAYOUT_MISMATCH, PAYOUT_NOT_IN_BANK, TIMING_DIFF, …). */
  exceptions: z.array(z.object({ exceptionId: id, code: ExceptionCodeSchema, state: ExceptionStateSchema, amountMinor: minor, currency })),
});
export type PayoutWaterfall = z.infer<typeof PayoutWaterfallSchema>;

// --- sources and import --------------------------------------------------------------------------------

export const ImportBatchSchema = z.object({
  batchId: id,
  source: z.string(),
  format: z.string(),
  fileName: z.string(),
  startedAt: isoInstant,
  finishedAt: isoInstant,
  rowsRead: z.number().int(),
  eventsCreated: z.number().int(),
  duplicatesSkipped: z.number().int(),
  rowsRejected: z.number().int(),
  actor: z.string(),
});
export type ImportBatch = z.infer<typeof ImportBatchSchema>;

/** A source connected by API (issue 14) as the Sources screen shows it; never a secret. */
export const ConnectorStatusSchema = z.object({
  source: z.string(),
  provider: z.enum(['stripe', 'shopify', 'paypal']),
  location: z.string(),
  cadenceHours: z.number(),
  state: z.enum(['never', 'syncing', 'ok', 'failed']),
  step: z.string().nullable(),
  pages: z.number().int(),
  eventsCreated: z.number().int(),
  lastSyncAt: isoInstant.nullable(),
  lastOkAt: isoInstant.nullable(),
  nextRunAt: isoInstant,
  error: z.string().nullable(),
});
export type ConnectorStatus = z.infer<typeof ConnectorStatusSchema>;

export const UploadSchema = z.object({ uploadId: id, fileName: z.string(), byteLength: z.number().int() });
export type Upload = z.infer<typeof UploadSchema>;

export const ImportPreviewSchema = z.object({
  uploadId: id,
  fileName: z.string(),
  /** The detected (or requested) format; null when it cannot be told and a format or mapping must be chosen. */
  format: z.string().nullable(),
  formatDescription: z.string().nullable(),
  encoding: z.string().nullable(),
  /** For CSV files: the header and the first rows as cells, so a mapping can be written against them. */
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  /** The first canonical events the file would create (nothing is written). */
  events: z.array(EventLineSchema),
  /** Why the file cannot be read as chosen (names the line and column where it applies). */
  error: z.string().nullable(),
  /**
   * For a delimited text file: the header line, delimiter and encoding its first lines suggest (the first line after
   * any preamble whose cells fill the widest row), so a mapping starts from the real header; null when not a table.
   */
  layoutGuess: z.object({ headerRow: z.number().int(), delimiter: z.string(), encoding: z.string() }).nullable(),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const ImportOutcomeSchema = z.object({
  files: z.array(
    z.object({
      fileName: z.string(),
      batchId: id,
      format: z.string(),
      rowsRead: z.number().int(),
      eventsCreated: z.number().int(),
      duplicatesSkipped: z.number().int(),
      rowsRejected: z.number().int(),
      rejected: z.array(z.object({ line: z.number().int(), column: z.number().int(), message: z.string() })),
    }),
  ),
  eventsCreated: z.number().int(),
  duplicatesSkipped: z.number().int(),
  rowsRejected: z.number().int(),
  /** The incremental run that followed; null when the import brought no new event. */
  reconcile: z.object({ matchesCreated: z.number().int(), exceptionsOpened: z.number().int(), exceptionsClosed: z.number().int() }).nullable(),
});
export type ImportOutcome = z.infer<typeof ImportOutcomeSchema>;

export const SettingsSchema = z.object({
  name: z.string().min(1).max(200),
  reportingCurrency: currency,
  timeZone: z.string().min(1),
  locale: z.string().min(2),
  policyGateMinor: minor.nonnegative(),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The amount tolerances of the rule set in force, per rule (read from the versioned rule set). */
export const ToleranceRowSchema = z.object({
  ruleId: z.string(),
  description: z.string(),
  toleranceMinor: z.number().int(),
  toleranceBps: z.number().int(),
  roundingMinor: z.number().int(),
  windowBeforeDays: z.number().nullable(),
  windowAfterDays: z.number().nullable(),
});
export type ToleranceRow = z.infer<typeof ToleranceRowSchema>;

// --- rule set versions (the Rules screen, DESIGN §8) ---------------------------------------------------

export const RULE_VERSION_STATE_VALUES = ['draft', 'shadow', 'active', 'canary', 'retired'] as const;
export const DIFF_CATEGORY_VALUES = ['newly_matched', 'newly_unmatched', 'other_counterpart', 'other_code_or_class'] as const;
export type DiffCategoryName = (typeof DIFF_CATEGORY_VALUES)[number];
export const DIFF_SORT_FIELD_VALUES = ['occurredAt', 'category', 'ruleId', 'kind', 'source', 'eventId', 'stakeMinor', 'amountMinor'] as const;
/** A version as people name it: `workspace@2`, `default@4` (or a bare number for the workspace line). */
const versionLabel = z.string().trim().min(1).max(120);
const CanaryScopeSchema = z.object({ sources: z.array(z.string()), codes: z.array(z.string()) });

export const RuleVersionRowSchema = z.object({
  version: z.string(),
  ruleSetId: z.string(),
  number: z.number().int(),
  name: z.string(),
  state: z.enum(RULE_VERSION_STATE_VALUES),
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  reason: z.string(),
  stateReason: z.string().nullable(),
  stateSince: z.string().nullable(),
  stateBy: z.string().nullable(),
  scope: CanaryScopeSchema.nullable(),
  inForce: z.boolean(),
});
export type RuleVersionRow = z.infer<typeof RuleVersionRowSchema>;

export const CanaryFiguresSchema = z.object({
  version: z.string(),
  previous: z.string(),
  scope: CanaryScopeSchema,
  since: z.string(),
  autoResolved: z.number().int(),
  heldForPeople: z.number().int(),
  reopened: z.number().int(),
});

const GradingFiguresSchema = z.object({
  decisions: z.number().int(),
  agreed: z.number().int(),
  agreement: z.number().nullable(),
  restsOn: z.number().int(),
  overturned: z.number().int(),
  falsePositiveRate: z.number().nullable(),
});
const CategoryCountSchema = z.object({ category: z.enum(DIFF_CATEGORY_VALUES), count: z.number().int(), money: z.array(MoneySchema) });

/** A version beside the live projection: the differences counted per category and rule, the grading, the window. */
export const RuleComparisonSchema = z.object({
  summary: z.object({
    version: z.string(),
    live: z.string(),
    diffs: z.number().int(),
    byCategory: z.array(CategoryCountSchema),
    byRule: z.array(CategoryCountSchema.extend({ ruleId: z.string().nullable() })),
    laneAsOf: z.string().nullable(),
    liveAsOf: z.string().nullable(),
  }),
  grading: GradingFiguresSchema.extend({ live: GradingFiguresSchema }),
  /** Null unless the version is in shadow (only a shadow version is promoted through its window). */
  window: z
    .object({
      policy: z.object({
        min_observation_days: z.number(),
        min_observation_events: z.number().nullable(),
        max_false_positive_rate: z.number(),
        min_graded_decisions: z.number(),
      }),
      since: z.string().nullable(),
      observedDays: z.number(),
      observedEvents: z.number().int(),
      met: z.boolean(),
      missing: z.array(z.string()),
    })
    .nullable(),
});
export type RuleComparison = z.infer<typeof RuleComparisonSchema>;

/** One event whose outcome differs between a version and the live projection (ruleVersions/shadowComparison.ts). */
export const RuleDiffRowSchema = z.object({
  eventId: z.string(),
  kind: z.string(),
  source: z.string(),
  occurredAt: z.string(),
  amountMinor: minor,
  currency,
  category: z.enum(DIFF_CATEGORY_VALUES),
  link: z.string().nullable(),
  ruleId: z.string().nullable(),
  activeMatchId: z.string().nullable(),
  shadowMatchId: z.string().nullable(),
  activeWith: z.array(z.string()),
  shadowWith: z.array(z.string()),
  activeExceptions: z.array(z.string()),
  shadowExceptions: z.array(z.string()),
  activeExceptionId: z.string().nullable(),
  shadowExceptionId: z.string().nullable(),
  stakeMinor: minor,
});
export type RuleDiffRow = z.infer<typeof RuleDiffRowSchema>;
export const RuleDiffFilterSchema = z
  .object({
    categories: z.array(z.enum(DIFF_CATEGORY_VALUES)).optional(),
    ruleId: z.string().nullable().optional(),
    search: z.string().max(200).optional(),
  })
  .strict();
export type RuleDiffFilter = z.infer<typeof RuleDiffFilterSchema>;

/** The differences grid's view: a version, its filter and sort, the review period (by the events' business date). */
export const RuleDiffsViewSchema = z.object({
  version: versionLabel,
  ...period,
  sort: z
    .array(z.object({ field: z.enum(DIFF_SORT_FIELD_VALUES), dir: SortDirSchema }))
    .max(3)
    .default([]),
  filter: RuleDiffFilterSchema.default({}),
});

/** A match or exception as one side holds it, with its explanation (runner-ups included). */
export const OutcomeItemSchema = z.object({
  type: z.enum(['match', 'exception', 'awaiting']),
  id: z.string(),
  /** "order_payment matched", "AMOUNT_MISMATCH class C open", "awaiting MISSING_PAYMENT". */
  label: z.string(),
  eventIds: z.array(z.string()),
  explanation: ExplanationSchema.nullable(),
});
export type OutcomeItem = z.infer<typeof OutcomeItemSchema>;

/** A rule set as JSON, validated by the services against the shared schema (src/shared/rules/ruleSet.ts). */
const ruleSetJson = z.record(z.string(), z.unknown());
const runCounts = z.object({
  matchesCreated: z.number().int(),
  matchesEnded: z.number().int(),
  exceptionsOpened: z.number().int(),
  exceptionsClosed: z.number().int(),
});

// --- grid views (what a grid shows: its filter, sort and period; paged to query, whole to export) ----------

export const ExceptionsViewSchema = z.object({
  ...period,
  sort: z
    .array(z.object({ field: z.enum(EXCEPTION_SORT_FIELDS), dir: SortDirSchema }))
    .max(3)
    .default([]),
  filter: ExceptionFilterSchema.default({}),
});
export const MatchesViewSchema = z.object({
  ...period,
  sort: z
    .array(z.object({ field: z.enum(MATCH_SORT_FIELDS), dir: SortDirSchema }))
    .max(3)
    .default([]),
  filter: MatchFilterSchema.default({}),
});
export const PayoutsViewSchema = z.object({
  ...period,
  filter: z
    .object({
      bank: z.enum(['matched', 'missing', 'pending']).optional(),
      unexplainedOnly: z.boolean().optional(),
      search: z.string().max(200).optional(),
    })
    .default({}),
});
export const AwaitingViewSchema = z.object({
  ...period,
  sort: z
    .array(z.object({ field: z.enum(AWAITING_SORT_FIELDS), dir: SortDirSchema }))
    .max(3)
    .default([]),
  filter: AwaitingFilterSchema.default({}),
});
export const ExportFormatSchema = z.enum(['csv', 'xlsx']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

// --- the method table ----------------------------------------------------------------------------------

const empty = z.object({}).strict();
const monthText = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const ok = z.object({ ok: z.literal(true) });

/** What a successful call changed, so open screens refetch (sent as a `changed` event); most methods only read. */
export const CHANGE_AREAS = ['workspace', 'settings', 'imports', 'matches', 'exceptions', 'connectors', 'rules', 'close'] as const;
export type ChangeArea = (typeof CHANGE_AREAS)[number];

function method<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, changes: readonly ChangeArea[] = []) {
  return { request, response, changes };
}

export const apiContract = {
  'app.info': method(empty, z.object({ name: z.string(), version: z.string(), host: z.enum(['electron', 'browser']) })),

  /** The open workspace, or null on first launch. */
  'workspace.current': method(empty, WorkspaceInfoSchema.nullable()),
  'workspace.create': method(
    z
      .object({
        path: z.string().min(1),
        name: z.string().min(1).max(200).optional(),
        reportingCurrency: currency,
        timeZone: z.string().min(1),
        locale: z.string().min(2),
      })
      .strict(),
    WorkspaceInfoSchema,
    ['workspace'],
  ),
  'workspace.open': method(z.object({ path: z.string().min(1) }).strict(), WorkspaceInfoSchema, ['workspace']),
  /** Creates the demo month (tieout demo) in a new folder and opens it. */
  'workspace.createDemo': method(z.object({ path: z.string().min(1), orders: z.number().int().min(10).max(100_000) }).strict(), WorkspaceInfoSchema, [
    'workspace',
  ]),
  'workspace.recent': method(empty, z.object({ workspaces: z.array(z.object({ path: z.string(), name: z.string(), openedAt: isoInstant })) })),
  /** A folder the user may create a workspace in by default (e.g. ~/Tieout/…). */
  'workspace.suggestPath': method(z.object({ name: z.string().min(1).max(200) }).strict(), z.object({ path: z.string() })),

  'settings.get': method(
    empty,
    z.object({ settings: SettingsSchema, tolerances: z.array(ToleranceRowSchema), ruleSet: z.object({ id: z.string(), version: z.number().int() }) }),
  ),
  'settings.update': method(SettingsSchema.strict(), WorkspaceInfoSchema, ['settings', 'workspace']),
  /** Every rule set version with its state (newest first per line), the one in force, a running canary's figures. */
  'rules.versions': method(
    empty,
    z.object({
      versions: z.array(RuleVersionRowSchema),
      inForce: z.string(),
      active: z.string(),
      canary: CanaryFiguresSchema.nullable(),
      /** What a rollback would put in force now (the active version under a canary, else the version the active one replaced); null: nothing to roll back to. */
      rollbackTo: z.string().nullable(),
    }),
  ),
  /** A version's rule set JSON (default: the one in force): what the editor starts a new version from. */
  'rules.definition': method(z.object({ version: versionLabel.optional() }).strict(), z.object({ version: z.string(), ruleSet: ruleSetJson })),
  /** A version against the live projection: counts and money per category and rule, the grading, the window. */
  'rules.compare': method(z.object({ version: versionLabel }).strict(), RuleComparisonSchema),
  /** The differences of a version from the live projection, filtered, sorted and paged in SQL (its lane's stored diffs). */
  'rules.diffs': method(RuleDiffsViewSchema.extend(pageRequest).strict(), page(RuleDiffRowSchema)),
  /** One difference: the event, and what the live projection and the version hold for it, each with its explanation. */
  'rules.diffDetail': method(
    z.object({ version: versionLabel, eventId: id }).strict(),
    z.object({ event: EventLineSchema, live: z.array(OutcomeItemSchema), version: z.array(OutcomeItemSchema) }),
  ),
  /** "Try on an example": what an edited rule set (not saved) would make of an event, exception or match, beside the live result. */
  'rules.tryExample': method(
    z.object({ ruleSet: ruleSetJson, id: z.string().trim().min(1, 'an event, exception or match id is required').max(200) }).strict(),
    z.object({ eventIds: z.array(z.string()), live: z.array(OutcomeItemSchema), edited: z.array(OutcomeItemSchema) }),
  ),
  /** Saves an edited rule set as a new version in shadow (nothing live changes), with a reason; its lane runs in full. */
  'rules.create': method(
    z.object({ ruleSet: ruleSetJson, reason: nonEmptyText('A reason'), basedOn: versionLabel.optional() }).strict(),
    z.object({ version: z.string(), state: z.enum(['draft', 'shadow']), laneError: z.string().nullable(), run: runCounts.nullable() }),
    ['rules'],
  ),
  /**
   * Promotes a shadow version (refused with what is missing unless its observation window is met or overridden with
   * the reason), as a canary on some sources or exception codes, or widens a canary (to a wider scope, or everywhere).
   */
  'rules.promote': method(
    z
      .object({
        version: versionLabel,
        reason: nonEmptyText('A reason'),
        overrideWindow: z.boolean().optional(),
        /** `stripe:main,ROUNDING_DIFF`: sources (ids or kinds) and exception codes the canary auto-resolves in. */
        canary: z.string().trim().min(1).max(2000).optional(),
      })
      .strict(),
    z.object({
      version: z.string(),
      state: z.enum(['active', 'canary']),
      previous: z.string(),
      overridden: z.boolean(),
      missing: z.array(z.string()),
      run: runCounts,
    }),
    ['rules', 'settings', 'matches', 'exceptions'],
  ),
  /** One step back: a canary is retired, or the version the active one replaced is active again; then a full run. */
  'rules.rollback': method(
    z.object({ reason: nonEmptyText('A reason') }).strict(),
    z.object({ version: z.string(), rolledBack: z.string(), run: runCounts }),
    ['rules', 'settings', 'matches', 'exceptions'],
  ),

  /**
   * The months that have events (by business date, in the workspace time zone), newest first, with how many events
   * each has: what the period selector offers; `latest` is its default.
   */
  'periods.available': method(
    empty,
    z.object({ timeZone: z.string(), months: z.array(z.object({ month: z.string(), events: z.number().int() })), latest: z.string().nullable() }),
  ),

  'dashboard.get': method(z.object({ ...period }).strict(), DashboardSchema),

  'exceptions.query': method(ExceptionsViewSchema.extend(pageRequest).strict(), page(ExceptionRowSchema)),
  /** Values the filters offer: codes (with their open rows in the period), sources and currencies present in the ledger. */
  'exceptions.facets': method(
    z.object({ ...period }).strict(),
    z.object({
      codes: z.array(z.object({ code: ExceptionCodeSchema, open: z.number().int() })),
      sources: z.array(z.string()),
      currencies: z.array(currency),
      /** Owners and domains of live exceptions in the period, with counts; the queue tabs' counts; who "me" is. */
      owners: z.array(z.object({ owner: z.string(), open: z.number().int() })),
      domains: z.array(z.object({ domain: z.string(), open: z.number().int() })),
      queues: QueueCountsSchema,
      me: z.string().nullable(),
    }),
  ),
  'exceptions.detail': method(z.object({ exceptionId: id }).strict(), ExceptionDetailSchema),
  /**
   * Resolves with a category and a reason (an accepted difference names the account it is written off to); the
   * category, account and reason are journaled together (src/shared/review/resolution.ts).
   */
  'exceptions.resolve': method(
    z
      .object({
        exceptionIds: z.array(id).min(1).max(10_000),
        category: ResolutionCategorySchema,
        writeOffAccount: z.string().trim().max(200).optional(),
        reason: nonEmptyText('A reason'),
      })
      .strict()
      .refine((r) => r.category !== 'accepted_difference' || (r.writeOffAccount ?? '') !== '', {
        message: 'an accepted difference names the account it is written off to',
        path: ['writeOffAccount'],
      }),
    z.object({ resolved: z.number().int() }),
    ['exceptions'],
  ),
  'exceptions.comment': method(
    z.object({ exceptionIds: z.array(id).min(1).max(10_000), text: nonEmptyText('A comment') }).strict(),
    z.object({ commented: z.number().int() }),
    ['exceptions'],
  ),
  'exceptions.reopen': method(z.object({ exceptionId: id, reason: nonEmptyText('A reason') }).strict(), ok, ['exceptions']),
  'exceptions.assign': method(z.object({ exceptionId: id, owner: nonEmptyText('An owner') }).strict(), ok, ['exceptions']),

  'matches.query': method(MatchesViewSchema.extend(pageRequest).strict(), page(MatchRowSchema)),
  'matches.detail': method(z.object({ matchId: id }).strict(), MatchDetailSchema),
  /** A person matches chosen events (left and right side of a link); their exceptions are resolved by it. */
  'matches.manual': method(
    z
      .object({ link: z.string().min(1), leftEventIds: z.array(id).min(1), rightEventIds: z.array(id).min(1), reason: nonEmptyText('A reason') })
      .strict(),
    z.object({ matchId: id }),
    ['matches', 'exceptions'],
  ),
  'matches.unmatch': method(z.object({ matchId: id, reason: nonEmptyText('A reason') }).strict(), ok, ['matches', 'exceptions']),

  'payouts.query': method(PayoutsViewSchema.extend(pageRequest).strict(), page(PayoutRowSchema)),
  /** The period's events awaiting a counterpart's feed, grouped (the sentence per group) and counted. */
  'awaiting.summary': method(z.object({ ...period }).strict(), AwaitingSummarySchema),
  /** The period's awaiting events, one row per event and code it would become, filtered, sorted and paged in SQL. */
  'awaiting.query': method(AwaitingViewSchema.extend(pageRequest).strict(), page(AwaitingRowSchema)),
  /** One awaiting event in full (its source line) and what it waits for under each code. */
  'awaiting.detail': method(
    z.object({ eventId: id }).strict(),
    z.object({ event: EventDetailSchema, waits: z.array(AwaitingRowSchema.pick({ code: true, waitingOn: true, until: true, reason: true })) }),
  ),
  /**
   * Events a person searches for to match by hand (an unknown bank line, a payout the bank never showed): any event,
   * not only the engine's candidates, filtered in SQL and paged; `link` marks those an active match of it holds.
   */
  'events.search': method(
    z
      .object({
        ...pageRequest,
        ...period,
        kinds: z.array(EventKindSchema).optional(),
        sources: z.array(z.string()).max(100).optional(),
        currency: currency.optional(),
        /** |amount| bounds, minor units, inclusive. */
        amountMinMinor: minor.nonnegative().optional(),
        amountMaxMinor: minor.nonnegative().optional(),
        /** External id, order ref or payout ref exactly; a customer, counterparty or description by substring. */
        text: z.string().max(200).optional(),
        link: z.string().min(1).optional(),
        /** Leave out events an active match of `link` already holds. */
        freeOnly: z.boolean().optional(),
      })
      .strict(),
    page(EventLineSchema.extend({ businessDate: z.string(), matchedIn: z.string().nullable() })),
  ),
  /**
   * The current view of a grid (its filter, sort and period) as a file: CSV, or an XLSX workbook (exceljs). Text cells
   * that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are neutralised; numbers stay numbers.
   */
  'export.grid': method(
    z.discriminatedUnion('grid', [
      ExceptionsViewSchema.extend({ grid: z.literal('exceptions'), format: ExportFormatSchema }).strict(),
      MatchesViewSchema.extend({ grid: z.literal('matches'), format: ExportFormatSchema }).strict(),
      PayoutsViewSchema.extend({ grid: z.literal('payouts'), format: ExportFormatSchema }).strict(),
      AwaitingViewSchema.extend({ grid: z.literal('awaiting'), format: ExportFormatSchema }).strict(),
      RuleDiffsViewSchema.extend({ grid: z.literal('ruleDiffs'), format: ExportFormatSchema }).strict(),
    ]),
    /** The file's bytes travel as base64 so every transport (IPC, HTTP JSON) carries them alike. */
    z.object({ fileName: z.string(), mediaType: z.string(), rows: z.number().int(), base64: z.string() }),
  ),
  'payouts.waterfall': method(z.object({ payoutEventId: id }).strict(), PayoutWaterfallSchema),

  /** The growth tie-out for a month (default: the month of the latest ad spend): see src/main/growth/growthReport.ts. */
  'growth.report': method(
    z
      .object({
        period: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'period must be YYYY-MM')
          .optional(),
        paidNotShippedDays: z.number().int().min(0).max(365).optional(),
      })
      .strict(),
    GrowthReportSchema,
  ),
  /** The events behind a part of a growth row or a figure (ids from growth.report), in the order asked, as event lines. */
  'growth.events': method(z.object({ eventIds: z.array(id).min(1).max(500) }).strict(), z.object({ events: z.array(EventLineSchema) })),

  'imports.formats': method(
    empty,
    z.object({ formats: z.array(z.object({ format: z.string(), description: z.string() })), presets: z.array(z.string()) }),
  ),
  'imports.history': method(
    z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    z.object({ batches: z.array(ImportBatchSchema) }),
  ),
  /** Stages a file's bytes for preview and import; the transports carry `bytes` as binary. */
  /** Connected sources with their sync state; `background` says whether this host syncs them on a schedule. */
  'connectors.list': method(empty, z.object({ connectors: z.array(ConnectorStatusSchema), background: z.boolean() })),
  /** Starts a source's sync now (single flight: a sync in progress carries on). */
  'connectors.syncNow': method(z.object({ source: z.string().min(1).max(200) }).strict(), z.object({ started: z.boolean(), message: z.string() }), [
    'connectors',
  ]),
  'imports.upload': method(z.object({ fileName: z.string().min(1).max(255), bytes: z.instanceof(Uint8Array) }).strict(), UploadSchema),
  'imports.preview': method(
    z
      .object({
        uploadId: id,
        /** A format from imports.formats, or `preset:NAME` (generic CSV through a bank preset). */
        format: z.string().optional(),
        mapping: CsvMappingSchema.optional(),
        /** With the source, previewed event ids are exactly the ids the import will create. */
        source: z.string().min(1).optional(),
        /**
         * How to cut the file into the preview's rows while a mapping is still incomplete (its columns come from the
         * header line, so they must be readable before the mapping is): header line, delimiter, text encoding.
         */
        layout: z
          .object({
            headerRow: z.number().int().min(1).max(1000).optional(),
            delimiter: z.string().length(1).optional(),
            encoding: z.enum(TEXT_ENCODINGS).optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    ImportPreviewSchema,
  ),
  /** Imports staged files as one transaction, then runs the incremental reconcile over what they brought. */
  'imports.commit': method(
    z
      .object({
        uploadIds: z.array(id).min(1),
        source: z.string().min(1),
        /** A format from imports.formats, or `preset:NAME` (generic CSV through a bank preset). */
        format: z.string().optional(),
        /** For generic-csv: saved as the source's mapping (mappings.get returns it next time). */
        mapping: CsvMappingSchema.optional(),
        skipInvalid: z.boolean().optional(),
        /** Import bank statements whose balances do not add up, the difference journaled (the CLI's --accept-unbalanced). */
        acceptUnbalanced: z.boolean().optional(),
      })
      .strict(),
    ImportOutcomeSchema,
    ['imports', 'matches', 'exceptions'],
  ),
  'mappings.get': method(z.object({ source: z.string().min(1) }).strict(), z.object({ mapping: z.unknown().nullable() })),

  // Month-end close (src/main/close): a month is YYYY-MM in the workspace time zone.
  'close.status': method(z.object({ month: monthText }).strict(), CloseStatusSchema),
  /** Signs the month off: refused while class C exceptions of the month are open, unless acceptOpen carries them forward. */
  'close.close': method(
    z
      .object({
        month: monthText,
        by: nonEmptyText('Who signs off'),
        reason: nonEmptyText('A reason'),
        acceptOpen: z.boolean().default(false),
        /** Why a source has not delivered past the month's end, by source id. */
        sourceNotes: z.record(z.string(), z.string().max(2000)).default({}),
      })
      .strict(),
    z.object({
      month: z.string(),
      journalSeq: z.number().int(),
      acceptedOpen: z.number().int(),
      pack: z.object({ sha256: z.string(), bytes: z.number().int(), fileName: z.string() }),
    }),
    ['close'],
  ),
  'close.reopen': method(
    z.object({ month: monthText, by: nonEmptyText('Who reopens'), reason: nonEmptyText('A reason') }).strict(),
    z.object({ month: z.string(), journalSeq: z.number().int() }),
    ['close'],
  ),
  /** The month's audit pack: the one stored at its close, or a draft of an open month. Bytes travel as base64. */
  'close.pack': method(
    z.object({ month: monthText, withSources: z.boolean().default(false) }).strict(),
    z.object({ fileName: z.string(), state: z.enum(['closed', 'draft']), sha256: z.string(), bytes: z.number().int(), base64: z.string() }),
  ),

  'reconcile.run': method(
    empty,
    z.object({
      matchesCreated: z.number().int(),
      matchesEnded: z.number().int(),
      exceptionsOpened: z.number().int(),
      exceptionsClosed: z.number().int(),
    }),
    ['matches', 'exceptions'],
  ),

  // Owners, SLA, metrics (issue 13; shapes in ownershipContract.ts)
  /** Each domain's owners today, "me", everyone the workspace names, and its own domain rows. */
  'owners.list': method(empty, OwnersViewSchema),
  /** Hands a domain to an owner and backup from a day on (default today); its unowned open exceptions get them. */
  'owners.set': method(SetOwnersRequestSchema, z.object({ from: z.string(), assigned: z.number().int() }), ['settings', 'exceptions']),
  /** "Who am I" on this laptop: what My queue means (null forgets it). */
  'owners.setMe': method(z.object({ me: PersonSchema.nullable() }).strict(), ok, ['settings', 'exceptions']),
  /** The workspace's own code/source → domain rows, read before the shipped table. */
  'owners.setDomainMap': method(z.object({ rules: z.array(DomainRuleSchema).max(500) }).strict(), ok, ['settings', 'exceptions']),
  /** A code's playbook for this workspace; null goes back to the shipped one. */
  'playbooks.set': method(z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]*$/), playbook: PlaybookSchema.nullable() }).strict(), ok, [
    'settings',
    'exceptions',
  ]),
  /** Runs the SLA clock at the wall clock: owners for exceptions lacking them, escalation steps; the steps it took. */
  'sla.check': method(empty, SlaCheckSchema),
  /** Escalation steps, newest first (the in-app notification list). */
  'notifications.list': method(
    z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.object({ notifications: z.array(NotificationSchema) }),
  ),
  /** Operating metrics over calendar days of the workspace (default: the 30 days ending today), with a point per day. */
  'metrics.get': method(
    z
      .object({
        from: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
        to: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
      })
      .strict(),
    MetricsReportSchema,
  ),
  'checklist.get': method(empty, ChecklistSchema),
  /** Owner, backup, SLA, escalations, playbook, message and ticket of one exception. */
  'exceptions.card': method(z.object({ exceptionId: id }).strict(), ExceptionCardSchema),
  /** Gives exceptions an owner; taking them from an owner they have needs a reason (journaled). */
  'exceptions.reassign': method(
    z.object({ exceptionIds: z.array(id).min(1).max(10_000), owner: nonEmptyText('An owner'), reason: z.string().max(4000).optional() }).strict(),
    z.object({ assigned: z.number().int(), owner: z.string() }),
    ['exceptions'],
  ),
} as const;

export type ApiContract = typeof apiContract;
export type MethodName = keyof ApiContract;
/** What a caller passes (defaults may be left out). */
export type RequestOf<M extends MethodName> = z.input<ApiContract[M]['request']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedRequestOf<M extends MethodName> = z.output<ApiContract[M]['request']>;
export type ResponseOf<M extends MethodName> = z.output<ApiContract[M]['response']>;

export const METHOD_NAMES = Object.keys(apiContract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiContract, name);
}

// --- errors and events ---------------------------------------------------------------------------------

/**
 * A failed call, as every front door reports it: `invalid_request` (the request does not match the
 * contract; `field` names the path), `bad_input` (the services refused it: a decision on a resolved
 * exception, a file that cannot be imported …), `no_workspace`, `not_found`, `internal`.
 */
export const ApiErrorSchema = z.object({
  kind: z.enum(['invalid_request', 'bad_input', 'no_workspace', 'not_found', 'internal']),
  message: z.string(),
  field: z.string().nullable(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

/** The answer to one call, as every transport carries it: failures travel as data, never as thrown objects. */
export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** A call whose method or request does not match the contract, refused before any service runs. */
export function invalidRequest(message: string, field: string | null): Envelope {
  return { ok: false, error: { kind: 'invalid_request', message, field } };
}

export class ApiError extends Error {
  readonly kind: ApiErrorBody['kind'];
  readonly field: string | null;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.kind = body.kind;
    this.field = body.field;
  }
  toBody(): ApiErrorBody {
    return { kind: this.kind, message: this.message, field: this.field };
  }
}

/** Validates a request against the contract; throws ApiError('invalid_request') naming the first bad field. */
export function parseRequest<M extends MethodName>(name: M, request: unknown): ParsedRequestOf<M> {
  const parsed = apiContract[name].request.safeParse(request ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : null;
    throw new ApiError({ kind: 'invalid_request', message: `${name}: ${field ?? 'request'}: ${issue?.message ?? 'invalid'}`, field });
  }
  return parsed.data as ParsedRequestOf<M>;
}

export const ProgressEventSchema = z.object({
  type: z.literal('progress'),
  /** The call this progress belongs to (transport-assigned). */
  callId: z.string(),
  method: z.string(),
  /** What is happening, for a person: "Reading stripe.csv", "Matching: order-payment.exact-key". */
  label: z.string(),
  done: z.number(),
  /** Null when the total is not known. */
  total: z.number().nullable(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

/** Sent after a call changed the ledger or the workspace, so open screens refetch. */
export const ChangedEventSchema = z.object({
  type: z.literal('changed'),
  what: z.array(z.enum(CHANGE_AREAS)),
});
export type ChangedEvent = z.infer<typeof ChangedEventSchema>;

export { NotificationEventSchema, type NotificationEvent };

/** Escalation steps the app's SLA clock took: a desktop notification in Electron, the in-app list everywhere. */
export type ApiEvent = ProgressEvent | ChangedEvent | NotificationEvent;

/**
 * The typed API object the renderer uses, whatever carries the calls (Electron IPC or the browser host).
 * `callId` lets a caller pick out the progress events of its own call.
 */
export interface TieoutApi {
  call<M extends MethodName>(method: M, request: RequestOf<M>, options?: { callId?: string }): Promise<ResponseOf<M>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}
