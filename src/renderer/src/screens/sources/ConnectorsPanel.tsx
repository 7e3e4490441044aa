// Sources connected by API: per source its sync state, last sync, next run and last error, "Sync now", and when a sync
// fails, the batch fallback: the import wizard below, preset to that source.
import type { ConnectorStatus } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount, formatInstant } from '../../format/formatters.ts';

const STATE_WORDS: Record<ConnectorStatus['state'], string> = { never: 'Not synced yet', syncing: 'Syncing', ok: 'Up to date', failed: 'Failed' };

function StateCell({ c }: { c: ConnectorStatus }) {
  const prefs = useDisplayPrefs();
  const detail = c.state === 'syncing' && c.step !== null ? `${c.step.replace(/_/g, ' ')}, ${formatCount(c.pages, prefs.locale)} pages` : null;
  return (
    <td>
      <span className={`badge connector-state ${c.state}`}>{STATE_WORDS[c.state]}</span>
      {detail !== null && <span className="muted"> {detail}</span>}
    </td>
  );
}

function ConnectorRow({ c, background }: { c: ConnectorStatus; background: boolean }) {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const message = useApp((s) => s.syncNowMessages[c.source]);
  const importInstead = () => {
    store.getState().setImportSource(c.source);
    document.querySelector('.import-wizard')?.scrollIntoView({ block: 'start' });
  };
  return (
    <>
      <tr>
        <td className="mono">{c.source}</td>
        <td className="connector-location">{c.location}</td>
        <StateCell c={c} />
        <td>{formatInstant(c.lastSyncAt, prefs)}</td>
        <td>{c.state === 'syncing' ? '—' : formatInstant(c.nextRunAt, prefs)}</td>
        <td className="num">every {c.cadenceHours} h</td>
        <td className="connector-actions">
          <button type="button" disabled={!background || c.state === 'syncing'} onClick={() => void store.getState().syncNow(c.source)}>
            Sync now
          </button>
          {c.state === 'failed' && (
            <button type="button" onClick={importInstead}>
              Import a file instead
            </button>
          )}
        </td>
      </tr>
      {(c.error !== null || message !== undefined) && (
        <tr className="connector-detail">
          <td colSpan={7}>
            {c.error !== null && (
              <p className="field-error" role="alert">
                {c.error}
              </p>
            )}
            {message !== undefined && <p className="muted">{message}</p>}
          </td>
        </tr>
      )}
    </>
  );
}

export function ConnectorsPanel() {
  const connectors = useApp((s) => s.connectors);
  const background = useApp((s) => s.connectorsBackground);
  const error = useApp((s) => s.connectorsError);
  if (connectors === null && error === null) return null;
  return (
    <section className="panel connectors" aria-label="Connected sources">
      <h2>Connected sources</h2>
      {/* Not an alert: the import below works whatever this says. */}
      {error !== null && <p className="field-error">Could not load the connected sources: {error}</p>}
      {connectors !== null && connectors.length === 0 && (
        <p className="empty">
          No source is connected by API. Connect Stripe, Shopify or PayPal with <code>tieout connect</code>; until then, import their files below.
        </p>
      )}
      {connectors !== null && connectors.length > 0 && (
        <table className="simple" aria-label="Connected sources">
          <thead>
            <tr>
              <th>Source</th>
              <th>Reads from</th>
              <th>State</th>
              <th>Last sync</th>
              <th>Next run</th>
              <th className="num">Cadence</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {connectors.map((c) => (
              <ConnectorRow key={c.source} c={c} background={background} />
            ))}
          </tbody>
        </table>
      )}
      {connectors !== null && connectors.length > 0 && !background && (
        <p className="muted">This window does not sync on a schedule: run tieout sync.</p>
      )}
    </section>
  );
}
