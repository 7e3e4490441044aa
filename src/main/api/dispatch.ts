// One API call, as every front door makes it: validate the method and request against the contract, run
// the handler, turn any failure into an ApiError body, and tell listeners about progress and changes.
import {
  apiContract,
  ApiError,
  invalidRequest,
  isMethodName,
  parseRequest,
  type ApiErrorBody,
  type ApiEvent,
  type Envelope,
  type MethodName,
} from '../../shared/api/contract.ts';
import { handlers, type Handler, type ProgressReport, type ServiceContext } from './handlers.ts';
import { UserError } from '../../shared/errors/userError.ts';

/** Progress events per call: at most one per interval, plus the one that says the work is done. */
const PROGRESS_INTERVAL_MS = 100;

export function errorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return err.toBody();
  // Input the services refused: the person can act on the message.
  if (err instanceof UserError) return { kind: 'bad_input', message: err.message, field: null };
  process.stderr.write(`tieout service error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return { kind: 'internal', message: `Internal error: ${err instanceof Error ? err.message : String(err)}`, field: null };
}

function throttledReport(method: MethodName, callId: string, emit: (event: ApiEvent) => void): ProgressReport {
  let last = -Infinity;
  return (label, done, total) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS && done !== total) return;
    last = now;
    emit({ type: 'progress', callId, method, label, done, total });
  };
}

/**
 * Runs one call to completion; never rejects. `callId` tags its progress events. Handlers are synchronous over SQLite;
 * one that writes a file format through an asynchronous library (an XLSX export) answers with a promise, which is
 * awaited here, so the caller sees every call the same way.
 */
export async function dispatch(
  ctx: ServiceContext,
  method: unknown,
  request: unknown,
  callId: string,
  emit: (event: ApiEvent) => void,
): Promise<Envelope> {
  if (!isMethodName(method)) {
    return invalidRequest(`unknown method ${JSON.stringify(method) ?? String(method)}`, 'method');
  }
  let result: unknown;
  try {
    const parsed = parseRequest(method, request);
    // The table pairs each method with its own handler; TypeScript cannot follow that through a union key.
    const handler = handlers[method] as Handler<MethodName>;
    result = await handler(ctx, parsed as never, throttledReport(method, callId, emit));
  } catch (err) {
    return { ok: false, error: errorBody(err) };
  }
  const what = apiContract[method].changes;
  if (what.length > 0) emit({ type: 'changed', what: [...what] });
  return { ok: true, result };
}
