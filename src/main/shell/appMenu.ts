// The application menu as data: a pure function of the recent workspaces, the platform and dev mode, so its
// contents are tested without Electron. The shell builds it with Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newWorkspace(): void;
  openWorkspace(): void;
  openRecent(path: string): void;
  openDemo(): void;
  about(): void;
}

export interface RecentWorkspace {
  path: string;
  name: string;
}

export interface AppMenuOptions {
  recent: RecentWorkspace[];
  isMac: boolean;
  dev: boolean;
  actions: MenuActions;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

function recentItems(recent: RecentWorkspace[], actions: MenuActions): MenuItemConstructorOptions[] {
  if (recent.length === 0) return [{ label: 'No Recent Workspaces', enabled: false }];
  return recent.map((workspace) => ({
    label: `${workspace.name} — ${workspace.path}`,
    click: () => actions.openRecent(workspace.path),
  }));
}

export function appMenuTemplate({ recent, isMac, dev, actions }: AppMenuOptions): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: 'About Tieout', click: () => actions.about() };
  const macAppMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: 'Tieout',
          submenu: [
            about,
            separator,
            { role: 'services' },
            separator,
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            separator,
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [
    ...macAppMenu,
    {
      label: 'File',
      submenu: [
        { label: 'New Workspace…', accelerator: 'CmdOrCtrl+N', click: () => actions.newWorkspace() },
        { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
        { label: 'Open Recent', submenu: recentItems(recent, actions) },
        separator,
        { label: 'Open Demo Month…', click: () => actions.openDemo() },
        separator,
        isMac ? { role: 'close', label: 'Close Window' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(dev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      ...(isMac ? { role: 'window' as const } : {}),
      submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
    // 'help' is a macOS role (it adds the search field); elsewhere it is a plain menu.
    { label: 'Help', ...(isMac ? { role: 'help' as const } : {}), submenu: [about] },
  ];
}
