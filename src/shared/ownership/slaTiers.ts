// SLA tiers (CRITICAL, HIGH, MEDIUM, LOW) by class and value at stake, and the escalation steps after an exception
// has stayed unresolved (24 h → backup, 72 h → escalation contact by default). Modelled on Lerian Matcher's SLA rules
// (CRITICAL/HIGH/MEDIUM/LOW by amount and age, due in 24/72/120/168 h): here the amount ladder is scaled to the
// workspace's policy gate and the age part is the escalation matrix, which runs on an explicit clock.
import { z } from 'zod';
import { PersonSchema } from './people.ts';

export const SLA_TIERS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type SlaTier = (typeof SLA_TIERS)[number];

/** A tier rule matches when every condition it states holds; the first match in order decides. */
export const SlaTierRuleSchema = z
  .object({
    tier: z.enum(SLA_TIERS),
    /** Hours from opening to the SLA due time. */
    due_hours: z
      .number()
      .positive()
      .max(24 * 366),
    /** |amount at stake| at or above this, minor units of the reporting currency (other currencies never match it). */
    min_amount_minor: z.number().int().nonnegative().optional(),
    classes: z
      .array(z.enum(['A', 'B', 'C']))
      .min(1)
      .optional(),
    codes: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]*$/))
      .min(1)
      .optional(),
  })
  .strict();
export type SlaTierRule = z.infer<typeof SlaTierRuleSchema>;

export const SlaSettingsSchema = z
  .object({
    tiers: z.array(SlaTierRuleSchema).min(1).max(50).optional(),
    /** Hours unresolved after which the exception escalates to the backup, then to the escalation contact. */
    escalate_after_hours: z
      .tuple([z.number().positive(), z.number().positive()])
      .refine(([a, b]) => a < b, 'the second escalation step must come after the first')
      .optional(),
    /** The matrix's last step for domains that name no `escalation` contact of their own. */
    escalation_contact: PersonSchema.optional(),
  })
  .strict();
export type SlaSettings = z.infer<typeof SlaSettingsSchema>;

export const DEFAULT_ESCALATION_HOURS: readonly [number, number] = [24, 72];

/** The escalation matrix: who is told at each level (0: the owner has it). */
export const ESCALATION_STEPS = ['owner', 'backup', 'escalation contact'] as const;

/**
 * Shipped tiers for a workspace whose policy gate is `gateMinor` (default 1,000 in the reporting currency):
 * CRITICAL at ten times the gate, HIGH from the gate, MEDIUM for anything a person must look at (class C), LOW for
 * the rest (class B in remediation, class A already resolved).
 */
export function defaultSlaTiers(gateMinor: number): SlaTierRule[] {
  return [
    { tier: 'CRITICAL', due_hours: 24, min_amount_minor: gateMinor * 10, classes: ['B', 'C'] },
    { tier: 'HIGH', due_hours: 72, min_amount_minor: gateMinor, classes: ['B', 'C'] },
    { tier: 'MEDIUM', due_hours: 120, classes: ['C'] },
    { tier: 'LOW', due_hours: 168 },
  ];
}

export interface TierInput {
  code: string;
  cls: 'A' | 'B' | 'C';
  amountMinor: number;
  currency: string;
}

/** The first rule that holds; LOW in 168 h when the workspace's list leaves the exception out. */
export function slaTierOf(x: TierInput, rules: readonly SlaTierRule[], reportingCurrency: string): { tier: SlaTier; dueHours: number } {
  for (const r of rules) {
    if (r.classes !== undefined && !r.classes.includes(x.cls)) continue;
    if (r.codes !== undefined && !r.codes.includes(x.code)) continue;
    if (r.min_amount_minor !== undefined && (x.currency !== reportingCurrency || Math.abs(x.amountMinor) < r.min_amount_minor)) continue;
    return { tier: r.tier, dueHours: r.due_hours };
  }
  return { tier: 'LOW', dueHours: 168 };
}

/** How many escalation steps are due after `hoursOpen` unresolved hours (0, 1 or 2). */
export function escalationLevelAfter(hoursOpen: number, steps: readonly [number, number]): 0 | 1 | 2 {
  if (hoursOpen >= steps[1]) return 2;
  if (hoursOpen >= steps[0]) return 1;
  return 0;
}
