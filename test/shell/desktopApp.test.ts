import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { ServiceHost } from '../../src/main/api/serviceHost.ts';
import { startDesktopApp } from '../../src/main/shell/desktopApp.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../src/main/shell/ipcBridge.ts';
import { contentSecurityPolicy } from '../../src/main/shell/windowOptions.ts';
import { FakeBrowserWindow, Menu, app, dialog, fakeFrame, ipcMain, resetFakeElectron, session } from './fakeElectron.ts';
import { makeTempDir } from '../support/tempDir.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron);

const dir = makeTempDir('tieout-shell-');
const bundle = { preloadPath: '/app/out/preload/index.cjs', rendererFile: join(dir, 'out/renderer/index.html') };
const hosts: ServiceHost[] = [];
const hostConfigDirs: string[] = [];
let run = 0;

function start(devServerUrl: string | undefined = undefined): void {
  startDesktopApp({
    ...bundle,
    devServerUrl,
    startHost: async (configDir) => {
      hostConfigDirs.push(configDir);
      const host = await ServiceHost.start({ configDir, host: 'electron', actor: 'user:test' });
      hosts.push(host);
      return host;
    },
  });
}

async function readyWindow(): Promise<FakeBrowserWindow> {
  app.becomeReady();
  await vi.waitFor(() => expect(FakeBrowserWindow.instances, JSON.stringify({ calls: app.calls, errors: dialog.errors })).toHaveLength(1), {
    timeout: 15_000,
  });
  return FakeBrowserWindow.instances[0] as FakeBrowserWindow;
}

function menuLabels(items: unknown): string[] {
  return (items as MenuItemConstructorOptions[]).map((i) => String(i.label ?? i.role));
}

function openRecentLabels(): string[] {
  const template = (Menu.applicationMenu?.template ?? []) as MenuItemConstructorOptions[];
  const file = template.find((m) => m.label === 'File')?.submenu as MenuItemConstructorOptions[];
  return menuLabels(file.find((i) => i.label === 'Open Recent')?.submenu);
}

beforeEach(() => {
  resetFakeElectron();
  app.userData = join(dir, `userData-${++run}`);
  hostConfigDirs.length = 0;
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('single instance', () => {
  it('without the lock, quits at once and starts nothing', async () => {
    app.hasLock = false;
    start();
    expect(app.calls).toEqual(['quit', 'quit:done']);
    app.becomeReady();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hostConfigDirs).toEqual([]);
    expect(FakeBrowserWindow.instances).toEqual([]);
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('a second instance restores and focuses the window', async () => {
    start();
    const win = await readyWindow();
    win.minimized = true;
    win.calls.length = 0;
    app.emit('second-instance', {}, ['tieout'], '/');
    expect(win.calls).toEqual(['restore', 'focus']);
    app.emit('second-instance', {}, ['tieout'], '/');
    expect(win.calls).toEqual(['restore', 'focus', 'focus']);
  });
});

describe('startup', () => {
  it('starts the host in userData and opens the locked-down window on the built renderer', async () => {
    start();
    expect(hostConfigDirs).toEqual([]);
    const win = await readyWindow();
    expect(hostConfigDirs).toEqual([app.userData]);
    expect(win.options['webPreferences']).toEqual({
      preload: bundle.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win.loaded).toEqual({ file: bundle.rendererFile });
    win.emit('ready-to-show');
    expect(win.calls).toContain('show');
    // The session and the window's webContents are locked down.
    expect(session.defaultSession.permissionRequestHandler).not.toBeNull();
    let headers: unknown = null;
    session.defaultSession.headersListener?.({ url: 'file:///x', responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Security-Policy': [contentSecurityPolicy] });
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(win.webContents.navigate('will-navigate', 'https://example.com/')).toBe(false);
  });

  it('answers API calls from the window, and only from it', async () => {
    start();
    const win = await readyWindow();
    const payload = { method: 'app.info', request: {}, callId: 'r1' };
    expect(await ipcMain.invoke(CALL_CHANNEL, win.webContents.mainFrame, payload)).toEqual({
      ok: true,
      result: { name: 'Tieout', version: '0.1.0', host: 'electron' },
    });
    await expect(ipcMain.invoke(CALL_CHANNEL, fakeFrame(pathToFileURL(bundle.rendererFile).href), payload)).rejects.toThrow(/not the Tieout window/);
    await expect(ipcMain.invoke(CALL_CHANNEL, fakeFrame('https://example.com/', win.webContents.mainFrame), payload)).rejects.toThrow();
  });

  it('builds the menu with the recent workspaces, and rebuilds it when a workspace is opened', async () => {
    start();
    const win = await readyWindow();
    expect(openRecentLabels()).toEqual(['No Recent Workspaces']);
    const path = join(dir, `books-${run}`);
    const request = { path, reportingCurrency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB' };
    const created = await ipcMain.invoke(CALL_CHANNEL, win.webContents.mainFrame, { method: 'workspace.create', request, callId: 'r2' });
    expect(created).toMatchObject({ ok: true });
    expect(win.webContents.sent).toContainEqual({ channel: EVENT_CHANNEL, payload: { type: 'changed', what: ['workspace'] } });
    await vi.waitFor(() => expect(openRecentLabels()).toEqual([`books-${run} — ${path}`]));
  });

  it('About shows the name and version', async () => {
    start();
    await readyWindow();
    const template = (Menu.applicationMenu?.template ?? []) as MenuItemConstructorOptions[];
    const help = template.find((m) => m.label === 'Help')?.submenu as MenuItemConstructorOptions[];
    (help[0]?.click as () => void)();
    expect(dialog.messages).toEqual([expect.objectContaining({ title: 'About Tieout', message: 'Tieout 0.1.0' })]);
  });

  it('in dev loads the dev server and offers reload; a packaged app ignores the dev server URL', async () => {
    start('http://localhost:5173/');
    const devWin = await readyWindow();
    expect(devWin.loaded).toEqual({ url: 'http://localhost:5173/' });
    const view = (Menu.applicationMenu?.template as MenuItemConstructorOptions[]).find((m) => m.label === 'View');
    expect(menuLabels(view?.submenu)).toContain('reload');
    await Promise.all(hosts.splice(0).map((h) => h.close()));

    resetFakeElectron();
    app.isPackaged = true;
    start('http://evil.test/');
    const shipped = await readyWindow();
    expect(shipped.loaded).toEqual({ file: bundle.rendererFile });
    const shippedView = (Menu.applicationMenu?.template as MenuItemConstructorOptions[]).find((m) => m.label === 'View');
    expect(menuLabels(shippedView?.submenu)).not.toContain('reload');
  });

  it('when the host cannot start, says why and exits with 1', async () => {
    startDesktopApp({ ...bundle, devServerUrl: undefined, startHost: () => Promise.reject(new Error('the ledger is locked')) });
    app.becomeReady();
    await vi.waitFor(() => expect(app.calls).toContain('exit:1'));
    expect(dialog.errors).toEqual([{ title: 'Tieout could not start', message: 'the ledger is locked' }]);
    expect(FakeBrowserWindow.instances).toEqual([]);
  });
});

describe('quitting', () => {
  it('closes the host before the app quits', async () => {
    start();
    await readyWindow();
    const host = hosts[0] as ServiceHost;
    app.quit();
    // The first quit is held back while the host closes; the shell quits again once it has.
    expect(app.calls).toEqual(['quit']);
    await vi.waitFor(() => expect(app.calls).toEqual(['quit', 'quit', 'quit:done']));
    expect(await host.call('app.info', {}, 'after')).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('closing the last window quits, except on macOS', async () => {
    start();
    const win = await readyWindow();
    win.close();
    app.emit('window-all-closed');
    if (process.platform === 'darwin') expect(app.calls).toEqual([]);
    else expect(app.calls[0]).toBe('quit');
  });
});
