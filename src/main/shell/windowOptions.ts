// The security-relevant options of the app window, kept apart so they can be tested without Electron.

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  webSecurity: true;
}

export function mainWindowOptions(preloadPath: string) {
  const webPreferences: SecureWebPreferences = {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
  };
  return { width: 1280, height: 800, minWidth: 960, minHeight: 600, show: false, title: 'Tieout', webPreferences };
}

/** The renderer may load only its own files; everything else (links, window.open) is refused. */
export function isAllowedNavigation(target: string, rendererUrl: string): boolean {
  try {
    const t = new URL(target);
    const r = new URL(rendererUrl);
    return t.origin === r.origin && (t.protocol === 'file:' ? t.pathname === r.pathname : true);
  } catch {
    return false;
  }
}
