// A fake TieoutApi built from the contract: every request and every response is validated against the
// contract's schemas, so a component test fails when the renderer and the contract disagree.
import {
  apiContract,
  ApiError,
  parseRequest,
  type ApiEvent,
  type MethodName,
  type ParsedRequestOf,
  type ResponseOf,
  type TieoutApi,
} from '../../src/shared/api/contract.ts';

export type FakeHandlers = { [M in MethodName]?: (request: ParsedRequestOf<M>) => ResponseOf<M> | Promise<ResponseOf<M>> };

export interface FakeApi extends TieoutApi {
  calls: { method: MethodName; request: unknown; callId: string | undefined }[];
  emit(event: ApiEvent): void;
  handlers: FakeHandlers;
}

export function createFakeApi(handlers: FakeHandlers = {}): FakeApi {
  const listeners = new Set<(event: ApiEvent) => void>();
  const fake: FakeApi = {
    calls: [],
    handlers,
    async call(method, request, options) {
      fake.calls.push({ method, request, callId: options?.callId });
      const parsed = parseRequest(method, request);
      const handler = fake.handlers[method] as ((r: unknown) => unknown) | undefined;
      if (handler === undefined) throw new ApiError({ kind: 'internal', message: `the fake API has no handler for ${method}`, field: null });
      const result = await handler(parsed);
      const checked = apiContract[method].response.safeParse(result);
      if (!checked.success) throw new Error(`fake ${method} returned a response the contract rejects: ${checked.error.message}`);
      return checked.data as ResponseOf<typeof method>;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
  };
  return fake;
}
