// Dashboard: where the period stands — rates, open exceptions and value at stake, trends by business day, charts,
// per-source status, the operating metrics and checklist — and the full reconcile. Every figure opens the rows it counts. Refetches when the period,
// imports, matches, exceptions or settings change.
import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { formatInstant } from '../format/formatters.ts';
import { KpiCards } from './dashboard/KpiCards.tsx';
import { DashboardCharts } from './dashboard/DashboardCharts.tsx';
import { OpenExceptionsTable } from './dashboard/OpenExceptionsTable.tsx';
import { SourcesTable } from './dashboard/SourcesTable.tsx';
import { OperationsPanel } from './dashboard/OperationsPanel.tsx';
import './dashboard/dashboard.css';

function EmptyWorkspace({ onImport }: { onImport: () => void }) {
  return (
    <section className="panel dashboard-empty" aria-labelledby="dashboard-empty-heading">
      <h2 id="dashboard-empty-heading">This workspace has no events yet</h2>
      <p>
        Import the files your sources export — shop orders, payment processor reports, bank statements — and Tieout matches them as they arrive. The
        figures of the month appear here once there is something to reconcile.
      </p>
      <button type="button" className="primary" onClick={onImport}>
        Go to Sources to import files
      </button>
    </section>
  );
}

export function DashboardScreen() {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const workspacePath = useApp((s) => s.workspace?.path ?? null);
  const fetched = useApp((s) => s.dashboard);
  const fetchedPath = useApp((s) => s.dashboardPath);
  const loading = useApp((s) => s.dashboardLoading);
  const error = useApp((s) => s.dashboardError);
  const reconciling = useApp((s) => s.dashboardReconciling);
  const imports = useApp((s) => s.changes.imports);
  const matches = useApp((s) => s.changes.matches);
  const exceptions = useApp((s) => s.changes.exceptions);
  const settings = useApp((s) => s.changes.settings);
  const periodVersion = useApp((s) => s.periodVersion);
  const ledgerEmpty = useApp((s) => s.periodMonths.length === 0);

  useEffect(() => {
    void store.getState().loadDashboard();
  }, [store, workspacePath, imports, matches, exceptions, settings, periodVersion]);

  const dashboard = fetchedPath === workspacePath ? fetched : null;
  const goToSources = () => store.getState().showScreen('sources');
  const empty = dashboard !== null && dashboard.eventsTotal === 0 && ledgerEmpty;
  const quiet = dashboard !== null && dashboard.eventsTotal === 0 && !ledgerEmpty;

  return (
    <>
      <div className="toolbar dashboard-header">
        <h1>Dashboard</h1>
        {dashboard !== null && <span className="muted">as of {formatInstant(dashboard.asOf, prefs)}</span>}
        <span className="spacer" />
        <button type="button" disabled={loading} onClick={() => void store.getState().loadDashboard()}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        {!empty && (
          <button
            type="button"
            className="primary"
            disabled={reconciling || dashboard === null}
            onClick={() => void store.getState().runFullReconcile()}
          >
            {reconciling ? 'Reconciling…' : 'Run full reconcile'}
          </button>
        )}
      </div>
      {error !== null && (
        <div className="panel error-panel" role="alert">
          <p>The dashboard could not be read: {error}</p>
          <button type="button" onClick={() => void store.getState().loadDashboard()}>
            Try again
          </button>
        </div>
      )}
      {dashboard === null ? (
        error === null && (
          <p className="muted" role="status">
            Reading the dashboard…
          </p>
        )
      ) : empty ? (
        <EmptyWorkspace onImport={goToSources} />
      ) : quiet ? (
        <p className="panel">No event of this period: choose another month with the period selector at the top.</p>
      ) : (
        <>
          <KpiCards dashboard={dashboard} />
          <DashboardCharts dashboard={dashboard} />
          <div className="dashboard-tables">
            <OpenExceptionsTable rows={dashboard.openByCodeAndClass} />
            <SourcesTable sources={dashboard.sources} onImport={goToSources} />
          </div>
          <OperationsPanel />
        </>
      )}
    </>
  );
}
