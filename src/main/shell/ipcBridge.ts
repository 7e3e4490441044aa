// The Electron front door of the API (DESIGN §1, §11): one invoke channel carrying every contract method, and one
// event channel. The shell checks who is calling and what they send; the service host does the work.
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { isMethodName, parseRequest, invalidRequest, ApiError, type ApiEvent } from '../../shared/api/contract.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/api/ipcChannels.ts';
import type { Envelope, ServiceHost } from '../api/serviceHost.ts';

export const CALL_CHANNEL = IPC_CALL_CHANNEL;
export const EVENT_CHANNEL = IPC_EVENT_CHANNEL;

// `tieout:call` answers an Envelope. Failures are returned, never thrown: Electron reduces a rejected invoke to a
// bare message string, and the renderer needs `kind` and `field` to show the error where it belongs.
export type ApiHost = Pick<ServiceHost, 'call' | 'onEvent'>;

const MAX_CALL_ID = 200;

/** Checks the shape of one IPC call against the contract; the host is reached only by a valid call. */
async function handleApiCall(host: ApiHost, payload: unknown): Promise<Envelope> {
  if (typeof payload !== 'object' || payload === null) return invalidRequest('tieout:call expects { method, request, callId }', null);
  const { method, request, callId } = payload as Record<string, unknown>;
  if (!isMethodName(method)) return invalidRequest(`unknown method: ${String(method)}`, 'method');
  if (typeof callId !== 'string' || callId.length === 0 || callId.length > MAX_CALL_ID) {
    return invalidRequest(`${method}: callId must be a non-empty string of at most ${MAX_CALL_ID} characters`, 'callId');
  }
  let parsed: unknown;
  try {
    parsed = parseRequest(method, request);
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.toBody() };
    throw error;
  }
  try {
    return await host.call(method, parsed, callId);
  } catch (error) {
    // The host answers failures as envelopes; a throw means the host itself broke (e.g. its worker died).
    return { ok: false, error: { kind: 'internal', message: error instanceof Error ? error.message : String(error), field: null } };
  }
}

function sendApiEvent(target: WebContents | null, event: ApiEvent): void {
  if (target !== null && !target.isDestroyed()) target.send(EVENT_CHANNEL, event);
}

/**
 * Serves `tieout:call` for frames `isTrustedSender` accepts (an untrusted frame gets a rejected invoke and the
 * host never hears of it) and forwards the host's events to `eventTarget()`. Returns the undo.
 */
export function registerApiIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  host: ApiHost,
  isTrustedSender: (frame: WebFrameMain | null) => boolean,
  eventTarget: () => WebContents | null,
): () => void {
  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, payload: unknown) => {
    if (!isTrustedSender(event.senderFrame)) throw new Error('tieout:call refused: the sender is not the Tieout window');
    return handleApiCall(host, payload);
  });
  const unsubscribe = host.onEvent((event) => sendApiEvent(eventTarget(), event));
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribe();
  };
}
