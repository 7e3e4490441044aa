// App-wide state: the screen shown, the theme, readable errors, and the progress of long calls.
import type { ChangeArea, MethodName, RequestOf, ResponseOf } from '../../../shared/api/contract.ts';
import { newCallId } from '../api/apiClient.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export const SCREENS = ['dashboard', 'exceptions', 'awaiting', 'matches', 'payouts', 'growth', 'close', 'sources', 'rules', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];
export type Theme = 'light' | 'dark';

export interface Job {
  callId: string;
  method: MethodName;
  title: string;
  label: string;
  done: number;
  total: number | null;
}

export interface Notice {
  id: number;
  tone: 'error' | 'success';
  text: string;
}

export interface UiSlice {
  screen: Screen;
  theme: Theme;
  /** Grids show their id columns (exception, match, event ids): off by default, people read names first. */
  showIds: boolean;
  jobs: Job[];
  notices: Notice[];
  /** Bumped on every `changed` event, per area, so screens know to refetch. */
  changes: Record<ChangeArea, number>;
  showScreen(screen: Screen): void;
  setTheme(theme: Theme): void;
  setShowIds(show: boolean): void;
  notify(tone: Notice['tone'], text: string): void;
  dismissNotice(id: number): void;
  /** Runs a long call, showing its progress in the top bar; rejects like the call does. */
  runJob<M extends MethodName>(method: M, title: string, request: RequestOf<M>): Promise<ResponseOf<M>>;
  /** Runs a call and shows its failure as a notice instead of throwing; returns null on failure. */
  attempt<T>(work: () => Promise<T>): Promise<T | null>;
  /** Asks the services for a grid's view as a file (progress in the top bar); null when it failed (a notice says why). */
  exportGrid(request: RequestOf<'export.grid'>): Promise<ResponseOf<'export.grid'> | null>;
}

let noticeCounter = 0;
const SUCCESS_NOTICE_MS = 4000;
export const THEME_KEY = 'tieout.theme';
export const SHOW_IDS_KEY = 'tieout.showIds';

function store(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage can be unavailable (private mode, tests); the choice then lasts the session.
  }
}

/** Whether the person last chose to see id columns. */
export function initialShowIds(): boolean {
  try {
    return window.localStorage.getItem(SHOW_IDS_KEY) === 'true';
  } catch {
    return false;
  }
}

/** The theme the person chose last, else the system's. */
export function initialTheme(): Theme {
  try {
    const saved = window.localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // no storage: fall back to the system preference
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const createUiSlice: SliceCreator<UiSlice> = (api) => (set, get) => {
  api.onEvent((event) => {
    if (event.type === 'progress') {
      set((s) => ({
        jobs: s.jobs.map((j) => (j.callId === event.callId ? { ...j, label: event.label, done: event.done, total: event.total } : j)),
      }));
    } else if (event.type === 'changed') {
      set((s) => {
        const changes = { ...s.changes };
        for (const area of event.what) changes[area] += 1;
        return { changes };
      });
    }
  });
  return {
    screen: 'dashboard',
    theme: 'light',
    showIds: false,
    jobs: [],
    notices: [],
    changes: { workspace: 0, settings: 0, imports: 0, matches: 0, exceptions: 0, connectors: 0, rules: 0, close: 0 },
    showScreen(screen) {
      // An exception's detail belongs to the Exceptions screen as it was: coming back shows the grid, not a stale
      // panel of an exception resolved or filtered away meanwhile.
      if (get().screen === 'exceptions' && screen !== 'exceptions') get().closeExceptionDetail();
      set({ screen });
    },
    setTheme(theme) {
      set({ theme });
      store(THEME_KEY, theme);
    },
    setShowIds(show) {
      set({ showIds: show });
      store(SHOW_IDS_KEY, String(show));
    },
    notify(tone, text) {
      noticeCounter += 1;
      const id = noticeCounter;
      set((s) => ({ notices: [...s.notices.slice(-4), { id, tone, text }] }));
      // Confirmations fade on their own; errors stay until dismissed, so none goes unread.
      if (tone === 'success') setTimeout(() => get().dismissNotice(id), SUCCESS_NOTICE_MS);
    },
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    async runJob(method, title, request) {
      const callId = newCallId();
      set((s) => ({ jobs: [...s.jobs, { callId, method, title, label: 'Starting…', done: 0, total: null }] }));
      try {
        return await api.call(method, request, { callId });
      } finally {
        set((s) => ({ jobs: s.jobs.filter((j) => j.callId !== callId) }));
      }
    },
    async exportGrid(request) {
      try {
        const file = await get().runJob('export.grid', `Exporting ${request.grid} as ${request.format.toUpperCase()}`, request);
        get().notify('success', `Exported ${file.rows} row${file.rows === 1 ? '' : 's'} to ${file.fileName}`);
        return file;
      } catch (err) {
        get().notify('error', `Could not export the ${request.grid}: ${errorMessage(err)}`);
        return null;
      }
    },
    async attempt(work) {
      try {
        return await work();
      } catch (err) {
        get().notify('error', errorMessage(err));
        return null;
      }
    },
  };
};
