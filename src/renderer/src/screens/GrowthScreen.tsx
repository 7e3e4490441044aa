// Growth (issue 15): the period's month as the ad platforms tell it against the store's orders and cash — one row per
// day × platform with its gap broken down and the events behind each part, claimed against real revenue over the
// month, spend ↔ billing ↔ cash per platform, orders ↔ shipments, and the campaign-ready figure growth waits for.
// Refetches when the period, imports, matches or settings change.
import { useEffect, useMemo } from 'react';
import { AgCharts } from 'ag-charts-react';
import type { GrowthReport } from '../../../shared/growth/growthReport.ts';
import { FULFILLMENT_CODES } from '../../../shared/growth/growthCodes.ts';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { Amount } from '../components/Amount.tsx';
import { formatCount, formatDate, formatMonth, formatPercent } from '../format/formatters.ts';
import { growthMonth } from '../store/growthSlice.ts';
import { GrowthTable } from './growth/GrowthTable.tsx';
import { ChartBoundary } from './dashboard/DashboardCharts.tsx';
import { claimedVsRealChart, dayFigures, monthTotals, platformLabel } from './growth/growthFigures.ts';
import './growth/growth.css';

function Kpi({ label, children, note }: { label: string; children: React.ReactNode; note?: React.ReactNode }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{children}</div>
      {note !== undefined ? <div className="kpi-note">{note}</div> : null}
    </div>
  );
}

function KeyFigures({ report }: { report: GrowthReport }) {
  const { locale } = useDisplayPrefs();
  const t = monthTotals(report.rows);
  const c = report.currency;
  const yesterday = report.campaignReady.find((d) => d.date === report.yesterday) ?? null;
  return (
    <section className="kpis" aria-label="Key figures">
      <Kpi
        label={`Campaign-ready (${report.yesterday === null ? 'yesterday' : formatDate(report.yesterday, locale)})`}
        note={
          yesterday === null ? (
            'No store revenue that day'
          ) : (
            <>
              <Amount minor={yesterday.tiedOutMinor} currency={c} /> of <Amount minor={yesterday.storeNetMinor} currency={c} /> tied out to cash
            </>
          )
        }
      >
        <span aria-label="Campaign-ready share">{formatPercent(yesterday?.share ?? null, locale)}</span>
      </Kpi>
      <Kpi label={`Ad spend (${c})`}>
        <Amount minor={t.spendMinor} currency={c} code={false} />
      </Kpi>
      <Kpi label={`Billed by the platforms (${c})`}>
        <Amount minor={t.billedMinor} currency={c} code={false} />
      </Kpi>
      <Kpi label={`Claimed by the platforms (${c})`}>
        <Amount minor={t.claimedMinor} currency={c} code={false} />
      </Kpi>
      <Kpi
        label={`Store net revenue, attributed (${c})`}
        note={
          <>
            Not attributable: <Amount minor={t.notAttributableNetMinor} currency={c} />
          </>
        }
      >
        <Amount minor={t.attributedNetMinor} currency={c} code={false} />
      </Kpi>
      <Kpi label={`Gap, claimed − real (${c})`}>
        <Amount minor={t.gapMinor} currency={c} code={false} />
      </Kpi>
    </section>
  );
}

function ClaimedVsReal({ report }: { report: GrowthReport }) {
  const theme = useApp((s) => s.theme);
  const { locale } = useDisplayPrefs();
  const options = useMemo(
    () =>
      claimedVsRealChart(
        dayFigures(report, (d) => formatDate(d, locale, { short: true })),
        report.currency,
        theme,
      ),
    [report, locale, theme],
  );
  return (
    <section className="panel chart-panel growth-chart" aria-labelledby="growth-chart-heading">
      <h2 id="growth-chart-heading">Claimed vs real revenue</h2>
      <ChartBoundary>
        <AgCharts className="chart" options={options} />
      </ChartBoundary>
      <p className="muted chart-hint">
        Per day: the platforms’ conversion value against the store’s net revenue attributed to them, in {report.currency}.
      </p>
    </section>
  );
}

function SpendBilling({ report }: { report: GrowthReport }) {
  if (report.spendBilling.length === 0) return null;
  return (
    <section className="panel growth-billing" aria-labelledby="growth-billing-heading">
      <h2 id="growth-billing-heading">Spend ↔ billing ↔ cash</h2>
      <table className="simple">
        <thead>
          <tr>
            <th>Platform</th>
            <th className="num">Spend</th>
            <th className="num">Ad credits</th>
            <th className="num">Tax</th>
            <th className="num">Should be billed</th>
            <th className="num">Billed</th>
            <th className="num">Not billed yet</th>
            <th className="num">Paid by card or bank</th>
          </tr>
        </thead>
        <tbody>
          {report.spendBilling.map((b) => (
            <tr key={`${b.platform}:${b.currency}`}>
              <td>{platformLabel(b.platform)}</td>
              {[b.spendMinor, b.creditsMinor, b.taxMinor, b.expectedBilledMinor, b.billedMinor, b.unbilledMinor, b.cashMinor].map((m, i) => (
                <td className="num" key={i}>
                  <Amount minor={m} currency={b.currency} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Shipments({ report }: { report: GrowthReport }) {
  const store = useAppStore();
  const { locale } = useDisplayPrefs();
  const s = report.shipments;
  const openQueue = () => store.getState().showExceptionsFiltered({ codes: [...FULFILLMENT_CODES] });
  return (
    <section className="panel" aria-labelledby="growth-shipments-heading">
      <h2 id="growth-shipments-heading">Orders ↔ shipments</h2>
      <p>
        {formatCount(s.shipped, locale)} of {formatCount(s.orders, locale)} orders shipped; {formatCount(s.paidNotShippedLate, locale)} paid and not
        shipped after {s.paidNotShippedDays} days; {formatCount(s.orphanShipments.length, locale)} shipment{s.orphanShipments.length === 1 ? '' : 's'}{' '}
        naming no order; {formatCount(s.problems.length, locale)} order{s.problems.length === 1 ? '' : 's'} with a shipping problem.
      </p>
      <button type="button" onClick={openQueue}>
        Open the fulfillment queue
      </button>
    </section>
  );
}

export function GrowthScreen() {
  const store = useAppStore();
  const workspacePath = useApp((s) => s.workspace?.path ?? null);
  const fetched = useApp((s) => s.growth);
  const fetchedPath = useApp((s) => s.growthPath);
  const loading = useApp((s) => s.growthLoading);
  const error = useApp((s) => s.growthError);
  const period = useApp((s) => s.period);
  const periodVersion = useApp((s) => s.periodVersion);
  const changed = useApp((s) => `${s.changes.imports}:${s.changes.matches}:${s.changes.settings}`);
  const { locale } = useDisplayPrefs();

  useEffect(() => {
    void store.getState().loadGrowth();
  }, [store, workspacePath, periodVersion, changed]);

  const report = fetchedPath === workspacePath ? fetched : null;
  const month = growthMonth(period);
  const partial = period !== null && month !== undefined && (period.from !== `${month}-01` || !period.to.startsWith(month));
  return (
    <div className="growth-screen">
      <div className="toolbar growth-head">
        <h1>Growth</h1>
        {month !== undefined ? (
          <span className="muted">{formatMonth(month, locale)}, by day in the store’s time zone and each platform’s own</span>
        ) : null}
        <span className="spacer" />
        <button type="button" disabled={loading} onClick={() => void store.getState().loadGrowth()}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {partial ? <p className="muted">The growth tie-out is by month: it shows the whole month the period starts in.</p> : null}
      {error !== null ? (
        <div className="panel" role="status">
          <p>No growth tie-out for this month: {error}</p>
        </div>
      ) : report === null ? (
        <p className="muted" role="status">
          Tying out the month…
        </p>
      ) : (
        <>
          <KeyFigures report={report} />
          <div className="growth-panels">
            <ClaimedVsReal report={report} />
            <Shipments report={report} />
            <SpendBilling report={report} />
          </div>
          <section className="panel growth-rows" aria-labelledby="growth-rows-heading">
            <h2 id="growth-rows-heading">Day × platform</h2>
            <GrowthTable report={report} />
          </section>
        </>
      )}
    </div>
  );
}
