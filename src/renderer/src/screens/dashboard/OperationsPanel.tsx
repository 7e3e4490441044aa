// The Dashboard's operating part (DESIGN §9, issue 13): whether manual work is going down — the operating metrics of
// the last 30 days (the same figures as `tieout metrics`), their time series per day, the top exception codes with
// their weekly trend — and the operating checklist computed from the workspace. These count operating days (when
// events arrived and people acted), not the business dates of the period selector, so they do not follow it.
import { useEffect, useMemo, type ReactNode } from 'react';
import { AgCharts } from 'ag-charts-react';
import type { MetricsReportView } from '../../../../shared/api/ownershipContract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { ExceptionCode } from '../../store/exceptionsSlice.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { Amount } from '../../components/Amount.tsx';
import { codeLabel, formatCount, formatDate, formatDuration, formatPercent } from '../../format/formatters.ts';
import { operationsRows, ratesChart, workChart } from './operationsCharts.ts';
import { ChartBoundary } from './DashboardCharts.tsx';

function Figures({ metrics }: { metrics: MetricsReportView }) {
  const { locale } = useDisplayPrefs();
  const m = metrics.summary;
  const figures: [string, ReactNode, ReactNode][] = [
    ['Unmatched within 1 h', formatPercent(m.unmatched_rate_1h, locale), 'share of arrived events not matched within an hour of arrival'],
    [
      'Mean time to resolution',
      m.mean_time_to_resolution_hours === null ? '—' : formatDuration(m.mean_time_to_resolution_hours),
      'of the exceptions resolved in the period',
    ],
    ['Auto-resolve rate', formatPercent(m.auto_resolve_rate, locale), 'exceptions closed by the engine, not a person'],
    ['Manual actions per day', m.manual_actions_per_day.toFixed(1), 'decisions people journaled'],
    [
      'High-value open',
      formatCount(m.high_value_open.count, locale),
      <>
        <Amount minor={m.high_value_open.value_minor} currency={metrics.reportingCurrency} magnitude /> at stake, open above the policy gate
      </>,
    ],
  ];
  return (
    <div className="kpis operations-figures" role="group" aria-label="Operating metrics">
      {figures.map(([label, value, note]) => (
        <div key={label} className="kpi">
          <div className="kpi-label">{label}</div>
          <span className="kpi-value">{value}</span>
          <div className="kpi-note">{note}</div>
        </div>
      ))}
    </div>
  );
}

function TopCodes({ metrics }: { metrics: MetricsReportView }) {
  const store = useAppStore();
  const { locale } = useDisplayPrefs();
  const top = metrics.summary.top_exceptions;
  const weeks = top[0]?.trend.map((t) => t.week) ?? [];
  if (top.length === 0) return <p className="muted">No exception opened in the period.</p>;
  return (
    <table className="operations-top" aria-label="Top exception codes by week">
      <thead>
        <tr>
          <th>Code</th>
          <th className="num">Opened</th>
          {weeks.map((w) => (
            <th key={w} className="num" title={`week of ${w}`}>
              {formatDate(w, locale, { short: true })}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {top.map((t) => (
          <tr key={t.code}>
            <td>
              <button
                type="button"
                className="ghost"
                title={t.code}
                onClick={() => store.getState().showExceptionsFiltered({ codes: [t.code as ExceptionCode] })}
              >
                {codeLabel(t.code)}
              </button>
            </td>
            <td className="num">{formatCount(t.count, locale)}</td>
            {t.trend.map((w) => (
              <td key={w.week} className="num">
                {formatCount(w.count, locale)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Checklist() {
  const items = useApp((s) => s.checklist);
  if (items === null) return null;
  const done = items.filter((i) => i.ok).length;
  return (
    <section className="panel operations-checklist" aria-labelledby="operating-checklist">
      <h2 id="operating-checklist">
        Operating checklist{' '}
        <span className="muted">
          ({done} of {items.length} in place)
        </span>
      </h2>
      <ul>
        {items.map((i) => (
          <li key={i.id} className={i.ok ? 'ok' : 'missing'}>
            <span aria-hidden="true">{i.ok ? '✓' : '✗'}</span> <strong>{i.label}</strong>
            <span className="sr-state visually-hidden">{i.ok ? ' (in place)' : ' (missing)'}</span>
            <div className="muted">{i.detail}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OperationsPanel() {
  const store = useAppStore();
  const metrics = useApp((s) => s.metrics);
  const error = useApp((s) => s.operationsError);
  const theme = useApp((s) => s.theme);
  const changes = useApp((s) => s.changes.exceptions + s.changes.settings + s.changes.imports + s.changes.matches);
  const { locale } = useDisplayPrefs();
  useEffect(() => {
    void store.getState().loadOperations();
  }, [store, changes]);
  const charts = useMemo(() => {
    if (metrics === null) return null;
    const rows = operationsRows(metrics, (d) => formatDate(d, locale, { short: true }));
    return { rates: ratesChart(rows, theme), work: workChart(rows, theme) };
  }, [metrics, theme, locale]);

  return (
    <>
      <section className="panel operations" aria-labelledby="operations-heading">
        <h2 id="operations-heading">
          Operations{' '}
          {metrics !== null ? (
            <span className="muted">
              ({formatDate(metrics.from, locale)} to {formatDate(metrics.to, locale)}, by the day events arrived and people acted)
            </span>
          ) : null}
        </h2>
        {error !== null ? (
          <p className="attention" role="alert">
            The operating metrics could not be read: {error}
          </p>
        ) : null}
        {metrics === null || charts === null ? (
          error === null ? (
            <p className="muted" role="status">
              Computing the operating metrics…
            </p>
          ) : null
        ) : (
          <>
            <Figures metrics={metrics} />
            <div className="dashboard-charts">
              <div className="chart-panel" aria-label="Unmatched within 1 h and auto-resolve rate by day">
                <h3>Unmatched within 1 h and auto-resolved, by day</h3>
                <ChartBoundary>
                  <AgCharts className="chart" options={charts.rates} />
                </ChartBoundary>
              </div>
              <div className="chart-panel" aria-label="Manual actions and resolutions by day">
                <h3>Manual actions and resolutions, by day</h3>
                <ChartBoundary>
                  <AgCharts className="chart" options={charts.work} />
                </ChartBoundary>
              </div>
            </div>
            <h3>Top exception codes, opened per week</h3>
            <TopCodes metrics={metrics} />
          </>
        )}
      </section>
      <Checklist />
    </>
  );
}
