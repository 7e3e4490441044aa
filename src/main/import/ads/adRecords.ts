// What the ad platform importers share: reading metric cells, the spend event every report row becomes, and the
// billing events (charges, ad credits, tax, accrued costs). docs/decisions/0005-ad-spend-and-fulfillment-events.md
// says why each is an `ad_spend` event told apart by `state`.
import { createHash } from 'node:crypto';
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';
import { RowProblem } from '../parsers/csvRecords.ts';

export type AdPlatform = 'meta' | 'google';

/** `state` of an ad_spend event: what the record is. */
export const AD_STATES = {
  /** Platform-reported spend for a day (or a period total, flagged). amount = −spend. */
  spent: 'spent',
  /** A charge on the payment method (threshold or month-end billing). amount = −charged. */
  billed: 'billed',
  /** A charge the payment method declined: no money moved. amount = −attempted. */
  failed: 'billing_failed',
  /** An ad credit, promotion or adjustment that reduced what is owed. amount = +credit. */
  credit: 'credit',
  /** Tax on the platform's billing (already inside the charges where the platform charges it). amount = −tax. */
  tax: 'tax',
  /** The billing page's own accrued cost (Google Ads billing activity "costs"). amount = −cost. */
  accrued: 'accrued',
} as const;

/** Digits with optional thousands commas and a decimal point; Google writes nulls as ` --`. */
export function isNullMetric(text: string): boolean {
  const t = text.trim();
  return t === '' || t === '--' || t === '-' || t === '—';
}

/** A money cell ("1,234.56", "$1,234.56", " --" = 0) in minor units of `currency`. */
export function moneyCell(text: string, currency: string, column: number, label: string): number {
  if (isNullMetric(text)) return 0;
  const parsed = parseAmount(text.trim(), currency, { decimal: '.', group: ',' }, { allowExcessPrecision: true });
  if (!parsed.ok) throw new RowProblem(`column "${label}": "${text}" is not an amount (${parsed.error})`, column);
  return parsed.minor;
}

/** A count that may be fractional (Google's data-driven conversions "3.50"); at most two decimals are kept. */
export function countCell(text: string, column: number, label: string): number {
  if (isNullMetric(text)) return 0;
  const t = text.trim().replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new RowProblem(`column "${label}": "${text}" is not a number`, column);
  return Math.round(Number(t) * 100) / 100;
}

/** Midnight at the start of `date` in `timeZone`, as a UTC instant. */
export function startOfDay(date: string, timeZone: string): string {
  const parsed = parseDateTimeToUtc(`${date} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (!parsed.ok) throw new Error(`internal: ${parsed.error}`);
  return parsed.iso;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface SpendRow {
  platform: AdPlatform;
  /** The account the row is for (Account ID / Customer ID or name), '' when the report does not say. */
  account: string;
  /** The row's day in the account's time zone; for a period total, the range. */
  start: string;
  end: string;
  periodTotal: boolean;
  /** [column name, value] of every dimension that identifies the row (campaign, ad set, ad, breakdowns). */
  dimensions: Array<[string, string]>;
  spendMinor: number;
  currency: string;
  conversions: number | null;
  conversionValueMinor: number | null;
  /** Which column the conversions came from ("Purchases", "Conversions"). */
  conversionsColumn: string | null;
  campaign: string | null;
  timeZone: string;
  extra: Record<string, string | number | boolean | null>;
}

/**
 * The spend event of one report row. external_id: platform, account, day (or range) and a hash of the row's
 * dimensions, so the same row in a later or overlapping export is the same record; source_revision: a hash of its
 * figures, so a re-export whose figures changed (late attribution) is a new revision and an identical one is a no-op.
 */
export function spendEvent(r: SpendRow, occurrence: number): EventDraftInput {
  const period = r.periodTotal ? `${r.start}..${r.end}` : r.start;
  const dims = sha(JSON.stringify(r.dimensions)).slice(0, 20);
  const externalId = `${r.platform}:${r.account === '' ? '-' : r.account}:${period}:${dims}${occurrence > 1 ? `#${occurrence}` : ''}`;
  const revision = sha(['v1', r.spendMinor, r.currency, r.conversions ?? '', r.conversionValueMinor ?? ''].join('\u0000')).slice(0, 16);
  const attributes: Record<string, string | number | boolean | null> = {
    record: 'spend',
    platform: r.platform,
    account: r.account === '' ? null : r.account,
    day: r.periodTotal ? null : r.start,
    reporting_start: r.start,
    reporting_end: r.end,
    period_total: r.periodTotal,
    spend_minor: r.spendMinor,
    conversions: r.conversions,
    conversion_value_minor: r.conversionValueMinor,
    conversions_column: r.conversionsColumn,
    time_zone: r.timeZone,
    ...Object.fromEntries(r.dimensions.map(([k, v]) => [`dim.${k}`, v])),
    ...r.extra,
  };
  if (occurrence > 1) attributes.key_occurrence = occurrence;
  return {
    kind: 'ad_spend',
    external_id: externalId,
    source_revision: revision,
    amount_minor: r.spendMinor === 0 ? 0 : -r.spendMinor,
    currency: r.currency,
    state: AD_STATES.spent,
    channel: r.platform,
    occurred_at: startOfDay(r.start, r.timeZone),
    local_date: r.periodTotal ? null : r.start,
    attributes,
  };
}

/** Numbers same-key rows within one file: a breakdown this importer does not name must not collapse two rows into one. */
export class KeyOccurrences {
  private readonly seen = new Map<string, number>();
  next(r: SpendRow): number {
    const key = JSON.stringify([r.account, r.start, r.end, r.dimensions]);
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return n;
  }
}

export interface BillingRecord {
  platform: AdPlatform;
  state: (typeof AD_STATES)[keyof typeof AD_STATES];
  /** The platform's id for the record (transaction id); null: one is made from the row's content. */
  id: string | null;
  date: string;
  /** Start of the period the record covers (costs, credits, tax by range); null for a dated charge. */
  periodStart: string | null;
  time: string | null;
  /** Positive magnitude in minor units; the sign follows the state (see AD_STATES). */
  magnitudeMinor: number;
  currency: string;
  timeZone: string;
  description: string | null;
  paymentMethod: string | null;
  account: string | null;
  extra?: Record<string, string | number | boolean | null>;
}

/** A billing record as an ad_spend event; money out (charges, tax, costs) negative, credits positive. */
export function billingEvent(b: BillingRecord, occurrence: number): EventDraftInput {
  const contentId = `${b.state}:${b.periodStart ?? ''}..${b.date}:${sha(JSON.stringify([b.description, b.magnitudeMinor, b.currency, b.paymentMethod])).slice(0, 16)}`;
  const externalId =
    b.id !== null ? `${b.platform}:txn:${b.id}` : `${b.platform}:${b.account ?? '-'}:${contentId}${occurrence > 1 ? `#${occurrence}` : ''}`;
  const signed = b.state === AD_STATES.credit ? b.magnitudeMinor : -b.magnitudeMinor;
  const local = `${b.date} ${b.time ?? '00:00:00'}`;
  const instant = parseDateTimeToUtc(local, 'YYYY-MM-DD HH:mm:ss', b.timeZone);
  if (!instant.ok) throw new Error(`internal: ${instant.error}`);
  return {
    kind: 'ad_spend',
    external_id: externalId,
    // A charge can later fail or be refunded; its state is part of the record's revision.
    source_revision: b.id !== null ? b.state : '',
    trace_id: b.id,
    amount_minor: signed === 0 ? 0 : signed,
    currency: b.currency,
    state: b.state,
    channel: b.platform,
    occurred_at: instant.iso,
    local_date: b.date,
    attributes: {
      record:
        b.state === AD_STATES.billed || b.state === AD_STATES.failed
          ? 'billing_charge'
          : b.state === AD_STATES.credit
            ? 'ad_credit'
            : b.state === AD_STATES.tax
              ? 'tax'
              : 'accrued_cost',
      platform: b.platform,
      account: b.account,
      period_start: b.periodStart ?? b.date,
      period_end: b.date,
      description: b.description,
      payment_method: b.paymentMethod,
      transaction_id: b.id,
      time_zone: b.timeZone,
      ...b.extra,
    },
  };
}
