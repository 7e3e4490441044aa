// The security of the app window (DESIGN §11): its webPreferences, where it may navigate, which frame may call
// the API, the CSP and permission policy of its session. Only Electron *types* are imported, so every rule here
// is tested with plain objects standing in for Electron's.
import type { Session, WebContents, WebFrameMain } from 'electron';

/** Same policy as the meta tag of src/renderer/index.html; sent as a header too so no response escapes it. */
export const contentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

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

/**
 * The renderer may load only its own files: the same file for a file:// renderer (any hash or query), the same
 * origin for the dev server. Opaque origins (data:, blob:, about:) all share the origin "null", so the protocol
 * must match as well.
 */
export function isAllowedNavigation(target: string, rendererUrl: string): boolean {
  try {
    const t = new URL(target);
    const r = new URL(rendererUrl);
    if (t.protocol !== r.protocol) return false;
    if (r.protocol === 'file:') return t.pathname === r.pathname && t.host === r.host;
    return r.origin !== 'null' && t.origin === r.origin;
  } catch {
    return false;
  }
}

/** A link the system browser may open for the app: https, with a host. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The frames allowed to call the API: the app window's main frame, showing the app itself. */
export function isAppFrame(frame: WebFrameMain | null, appMainFrame: WebFrameMain | null, rendererUrl: string): boolean {
  if (frame === null || appMainFrame === null || frame.parent !== null) return false;
  // WebFrameMain objects are not guaranteed to be the same JS object per frame; ids are.
  if (frame.processId !== appMainFrame.processId || frame.routingId !== appMainFrame.routingId) return false;
  return isAllowedNavigation(frame.url, rendererUrl);
}

/**
 * Every webContents (the window's and any other) stays on the app and opens no window. A link the app opens in a new
 * window (an exception's new-ticket link in Jira or Linear) goes to the system browser through `openExternal`, and
 * only when it is https: the app never shows a foreign page itself.
 */
export function hardenWebContents(contents: WebContents, rendererUrl: string, openExternal?: (url: string) => void): void {
  const refuseForeign = (event: { preventDefault(): void; url: string }) => {
    if (!isAllowedNavigation(event.url, rendererUrl)) event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (openExternal !== undefined && isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The session adds the CSP to every response and grants no permission (camera, notifications, …) to anyone. */
export function enforceSessionSecurity(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
