// The Electron main process's life: one instance, one locked-down window, the service host started on ready and
// closed before quitting. Bundle paths and the host's start come in as options, so tests drive this with a real
// ServiceHost and Electron mocked at its boundary.
import { app, BrowserWindow, Menu, dialog, ipcMain, session, shell } from 'electron';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { APP_INFO, type ResponseOf } from '../../shared/api/contract.ts';
import type { ServiceHost } from '../api/serviceHost.ts';
import { appMenuTemplate, type MenuActions, type RecentWorkspace } from './appMenu.ts';
import { registerApiIpc } from './ipcBridge.ts';
import { enforceSessionSecurity, hardenWebContents, isAppFrame, mainWindowOptions } from './windowOptions.ts';
import { workspaceCommands } from './workspaceDialogs.ts';
import { showEscalations } from './desktopNotifications.ts';

export interface DesktopAppOptions {
  /** The bundled CommonJS preload (out/preload/index.cjs). */
  preloadPath: string;
  /** The built renderer (out/renderer/index.html). */
  rendererFile: string;
  /** ELECTRON_RENDERER_URL from `electron-vite dev`; ignored in a packaged app, whose renderer is its own files. */
  devServerUrl: string | undefined;
  startHost(configDir: string): Promise<ServiceHost>;
}

/** The menu still works (with an empty Open Recent) when the list cannot be read. */
async function recentWorkspaces(host: ServiceHost): Promise<RecentWorkspace[]> {
  try {
    const envelope = await host.call('workspace.recent', {}, `shell:${randomUUID()}`);
    return envelope.ok ? (envelope.result as ResponseOf<'workspace.recent'>).workspaces : [];
  } catch {
    return [];
  }
}

export function startDesktopApp(options: DesktopAppOptions): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const devServerUrl = app.isPackaged ? undefined : options.devServerUrl;
  const dev = devServerUrl !== undefined;
  const rendererUrl = devServerUrl ?? pathToFileURL(options.rendererFile).href;
  const isMac = process.platform === 'darwin';
  let host: ServiceHost | null = null;
  let window: BrowserWindow | null = null;
  let closingHost = false;

  const liveWindow = () => (window !== null && !window.isDestroyed() ? window : null);
  const currentContents = () => liveWindow()?.webContents ?? null;

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow(mainWindowOptions(options.preloadPath));
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (window === win) window = null;
    });
    if (devServerUrl !== undefined) void win.loadURL(devServerUrl);
    else void win.loadFile(options.rendererFile);
    return win;
  }

  function showWindow(): void {
    const win = liveWindow();
    if (win === null) {
      if (host !== null) window = createWindow();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.focus();
  }

  function menuActions(serviceHost: ServiceHost): MenuActions {
    const commands = workspaceCommands({ host: serviceHost, window: liveWindow });
    return {
      newWorkspace: () => void commands.newWorkspace(),
      openWorkspace: () => void commands.openWorkspace(),
      openRecent: (path) => void commands.openRecent(path),
      openDemo: () => void commands.openDemo(),
      about: () => {
        const box = {
          type: 'info' as const,
          title: `About ${APP_INFO.name}`,
          message: `${APP_INFO.name} ${APP_INFO.version}`,
          detail: 'Local, auditable reconciliation of orders, payments, payouts and bank lines.',
        };
        const win = liveWindow();
        void (win === null ? dialog.showMessageBox(box) : dialog.showMessageBox(win, box));
      },
    };
  }

  async function refreshMenu(serviceHost: ServiceHost, actions: MenuActions): Promise<void> {
    const recent = await recentWorkspaces(serviceHost);
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ recent, isMac, dev, actions })));
  }

  async function onReady(): Promise<void> {
    enforceSessionSecurity(session.defaultSession);
    try {
      host = await options.startHost(app.getPath('userData'));
    } catch (error) {
      dialog.showErrorBox('Tieout could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
      return;
    }
    const serviceHost = host;
    registerApiIpc(ipcMain, serviceHost, (frame) => isAppFrame(frame, currentContents()?.mainFrame ?? null, rendererUrl), currentContents);
    const actions = menuActions(serviceHost);
    // Opening or creating a workspace (from the menu or the renderer) changes the recent list.
    serviceHost.onEvent((event) => {
      if (event.type === 'changed' && event.what.includes('workspace')) void refreshMenu(serviceHost, actions);
      // The SLA clock's escalation steps (serviceWorker.ts) reach the desktop, not only the window.
      if (event.type === 'notification') showEscalations(event.notifications, showWindow);
    });
    await refreshMenu(serviceHost, actions);
    window = createWindow();
  }

  app.on('second-instance', showWindow);
  // Registered before any window exists, so the app window is covered too.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, rendererUrl, (url) => void shell.openExternal(url)));
  app.on('window-all-closed', () => {
    if (!isMac) app.quit();
  });
  app.on('activate', showWindow);
  app.on('before-quit', (event) => {
    if (host === null) return;
    // Quitting waits for the host to close the workspace (its worker finishes the write in progress).
    event.preventDefault();
    if (closingHost) return;
    closingHost = true;
    const closing = host;
    void closing
      .close()
      .catch(() => undefined) // a host that fails to close must not keep the app from quitting
      .finally(() => {
        host = null;
        app.quit();
      });
  });
  void app.whenReady().then(onReady);
}
