// Close: the month the period selector shows, as the ledger computes it (checklist, processor and bank rollforward) or,
// once closed, as it was signed; sign-off and reopening; the month's audit pack as a download with its progress.
import { useEffect, useState } from 'react';
import type { CloseStatus } from '../../../shared/close/closeReport.ts';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { formatMonth } from '../format/formatters.ts';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { saveDownload } from '../components/ExportButtons.tsx';
import { ChecklistPanel } from './close/ChecklistPanel.tsx';
import { RollforwardPanel } from './close/RollforwardPanel.tsx';
import { SignOffPanel } from './close/SignOffPanel.tsx';
import './close/close.css';

function PackButton({ status }: { status: CloseStatus | null }) {
  const store = useAppStore();
  const [withSources, setWithSources] = useState(false);
  const [busy, setBusy] = useState(false);
  const closed = status?.state === 'closed';
  async function run() {
    setBusy(true);
    try {
      const file = await store.getState().exportPack(withSources && !closed);
      if (file !== null) saveDownload({ fileName: file.fileName, mediaType: 'application/zip', base64: file.base64 });
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="export-buttons" role="group" aria-label="Audit pack">
      {!closed && (
        <label className="checkbox" title="Add the raw files the month's events came from">
          <input type="checkbox" checked={withSources} onChange={(e) => setWithSources(e.target.checked)} />
          with source files
        </label>
      )}
      <button
        type="button"
        disabled={busy || status === null}
        onClick={() => void run()}
        title={closed ? 'The pack stored when the month was closed' : 'A draft: the month is open'}
      >
        {closed ? 'Export audit pack' : 'Export draft audit pack'}
      </button>
    </div>
  );
}

export function CloseScreen() {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const period = useApp((s) => s.period);
  const loaded = useApp((s) => s.closeStatus);
  const loading = useApp((s) => s.closeLoading);
  const error = useApp((s) => s.closeError);
  const changes = useApp((s) => s.changes.imports + s.changes.matches + s.changes.exceptions + s.changes.close);
  const month = store.getState().closeMonth();
  // Until the chosen month's status arrives, the previous month's is not shown under the new title.
  const status = loaded !== null && loaded.month === month ? loaded : null;
  useEffect(() => {
    void store.getState().loadClose();
  }, [store, period, changes]);

  if (month === null) {
    return (
      <div className="panel" role="status">
        <p>The close works on whole months. The period shows a range of days: choose a month.</p>
        {period !== null && (
          <button
            type="button"
            onClick={() =>
              store.getState().setPeriod({
                from: `${period.from.slice(0, 8)}01`,
                to: new Date(Date.UTC(Number(period.from.slice(0, 4)), Number(period.from.slice(5, 7)), 0)).toISOString().slice(0, 10),
              })
            }
          >
            Close {formatMonth(period.from.slice(0, 7), prefs.locale)}
          </button>
        )}
      </div>
    );
  }
  return (
    <>
      <div className="toolbar">
        <h1>Close {formatMonth(month, prefs.locale)}</h1>
        {status !== null && <span className={`badge close-state ${status.state}`}>{status.state === 'closed' ? 'Closed' : 'Open'}</span>}
        {status !== null && (
          <span className="muted">
            {status.fromDate} to {status.toDate}, {status.timeZone}
            {status.adjustments.recordedHere > 0 && ` · ${status.adjustments.recordedHere} adjustments of closed months recorded here`}
          </span>
        )}
        <span className="spacer" />
        <PackButton status={status} />
      </div>
      {error !== null && (
        <div className="panel error-panel" role="alert">
          {error}
        </div>
      )}
      {status === null ? (
        <p className="muted" role="status">
          {loading ? 'Computing the month’s checklist and rollforward…' : ''}
        </p>
      ) : (
        <div className="close-layout">
          <div className="close-column">
            <ChecklistPanel items={status.checklist} />
            <SignOffPanel status={status} />
          </div>
          <div className="close-column">
            <RollforwardPanel rollforward={status.rollforward} />
          </div>
        </div>
      )}
    </>
  );
}
