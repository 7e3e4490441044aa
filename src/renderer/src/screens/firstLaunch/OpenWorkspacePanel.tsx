// "Open an existing workspace": by folder, or one click on a recently opened one.
import { useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { formatInstant } from '../../format/formatters.ts';
import { FormField } from '../settings/FormField.tsx';
import { defaultLocale, defaultTimeZone } from '../settings/regionalChoices.ts';
import { callFailure } from './firstLaunchErrors.ts';
import type { FirstLaunchRunner } from './firstLaunchTypes.ts';

export function OpenWorkspacePanel({ runner }: { runner: FirstLaunchRunner }) {
  const store = useAppStore();
  const recent = useApp((s) => s.recent);
  const [path, setPath] = useState('');
  const [pathError, setPathError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  // No workspace is open yet, so dates follow this computer.
  const prefs = { locale: defaultLocale(navigator.language), timeZone: defaultTimeZone() };

  async function open(target: string) {
    setFailure(null);
    const err = await runner.run('open', () => store.getState().openWorkspace(target));
    if (err !== null) setFailure(callFailure(err, []).message);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (path.trim() === '') {
      setPathError('Enter the folder of a Tieout workspace.');
      return;
    }
    void open(path.trim());
  }

  return (
    <section className="panel" aria-labelledby="open-workspace-heading">
      <h2 id="open-workspace-heading">Open an existing workspace</h2>
      <form className="field-row" aria-label="Open a workspace by folder" onSubmit={submit} noValidate>
        <FormField id="open-path" label="Workspace folder" error={pathError} className="wide">
          <input
            className="mono"
            value={path}
            spellCheck={false}
            onChange={(e) => {
              setPath(e.target.value);
              setPathError(undefined);
            }}
          />
        </FormField>
        <button type="submit" disabled={runner.busy !== null}>
          {runner.busy === 'open' ? 'Opening…' : 'Open'}
        </button>
      </form>
      {failure !== null && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <h3 id="recent-workspaces-heading">Recent workspaces</h3>
      {recent.length === 0 ? (
        <p className="muted">None yet: workspaces you create or open are listed here.</p>
      ) : (
        <ul className="recent-workspaces" aria-labelledby="recent-workspaces-heading">
          {recent.map((w) => (
            <li key={w.path}>
              <button type="button" className="recent-entry" disabled={runner.busy !== null} onClick={() => void open(w.path)}>
                <strong>{w.name}</strong>
                <span className="mono muted">{w.path}</span>
                <span className="muted">opened {formatInstant(w.openedAt, prefs)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
