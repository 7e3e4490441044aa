import { describe, it, expect, beforeEach } from 'vitest';
import type { Session, WebContents, WebFrameMain } from 'electron';
import {
  contentSecurityPolicy,
  enforceSessionSecurity,
  hardenWebContents,
  isAllowedNavigation,
  isAppFrame,
  mainWindowOptions,
} from '../../src/main/shell/windowOptions.ts';
import { FakeWebContents, fakeFrame, resetFakeElectron, session, type FakeFrame } from './fakeElectron.ts';

const appFile = 'file:///opt/Tieout/resources/app/out/renderer/index.html';
const devServer = 'http://localhost:5173/';

const asFrame = (frame: FakeFrame | null) => frame as unknown as WebFrameMain | null;

describe('the app window', () => {
  it('is sandboxed, context-isolated, without Node, with web security and the bundled preload', () => {
    const options = mainWindowOptions('/app/out/preload/index.cjs');
    expect(options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(options.show).toBe(false);
  });

  it('the CSP allows only the app itself, inline styles and data: images', () => {
    expect(contentSecurityPolicy).toBe("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
  });
});

describe('navigation allow-list', () => {
  it('allows the renderer file itself, with any hash or query', () => {
    expect(isAllowedNavigation(appFile, appFile)).toBe(true);
    expect(isAllowedNavigation(`${appFile}#/exceptions?code=MISSING_ORDER`, appFile)).toBe(true);
  });

  it('refuses another local file, another origin and opaque-origin URLs', () => {
    expect(isAllowedNavigation('file:///etc/passwd', appFile)).toBe(false);
    expect(isAllowedNavigation('file:///opt/Tieout/resources/app/out/renderer/other.html', appFile)).toBe(false);
    expect(isAllowedNavigation('https://example.com/', appFile)).toBe(false);
    // data:, blob: and about: share the opaque origin "null" with file:// URLs.
    expect(isAllowedNavigation('data:text/html,<script>alert(1)</script>', appFile)).toBe(false);
    expect(isAllowedNavigation('about:blank', appFile)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', appFile)).toBe(false);
    expect(isAllowedNavigation('not a url', appFile)).toBe(false);
  });

  it('in dev allows the dev server origin only', () => {
    expect(isAllowedNavigation('http://localhost:5173/#/matches', devServer)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', devServer)).toBe(false);
    expect(isAllowedNavigation('https://localhost:5173/', devServer)).toBe(false);
    expect(isAllowedNavigation('http://evil.test:5173/', devServer)).toBe(false);
    expect(isAllowedNavigation('data:text/html,x', 'data:text/html,x')).toBe(false);
  });
});

describe('API callers', () => {
  const appFrame = fakeFrame(appFile);

  it('the app main frame showing the app may call', () => {
    // Electron may hand out a new WebFrameMain object for the same frame; the ids identify it.
    const sameFrameAgain = { ...appFrame, url: `${appFile}#/dashboard` };
    expect(isAppFrame(asFrame(sameFrameAgain), asFrame(appFrame), appFile)).toBe(true);
  });

  it('refuses subframes, other frames, a main frame that left the app, and a missing frame', () => {
    expect(isAppFrame(asFrame(fakeFrame(appFile, appFrame)), asFrame(appFrame), appFile)).toBe(false);
    expect(isAppFrame(asFrame(fakeFrame(appFile)), asFrame(appFrame), appFile)).toBe(false);
    expect(isAppFrame(asFrame({ ...appFrame, url: 'https://example.com/' }), asFrame(appFrame), appFile)).toBe(false);
    expect(isAppFrame(null, asFrame(appFrame), appFile)).toBe(false);
    expect(isAppFrame(asFrame(appFrame), null, appFile)).toBe(false);
  });
});

describe('every webContents', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    contents = new FakeWebContents();
    hardenWebContents(contents as unknown as WebContents, appFile);
  });

  it('navigates and redirects only within the app', () => {
    expect(contents.navigate('will-navigate', `${appFile}#/payouts`)).toBe(true);
    expect(contents.navigate('will-navigate', 'https://example.com/')).toBe(false);
    expect(contents.navigate('will-navigate', 'file:///home/user/secrets.html')).toBe(false);
    expect(contents.navigate('will-redirect', 'https://example.com/')).toBe(false);
    expect(contents.navigate('will-redirect', appFile)).toBe(true);
  });

  it('opens no window and attaches no webview', () => {
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: appFile })).toEqual({ action: 'deny' });
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    expect(prevented).toBe(true);
  });

  it('hands an https link (a new-ticket link) to the system browser, and nothing else', () => {
    const opened: string[] = [];
    const withBrowser = new FakeWebContents();
    hardenWebContents(withBrowser as unknown as WebContents, appFile, (url) => opened.push(url));
    const jira = 'https://ridge.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=1&summary=x';
    expect(withBrowser.windowOpenHandler?.({ url: jira })).toEqual({ action: 'deny' });
    expect(withBrowser.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(withBrowser.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(withBrowser.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual([jira]);
  });
});

describe('the session', () => {
  beforeEach(() => {
    resetFakeElectron();
    enforceSessionSecurity(session.defaultSession as unknown as Session);
  });

  it('adds the CSP header to every response and keeps the others', () => {
    const listener = session.defaultSession.headersListener;
    expect(listener).not.toBeNull();
    let answer: { responseHeaders?: Record<string, string[]> } | null = null;
    listener?.({ url: 'http://localhost:5173/', responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (answer = r));
    expect(answer).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] } });
    listener?.({ url: 'http://localhost:5173/x.js' }, (r) => (answer = r));
    expect(answer).toEqual({ responseHeaders: { 'Content-Security-Policy': [contentSecurityPolicy] } });
  });

  it('denies every permission request and check', () => {
    const permissions = ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'midiSysex', 'unknown'];
    for (const permission of permissions) {
      let granted: boolean | null = null;
      session.defaultSession.permissionRequestHandler?.({}, permission, (g) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(session.defaultSession.permissionCheckHandler?.({}, permission), permission).toBe(false);
    }
  });
});
