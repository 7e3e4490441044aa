import { describe, it, expect } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate, type MenuActions } from '../../src/main/shell/appMenu.ts';

function recordingActions() {
  const calls: string[] = [];
  const actions: MenuActions = {
    newWorkspace: () => calls.push('new'),
    openWorkspace: () => calls.push('open'),
    openRecent: (path) => calls.push(`recent:${path}`),
    openDemo: () => calls.push('demo'),
    about: () => calls.push('about'),
  };
  return { calls, actions };
}

function submenu(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = template.find((item) => item.label === label);
  if (menu === undefined) throw new Error(`no ${label} menu`);
  return menu.submenu as MenuItemConstructorOptions[];
}

function item(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const found = items.find((i) => i.label === label);
  if (found === undefined) throw new Error(`no ${label} item`);
  return found;
}

const click = (menuItem: MenuItemConstructorOptions) => (menuItem.click as () => void)();
const roles = (items: MenuItemConstructorOptions[]) => items.filter((i) => i.role !== undefined).map((i) => i.role);

const recent = [
  { path: '/books/acme', name: 'Acme' },
  { path: '/books/globex', name: 'Globex' },
];

describe('application menu', () => {
  it('File holds the workspace commands, wired to their actions', () => {
    const { calls, actions } = recordingActions();
    const file = submenu(appMenuTemplate({ recent, isMac: false, dev: false, actions }), 'File');
    click(item(file, 'New Workspace…'));
    click(item(file, 'Open Workspace…'));
    click(item(file, 'Open Demo Month…'));
    expect(calls).toEqual(['new', 'open', 'demo']);
    expect(item(file, 'New Workspace…').accelerator).toBe('CmdOrCtrl+N');
    expect(item(file, 'Open Workspace…').accelerator).toBe('CmdOrCtrl+O');
  });

  it('Open Recent lists the recent workspaces and opens the one clicked', () => {
    const { calls, actions } = recordingActions();
    const openRecent = submenu(submenu(appMenuTemplate({ recent, isMac: false, dev: false, actions }), 'File'), 'Open Recent');
    expect(openRecent.map((i) => i.label)).toEqual(['Acme — /books/acme', 'Globex — /books/globex']);
    click(openRecent[1] as MenuItemConstructorOptions);
    expect(calls).toEqual(['recent:/books/globex']);
  });

  it('Open Recent says so, disabled, when there is nothing recent', () => {
    const { actions } = recordingActions();
    const openRecent = submenu(submenu(appMenuTemplate({ recent: [], isMac: true, dev: false, actions }), 'File'), 'Open Recent');
    expect(openRecent).toEqual([{ label: 'No Recent Workspaces', enabled: false }]);
  });

  it('on macOS starts with the app menu (About, Quit) and File closes the window', () => {
    const { calls, actions } = recordingActions();
    const template = appMenuTemplate({ recent, isMac: true, dev: false, actions });
    expect(template.map((m) => m.label)).toEqual(['Tieout', 'File', 'Edit', 'View', 'Window', 'Help']);
    const appMenu = submenu(template, 'Tieout');
    click(item(appMenu, 'About Tieout'));
    expect(calls).toEqual(['about']);
    expect(roles(appMenu)).toEqual(['services', 'hide', 'hideOthers', 'unhide', 'quit']);
    const file = submenu(template, 'File');
    expect(file.at(-1)).toMatchObject({ role: 'close', label: 'Close Window' });
    expect(roles(submenu(template, 'Edit'))).toContain('pasteAndMatchStyle');
  });

  it('elsewhere has no app menu; File ends with Quit and Help holds About', () => {
    const { calls, actions } = recordingActions();
    const template = appMenuTemplate({ recent, isMac: false, dev: false, actions });
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(submenu(template, 'File').at(-1)).toEqual({ role: 'quit' });
    expect(roles(submenu(template, 'Edit'))).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
    click(item(submenu(template, 'Help'), 'About Tieout'));
    expect(calls).toEqual(['about']);
  });

  it('View offers reload and dev tools only in dev; zoom and full screen always', () => {
    const { actions } = recordingActions();
    const shipped = roles(submenu(appMenuTemplate({ recent, isMac: false, dev: false, actions }), 'View'));
    expect(shipped).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    const dev = roles(submenu(appMenuTemplate({ recent, isMac: false, dev: true, actions }), 'View'));
    expect(dev).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });
});
