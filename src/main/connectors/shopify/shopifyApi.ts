// Requests to Shopify's Admin GraphQL API: the access token header, a pinned API version, and cost-based throttling.
// Shopify meters each app and shop by calculated query cost (a leaky bucket: maximumAvailable, restoreRate per second);
// a query costing more than is available answers HTTP 200 with errors[].extensions.code = THROTTLED, which is waited
// out for (requested − available) / restoreRate seconds and asked again. A 429 (the REST-style limit) and 5xx are the
// HTTP module's to retry.
import { bodyJson, type ApiHttp, type ApiResponse, type Transient } from '../http/apiHttp.ts';
import { ConnectorError, type StepContext } from '../connectorTypes.ts';

/** Every request states the API version, so the shop's app settings never change what a sync maps. */
export const SHOPIFY_API_VERSION = '2025-01';

interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
}

export interface GraphqlAnswer {
  response: ApiResponse;
  data: Record<string, unknown>;
  label: string;
}

function cost(json: unknown): CostExtension | undefined {
  return (json as { extensions?: { cost?: CostExtension } } | null)?.extensions?.cost;
}

/** How long the bucket needs to refill for `needed` points, in ms (at least a second: Shopify restores per second). */
export function throttleWaitMs(c: CostExtension | undefined, needed: number): number {
  const t = c?.throttleStatus;
  const available = t?.currentlyAvailable ?? 0;
  const rate = t?.restoreRate !== undefined && t.restoreRate > 0 ? t.restoreRate : 50;
  return Math.max(1000, Math.ceil(((needed - available) / rate) * 1000));
}

/** THROTTLED inside a 200, and an answer that is not JSON, are asked for again. */
export function shopifyTransient(response: ApiResponse): Transient | null {
  if (response.status !== 200) return null;
  const json = bodyJson(response);
  if (json === null) return { reason: `a ${response.bytes.length}-byte answer that is not JSON (cut off or garbled)` };
  const errors = (json as { errors?: Array<{ extensions?: { code?: string } }> }).errors;
  if (Array.isArray(errors) && errors.some((e) => e.extensions?.code === 'THROTTLED')) {
    const c = cost(json);
    return { reason: 'THROTTLED (query cost above what the bucket holds)', delayMs: throttleWaitMs(c, c?.requestedQueryCost ?? 100) };
  }
  return null;
}

/** The shop's GraphQL endpoint under the configured base URL. */
export function graphqlUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/$/, '')}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;
}

/**
 * Runs one GraphQL operation. After the answer, when the bucket holds less than `nextCost`, waits until it does, so
 * the next query is not throttled (Shopify's advice: pace by the cost the answers report).
 */
export async function shopifyGraphql(
  ctx: StepContext,
  what: string,
  query: string,
  variables: Record<string, unknown>,
  nextCost = 0,
): Promise<GraphqlAnswer> {
  const http: ApiHttp = ctx.http;
  const label = `POST graphql ${what} ${JSON.stringify(variables)}`;
  const response = await http.send(
    {
      method: 'POST',
      url: graphqlUrl(ctx.config.baseUrl),
      headers: { 'X-Shopify-Access-Token': ctx.credentials['access_token'] ?? '', 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      label,
    },
    shopifyTransient,
  );
  const json = bodyJson(response) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message?: string; extensions?: { code?: string } }>;
  } | null;
  if (response.status === 401 || response.status === 403) {
    throw new ConnectorError(
      http.redact(
        `Shopify refused the access token (HTTP ${response.status}); install the app again or connect with a token that has read_orders and read_shopify_payments_payouts`,
      ),
      response.status,
      true,
    );
  }
  if (response.status >= 400 || json === null)
    throw new ConnectorError(http.redact(`${label}: Shopify answered HTTP ${response.status}`), response.status, response.status < 500);
  if (Array.isArray(json.errors) && json.errors.length > 0) {
    const denied = json.errors.some((e) => e.extensions?.code === 'ACCESS_DENIED');
    const message = json.errors.map((e) => e.message ?? e.extensions?.code ?? 'error').join('; ');
    throw new ConnectorError(http.redact(`${what}: Shopify answered ${message}`), response.status, denied);
  }
  if (json.data === null || json.data === undefined) throw new ConnectorError(`${what}: Shopify answered no data`, response.status);
  const c = cost(json);
  if (nextCost > 0 && c?.throttleStatus?.currentlyAvailable !== undefined && c.throttleStatus.currentlyAvailable < nextCost) {
    await http.pause(throttleWaitMs(c, nextCost));
  }
  return { response, data: json.data, label };
}
