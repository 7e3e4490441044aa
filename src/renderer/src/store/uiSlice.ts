// App-wide state: the screen shown, the theme, readable errors, and the progress of long calls.
import type { ChangeArea, MethodName, RequestOf, ResponseOf } from '../../../shared/api/contract.ts';
import { newCallId } from '../api/apiClient.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export const SCREENS = ['dashboard', 'exceptions', 'matches', 'payouts', 'sources', 'settings'] as const;
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
  jobs: Job[];
  notices: Notice[];
  /** Bumped on every `changed` event, per area, so screens know to refetch. */
  changes: Record<ChangeArea, number>;
  showScreen(screen: Screen): void;
  setTheme(theme: Theme): void;
  notify(tone: Notice['tone'], text: string): void;
  dismissNotice(id: number): void;
  /** Runs a long call, showing its progress in the top bar; rejects like the call does. */
  runJob<M extends MethodName>(method: M, title: string, request: RequestOf<M>): Promise<ResponseOf<M>>;
  /** Runs a call and shows its failure as a notice instead of throwing; returns null on failure. */
  attempt<T>(work: () => Promise<T>): Promise<T | null>;
}

let noticeCounter = 0;
const SUCCESS_NOTICE_MS = 4000;
export const THEME_KEY = 'tieout.theme';

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
    } else {
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
    jobs: [],
    notices: [],
    changes: { workspace: 0, settings: 0, imports: 0, matches: 0, exceptions: 0, close: 0 },
    showScreen: (screen) => set({ screen }),
    setTheme(theme) {
      set({ theme });
      try {
        window.localStorage.setItem(THEME_KEY, theme);
      } catch {
        // Storage can be unavailable (private mode, tests); the theme then lasts the session.
      }
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
