// Which domain (payments, bank, ads, fulfillment, or one a team adds) owns an exception: a table of rules read in
// order, the workspace's own rows first (workspace.json `domain_map`), then the shipped defaults below, which name a
// domain for every exception code, the growth codes included. A rule names a code, a source pattern, or both.
import { z } from 'zod';

export const DEFAULT_DOMAINS = ['payments', 'bank', 'ads', 'fulfillment'] as const;

export const DomainNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a domain is a lower-case name such as payments or marketplace');

/**
 * One row of the table. `source`: a source id ("bank:chase-1234"), or a pattern ending in `*` ("bank:*", "meta-*")
 * matched against the exception's events' sources. A row without `code` applies to every code.
 */
export const DomainRuleSchema = z
  .object({
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'an exception code such as UNKNOWN_BANK_LINE')
      .optional(),
    source: z.string().min(1).max(200).optional(),
    domain: DomainNameSchema,
  })
  .strict()
  .refine((r) => r.code !== undefined || r.source !== undefined, 'a domain_map row names a code, a source, or both');
export type DomainRule = z.infer<typeof DomainRuleSchema>;

/** The domain of every code when its sources say nothing more specific (DESIGN §6 codes, then issue 15's growth codes). */
export const DEFAULT_CODE_DOMAINS: Readonly<Record<string, string>> = {
  DUPLICATE_RECORD: 'payments',
  ROUNDING_DIFF: 'payments',
  TIMING_DIFF: 'payments',
  MISSING_PAYMENT: 'payments',
  MISSING_ORDER: 'payments',
  AMOUNT_MISMATCH: 'payments',
  DUPLICATE_PAYMENT: 'payments',
  REFUND_UNMATCHED: 'payments',
  PAYOUT_MISMATCH: 'payments',
  PAYOUT_NOT_IN_BANK: 'bank',
  UNKNOWN_BANK_LINE: 'bank',
  CURRENCY_MISMATCH: 'payments',
  DISPUTE_OPEN: 'payments',
  AMBIGUOUS_MATCH: 'payments',
  FEED_MISSING: 'payments',
  SPEND_NOT_BILLED: 'ads',
  BILLED_NOT_SPENT: 'ads',
  CARD_CHARGE_NO_BILLING: 'ads',
  CONVERSIONS_WITHOUT_ORDERS: 'ads',
  PAID_NOT_SHIPPED: 'fulfillment',
  SHIPPED_NOT_PAID: 'fulfillment',
  REFUNDED_BUT_SHIPPED: 'fulfillment',
  ORPHAN_SHIPMENT: 'fulfillment',
  VOIDED_LABEL_CHARGED: 'fulfillment',
  SHIPPED_QUANTITY_MISMATCH: 'fulfillment',
};

/** The domain a source kind's data belongs to (a feed's FEED_MISSING, and which domains a workspace uses). */
export const DEFAULT_SOURCE_DOMAINS: readonly DomainRule[] = [
  { source: 'bank:*', domain: 'bank' },
  { source: 'meta-ads:*', domain: 'ads' },
  { source: 'google-ads:*', domain: 'ads' },
  { source: 'shipstation:*', domain: 'fulfillment' },
  { source: 'warehouse:*', domain: 'fulfillment' },
];

/** Codes whose domain follows their sources: a bank line's mismatch belongs to bank, a missing feed to its data. */
const SOURCE_LED_CODES = ['FEED_MISSING', 'AMOUNT_MISMATCH', 'ROUNDING_DIFF', 'TIMING_DIFF', 'AMBIGUOUS_MATCH'];

export const DEFAULT_DOMAIN_MAP: readonly DomainRule[] = [
  ...SOURCE_LED_CODES.flatMap((code) => DEFAULT_SOURCE_DOMAINS.map((r) => ({ code, source: r.source, domain: r.domain }))),
  ...Object.entries(DEFAULT_CODE_DOMAINS).map(([code, domain]) => ({ code, domain })),
];

/** Whether a source id matches a rule's pattern: exact, or a prefix ending in `*`. */
export function sourceMatches(pattern: string, source: string): boolean {
  return pattern.endsWith('*') ? source.startsWith(pattern.slice(0, -1)) : pattern === source;
}

/** Resolves domains from the workspace's rows followed by the defaults; built once per run, asked once per exception. */
export class DomainMap {
  readonly rules: readonly DomainRule[];
  private readonly byCode = new Map<string, DomainRule[]>();

  constructor(workspaceRules: readonly DomainRule[] = []) {
    this.rules = [...workspaceRules, ...DEFAULT_DOMAIN_MAP];
    for (const code of new Set(this.rules.flatMap((r) => (r.code === undefined ? [] : [r.code])))) {
      this.byCode.set(
        code,
        this.rules.filter((r) => r.code === undefined || r.code === code),
      );
    }
  }

  private rulesFor(code: string): DomainRule[] {
    return this.byCode.get(code) ?? this.rules.filter((r) => r.code === undefined);
  }

  /** Whether the answer for this code can depend on sources (so a caller reads them only then). */
  needsSources(code: string): boolean {
    const rules = this.rulesFor(code);
    const firstCodeOnly = rules.findIndex((r) => r.source === undefined);
    return rules.slice(0, firstCodeOnly === -1 ? rules.length : firstCodeOnly).some((r) => r.source !== undefined);
  }

  /** The first rule naming the code (or none) whose source pattern (if any) matches one of the sources; null: none. */
  domainOf(code: string, sources: readonly string[] = []): string | null {
    for (const r of this.rulesFor(code)) {
      if (r.source === undefined || sources.some((s) => sourceMatches(r.source as string, s))) return r.domain;
    }
    return null;
  }

  /** Every domain the table can answer, defaults first. */
  domains(): string[] {
    return [...new Set([...DEFAULT_DOMAINS, ...this.rules.map((r) => r.domain)])];
  }
}

/** The domain a source's own data belongs to (its kind's default, or a workspace row naming the source without a code). */
export function domainOfSource(source: string, workspaceRules: readonly DomainRule[] = []): string {
  for (const r of [...workspaceRules.filter((w) => w.code === undefined), ...DEFAULT_SOURCE_DOMAINS]) {
    if (r.source !== undefined && sourceMatches(r.source, source)) return r.domain;
  }
  return 'payments';
}
