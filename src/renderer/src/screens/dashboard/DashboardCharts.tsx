// The dashboard's charts (AG Charts community) in the app's theme: open exceptions by code and by age, matched events
// by kind, and per business day of the period its open exceptions, value at stake and unmatched rate. A click on a
// bar or a point opens the Exceptions grid filtered to it.
import { Component, useMemo, type ReactNode } from 'react';
import { AgCharts } from 'ag-charts-react';
import type { AgCartesianChartOptions } from 'ag-charts-community';
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { Theme } from '../../store/uiSlice.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatDate } from '../../format/formatters.ts';
import {
  matchedByKindChart,
  openByAgeChart,
  openByCodeChart,
  openTrendChart,
  trendRows,
  unmatchedTrendChart,
  type ChartPick,
} from './chartOptions.ts';
import { filterForPick } from './dashboardLinks.ts';

/** A chart that cannot be drawn says so in its panel; the rest of the dashboard stays. */
export class ChartBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
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

function ChartPanel({
  id,
  title,
  hint,
  options,
  emptyText,
  wide,
}: {
  id: string;
  title: string;
  hint: string;
  options: AgCartesianChartOptions;
  emptyText: string | null;
  wide?: boolean;
}) {
  return (
    <section className={wide === true ? 'panel chart-panel wide' : 'panel chart-panel'} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {emptyText !== null ? (
        <p className="empty">{emptyText}</p>
      ) : (
        <>
          <ChartBoundary>
            <AgCharts className="chart" options={options} />
          </ChartBoundary>
          <p className="muted chart-hint">{hint}</p>
        </>
      )}
    </section>
  );
}

export function DashboardCharts({ dashboard }: { dashboard: Dashboard }) {
  const store = useAppStore();
  const theme: Theme = useApp((s) => s.theme);
  const { locale } = useDisplayPrefs();
  const nothingOpen = dashboard.openExceptionsTotal === 0 ? 'No exception of this period is open.' : null;
  const options = useMemo(() => {
    const pick = (p: ChartPick) => store.getState().showExceptionsFiltered(filterForPick(p));
    const rows = trendRows(dashboard, (d) => formatDate(d, locale, { short: true }));
    return {
      code: openByCodeChart(dashboard, theme, pick),
      age: openByAgeChart(dashboard, theme, pick),
      kind: matchedByKindChart(dashboard, theme, pick),
      open: openTrendChart(rows, dashboard.reportingCurrency, theme, pick),
      unmatched: unmatchedTrendChart(rows, theme, pick),
    };
  }, [dashboard, theme, locale, store]);
  const noDays = dashboard.days.length === 0 ? 'No period chosen.' : null;
  return (
    <>
      <div className="dashboard-charts">
        <ChartPanel
          id="chart-open-trend"
          title="Open exceptions and value at stake by business day"
          hint="Click a day to list its open exceptions."
          options={options.open}
          emptyText={noDays}
          wide
        />
        <ChartPanel
          id="chart-unmatched-trend"
          title="Unmatched rate by business day"
          hint="Share of each day’s matchable events not matched yet. Click a day to list its exceptions."
          options={options.unmatched}
          emptyText={noDays ?? (dashboard.eventsMatchable === 0 ? 'No matchable events in this period.' : null)}
        />
      </div>
      <div className="dashboard-charts">
        <ChartPanel
          id="chart-open-by-code"
          title="Open exceptions by code, stacked by class"
          hint="Click a bar to list them."
          options={options.code}
          emptyText={nothingOpen}
        />
        <ChartPanel
          id="chart-open-by-age"
          title="Open exceptions by age since the business date"
          hint="Click a bar to list them."
          options={options.age}
          emptyText={nothingOpen}
        />
        <ChartPanel
          id="chart-matched-by-kind"
          title="Matched and unmatched events by kind"
          hint="Click a bar for the exceptions about that kind of event."
          options={options.kind}
          emptyText={dashboard.eventsMatchable === 0 ? 'No matchable events in this period.' : null}
        />
      </div>
    </>
  );
}
