// What the growth tie-out needs to know of a store order: which ad platform (if any) it came from, whether it is a
// test or draft order, its gross and net value, and when it was placed.
import { utcInstantToLocalDate } from '../../shared/time/dateText.ts';
import { num, text, type LedgerEvent } from './growthEvents.ts';

/** utm_source values (lowercased) and the platform they name. */
const UTM_PLATFORMS: ReadonlyArray<[RegExp, string]> = [
  [/^(facebook|fb|instagram|ig|meta|an|audience_network|messenger)$/, 'meta'],
  [/^(google|adwords|googleads|google_ads|youtube|gads)$/, 'google'],
];
/** Click ids a platform appends to its ad clicks' landing URL. */
const CLICK_IDS: ReadonlyArray<[string, string]> = [
  ['fbclid', 'meta'],
  ['gclid', 'google'],
  ['gbraid', 'google'],
  ['wbraid', 'google'],
];

export type Attribution =
  | { platform: string; reason: 'utm_source' | 'click_id' | 'channel' }
  | { platform: null; reason: 'no_channel' | 'non_ad_channel' | 'several_platforms' };

export function platformOfUtm(source: string): string | null {
  const s = source.trim().toLowerCase();
  for (const [re, platform] of UTM_PLATFORMS) if (re.test(s)) return platform;
  return null;
}

/**
 * The store's own attribution of an order (last touch): its utm_source, else the one platform whose click id it
 * carries, else a sales channel that names a platform. Several platforms' click ids and no utm_source: none (never
 * a guess); the order is in every such platform's `clickPlatforms`.
 */
export function attributeOrder(e: LedgerEvent): Attribution {
  const utm = text(e.attrs, 'utm_source');
  if (utm !== null) {
    const p = platformOfUtm(utm);
    return p !== null ? { platform: p, reason: 'utm_source' } : { platform: null, reason: 'non_ad_channel' };
  }
  const clicks = clickPlatforms(e);
  if (clicks.length === 1) return { platform: clicks[0] as string, reason: 'click_id' };
  if (clicks.length > 1) return { platform: null, reason: 'several_platforms' };
  const channel = e.channel === null ? null : platformOfUtm(e.channel);
  if (channel !== null) return { platform: channel, reason: 'channel' };
  return { platform: null, reason: 'no_channel' };
}

/** The platforms whose click id the order carries (each can claim it). */
export function clickPlatforms(e: LedgerEvent): string[] {
  const out: string[] = [];
  for (const [key, platform] of CLICK_IDS) if (text(e.attrs, key) !== null && !out.includes(platform)) out.push(platform);
  return out;
}

/**
 * A test order (Shopify's Bogus gateway, a `test` tag, a test financial status) or one created by staff from a draft
 * order (Source `shopify_draft_order`): no ad led to either, so neither is store revenue an ad platform can be held to.
 */
export function testOrDraft(e: LedgerEvent): 'test' | 'draft' | null {
  const gateway = text(e.attrs, 'payment_method') ?? '';
  const tags = (text(e.attrs, 'tags') ?? '').split(',').map((t) => t.trim().toLowerCase());
  if (/bogus|test/i.test(gateway) || tags.includes('test') || e.state === 'test') return 'test';
  if (e.channel === 'shopify_draft_order' || text(e.attrs, 'source') === 'shopify_draft_order') return 'draft';
  return null;
}

export interface OrderFacts {
  event: LedgerEvent;
  /** When the customer placed it (checkout: what a pixel records), UTC. */
  placedAt: string;
  attribution: Attribution;
  clicks: string[];
  excluded: 'test' | 'draft' | null;
  cancelled: boolean;
  grossMinor: number;
  /** Gross less refunds; 0 when cancelled or voided. */
  netMinor: number;
}

export function orderFacts(e: LedgerEvent): OrderFacts {
  const placedAt = text(e.attrs, 'created_at') ?? e.occurredAt;
  const cancelled = text(e.attrs, 'cancelled_at') !== null || e.state === 'voided';
  const refunded = num(e.attrs, 'refunded_minor') ?? 0;
  const gross = e.amountMinor;
  return {
    event: e,
    placedAt,
    attribution: attributeOrder(e),
    clicks: clickPlatforms(e),
    excluded: testOrDraft(e),
    cancelled,
    grossMinor: gross,
    netMinor: cancelled ? 0 : Math.max(0, gross - refunded),
  };
}

const QUARTER_HOUR_MS = 15 * 60_000;
const dayCache = new Map<string, Map<number, string>>();

/**
 * The calendar day of an instant in a time zone. Every zone's offset and transitions fall on a quarter hour, so the
 * day is the same all through a UTC quarter hour: it is read once per zone and quarter hour (Intl is slow per call).
 */
export function dayIn(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return utcInstantToLocalDate(instant, timeZone);
  let days = dayCache.get(timeZone);
  if (days === undefined || days.size > 200_000) {
    days = new Map();
    dayCache.set(timeZone, days);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  let day = days.get(bucket);
  if (day === undefined) {
    day = utcInstantToLocalDate(new Date(bucket * QUARTER_HOUR_MS).toISOString(), timeZone);
    days.set(bucket, day);
  }
  return day;
}
