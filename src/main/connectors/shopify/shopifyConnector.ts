// The Shopify connector's sync: orders (a bulk operation for the first, backfilling pass; then pages of orders changed
// in each window, by updated_at), then Shopify Payments balance transactions and payouts under `shopify-payments:NAME`.
// Each is read in passes over a window [from, to] of its time field, resumable page by page from the ledger's cursor:
// a pass's `to` is the server's clock when it starts, the next pass starts `overlapMinutes` before it ended.
import { ConnectorError, type StepContext, type StepPage, type SyncStep } from '../connectorTypes.ts';
import { shopifyGraphql } from './shopifyApi.ts';
import { BALANCE_TRANSACTIONS_QUERY, BULK_RUN_MUTATION, BULK_STATUS_QUERY, ORDERS_QUERY, PAYOUTS_QUERY, bulkOrdersQuery } from './shopifyQueries.ts';
import { shopifyBulkOrdersFormat, shopifyGraphqlPageFormat } from './shopifyPages.ts';

const PAGE_SIZE = 100;
/** What a page of orders costs at most (Shopify reports each answer's cost; this bounds the pacing). */
const ORDERS_PAGE_COST = 600;
const LIST_PAGE_COST = 110;

interface PassCursor {
  phase: 'paged';
  from: string;
  to: string;
  after: string | null;
  done: boolean;
  sync: string;
}

interface BulkCursor {
  phase: 'bulk';
  id: string;
  from: string;
  to: string;
  sync: string;
}

const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function nextPass(previous: PassCursor | null, ctx: StepContext): PassCursor {
  const now = ctx.now();
  const from = previous === null ? now - ctx.config.backfillDays * 86_400_000 : Date.parse(previous.to) - ctx.config.overlapMinutes * 60_000;
  return { phase: 'paged', from: isoSeconds(Math.min(from, now)), to: isoSeconds(now), after: null, done: false, sync: ctx.syncId };
}

/** The payments source a shop's Shopify Payments records belong to (the rules take `shopify-payments` as a processor). */
export function paymentsSource(source: string): string {
  return `shopify-payments:${source.slice(source.indexOf(':') + 1)}`;
}

interface ListSpec {
  step: string;
  kind: 'orders' | 'balance_transactions' | 'payouts';
  query: string;
  field: string;
  cost: number;
  /** Where the connection is in `data`. */
  connection: (data: Record<string, unknown>) => { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | undefined;
  eventSource: (ctx: StepContext) => string;
}

/** One page of a windowed pass: its search is `FIELD:>='from' AND FIELD:<='to'`, paged by endCursor. */
async function passPage(spec: ListSpec, pass: PassCursor, ctx: StepContext): Promise<StepPage> {
  const search = `${spec.field}:>='${pass.from}' AND ${spec.field}:<='${pass.to}'`;
  const variables = { first: PAGE_SIZE, after: pass.after, query: search };
  const answer = await shopifyGraphql(ctx, spec.step, spec.query, variables, spec.cost);
  const info = spec.connection(answer.data)?.pageInfo;
  const more = info?.hasNextPage === true && typeof info.endCursor === 'string';
  const to = Date.parse(pass.to) > ctx.now() ? isoSeconds(ctx.now()) : pass.to;
  const cursor: PassCursor = more ? { ...pass, after: info.endCursor as string } : { ...pass, to, after: null, done: true };
  return {
    page: {
      eventSource: spec.eventSource(ctx),
      format: shopifyGraphqlPageFormat,
      bytes: answer.response.bytes,
      fileName: `POST /admin/api graphql ${spec.step} ${search}${pass.after === null ? '' : ` after ${pass.after}`}`,
      request: { method: 'POST', path: '/admin/api/graphql.json', operation: spec.step, variables },
      context: { kind: spec.kind },
      cursor,
      passComplete: !more,
      coversTo: more ? null : to,
    },
    last: !more && pass.sync === ctx.syncId,
  };
}

function windowStep(spec: ListSpec): SyncStep {
  return {
    name: spec.step,
    next(cursor: unknown, ctx: StepContext): Promise<StepPage | null> {
      const prior = cursor as PassCursor | null;
      return passPage(spec, prior === null || prior.done ? nextPass(prior, ctx) : prior, ctx);
    },
  };
}

const ordersSpec: ListSpec = {
  step: 'orders',
  kind: 'orders',
  query: ORDERS_QUERY,
  field: 'updated_at',
  cost: ORDERS_PAGE_COST,
  connection: (data) => data.orders as ReturnType<ListSpec['connection']>,
  eventSource: (ctx) => ctx.source,
};

/** A control answer (no record) as a page: it moves the cursor, so a killed sync does not start a second bulk operation. */
function controlPage(ctx: StepContext, bytes: Uint8Array, label: string, cursor: unknown, coversTo: string | null): StepPage {
  return {
    page: {
      eventSource: ctx.source,
      format: shopifyGraphqlPageFormat,
      bytes,
      fileName: label,
      request: { method: 'POST', path: '/admin/api/graphql.json', operation: label },
      context: { kind: 'control' },
      cursor,
      passComplete: coversTo !== null,
      coversTo,
    },
    last: false,
  };
}

/** Starts the backfill's bulk operation over the first window. */
async function startBulk(ctx: StepContext): Promise<StepPage> {
  const pass = nextPass(null, ctx);
  const search = `updated_at:>='${pass.from}' AND updated_at:<='${pass.to}'`;
  const answer = await shopifyGraphql(ctx, 'bulkOperationRunQuery', BULK_RUN_MUTATION, { query: bulkOrdersQuery(search) });
  const run = answer.data.bulkOperationRunQuery as { bulkOperation?: { id?: string } | null; userErrors?: Array<{ message?: string }> } | undefined;
  const id = run?.bulkOperation?.id;
  if (typeof id !== 'string') {
    // Another bulk query of this app is running (one at a time per shop), or the query was refused: page instead.
    const why = run?.userErrors?.map((e) => e.message).join('; ') ?? 'no bulk operation';
    return controlPage(ctx, answer.response.bytes, `bulkOperationRunQuery refused (${why}): paging the backfill`, pass, null);
  }
  const cursor: BulkCursor = { phase: 'bulk', id, from: pass.from, to: pass.to, sync: ctx.syncId };
  return controlPage(ctx, answer.response.bytes, `POST /admin/api graphql bulkOperationRunQuery ${search}`, cursor, null);
}

/** Waits for the bulk operation, then lands its JSONL (or pages the window when it failed or expired). */
async function finishBulk(cursor: BulkCursor, ctx: StepContext): Promise<StepPage> {
  let wait = 250;
  for (;;) {
    const answer = await shopifyGraphql(ctx, 'bulkOperation', BULK_STATUS_QUERY, { id: cursor.id });
    const op = (answer.data.node ?? {}) as { status?: string; url?: string | null; errorCode?: string | null };
    const paged: PassCursor = { phase: 'paged', from: cursor.from, to: cursor.to, after: null, done: false, sync: cursor.sync };
    if (op.status === 'COMPLETED') {
      if (typeof op.url !== 'string')
        return controlPage(ctx, answer.response.bytes, `bulk operation ${cursor.id}: no orders in the window`, { ...paged, done: true }, cursor.to);
      return downloadBulk(op.url, cursor, ctx);
    }
    if (op.status === 'FAILED' || op.status === 'CANCELED' || op.status === 'EXPIRED' || op.status === undefined) {
      return controlPage(
        ctx,
        answer.response.bytes,
        `bulk operation ${cursor.id} ${op.status ?? 'missing'} (${op.errorCode ?? '-'}): paging the backfill`,
        paged,
        null,
      );
    }
    await ctx.http.pause(wait);
    wait = Math.min(wait * 2, 10_000);
  }
}

/** The result file is on Shopify's storage behind a signed URL: fetched without the shop's token. */
async function downloadBulk(url: string, cursor: BulkCursor, ctx: StepContext): Promise<StepPage> {
  const response = await ctx.http.send({ method: 'GET', url, label: `GET bulk operation ${cursor.id} result` });
  if (response.status !== 200)
    throw new ConnectorError(`the bulk operation's result could not be downloaded (HTTP ${response.status})`, response.status);
  const done: PassCursor = { phase: 'paged', from: cursor.from, to: cursor.to, after: null, done: true, sync: cursor.sync };
  return {
    page: {
      eventSource: ctx.source,
      format: shopifyBulkOrdersFormat,
      bytes: response.bytes,
      fileName: `bulk operation ${cursor.id} orders updated ${cursor.from}..${cursor.to}.jsonl`,
      request: { method: 'GET', path: 'bulk operation result', operation: cursor.id },
      context: { kind: 'bulk' },
      cursor: done,
      passComplete: true,
      coversTo: cursor.to,
    },
    last: cursor.sync === ctx.syncId,
  };
}

const ordersStep: SyncStep = {
  name: 'orders',
  async next(cursor: unknown, ctx: StepContext): Promise<StepPage | null> {
    if (cursor === null) return startBulk(ctx);
    const c = cursor as PassCursor | BulkCursor;
    if (c.phase === 'bulk') return finishBulk(c, ctx);
    return passPage(ordersSpec, c.done ? nextPass(c, ctx) : c, ctx);
  },
};

export function shopifySteps(): SyncStep[] {
  return [
    ordersStep,
    windowStep({
      step: 'payments_balance_transactions',
      kind: 'balance_transactions',
      query: BALANCE_TRANSACTIONS_QUERY,
      field: 'processed_at',
      cost: LIST_PAGE_COST,
      connection: (data) =>
        (data.shopifyPaymentsAccount as Record<string, unknown> | null)?.balanceTransactions as ReturnType<ListSpec['connection']>,
      eventSource: (ctx) => paymentsSource(ctx.source),
    }),
    windowStep({
      step: 'payments_payouts',
      kind: 'payouts',
      query: PAYOUTS_QUERY,
      field: 'issued_at',
      cost: LIST_PAGE_COST,
      connection: (data) => (data.shopifyPaymentsAccount as Record<string, unknown> | null)?.payouts as ReturnType<ListSpec['connection']>,
      eventSource: (ctx) => paymentsSource(ctx.source),
    }),
  ];
}
