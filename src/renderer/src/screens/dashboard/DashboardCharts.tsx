// The three dashboard charts (AG Charts community), in the app's theme.
import { Component, useMemo, type ReactNode } from 'react';
import { AgCharts } from 'ag-charts-react';
import type { AgCartesianChartOptions } from 'ag-charts-community';
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { useApp } from '../../store/storeContext.tsx';
import type { Theme } from '../../store/uiSlice.ts';
import { matchedByKindChart, openByAgeChart, openByCodeChart } from './chartOptions.ts';

/** A chart that cannot be drawn says so in its panel; the rest of the dashboard stays. */
class ChartBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <p className="empty" role="alert">
        This chart could not be drawn: {this.state.error.message}
      </p>
    );
  }
}

interface ChartPanelProps {
  id: string;
  title: string;
  dashboard: Dashboard;
  theme: Theme;
  build: (dashboard: Dashboard, theme: Theme) => AgCartesianChartOptions;
  /** Said instead of an empty chart. */
  emptyText: string | null;
}

function ChartPanel({ id, title, dashboard, theme, build, emptyText }: ChartPanelProps) {
  const options = useMemo(() => build(dashboard, theme), [build, dashboard, theme]);
  return (
    <section className="panel chart-panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {emptyText !== null ? (
        <p className="empty">{emptyText}</p>
      ) : (
        <ChartBoundary>
          <AgCharts className="chart" options={options} />
        </ChartBoundary>
      )}
    </section>
  );
}

export function DashboardCharts({ dashboard }: { dashboard: Dashboard }) {
  const theme = useApp((s) => s.theme);
  const nothingOpen = dashboard.openExceptionsTotal === 0 ? 'No exception is open.' : null;
  return (
    <div className="dashboard-charts">
      <ChartPanel id="chart-open-by-code" title="Open exceptions by code, stacked by class" dashboard={dashboard} theme={theme} build={openByCodeChart} emptyText={nothingOpen} />
      <ChartPanel id="chart-open-by-age" title="Open exceptions by age" dashboard={dashboard} theme={theme} build={openByAgeChart} emptyText={nothingOpen} />
      <ChartPanel
        id="chart-matched-by-kind"
        title="Matched and unmatched events by kind"
        dashboard={dashboard}
        theme={theme}
        build={matchedByKindChart}
        emptyText={dashboard.matchedByKind.length === 0 ? 'No matchable events yet.' : null}
      />
    </div>
  );
}
