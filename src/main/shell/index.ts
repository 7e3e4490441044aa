// Electron main process: one window, locked down; the services live outside this folder and never import electron.
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { mainWindowOptions, isAllowedNavigation } from './windowOptions.ts';


function createWindow(): void {
  const win = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  const rendererUrl = devUrl ?? `file://${join(import.meta.dirname, '../renderer/index.html')}`;
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());
  if (devUrl !== undefined) void win.loadURL(devUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  void app.whenReady().then(createWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}
