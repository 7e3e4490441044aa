// The app frame: first launch until a workspace is open, then the sidebar of screens, the top bar (workspace, the
// review period every screen follows, the sign convention, running jobs, theme) and readable notices. Alt+1…9 and Alt+0 switch
// screens from the keyboard.
import { useEffect, useRef } from 'react';
import { useApp, useAppStore } from './store/storeContext.tsx';
import { SCREENS, initialShowIds, initialTheme, type Screen } from './store/uiSlice.ts';
import { errorMessage } from './store/sliceTypes.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { JobsBar } from './components/JobsBar.tsx';
import { NotificationBell } from './components/NotificationBell.tsx';
import { Notices } from './components/Notices.tsx';
import { PeriodSelector } from './components/PeriodSelector.tsx';
import { SignConvention } from './components/SignConvention.tsx';
import { FirstLaunchScreen } from './screens/FirstLaunchScreen.tsx';
import { DashboardScreen } from './screens/DashboardScreen.tsx';
import { ExceptionsScreen } from './screens/ExceptionsScreen.tsx';
import { AwaitingScreen } from './screens/AwaitingScreen.tsx';
import { MatchesScreen } from './screens/MatchesScreen.tsx';
import { PayoutsScreen } from './screens/PayoutsScreen.tsx';
import { GrowthScreen } from './screens/GrowthScreen.tsx';
import { CloseScreen } from './screens/CloseScreen.tsx';
import { SourcesScreen } from './screens/SourcesScreen.tsx';
import { RulesScreen } from './screens/RulesScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';

const SCREEN_LABELS: Record<Screen, string> = {
  dashboard: 'Dashboard',
  exceptions: 'Exceptions',
  awaiting: 'Awaiting data',
  matches: 'Matches',
  payouts: 'Payouts',
  growth: 'Growth',
  close: 'Close',
  sources: 'Sources',
  rules: 'Rules',
  settings: 'Settings',
};

/** Screens whose figures and grids follow the period: they wait until it is known. */
const PERIOD_SCREENS: ReadonlySet<Screen> = new Set(['dashboard', 'exceptions', 'awaiting', 'matches', 'payouts', 'growth', 'close', 'rules']);

function ScreenView({ screen }: { screen: Screen }) {
  const periodKnown = useApp((s) => s.period !== null);
  if (PERIOD_SCREENS.has(screen) && !periodKnown) {
    return (
      <p className="muted" role="status">
        Reading the months with data…
      </p>
    );
  }
  switch (screen) {
    case 'dashboard':
      return <DashboardScreen />;
    case 'exceptions':
      return <ExceptionsScreen />;
    case 'awaiting':
      return <AwaitingScreen />;
    case 'matches':
      return <MatchesScreen />;
    case 'payouts':
      return <PayoutsScreen />;
    case 'growth':
      return <GrowthScreen />;
    case 'close':
      return <CloseScreen />;
    case 'sources':
      return <SourcesScreen />;
    case 'rules':
      return <RulesScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

export function App() {
  const store = useAppStore();
  const workspace = useApp((s) => s.workspace);
  const screen = useApp((s) => s.screen);
  const theme = useApp((s) => s.theme);
  const workspaceChanges = useApp((s) => s.changes.workspace);
  const workspacePath = useApp((s) => (s.workspace ? s.workspace.path : null));
  const importChanges = useApp((s) => s.changes.imports);
  const settingsChanges = useApp((s) => s.changes.settings);

  useEffect(() => {
    store.setState({ theme: initialTheme(), showIds: initialShowIds() });
  }, [store]);

  // Another workspace has its own months and its own remembered period.
  useEffect(() => {
    store.setState({ period: null, periodMonths: [], periodChosen: false });
    if (workspacePath !== null) void store.getState().loadPeriods();
  }, [store, workspacePath]);

  // New data may add a month; a new time zone moves every month's bounds.
  const seenData = useRef({ importChanges, settingsChanges });
  useEffect(() => {
    if (seenData.current.importChanges === importChanges && seenData.current.settingsChanges === settingsChanges) return;
    seenData.current = { importChanges, settingsChanges };
    if (store.getState().workspace) void store.getState().loadPeriods();
  }, [store, importChanges, settingsChanges]);

  useEffect(() => {
    store
      .getState()
      .loadWorkspace()
      .catch((err: unknown) => store.getState().notify('error', `Could not reach Tieout's services: ${errorMessage(err)}`));
  }, [store, workspaceChanges]);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      // Alt+1…9 the first nine screens, Alt+0 the tenth (the digit row's order).
      const index = e.key === '0' ? 9 : Number(e.key) - 1;
      const target = SCREENS[index];
      if (target !== undefined && store.getState().workspace) {
        e.preventDefault();
        store.getState().showScreen(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  if (workspace === undefined) {
    return (
      <div className="app-loading" role="status">
        Opening Tieout…
        <Notices />
      </div>
    );
  }

  if (workspace === null) {
    return (
      <div className="app first-launch-frame">
        <JobsBar />
        <ErrorBoundary>
          <FirstLaunchScreen />
        </ErrorBoundary>
        <Notices />
      </div>
    );
  }

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">Tieout</div>
        <ul>
          {SCREENS.map((s, i) => (
            <li key={s}>
              <button
                type="button"
                className={s === screen ? 'nav-item active' : 'nav-item'}
                aria-current={s === screen ? 'page' : undefined}
                title={`${SCREEN_LABELS[s]} (Alt+${(i + 1) % 10})`}
                onClick={() => store.getState().showScreen(s)}
              >
                {SCREEN_LABELS[s]}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="main">
        <header className="topbar">
          <div className="workspace-name" title={`${workspace.path} · ${workspace.reportingCurrency} · ${workspace.timeZone}`}>
            <strong>{workspace.name}</strong>
          </div>
          <PeriodSelector />
          <SignConvention />
          <JobsBar />
          <NotificationBell />
          <button
            type="button"
            className="ghost"
            aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
            onClick={() => store.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}
          >
            {theme === 'dark' ? 'Light' : 'Dark'}
          </button>
        </header>
        <main className="screen" aria-label={SCREEN_LABELS[screen]}>
          <ErrorBoundary key={screen}>
            <ScreenView screen={screen} />
          </ErrorBoundary>
        </main>
      </div>
      <Notices />
    </div>
  );
}
