import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IpcMain, WebContents, WebFrameMain } from 'electron';
import { ServiceHost } from '../../src/main/api/serviceHost.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, registerApiIpc } from '../../src/main/shell/ipcBridge.ts';
import { isAppFrame } from '../../src/main/shell/windowOptions.ts';
import { FakeWebContents, fakeFrame, ipcMain, type FakeFrame } from './fakeElectron.ts';
import { makeTempDir } from '../support/tempDir.ts';

const appUrl = 'file:///app/out/renderer/index.html';
const appFrame = fakeFrame(appUrl);
const dir = makeTempDir('tieout-ipc-');

let host: ServiceHost;
/** What reached the real host, recorded on the way through. */
const hostCalls: { method: string; callId: string }[] = [];
let contents: FakeWebContents;
let unregister: (() => void) | undefined;

const call = (payload: unknown, frame: FakeFrame | null = appFrame) => ipcMain.invoke(CALL_CHANNEL, frame, payload);

beforeAll(async () => {
  host = await ServiceHost.start({ configDir: join(dir, 'config'), host: 'electron', actor: 'user:test' });
  const recordingHost = {
    call: (method: string, request: unknown, callId: string) => {
      hostCalls.push({ method, callId });
      return host.call(method, request, callId);
    },
    onEvent: (listener: Parameters<ServiceHost['onEvent']>[0]) => host.onEvent(listener),
  };
  contents = new FakeWebContents();
  unregister = registerApiIpc(
    ipcMain as unknown as IpcMain,
    recordingHost,
    (frame) => isAppFrame(frame, appFrame as unknown as WebFrameMain, appUrl),
    () => contents as unknown as WebContents,
  );
});

afterAll(async () => {
  unregister?.();
  await host?.close();
});

beforeEach(() => {
  hostCalls.length = 0;
  contents.sent.length = 0;
});

describe('tieout:call', () => {
  it('rejects a sender that is not the app main frame, without reaching the host', async () => {
    const path = join(dir, 'never-created');
    const create = { method: 'workspace.create', request: { path, reportingCurrency: 'EUR', timeZone: 'UTC', locale: 'de-DE' }, callId: 'c1' };
    await expect(call(create, fakeFrame(appUrl, appFrame))).rejects.toThrow(/not the Tieout window/);
    await expect(call(create, fakeFrame('https://example.com/'))).rejects.toThrow(/not the Tieout window/);
    await expect(call(create, fakeFrame(appUrl))).rejects.toThrow(/not the Tieout window/);
    await expect(call(create, null)).rejects.toThrow(/not the Tieout window/);
    expect(hostCalls).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('answers an unknown method with invalid_request naming `method`', async () => {
    expect(await call({ method: 'ledger.dropTables', request: {}, callId: 'c2' })).toEqual({
      ok: false,
      error: { kind: 'invalid_request', message: 'unknown method: ledger.dropTables', field: 'method' },
    });
    expect(await call('app.info')).toMatchObject({ ok: false, error: { kind: 'invalid_request', field: null } });
    expect(await call({ method: 'app.info', request: {} })).toMatchObject({ ok: false, error: { kind: 'invalid_request', field: 'callId' } });
    expect(hostCalls).toEqual([]);
  });

  it('answers an invalid request with invalid_request naming the field, without reaching the host', async () => {
    const envelope = await call({
      method: 'exceptions.query',
      request: { startRow: 0, endRow: 50, sort: [{ field: 'password', dir: 'asc' }] },
      callId: 'c3',
    });
    expect(envelope).toMatchObject({ ok: false, error: { kind: 'invalid_request', field: 'sort.0.field' } });
    const extra = await call({ method: 'workspace.open', request: { path: dir, evil: true }, callId: 'c4' });
    expect(extra).toMatchObject({ ok: false, error: { kind: 'invalid_request' } });
    expect(hostCalls).toEqual([]);
  });

  it('forwards a valid call to the host and returns its answer', async () => {
    expect(await call({ method: 'app.info', request: {}, callId: 'c5' })).toEqual({
      ok: true,
      result: { name: 'Tieout', version: '0.1.0', host: 'electron' },
    });
    expect(hostCalls).toEqual([{ method: 'app.info', callId: 'c5' }]);
  });

  it("returns the services' refusals as envelopes, fields intact", async () => {
    const envelope = await call({ method: 'workspace.open', request: { path: join(dir, 'no-such-workspace') }, callId: 'c6' });
    expect(envelope).toMatchObject({ ok: false, error: { kind: 'bad_input', field: null } });
    expect((envelope as { error: { message: string } }).error.message).toContain('no-such-workspace');
  });

  it("sends the host's events to the window on tieout:event", async () => {
    const path = join(dir, 'books');
    const created = await call({
      method: 'workspace.create',
      request: { path, reportingCurrency: 'EUR', timeZone: 'Europe/Berlin', locale: 'de-DE' },
      callId: 'c7',
    });
    expect(created).toMatchObject({ ok: true, result: { path, reportingCurrency: 'EUR' } });
    expect(contents.sent).toContainEqual({ channel: EVENT_CHANNEL, payload: { type: 'changed', what: ['workspace'] } });
  });

  it('sends nothing to a window that is gone', async () => {
    contents.destroyed = true;
    try {
      await call({ method: 'workspace.open', request: { path: join(dir, 'books') }, callId: 'c8' });
      expect(contents.sent).toEqual([]);
    } finally {
      contents.destroyed = false;
    }
  });
});
