// The File menu's workspace commands: native folder dialogs in front of ordinary API calls.
//
// Design: the shell only picks a folder and calls the same contract methods the renderer uses
// (workspace.create / workspace.open / workspace.createDemo) through the service host, so every rule (empty
// folder, valid settings, migrations) stays in the services. A new workspace starts from neutral defaults (USD,
// this machine's time zone and locale) that the Settings screen changes later. A success makes the services emit
// the contract's `changed: ['workspace']` event, as for any caller: the renderer refetches and the shell rebuilds
// the Open Recent menu; no message channel beyond the contract's events exists. A refusal is shown as a native
// error box with the services' message.
import { app, dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { randomUUID } from 'node:crypto';
import type { MethodName, RequestOf } from '../../shared/api/contract.ts';
import type { ServiceHost } from '../api/serviceHost.ts';

/** Same size as `tieout demo` makes by default. */
export const DEMO_ORDERS = 2000;

export interface WorkspaceDialogContext {
  host: Pick<ServiceHost, 'call'>;
  window(): BrowserWindow | null;
}

export interface WorkspaceCommands {
  newWorkspace(): Promise<boolean>;
  openWorkspace(): Promise<boolean>;
  openRecent(path: string): Promise<boolean>;
  openDemo(): Promise<boolean>;
}

export function newWorkspaceDefaults(locale: string) {
  return {
    reportingCurrency: 'USD',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    locale: locale.length >= 2 ? locale : 'en-US',
  };
}

async function chooseFolder(window: BrowserWindow | null, options: OpenDialogOptions): Promise<string | null> {
  const choice = window === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options);
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

export function workspaceCommands(context: WorkspaceDialogContext): WorkspaceCommands {
  async function call<M extends MethodName>(method: M, request: RequestOf<M>, failureTitle: string): Promise<boolean> {
    const envelope = await context.host.call(method, request, `shell:${randomUUID()}`);
    if (!envelope.ok) {
      dialog.showErrorBox(failureTitle, envelope.error.message);
      return false;
    }
    return true;
  }
  const newFolder = (title: string) =>
    chooseFolder(context.window(), { title, buttonLabel: 'Choose', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });

  return {
    async newWorkspace() {
      const path = await newFolder('Choose an empty folder for the new workspace');
      if (path === null) return false;
      return call('workspace.create', { path, ...newWorkspaceDefaults(app.getLocale()) }, 'Could not create the workspace');
    },
    async openWorkspace() {
      const path = await chooseFolder(context.window(), { title: 'Open a Tieout workspace', buttonLabel: 'Open', properties: ['openDirectory'] });
      if (path === null) return false;
      return call('workspace.open', { path }, 'Could not open the workspace');
    },
    openRecent(path: string) {
      return call('workspace.open', { path }, 'Could not open the workspace');
    },
    async openDemo() {
      const path = await newFolder('Choose an empty folder for the demo month');
      if (path === null) return false;
      return call('workspace.createDemo', { path, orders: DEMO_ORDERS }, 'Could not create the demo month');
    },
  };
}
