// Per source: when it was last imported, its latest event, how many events, the cadence it promises, and
// whether its feed is missing (a FEED_MISSING exception is open).
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount, formatInstant } from '../../format/formatters.ts';
import { useAppStore } from '../../store/storeContext.tsx';

export function formatCadence(hours: number | null): string {
  if (hours === null) return 'Not declared';
  if (hours === 24) return 'Daily';
  if (hours === 168) return 'Weekly';
  if (hours % 24 === 0) return `Every ${hours / 24} days`;
  return hours === 1 ? 'Hourly' : `Every ${hours} h`;
}

function FeedStatus({ source }: { source: Dashboard['sources'][number] }) {
  if (source.feedMissing) return <span className="badge class-C">Feed missing</span>;
  if (source.expectedEveryHours === null) return <span className="muted">Not checked</span>;
  return <span className="badge class-A">On time</span>;
}

export function SourcesTable({ sources, onImport }: { sources: Dashboard['sources']; onImport: () => void }) {
  const prefs = useDisplayPrefs();
  const store = useAppStore();
  return (
    <section className="panel dashboard-sources" aria-labelledby="dashboard-sources-heading">
      <div className="toolbar">
        <h2 id="dashboard-sources-heading">Sources</h2>
        <span className="spacer" />
        <button type="button" onClick={onImport}>
          Import files…
        </button>
      </div>
      {sources.length === 0 ? (
        <p className="empty">No source has been imported yet.</p>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th>Source</th>
              <th>Last import</th>
              <th>Last event</th>
              <th className="num">In the period</th>
              <th className="num">Events</th>
              <th>Expected cadence</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.source}>
                <td>
                  <button
                    type="button"
                    className="link-button mono"
                    title={`Show the open exceptions of ${s.source}`}
                    onClick={() => store.getState().showExceptionsFiltered({ sources: [s.source] })}
                  >
                    {s.source}
                  </button>
                </td>
                <td className="date">{formatInstant(s.lastImportAt, prefs)}</td>
                <td className="date">{formatInstant(s.lastEventAt, prefs)}</td>
                <td className="num">{formatCount(s.eventsInPeriod, prefs.locale)}</td>
                <td className="num">{formatCount(s.events, prefs.locale)}</td>
                <td>{formatCadence(s.expectedEveryHours)}</td>
                <td>
                  <FeedStatus source={s} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
