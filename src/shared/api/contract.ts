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
import { CloseStatusSchema } from '../close/closeReport.ts';

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

/** An amount in one currency: integer minor units, never a float. */
export const MoneySchema = z.object({ amountMinor: minor, currency });
export type Money = z.infer<typeof MoneySchema>;

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

/** What a reader needs to recognise an event in a list. */
export const EventLineSchema = z.object({
  eventId: id,
  source: z.string(),
  kind: EventKindSchema,
  externalId: z.string(),
  amountMinor: minor,
  currency,
  occurredAt: isoInstant,
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
  localDate: z.string().nullable(),
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

export const DashboardSchema = z.object({
  asOf: isoInstant,
  reportingCurrency: currency,
  eventsTotal: z.number().int(),
  eventsMatchable: z.number().int(),
  eventsMatched: z.number().int(),
  /** Null when nothing is matchable yet. */
  unmatchedRate: z.number().nullable(),
  decisionsTotal: z.number().int(),
  decisionsAutoResolved: z.number().int(),
  autoResolveRate: z.number().nullable(),
  openExceptionsTotal: z.number().int(),
  openByCodeAndClass: z.array(
    z.object({ code: ExceptionCodeSchema, class: ExceptionClassSchema, count: z.number().int(), atStake: z.array(MoneySchema) }),
  ),
  /** Per currency; currencies are never added together. */
  valueAtStake: z.array(MoneySchema),
  oldestOpen: z
    .object({ exceptionId: id, code: ExceptionCodeSchema, createdAt: isoInstant, ageDays: z.number() })
    .nullable(),
  /** Open exceptions by age since created: '<1d', '1–3d', '3–7d', '7–30d', '>30d'. */
  openByAge: z.array(z.object({ bucket: z.string(), count: z.number().int() })),
  /** Matchable events per kind and how many are matched. */
  matchedByKind: z.array(z.object({ kind: EventKindSchema, matchable: z.number().int(), matched: z.number().int() })),
  sources: z.array(
    z.object({
      source: z.string(),
      lastImportAt: isoInstant,
      lastEventAt: isoInstant.nullable(),
      events: z.number().int(),
      /** From workspace.json `feeds`; null when the source declares no cadence. */
      expectedEveryHours: z.number().nullable(),
      /** True when a FEED_MISSING exception is open for the source. */
      feedMissing: z.boolean(),
    }),
  ),
  lastRun: z
    .object({ runId: id, mode: z.string(), ruleSetId: z.string(), ruleVersion: z.number().int(), finishedAt: isoInstant })
    .nullable(),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

// --- exceptions ----------------------------------------------------------------------------------------

export const EXCEPTION_SORT_FIELDS = ['createdAt', 'code', 'class', 'state', 'amountMinor', 'dueAt', 'owner', 'ageDays'] as const;

export const ExceptionFilterSchema = z.object({
  codes: z.array(ExceptionCodeSchema).optional(),
  classes: z.array(ExceptionClassSchema).optional(),
  states: z.array(ExceptionStateSchema).optional(),
  /** Source ids (e.g. "stripe:main"): an exception matches when one of its events comes from one of them. */
  sources: z.array(z.string()).optional(),
  /** |amount at stake| bounds, minor units, inclusive. */
  amountMinMinor: minor.optional(),
  amountMaxMinor: minor.optional(),
  /** Age (days since created, as of now) bounds, inclusive. */
  ageDaysMin: z.number().nonnegative().optional(),
  ageDaysMax: z.number().nonnegative().optional(),
  /** Quick search: exception id, code, owner, or an external id / order ref / customer of one of its events. */
  search: z.string().max(200).optional(),
  /** Ended rows (superseded by a later run) are left out unless asked for. */
  includeEnded: z.boolean().optional(),
});
export type ExceptionFilter = z.infer<typeof ExceptionFilterSchema>;

export const ExceptionRowSchema = z.object({
  exceptionId: id,
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
  summary: z.string(),
  owner: z.string().nullable(),
  createdAt: isoInstant,
  dueAt: isoInstant.nullable(),
  resolvedAt: isoInstant.nullable(),
  ageDays: z.number(),
  ended: z.boolean(),
});
export type ExceptionRow = z.infer<typeof ExceptionRowSchema>;

export const ExceptionDetailSchema = z.object({
  exception: ExceptionRowSchema.extend({
    defaultClass: ExceptionClassSchema,
    origin: z.enum(['engine', 'human']),
    resolution: z.string().nullable(),
    resolvedBy: z.string().nullable(),
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
  /** Sum of the left side's amounts, in its currency. */
  amountMinor: minor,
  currency,
  events: z.array(EventLineSchema),
  eventCount: z.number().int(),
  summary: z.string(),
  createdAt: isoInstant,
  createdBy: z.string(),
});
export type MatchRow = z.infer<typeof MatchRowSchema>;

export const MatchDetailSchema = z.object({
  match: MatchRowSchema.extend({ endedAt: isoInstant.nullable(), endedBy: z.string().nullable() }),
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
  occurredAt: isoInstant,
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

// --- the method table ----------------------------------------------------------------------------------

const empty = z.object({}).strict();
const monthText = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const ok = z.object({ ok: z.literal(true) });

/** What a successful call changed, so open screens refetch (sent as a `changed` event); most methods only read. */
export const CHANGE_AREAS = ['workspace', 'settings', 'imports', 'matches', 'exceptions', 'close'] as const;
export type ChangeArea = (typeof CHANGE_AREAS)[number];

function method<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, changes: readonly ChangeArea[] = []) {
  return { request, response, changes };
}

export const apiContract = {
  'app.info': method(empty, z.object({ name: z.string(), version: z.string(), host: z.enum(['electron', 'browser']) })),

  /** The open workspace, or null on first launch. */
  'workspace.current': method(empty, WorkspaceInfoSchema.nullable()),
  'workspace.create': method(
    z.object({
      path: z.string().min(1),
      name: z.string().min(1).max(200).optional(),
      reportingCurrency: currency,
      timeZone: z.string().min(1),
      locale: z.string().min(2),
    }).strict(),
    WorkspaceInfoSchema,
    ['workspace'],
  ),
  'workspace.open': method(z.object({ path: z.string().min(1) }).strict(), WorkspaceInfoSchema, ['workspace']),
  /** Creates the demo month (tieout demo) in a new folder and opens it. */
  'workspace.createDemo': method(
    z.object({ path: z.string().min(1), orders: z.number().int().min(10).max(100_000) }).strict(),
    WorkspaceInfoSchema,
    ['workspace'],
  ),
  'workspace.recent': method(empty, z.object({ workspaces: z.array(z.object({ path: z.string(), name: z.string(), openedAt: isoInstant })) })),
  /** A folder the user may create a workspace in by default (e.g. ~/Tieout/…). */
  'workspace.suggestPath': method(z.object({ name: z.string().min(1).max(200) }).strict(), z.object({ path: z.string() })),

  'settings.get': method(empty, z.object({ settings: SettingsSchema, tolerances: z.array(ToleranceRowSchema), ruleSet: z.object({ id: z.string(), version: z.number().int() }) })),
  'settings.update': method(SettingsSchema.strict(), WorkspaceInfoSchema, ['settings', 'workspace']),
  /**
   * Changes amount tolerances: a new version of the workspace's own rule set (rule sets are immutable), then a full
   * run under it; the decision is journaled with the reason, before and after.
   */
  'settings.saveTolerances': method(
    z.object({
      tolerances: z
        .array(
          z.object({
            ruleId: z.string().min(1),
            toleranceMinor: z.number().int().nonnegative().safe(),
            toleranceBps: z.number().int().nonnegative().max(10_000),
            roundingMinor: z.number().int().nonnegative().safe(),
          }).strict(),
        )
        .min(1),
      reason: nonEmptyText('A reason'),
    }).strict(),
    z.object({
      ruleSet: z.object({ id: z.string(), version: z.number().int() }),
      matchesCreated: z.number().int(),
      matchesEnded: z.number().int(),
      exceptionsOpened: z.number().int(),
      exceptionsClosed: z.number().int(),
    }),
    ['settings', 'matches', 'exceptions'],
  ),

  'dashboard.get': method(empty, DashboardSchema),

  'exceptions.query': method(
    z.object({
      ...pageRequest,
      sort: z.array(z.object({ field: z.enum(EXCEPTION_SORT_FIELDS), dir: SortDirSchema })).max(3).default([]),
      filter: ExceptionFilterSchema.default({}),
    }).strict(),
    page(ExceptionRowSchema),
  ),
  /** Values the filters offer: codes, sources and currencies present in the ledger, with counts of open rows. */
  'exceptions.facets': method(
    empty,
    z.object({
      codes: z.array(z.object({ code: ExceptionCodeSchema, open: z.number().int() })),
      sources: z.array(z.string()),
      currencies: z.array(currency),
    }),
  ),
  'exceptions.detail': method(z.object({ exceptionId: id }).strict(), ExceptionDetailSchema),
  'exceptions.resolve': method(z.object({ exceptionIds: z.array(id).min(1).max(10_000), reason: nonEmptyText('A reason') }).strict(), z.object({ resolved: z.number().int() }), ['exceptions']),
  'exceptions.comment': method(z.object({ exceptionIds: z.array(id).min(1).max(10_000), text: nonEmptyText('A comment') }).strict(), z.object({ commented: z.number().int() }), ['exceptions']),
  'exceptions.reopen': method(z.object({ exceptionId: id, reason: nonEmptyText('A reason') }).strict(), ok, ['exceptions']),
  'exceptions.assign': method(z.object({ exceptionId: id, owner: nonEmptyText('An owner') }).strict(), ok, ['exceptions']),

  'matches.query': method(
    z.object({
      ...pageRequest,
      sort: z.array(z.object({ field: z.enum(MATCH_SORT_FIELDS), dir: SortDirSchema })).max(3).default([]),
      filter: MatchFilterSchema.default({}),
    }).strict(),
    page(MatchRowSchema),
  ),
  'matches.detail': method(z.object({ matchId: id }).strict(), MatchDetailSchema),
  /** A person matches chosen events (left and right side of a link); their exceptions are resolved by it. */
  'matches.manual': method(
    z.object({ link: z.string().min(1), leftEventIds: z.array(id).min(1), rightEventIds: z.array(id).min(1), reason: nonEmptyText('A reason') }).strict(),
    z.object({ matchId: id }),
    ['matches', 'exceptions'],
  ),
  'matches.unmatch': method(z.object({ matchId: id, reason: nonEmptyText('A reason') }).strict(), ok, ['matches', 'exceptions']),

  'payouts.query': method(
    z.object({ ...pageRequest, filter: z.object({ bank: z.enum(['matched', 'missing', 'pending']).optional(), unexplainedOnly: z.boolean().optional(), search: z.string().max(200).optional() }).default({}) }).strict(),
    page(PayoutRowSchema),
  ),
  'payouts.waterfall': method(z.object({ payoutEventId: id }).strict(), PayoutWaterfallSchema),

  /** The growth tie-out for a month (default: the month of the latest ad spend): see src/main/growth/growthReport.ts. */
  'growth.report': method(
    z.object({
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'period must be YYYY-MM').optional(),
      paidNotShippedDays: z.number().int().min(0).max(365).optional(),
    }).strict(),
    GrowthReportSchema,
  ),

  'imports.formats': method(empty, z.object({ formats: z.array(z.object({ format: z.string(), description: z.string() })), presets: z.array(z.string()) })),
  'imports.history': method(z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(), z.object({ batches: z.array(ImportBatchSchema) })),
  /** Stages a file's bytes for preview and import; the transports carry `bytes` as binary. */
  'imports.upload': method(z.object({ fileName: z.string().min(1).max(255), bytes: z.instanceof(Uint8Array) }).strict(), UploadSchema),
  'imports.preview': method(
    z.object({
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
    }).strict(),
    ImportPreviewSchema,
  ),
  /** Imports staged files as one transaction, then runs the incremental reconcile over what they brought. */
  'imports.commit': method(
    z.object({
      uploadIds: z.array(id).min(1),
      source: z.string().min(1),
      /** A format from imports.formats, or `preset:NAME` (generic CSV through a bank preset). */
      format: z.string().optional(),
      /** For generic-csv: saved as the source's mapping (mappings.get returns it next time). */
      mapping: CsvMappingSchema.optional(),
      skipInvalid: z.boolean().optional(),
    }).strict(),
    ImportOutcomeSchema,
    ['imports', 'matches', 'exceptions'],
  ),
  'mappings.get': method(z.object({ source: z.string().min(1) }).strict(), z.object({ mapping: z.unknown().nullable() })),

  // Month-end close (src/main/close): a month is YYYY-MM in the workspace time zone.
  'close.status': method(z.object({ month: monthText }).strict(), CloseStatusSchema),
  /** Signs the month off: refused while class C exceptions of the month are open, unless acceptOpen carries them forward. */
  'close.close': method(
    z.object({
      month: monthText, by: nonEmptyText('Who signs off'), reason: nonEmptyText('A reason'), acceptOpen: z.boolean().default(false),
      /** Why a source has not delivered past the month's end, by source id. */
      sourceNotes: z.record(z.string(), z.string().max(2000)).default({}),
    }).strict(),
    z.object({ month: z.string(), journalSeq: z.number().int(), acceptedOpen: z.number().int(), pack: z.object({ sha256: z.string(), bytes: z.number().int(), fileName: z.string() }) }),
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
    z.object({ matchesCreated: z.number().int(), matchesEnded: z.number().int(), exceptionsOpened: z.number().int(), exceptionsClosed: z.number().int() }),
    ['matches', 'exceptions'],
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

export type ApiEvent = ProgressEvent | ChangedEvent;

/**
 * The typed API object the renderer uses, whatever carries the calls (Electron IPC or the browser host).
 * `callId` lets a caller pick out the progress events of its own call.
 */
export interface TieoutApi {
  call<M extends MethodName>(method: M, request: RequestOf<M>, options?: { callId?: string }): Promise<ResponseOf<M>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}
