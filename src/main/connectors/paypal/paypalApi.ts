// Requests to PayPal's REST API: an OAuth 2.0 client-credentials token (POST /v1/oauth2/token with the client id and
// secret as Basic auth), kept for its lifetime and obtained again when it expires or PayPal answers 401 to it. The
// token answer is never stored (it is a secret); PayPal's error answers ({name, message, details}) become messages.
import { bodyJson, malformedJson, type ApiHttp, type ApiResponse } from '../http/apiHttp.ts';
import { ConnectorError, type StepContext } from '../connectorTypes.ts';

interface Token {
  value: string;
  /** Local ms after which it is obtained again (a minute before PayPal's expiry). */
  until: number;
}

/** One token per sync's HTTP module: a sync is one client. */
const tokens = new WeakMap<ApiHttp, Token>();

async function obtainToken(ctx: StepContext): Promise<string> {
  const id = ctx.credentials['client_id'] ?? '';
  const secret = ctx.credentials['client_secret'] ?? '';
  const response = await ctx.http.send(
    {
      method: 'POST',
      url: `${ctx.config.baseUrl}/v1/oauth2/token`,
      headers: {
        Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      label: 'POST /v1/oauth2/token',
    },
    malformedJson,
  );
  const json = bodyJson(response) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } | null;
  if (response.status === 401 || response.status === 400 || response.status === 403) {
    const said =
      typeof json?.error_description === 'string' ? json.error_description : typeof json?.error === 'string' ? json.error : `HTTP ${response.status}`;
    throw new ConnectorError(
      ctx.http.redact(`PayPal refused the client id and secret (${said}); connect the source again with the REST app's live credentials`),
      response.status,
      true,
    );
  }
  if (response.status !== 200 || typeof json?.access_token !== 'string')
    throw new ConnectorError(`POST /v1/oauth2/token: PayPal answered HTTP ${response.status} without a token`, response.status);
  const seconds = typeof json.expires_in === 'number' ? json.expires_in : 3600;
  ctx.http.addSecret(json.access_token);
  tokens.set(ctx.http, { value: json.access_token, until: Date.now() + Math.max(0, seconds - 60) * 1000 });
  return json.access_token;
}

async function token(ctx: StepContext): Promise<string> {
  const t = tokens.get(ctx.http);
  return t !== undefined && Date.now() < t.until ? t.value : obtainToken(ctx);
}

export interface PaypalAnswer {
  response: ApiResponse;
  label: string;
  json: Record<string, unknown> | null;
}

/**
 * GETs a PayPal path with a valid token; a 401 once obtains a new token and asks again (a token PayPal expired or
 * revoked early). Other 4xx answers are returned for the caller to read (RESULTSET_TOO_LARGE) or raised.
 */
export async function paypalGet(ctx: StepContext, path: string, query: Record<string, string | number>): Promise<PaypalAnswer> {
  const qs = new URLSearchParams(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]))).toString();
  const label = `GET ${path}?${qs}`;
  for (let attempt = 0; ; attempt++) {
    const bearer = await token(ctx);
    const response = await ctx.http.send(
      { method: 'GET', url: `${ctx.config.baseUrl}${path}?${qs}`, headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' }, label },
      malformedJson,
    );
    if (response.status === 401 && attempt === 0) {
      tokens.delete(ctx.http);
      continue;
    }
    const json = bodyJson(response) as Record<string, unknown> | null;
    if (response.status === 401)
      throw new ConnectorError('PayPal refused a token it had just issued (HTTP 401); connect the source again', 401, true);
    if (response.status === 403) {
      throw new ConnectorError(
        `PayPal does not let this app search transactions (HTTP 403 ${String(json?.name ?? '')}): turn on Transaction Search in the REST app's settings (it can take up to 9 hours to apply)`,
        403,
        true,
      );
    }
    return { response, label, json };
  }
}

/** A PayPal error answer as one line: `RESULTSET_TOO_LARGE: Result set size is greater than the maximum limit…`. */
export function paypalErrorText(answer: PaypalAnswer): string {
  const j = answer.json;
  const name = typeof j?.name === 'string' ? j.name : `HTTP ${answer.response.status}`;
  const message = typeof j?.message === 'string' ? `: ${j.message}` : '';
  return `${name}${message}`;
}
