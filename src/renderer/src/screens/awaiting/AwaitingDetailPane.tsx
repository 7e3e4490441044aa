// The panel beside the awaiting grid: the event with its source line, and per exception it would become, which
// sources could still bring its counterpart, how far each has delivered, and when it will be decided.
import type { AwaitingDetail } from '../../store/awaitingSlice.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { EventDetailView } from '../../components/EventDetailView.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatInstant } from '../../format/formatters.ts';

function Waits({ waits }: { waits: AwaitingDetail['waits'] }) {
  const prefs = useDisplayPrefs();
  return (
    <>
      {waits.map((w) => (
        <section key={w.code} aria-label={`Would become ${codeLabel(w.code)}`}>
          <h3>Would become: {codeLabel(w.code)}</h3>
          <p>
            Waiting because {w.reason}. It is decided (matched, or the exception opens) once{' '}
            {w.waitingOn.length === 0
              ? 'a source that could hold its counterpart has'
              : w.waitingOn.length === 1
                ? 'this source has'
                : 'every source below has'}{' '}
            delivered through <strong>{formatInstant(w.until, prefs)}</strong>.
          </p>
          {w.waitingOn.length === 0 ? (
            <p className="muted">No source that could hold its counterpart has been imported yet.</p>
          ) : (
            <table className="simple">
              <thead>
                <tr>
                  <th>Source</th>
                  <th>Delivered through</th>
                </tr>
              </thead>
              <tbody>
                {w.waitingOn.map((s) => (
                  <tr key={s.source}>
                    <td className="mono">{s.source}</td>
                    <td>{s.deliveredThrough === null ? 'nothing yet' : formatInstant(s.deliveredThrough, prefs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </>
  );
}

export function AwaitingDetailPane() {
  const store = useAppStore();
  const selectedId = useApp((s) => s.awaitingSelectedId);
  const detail = useApp((s) => s.awaitingDetail);
  const error = useApp((s) => s.awaitingDetailError);
  if (selectedId === null) return null;
  return (
    <aside className="detail-panel awaiting-detail" aria-label="Awaiting event detail">
      <div className="toolbar">
        <h2>Awaiting data</h2>
        <span className="spacer" />
        <button type="button" className="ghost" aria-label="Close the detail" onClick={() => store.getState().closeAwaiting()}>
          Close
        </button>
      </div>
      <p className="muted">Not an exception: nothing to decide until the data arrives.</p>
      {error !== null ? (
        <p role="alert">{error}</p>
      ) : detail === null ? (
        <p className="muted" role="status">
          Reading the event…
        </p>
      ) : (
        <>
          <Waits waits={detail.waits} />
          <section aria-label="The event">
            <h3>The event</h3>
            <EventDetailView event={detail.event} />
          </section>
        </>
      )}
    </aside>
  );
}
