// The Stripe connector's sync: payouts, each automatic payout's items, disputes, then the balance history, each read
// in passes over a window of `created` times with cursor pagination (starting_after), resumable page by page.
//
// A pass reads created[gte]=from … created[lte]=to, newest first, 100 objects a page, `to` being the server's clock
// when the pass starts: an object created while the pass runs belongs to the next one, and nothing between passes is
// skipped, because the next pass starts `overlapMinutes` before the last one ended (objects Stripe makes visible late;
// reading one again is a no-op). The cursor after each page is {from, to, after, done}; a killed sync resumes the pass
// at `after`. Order matters: payouts first, so the balance history finds each paid-out item's payout already known
// (stripePages.ts) and lands it once, as the item of its payout.
import { stripeApiPageFormat, type StripeEndpoint } from './stripePages.ts';
import { stripeGet, type Query } from './stripeApi.ts';
import type { StepContext, StepPage, SyncStep } from '../connectorTypes.ts';
import type { PageContext } from '../pages/pageFormat.ts';

const PAGE_LIMIT = 100;

interface PassCursor {
  from: number;
  to: number;
  after: string | null;
  done: boolean;
  /** The sync that began the pass. */
  sync: string;
}

interface ItemsCursor {
  payout: string | null;
  after: string | null;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Where the next pass starts and ends: after the last pass (minus the overlap), or `backfillDays` back; up to now. */
function nextPass(previous: PassCursor | null, ctx: StepContext): PassCursor {
  const now = Math.floor(ctx.now() / 1000);
  const from = previous === null ? now - ctx.config.backfillDays * 86_400 : previous.to - ctx.config.overlapMinutes * 60;
  return { from: Math.min(from, now), to: now, after: null, done: false, sync: ctx.syncId };
}

function lastId(data: unknown[]): string | null {
  const last = data[data.length - 1] as { id?: unknown } | undefined;
  return typeof last?.id === 'string' ? last.id : null;
}

/** A step that lists one endpoint over `created` windows. */
function windowStep(name: string, endpoint: StripeEndpoint, path: string, expand: string | null, extra?: (data: unknown[]) => PageContext): SyncStep {
  return {
    name,
    async next(cursor: unknown, ctx: StepContext): Promise<StepPage | null> {
      const prior = cursor as PassCursor | null;
      const pass = prior === null || prior.done ? nextPass(prior, ctx) : prior;
      const query: [string, string | number][] = [
        ['created[gte]', pass.from],
        ['created[lte]', pass.to],
        ['limit', PAGE_LIMIT],
      ];
      if (expand !== null) query.push(['expand[]', expand]);
      if (pass.after !== null) query.push(['starting_after', pass.after]);
      const answer = await stripeGet(ctx.http, ctx.config.baseUrl, ctx.credentials, path, query);
      const data = Array.isArray(answer.json['data']) ? (answer.json['data'] as unknown[]) : [];
      const more = answer.json['has_more'] === true && lastId(data) !== null;
      // A pass begun before the server's clock was known may end after the server's now (our clock ahead of its):
      // nothing can have been created there yet, so the window read ends at the server's now.
      const to = Math.min(pass.to, Math.floor(ctx.now() / 1000));
      const after: PassCursor = more ? { ...pass, after: lastId(data) } : { ...pass, to, after: null, done: true };
      // A pass resumed from an earlier sync is followed by one up to now.
      const caughtUp = !more && pass.sync === ctx.syncId;
      return {
        page: {
          eventSource: ctx.source,
          format: stripeApiPageFormat,
          bytes: answer.response.bytes,
          fileName: answer.label,
          request: { method: 'GET', path, query: Object.fromEntries(query) },
          context: { endpoint, ...extra?.(data) },
          cursor: after,
          passComplete: !more,
          coversTo: more ? null : iso(to),
        },
        last: caughtUp,
      };
    },
  };
}

/**
 * The next automatic payout whose items were not read yet: one a page of the payouts step listed (its context names the
 * page's automatic payouts) and no completed `payout_items` listing names. In the order they were listed.
 */
function pendingPayout(ctx: StepContext): string | null {
  return (
    (ctx.db
      .prepare(
        `SELECT j.value FROM sync_pages p, json_each(json_extract(p.context, '$.automatic')) j
         WHERE p.source = @source AND p.step = 'payouts'
           AND NOT EXISTS (SELECT 1 FROM sync_pages q WHERE q.source = @source AND q.step = 'payout_items' AND q.pass_complete = 1
                             AND json_extract(q.context, '$.payout') = j.value)
         ORDER BY p.seq, j.key LIMIT 1`,
      )
      .pluck()
      .get({ source: ctx.source }) as string | undefined) ?? null
  );
}

/** The automatic payouts a page of payouts lists (Stripe lists items only for those). */
function automaticPayouts(data: unknown[]): PageContext {
  const ids = data.flatMap((p) => {
    const o = p as { id?: unknown; automatic?: unknown };
    return o.automatic === true && typeof o.id === 'string' ? [o.id] : [];
  });
  return { automatic: JSON.stringify(ids) };
}

/** Each automatic payout's balance transactions (`payout=`): what makes a charge an item of its payout. */
const payoutItemsStep: SyncStep = {
  name: 'payout_items',
  async next(cursor: unknown, ctx: StepContext): Promise<StepPage | null> {
    const prior = cursor as ItemsCursor | null;
    const payout = prior?.payout ?? pendingPayout(ctx);
    if (payout === null) return null;
    const query: [string, string | number][] = [
      ['payout', payout],
      ['limit', PAGE_LIMIT],
      ['expand[]', 'data.source'],
    ];
    const after = prior?.payout === payout ? prior.after : null;
    if (after !== null) query.push(['starting_after', after]);
    const path = '/v1/balance_transactions';
    const answer = await stripeGet(ctx.http, ctx.config.baseUrl, ctx.credentials, path, query);
    const data = Array.isArray(answer.json['data']) ? (answer.json['data'] as unknown[]) : [];
    const more = answer.json['has_more'] === true && lastId(data) !== null;
    const next: ItemsCursor = more ? { payout, after: lastId(data) } : { payout: null, after: null };
    return {
      page: {
        eventSource: ctx.source,
        format: stripeApiPageFormat,
        bytes: answer.response.bytes,
        fileName: answer.label,
        request: { method: 'GET', path, query: Object.fromEntries(query) },
        context: { endpoint: 'balance_transactions', payout },
        cursor: next,
        passComplete: !more,
        coversTo: null,
      },
      // Another payout may be waiting: the runner asks again until none is.
      last: false,
    };
  },
};

export function stripeSteps(): SyncStep[] {
  return [
    windowStep('payouts', 'payouts', '/v1/payouts', 'data.balance_transaction', automaticPayouts),
    payoutItemsStep,
    // A dispute lists its balance transactions whole: nothing to expand.
    windowStep('disputes', 'disputes', '/v1/disputes', null),
    windowStep('balance_transactions', 'balance_transactions', '/v1/balance_transactions', 'data.source'),
  ];
}

/** Used by remediation: one GET, the answer as a page of the charges/refunds endpoint. */
export async function stripeLookup(
  ctx: StepContext,
  path: string,
  query: Query,
): Promise<{ json: Record<string, unknown>; bytes: Uint8Array; label: string }> {
  const answer = await stripeGet(ctx.http, ctx.config.baseUrl, ctx.credentials, path, query);
  return { json: answer.json, bytes: answer.response.bytes, label: answer.label };
}
