// Requests to the Stripe API: bearer key, a pinned API version, form-style query parameters, Stripe's error answers
// turned into messages a person can act on. Every request goes through the connectors' one HTTP module.
import { bodyJson, malformedJson, type ApiHttp, type ApiResponse } from '../http/apiHttp.ts';
import { ConnectorError, type Credentials } from '../connectorTypes.ts';

/**
 * The API version every request states (Stripe-Version), so an account's default version, which its owner can
 * upgrade, never changes the objects a sync maps. Balance transactions, payouts and disputes have the fields the
 * mapping reads (reporting_category, source, balance_transactions) in this version.
 */
export const STRIPE_API_VERSION = '2024-06-20';

export type Query = ReadonlyArray<readonly [string, string | number]>;

/** `created[gte]=1&expand[]=data.source`: Stripe's bracketed names, percent-encoded values. */
export function queryString(query: Query): string {
  return query.map(([k, v]) => `${k.replace(/[^\w[\].]/g, encodeURIComponent)}=${encodeURIComponent(String(v))}`).join('&');
}

export interface StripeAnswer {
  response: ApiResponse;
  /** The request without host or key, as the batch is named. */
  label: string;
  json: Record<string, unknown>;
}

/** GETs a Stripe path; a 4xx becomes a ConnectorError with Stripe's own message (never the key). */
export async function stripeGet(http: ApiHttp, baseUrl: string, credentials: Credentials, path: string, query: Query): Promise<StripeAnswer> {
  const qs = queryString(query);
  const label = `GET ${path}${qs === '' ? '' : `?${qs}`}`;
  const key = credentials['api_key'] ?? '';
  const response = await http.send(
    {
      method: 'GET',
      url: `${baseUrl.replace(/\/$/, '')}${path}${qs === '' ? '' : `?${qs}`}`,
      headers: { Authorization: `Bearer ${key}`, 'Stripe-Version': STRIPE_API_VERSION, Accept: 'application/json' },
      label,
    },
    malformedJson,
  );
  const json = bodyJson(response);
  if (response.status >= 400 || json === null || typeof json !== 'object') throw stripeError(http, label, response, json);
  return { response, label, json: json as Record<string, unknown> };
}

function stripeError(http: ApiHttp, label: string, response: ApiResponse, json: unknown): ConnectorError {
  const err = (json as { error?: { message?: unknown; type?: unknown } } | null)?.error;
  const said = typeof err?.message === 'string' ? err.message : `HTTP ${response.status}`;
  const status = response.status;
  if (status === 401)
    return new ConnectorError(
      http.redact(`Stripe refused the API key (HTTP 401: ${said}); connect the source again with a valid secret or restricted key`),
      status,
      true,
    );
  if (status === 403)
    return new ConnectorError(
      http.redact(`the Stripe key may not read this (HTTP 403: ${said}); give the restricted key read access to balance, payouts and disputes`),
      status,
      true,
    );
  return new ConnectorError(http.redact(`${label}: Stripe answered HTTP ${status}: ${said}`), status, status >= 400 && status < 500);
}
