// Settings: the workspace's name, currency, time zone, locale and policy gate; the rule set's tolerances
// (read-only); who uses this laptop and the domains' owners; the theme.
import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { SettingsForm } from './settings/SettingsForm.tsx';
import { TolerancesPanel } from './settings/TolerancesPanel.tsx';
import { ThemePanel } from './settings/ThemePanel.tsx';
import { OwnersPanel } from './settings/OwnersPanel.tsx';
import './settings/settings.css';

export function SettingsScreen() {
  const store = useAppStore();
  const view = useApp((s) => s.settingsView);
  const loadError = useApp((s) => s.settingsLoadError);
  const workspacePath = useApp((s) => s.workspace?.path);
  const settingsChanges = useApp((s) => s.changes.settings);

  useEffect(() => {
    void store.getState().loadSettings();
  }, [store, workspacePath, settingsChanges]);

  return (
    <>
      <h1>Settings</h1>
      {loadError !== null && (
        <div className="panel error-panel" role="alert">
          <p>The settings could not be read: {loadError}</p>
          <button type="button" onClick={() => void store.getState().loadSettings()}>
            Try again
          </button>
        </div>
      )}
      {view === null ? (
        loadError === null && (
          <p className="muted" role="status">
            Reading the settings…
          </p>
        )
      ) : (
        <>
          {/* Keyed by the saved values so the form starts over from what was saved, after a save or a change elsewhere. */}
          <SettingsForm key={JSON.stringify(view.settings)} saved={view.settings} />
          <TolerancesPanel ruleSet={view.ruleSet} tolerances={view.tolerances} />
        </>
      )}
      <OwnersPanel />
      <ThemePanel />
    </>
  );
}
