// workspace.json: the settings of one workspace (a company or entity), validated on every open.
import { z } from 'zod';
import { isCurrencyCode } from '../money/currencies.ts';
import { SourceIdSchema } from '../events/canonicalEvent.ts';
import { isValidTimeZone } from '../time/dateText.ts';
import { PersonSchema } from '../ownership/people.ts';
import { DomainNameSchema, DomainRuleSchema } from '../ownership/domains.ts';
import { DomainOwnershipSchema } from '../ownership/rotation.ts';
import { SlaSettingsSchema } from '../ownership/slaTiers.ts';
import { PlaybookSchema } from '../ownership/playbooks.ts';
import { CommunicationTemplatesSchema } from '../ownership/communicationTemplates.ts';

/**
 * A source's heartbeat (DESIGN §9): new data is expected at least every `expected_every_hours`; once the
 * source's latest event is older than the ledger's as-of time minus that cadence and `grace_hours`, the
 * source has missed its heartbeat (FEED_MISSING, src/main/matching/feedHeartbeats.ts).
 */
export const FeedCadenceSchema = z
  .object({
    expected_every_hours: z.number().int().positive(),
    grace_hours: z.number().nonnegative().optional(),
  })
  .strict();
export type FeedCadence = z.infer<typeof FeedCadenceSchema>;

/**
 * The growth tie-out's exceptions (src/main/growth/growthExceptions.ts): a paid order with no shipment after
 * `paid_not_shipped_days` is PAID_NOT_SHIPPED; a month's spend and billing are compared once the platform's billing feed
 * has delivered `billing_grace_days` past the month's end (a month-end charge lands in the next month's first days).
 */
export const GrowthSettingsSchema = z
  .object({
    paid_not_shipped_days: z.number().int().min(0).max(365).optional(),
    billing_grace_days: z.number().int().min(0).max(60).optional(),
  })
  .strict();
export type GrowthSettings = z.infer<typeof GrowthSettingsSchema>;

export const WorkspaceSettingsSchema = z.object({
  format: z.literal('tieout-workspace'),
  version: z.literal(1),
  name: z.string().min(1).max(200),
  reporting_currency: z.string().refine(isCurrencyCode, 'reporting_currency must be an ISO 4217 code such as USD or EUR'),
  time_zone: z.string().min(1),
  locale: z.string().min(2),
  /** Above this amount (minor units of the reporting currency) a human signs off any exception. */
  policy_gate_minor: z.number().int().nonnegative().optional(),
  /** Expected cadence per source id (e.g. "stripe:main"); a source without one is never FEED_MISSING. */
  feeds: z.record(SourceIdSchema, FeedCadenceSchema).optional(),
  growth: GrowthSettingsSchema.optional(),
  /**
   * The time zone a source's own dates are in, where it differs from `time_zone` (e.g. "meta-ads:main":
   * "America/Los_Angeles": an ad account reports its days in the account's zone). Imports of that source read naive
   * dates in it, and the growth tie-out shifts store orders into it to compare days.
   */
  source_time_zones: z.record(SourceIdSchema, z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/Los_Angeles')).optional(),
  // Owners, SLA and queues (DESIGN §7, src/shared/ownership/): who "I" am on this laptop, each domain's owners and
  // rotation, the workspace's own code/source → domain rows (before the shipped ones), SLA tiers and escalation,
  // playbooks and message templates replacing the shipped ones.
  me: PersonSchema.optional(),
  owners: z.record(DomainNameSchema, DomainOwnershipSchema).optional(),
  domain_map: z.array(DomainRuleSchema).max(500).optional(),
  sla: SlaSettingsSchema.optional(),
  playbooks: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an exception code such as UNKNOWN_BANK_LINE'), PlaybookSchema).optional(),
  communication_templates: CommunicationTemplatesSchema.optional(),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;
