import { describe, it, expect, vi, beforeAll } from 'vitest';
import { contextBridge, ipcRenderer } from './fakeElectron.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../src/main/shell/ipcBridge.ts';
import type { TieoutBridge } from '../../src/preload/index.ts';
import type { ApiEvent } from '../../src/shared/api/contract.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron);

let bridge: TieoutBridge;

beforeAll(async () => {
  await import('../../src/preload/index.ts');
  bridge = contextBridge.exposed.get('tieoutBridge') as TieoutBridge;
});

describe('preload bridge', () => {
  it('exposes window.tieoutBridge and nothing else', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['tieoutBridge']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('invoke sends { method, request, callId } on the shell call channel and returns the envelope as is', async () => {
    const failure = { ok: false, error: { kind: 'invalid_request', message: 'exceptions.detail: exceptionId: Required', field: 'exceptionId' } };
    ipcRenderer.answer = failure;
    const envelope = await bridge.invoke('exceptions.detail', {}, 'call-1');
    expect(envelope).toEqual(failure);
    expect(ipcRenderer.invocations).toEqual([{ channel: CALL_CHANNEL, payload: { method: 'exceptions.detail', request: {}, callId: 'call-1' } }]);
  });

  it('onEvent passes the API event (never the IPC event) until unsubscribed', () => {
    const received: unknown[][] = [];
    const unsubscribe = bridge.onEvent((...args) => received.push(args));
    const changed: ApiEvent = { type: 'changed', what: ['exceptions'] };
    ipcRenderer.emit(EVENT_CHANNEL, { sender: ipcRenderer }, changed);
    ipcRenderer.emit('some-other-channel', { sender: ipcRenderer }, { type: 'changed', what: ['matches'] });
    expect(received).toEqual([[changed]]);
    unsubscribe();
    ipcRenderer.emit(EVENT_CHANNEL, { sender: ipcRenderer }, changed);
    expect(received).toHaveLength(1);
    expect(ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });
});
