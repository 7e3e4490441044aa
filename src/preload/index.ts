// Preload (sandboxed, bundled to one CommonJS file): exposes `window.tieoutBridge`, a thin pipe to the shell's
// API channel, and nothing else. It returns envelopes instead of throwing ApiError because contextBridge strips
// the class (and the fields) of anything thrown across it; the renderer's API client turns a failed envelope
// into an ApiError and implements TieoutApi on top of this bridge.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiErrorBody, ApiEvent } from '../shared/api/contract.ts';

// Same strings as CALL_CHANNEL / EVENT_CHANNEL in src/main/shell/ipcBridge.ts (the preload may not import it).
const CALL_CHANNEL = 'tieout:call';
const EVENT_CHANNEL = 'tieout:event';

export type CallEnvelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

export interface TieoutBridge {
  invoke(method: string, request: unknown, callId: string): Promise<CallEnvelope>;
  /** Returns the unsubscribe. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

const bridge: TieoutBridge = {
  invoke: (method, request, callId) => ipcRenderer.invoke(CALL_CHANNEL, { method, request, callId }) as Promise<CallEnvelope>,
  onEvent(listener) {
    // The IPC event object stays here: it carries `sender`, a handle on ipcRenderer itself.
    const forward = (_event: IpcRendererEvent, apiEvent: ApiEvent) => listener(apiEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('tieoutBridge', bridge);
