// The renderer's one way to the backend. In Electron the preload exposes `window.tieoutBridge` (IPC); in the
// browser host the same calls go over HTTP to 127.0.0.1 with the per-launch token. Either way the caller gets
// the contract's typed `TieoutApi`, and a failed call rejects with the contract's ApiError.
import {
  ApiError,
  ChangedEventSchema,
  NotificationEventSchema,
  ProgressEventSchema,
  type ApiEvent,
  type Envelope,
  type MethodName,
  type RequestOf,
  type ResponseOf,
  type TieoutApi,
} from '../../../shared/api/contract.ts';

/** What a front door must provide: send one call, and deliver events. */
export interface ApiTransport {
  invoke(method: MethodName, request: unknown, callId: string): Promise<Envelope>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload/index.ts). */
    tieoutBridge?: ApiTransport;
  }
}

let callCounter = 0;
export function newCallId(): string {
  callCounter += 1;
  return `c${Date.now().toString(36)}-${callCounter}`;
}

export function createApiClient(transport: ApiTransport): TieoutApi {
  return {
    async call<M extends MethodName>(method: M, request: RequestOf<M>, options?: { callId?: string }): Promise<ResponseOf<M>> {
      let envelope: Envelope;
      try {
        envelope = await transport.invoke(method, request, options?.callId ?? newCallId());
      } catch (err) {
        throw new ApiError({
          kind: 'internal',
          message: `Tieout's backend did not answer (${err instanceof Error ? err.message : String(err)})`,
          field: null,
        });
      }
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.result as ResponseOf<M>;
    },
    onEvent: (listener) => transport.onEvent(listener),
  };
}

function parseEvent(data: unknown): ApiEvent | null {
  const progress = ProgressEventSchema.safeParse(data);
  if (progress.success) return progress.data;
  const changed = ChangedEventSchema.safeParse(data);
  if (changed.success) return changed.data;
  const notification = NotificationEventSchema.safeParse(data);
  return notification.success ? notification.data : null;
}

/**
 * The browser host's transport: POST /api/call (JSON), POST /api/upload (file bytes), GET /api/events
 * (server-sent events). The token arrives in the page URL (?token=…); the host also set it as a cookie.
 */
export function httpTransport(baseUrl: string, token: string | null): ApiTransport {
  const headers = (extra: Record<string, string>): Record<string, string> => (token === null ? extra : { ...extra, 'X-Tieout-Token': token });
  async function readEnvelope(response: Response): Promise<Envelope> {
    const text = await response.text();
    try {
      return JSON.parse(text) as Envelope;
    } catch {
      const kind = response.status === 403 ? 'invalid_request' : 'internal';
      const message =
        response.status === 403
          ? 'This page is not authorised: open the URL that `tieout serve` printed.'
          : `HTTP ${response.status}: ${text.slice(0, 200)}`;
      return { ok: false, error: { kind, message, field: null } };
    }
  }
  return {
    async invoke(method, request, callId) {
      if (method === 'imports.upload') {
        const { fileName, bytes } = request as { fileName: string; bytes: Uint8Array };
        const query = new URLSearchParams({ fileName, callId });
        const response = await fetch(`${baseUrl}/api/upload?${query.toString()}`, {
          method: 'POST',
          headers: headers({ 'Content-Type': 'application/octet-stream' }),
          body: bytes as Uint8Array<ArrayBuffer>,
        });
        return readEnvelope(response);
      }
      const response = await fetch(`${baseUrl}/api/call`, {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({ method, request, callId }),
      });
      return readEnvelope(response);
    },
    onEvent(listener) {
      // The token goes in the URL too: EventSource cannot send headers, and another `tieout serve` on this
      // host may have replaced the cookie (cookies are per host, not per port).
      const query = token === null ? '' : `?${new URLSearchParams({ token }).toString()}`;
      const source = new EventSource(`${baseUrl}/api/events${query}`, { withCredentials: true });
      source.onmessage = (message: MessageEvent<string>) => {
        try {
          const event = parseEvent(JSON.parse(message.data));
          if (event !== null) listener(event);
        } catch {
          // A malformed event is dropped; the next `changed` event refetches anyway.
        }
      };
      return () => source.close();
    },
  };
}

/** The API of this window: Electron's bridge when present, else the browser host that served the page. */
export function apiForThisWindow(): TieoutApi {
  if (window.tieoutBridge !== undefined) return createApiClient(window.tieoutBridge);
  const token = new URLSearchParams(window.location.search).get('token');
  return createApiClient(httpTransport(window.location.origin, token));
}
