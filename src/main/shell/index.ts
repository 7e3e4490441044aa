// Electron entry, bundled to out/main/index.js: the paths of the bundle's other parts, and the service host
// whose worker (out/main/serviceWorker.js) is built next to this file (electron.vite.config.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ServiceHost, SLA_CLOCK_MS } from '../api/serviceHost.ts';
import { readRecentWorkspaces } from '../workspace/recentWorkspaces.ts';
import { startDesktopApp } from './desktopApp.ts';
import { SafeStorageCipher } from './safeStorageCipher.ts';

const bundleDir = import.meta.dirname;

startDesktopApp({
  preloadPath: join(bundleDir, '../preload/index.cjs'),
  rendererFile: join(bundleDir, '../renderer/index.html'),
  devServerUrl: process.env['ELECTRON_RENDERER_URL'],
  // The app reopens the workspace used last, as a desktop document app does. If it cannot be opened (moved
  // disk, newer ledger), the app starts on first launch, whose recent list shows the reason when clicked.
  // Connector secrets are sealed and opened with the OS keychain (safeStorage), for the worker, in this thread.
  startHost: async (configDir) => {
    const workerUrl = pathToFileURL(join(bundleDir, 'serviceWorker.js'));
    const secretCipher = new SafeStorageCipher();
    const last = readRecentWorkspaces(configDir)[0]?.path;
    if (last !== undefined) {
      try {
        return await ServiceHost.start({ configDir, host: 'electron', workspacePath: last, workerUrl, slaClockMs: SLA_CLOCK_MS, secretCipher });
      } catch {
        // first launch instead
      }
    }
    return ServiceHost.start({ configDir, host: 'electron', workerUrl, slaClockMs: SLA_CLOCK_MS, secretCipher });
  },
});
