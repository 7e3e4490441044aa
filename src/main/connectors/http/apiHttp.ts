// The one way connectors speak HTTP (Node's fetch: docs/decisions/0005-connector-http.md): a timeout per attempt,
// retries with jittered exponential backoff on 429 (honouring Retry-After), 5xx, timeouts, network failures and answers a
// connector calls transient (a throttle inside a 200, a truncated body), the server's clock read from its Date header,
// and no secret in any message.

export interface ApiRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** What the request is, for messages and the journal: `GET /v1/balance_transactions`. Never holds a secret. */
  label: string;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The body exactly as received. */
  bytes: Uint8Array;
  /** Attempts it took (1 when the first answer was taken). */
  attempts: number;
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** The backoff before the second attempt; doubles each time up to maxDelayMs, then a random 50–100% of it is waited. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for here: the request fails and the sync's next run retries. */
  maxRetryAfterMs: number;
  /** Milliseconds one attempt may take, answer included. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000, timeoutMs: 60_000 };

/** Time, waiting and chance, injectable so tests run fast and deterministic. */
export interface HttpClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export const REAL_CLOCK: HttpClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: () => Math.random(),
};

/** Why an answer must be asked for again: a delay when the server says how long to wait, the reason for messages. */
export interface Transient {
  reason: string;
  delayMs?: number;
}

/** A request that did not get a usable answer. `status` is the last HTTP status, null when none came. */
export class ConnectorHttpError extends Error {
  readonly status: number | null;
  readonly attempts: number;
  constructor(message: string, status: number | null, attempts: number) {
    super(message);
    this.name = 'ConnectorHttpError';
    this.status = status;
    this.attempts = attempts;
  }
}

export interface ApiHttpOptions {
  retry?: Partial<RetryPolicy>;
  clock?: HttpClock;
  /** Texts that must never appear in a message (the connector's keys and tokens): replaced by `[secret]`. */
  secrets?: readonly string[];
  /** Stops a sync: an aborted request fails at once. */
  signal?: AbortSignal;
}

/** The delay a Retry-After header asks for (seconds, or an HTTP date), null when it asks for none. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const t = value.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const at = Date.parse(t);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export class ApiHttp {
  private readonly policy: RetryPolicy;
  private readonly clock: HttpClock;
  private readonly secrets: string[];
  private readonly signal: AbortSignal | undefined;
  /** Server time minus local time, from the last Date header (0 until one came). */
  private offsetMs = 0;

  constructor(options: ApiHttpOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? REAL_CLOCK;
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
    this.signal = options.signal;
  }

  /** Adds a text to hide from messages (a token obtained during the sync). */
  addSecret(secret: string): void {
    if (secret.length >= 4) this.secrets.push(secret);
  }

  /** The server's clock as last seen (local time when no Date header came yet): windows end at the server's now. */
  serverNow(): number {
    return this.clock.now() + this.offsetMs;
  }

  /** Waits (pacing a rate-limited API, polling an operation), stopping early when the sync is stopped. */
  pause(ms: number): Promise<void> {
    return this.clock.sleep(ms, this.signal);
  }

  get clockOffsetMs(): number {
    return this.offsetMs;
  }

  /** Hides every known secret in a text. */
  redact(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('[secret]'), text);
  }

  /**
   * Sends the request until it gets an answer to keep: a status below 500 other than 429 that `transient` does not
   * call transient. 4xx answers are returned for the connector to read (expired auth, a result set too large).
   */
  async send(request: ApiRequest, transient?: (response: ApiResponse) => Transient | null): Promise<ApiResponse> {
    let last = '';
    let lastStatus: number | null = null;
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (this.signal?.aborted === true) throw new ConnectorHttpError(`${request.label}: stopped`, lastStatus, attempt - 1);
      let wait: number | undefined;
      try {
        const response = await this.once(request, attempt);
        lastStatus = response.status;
        const retryable = this.retryable(response, transient);
        if (retryable === null) return response;
        last = retryable.reason;
        wait = retryable.delayMs;
      } catch (err) {
        if (err instanceof ConnectorHttpError) throw err;
        last = this.describeFailure(err);
      }
      if (attempt === this.policy.maxAttempts) break;
      if (wait !== undefined && wait > this.policy.maxRetryAfterMs) {
        throw new ConnectorHttpError(
          this.redact(`${request.label}: ${last}; the server asks to wait ${Math.ceil(wait / 1000)} s, longer than a sync waits`),
          lastStatus,
          attempt,
        );
      }
      await this.clock.sleep(wait ?? this.backoff(attempt), this.signal);
    }
    throw new ConnectorHttpError(
      this.redact(`${request.label}: no usable answer after ${this.policy.maxAttempts} attempts (last: ${last})`),
      lastStatus,
      this.policy.maxAttempts,
    );
  }

  /** Jittered exponential backoff before attempt `attempt + 1`. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + this.clock.random() * 0.5));
  }

  private retryable(response: ApiResponse, transient?: (response: ApiResponse) => Transient | null): Transient | null {
    if (response.status === 429) {
      const delay = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
      return { reason: 'HTTP 429 (rate limited)', ...(delay === null ? {} : { delayMs: delay }) };
    }
    if (response.status >= 500) return { reason: `HTTP ${response.status}` };
    return transient?.(response) ?? null;
  }

  private describeFailure(err: unknown): string {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return `no answer within ${Math.round(this.policy.timeoutMs / 1000)} s`;
    const code = e.cause?.code;
    return this.redact(code !== undefined ? `network error ${code}` : `network error (${e.message})`);
  }

  private async once(request: ApiRequest, attempt: number): Promise<ApiResponse> {
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    const signal = this.signal === undefined ? timeout : AbortSignal.any([timeout, this.signal]);
    let res: Response;
    try {
      res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal, redirect: 'follow' });
    } catch (err) {
      if (this.signal?.aborted === true) throw new ConnectorHttpError(`${request.label}: stopped`, null, attempt);
      throw err;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const date = res.headers.get('date');
    const serverMs = date === null ? Number.NaN : Date.parse(date);
    if (!Number.isNaN(serverMs)) this.offsetMs = serverMs - this.clock.now();
    return { status: res.status, headers: res.headers, bytes, attempts: attempt };
  }
}

/** The body as UTF-8 text. */
export function bodyText(response: ApiResponse): string {
  return new TextDecoder('utf-8').decode(response.bytes);
}

/** The body as JSON, or null when it is not JSON (a truncated or garbled answer). */
export function bodyJson(response: ApiResponse): unknown {
  try {
    return JSON.parse(bodyText(response)) as unknown;
  } catch {
    return null;
  }
}

/** A transient-check for APIs that answer JSON: a 2xx body that does not parse (cut off, garbled) is asked for again. */
export function malformedJson(response: ApiResponse): Transient | null {
  if (response.status < 200 || response.status >= 300) return null;
  return bodyJson(response) === null ? { reason: `a ${response.bytes.length}-byte answer that is not JSON (cut off or garbled)` } : null;
}
