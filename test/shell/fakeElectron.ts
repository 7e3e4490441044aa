// Electron at its boundary, for shell tests (the one mock the project allows): plain objects that record what the
// shell asked of Electron and let a test play Electron's part (fire app events, answer dialogs, invoke IPC).
// Use with: vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron)
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

let nextRoutingId = 1;

export function fakeFrame(url: string, parent: FakeFrame | null = null): FakeFrame {
  return { url, parent, processId: 7, routingId: nextRoutingId++ };
}

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; payload: unknown }[] = [];
  destroyed = false;
  mainFrame: FakeFrame = fakeFrame('about:blank');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Fires a navigation event the way Electron does and says whether the shell let it through. */
  navigate(eventName: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(eventName, { url, preventDefault: () => (prevented = true) }, url);
    return !prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly instances: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, unknown>;
  loaded: { file?: string; url?: string } = {};
  minimized = false;
  destroyed = false;
  readonly calls: string[] = [];
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
    // Electron announces every new webContents to the app.
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file };
    this.webContents.mainFrame = fakeFrame(pathToFileURL(file).href);
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.mainFrame = fakeFrame(url);
    return Promise.resolve();
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  restore(): void {
    this.minimized = false;
    this.calls.push('restore');
  }
  focus(): void {
    this.calls.push('focus');
  }
  show(): void {
    this.calls.push('show');
  }
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  hasLock = true;
  isPackaged = false;
  userData = '/nonexistent';
  locale = 'en-GB';
  readonly calls: string[] = [];
  private readyResolve: (() => void) | null = null;
  private ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Electron's `ready`: resolves whenReady(). */
  becomeReady(): void {
    this.readyResolve?.();
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`unexpected app.getPath(${name})`);
    return this.userData;
  }
  getLocale(): string {
    return this.locale;
  }
  quit(): void {
    this.calls.push('quit');
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.calls.push('quit:done');
  }
  exit(code: number): void {
    this.calls.push(`exit:${code}`);
  }
  reset(): void {
    this.removeAllListeners();
    this.hasLock = true;
    this.isPackaged = false;
    this.userData = '/nonexistent';
    this.calls.length = 0;
    this.ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  }
}

export const app = new FakeApp();

type Handler = (event: { senderFrame: FakeFrame | null }, payload: unknown) => unknown;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
  /** What ipcRenderer.invoke would receive: the handler's value, or a rejection. */
  async invoke(channel: string, senderFrame: FakeFrame | null, payload: unknown): Promise<unknown> {
    const handler = ipcMain.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame }, payload);
  },
};

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;

export const session = {
  defaultSession: {
    headersListener: null as HeadersListener | null,
    permissionRequestHandler: null as PermissionRequestHandler | null,
    permissionCheckHandler: null as ((contents: unknown, permission: string) => boolean) | null,
    webRequest: {
      onHeadersReceived(listener: HeadersListener): void {
        session.defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      session.defaultSession.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void {
      session.defaultSession.permissionCheckHandler = handler;
    },
  },
};

export const Menu = {
  applicationMenu: null as { template: unknown[] } | null,
  buildFromTemplate(template: unknown[]): { template: unknown[] } {
    return { template };
  },
  setApplicationMenu(menu: { template: unknown[] }): void {
    Menu.applicationMenu = menu;
  },
};

export const dialog = {
  /** Answers for the next showOpenDialog calls, in order. */
  openAnswers: [] as { canceled: boolean; filePaths: string[] }[],
  openRequests: [] as Record<string, unknown>[],
  errors: [] as { title: string; message: string }[],
  messages: [] as Record<string, unknown>[],
  showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    dialog.openRequests.push(args[args.length - 1] as Record<string, unknown>);
    const answer = dialog.openAnswers.shift();
    if (answer === undefined) throw new Error('the test gave no answer for this dialog');
    return Promise.resolve(answer);
  },
  showErrorBox(title: string, message: string): void {
    dialog.errors.push({ title, message });
  },
  showMessageBox(...args: unknown[]): Promise<{ response: number }> {
    dialog.messages.push(args[args.length - 1] as Record<string, unknown>);
    return Promise.resolve({ response: 0 });
  },
};

export const ipcRenderer = new (class extends EventEmitter {
  readonly invocations: { channel: string; payload: unknown }[] = [];
  answer: unknown = null;
  invoke(channel: string, payload: unknown): Promise<unknown> {
    this.invocations.push({ channel, payload });
    return Promise.resolve(this.answer);
  }
})();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    shell.opened.push(url);
    return Promise.resolve();
  },
};

export class FakeNotification extends EventEmitter {
  static readonly shown: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

/** The OS keychain: a reversible seal that is not the plain text, a backend a test chooses, availability it sets. */
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown',
  calls: [] as string[],
  isAsyncEncryptionAvailable(): Promise<boolean> {
    safeStorage.calls.push('isAsyncEncryptionAvailable');
    return Promise.resolve(safeStorage.available);
  },
  getSelectedStorageBackend(): string {
    return safeStorage.backend;
  },
  encryptStringAsync(plain: string): Promise<Buffer> {
    safeStorage.calls.push('encryptStringAsync');
    return Promise.resolve(Buffer.concat([Buffer.from('v11'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]));
  },
  decryptStringAsync(sealed: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    safeStorage.calls.push('decryptStringAsync');
    if (sealed.subarray(0, 3).toString() !== 'v11')
      return Promise.reject(new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'));
    return Promise.resolve({ result: Buffer.from(sealed.subarray(3).map((b) => b ^ 0x5a)).toString('utf8'), shouldReEncrypt: false });
  },
};

export function resetFakeElectron(): void {
  FakeNotification.shown.length = 0;
  FakeNotification.supported = true;
  shell.opened.length = 0;
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  safeStorage.calls.length = 0;
  app.reset();
  FakeBrowserWindow.instances.length = 0;
  ipcMain.handlers.clear();
  session.defaultSession.headersListener = null;
  session.defaultSession.permissionRequestHandler = null;
  session.defaultSession.permissionCheckHandler = null;
  Menu.applicationMenu = null;
  dialog.openAnswers.length = 0;
  dialog.openRequests.length = 0;
  dialog.errors.length = 0;
  dialog.messages.length = 0;
}

export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain,
  session,
  Menu,
  dialog,
  ipcRenderer,
  contextBridge,
  Notification: FakeNotification,
  shell,
  safeStorage,
};
