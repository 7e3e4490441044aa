// Preload (sandboxed, bundled to one CommonJS file): exposes `window.tieoutBridge`, a thin pipe to the shell's
// API channel, and nothing else. It returns envelopes instead of throwing ApiError because contextBridge strips
// the class (and the fields) of anything thrown across it; the renderer's API client turns a failed envelope
// into an ApiError and implements TieoutApi on top of this bridge.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, Envelope } from '../shared/api/contract.ts';
import { IPC_CALL_CHANNEL as CALL_CHANNEL, IPC_EVENT_CHANNEL as EVENT_CHANNEL } from '../shared/api/ipcChannels.ts';

export interface TieoutBridge {
  invoke(method: string, request: unknown, callId: string): Promise<Envelope>;
  /** Returns the unsubscribe. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

const bridge: TieoutBridge = {
  invoke: (method, request, callId) => ipcRenderer.invoke(CALL_CHANNEL, { method, request, callId }) as Promise<Envelope>,
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
