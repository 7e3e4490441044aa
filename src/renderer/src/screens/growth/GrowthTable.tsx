// The day × platform table: Spend, Billed, Platform conversions and value, Store orders and net revenue, the Gap, and
// the day's campaign-ready share; a row opens into its gap breakdown. A plain table (AG Grid community has no
// expandable detail rows): a month is at most a few hundred rows.
import { Fragment } from 'react';
import type { GrowthReport } from '../../../../shared/growth/growthReport.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { Amount } from '../../components/Amount.tsx';
import { formatDate, formatPercent } from '../../format/formatters.ts';
import { rowKey } from '../../store/growthSlice.ts';
import { GapBreakdownView } from './GapBreakdownView.tsx';
import { platformLabel } from './growthFigures.ts';

const COLUMNS = 11;

function Money({ minor, currency }: { minor: number | null; currency: string }) {
  return minor === null ? <span className="muted">—</span> : <Amount minor={minor} currency={currency} code={false} />;
}

export function GrowthTable({ report }: { report: GrowthReport }) {
  const store = useAppStore();
  const { locale } = useDisplayPrefs();
  const open = useApp((s) => s.growthOpenRow);
  const ready = new Map(report.campaignReady.map((c) => [c.date, c.share]));
  const c = report.currency;
  return (
    <table className="simple growth-table" aria-label="Day × platform">
      <thead>
        <tr>
          <th aria-label="Open" />
          <th>Day</th>
          <th>Platform</th>
          <th className="num">Spend ({c})</th>
          <th className="num">Billed ({c})</th>
          <th className="num">Conversions</th>
          <th className="num">Claimed value ({c})</th>
          <th className="num">Store orders</th>
          <th className="num">Store net ({c})</th>
          <th className="num">Gap ({c})</th>
          <th className="num" title="The share of the day's store revenue already tied out to cash">
            Campaign-ready
          </th>
        </tr>
      </thead>
      <tbody>
        {report.rows.map((r) => {
          const key = rowKey(r);
          const isOpen = open === key;
          return (
            <Fragment key={key}>
              <tr className={isOpen ? 'selected' : undefined}>
                <td>
                  <button
                    type="button"
                    className="ghost growth-toggle"
                    aria-expanded={isOpen}
                    aria-label={`${isOpen ? 'Close' : 'Open'} the gap breakdown of ${platformLabel(r.platform)} on ${r.date}`}
                    onClick={() => store.getState().toggleGrowthRow(key)}
                  >
                    {isOpen ? '▾' : '▸'}
                  </button>
                </td>
                <td className="date">{formatDate(r.date, locale)}</td>
                <td>{platformLabel(r.platform)}</td>
                <td className="num">
                  <Money minor={r.spendMinor} currency={c} />
                </td>
                <td className="num">
                  <Money minor={r.billedMinor} currency={c} />
                </td>
                <td className="num">
                  {r.platformConversions === null ? <span className="muted">—</span> : r.platformConversions.toLocaleString(locale)}
                </td>
                <td className="num">
                  <Money minor={r.platformValueMinor} currency={c} />
                </td>
                <td className="num">{r.storeOrders.toLocaleString(locale)}</td>
                <td className="num">
                  <Money minor={r.storeNetMinor} currency={c} />
                </td>
                <td className="num">
                  <Money minor={r.gapMinor} currency={c} />
                </td>
                <td className="num">{formatPercent(ready.get(r.date) ?? null, locale)}</td>
              </tr>
              {isOpen ? (
                <tr className="growth-detail">
                  <td />
                  <td colSpan={COLUMNS - 1}>
                    <GapBreakdownView row={r} currency={c} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
