// The operating metrics' charts (DESIGN §9, issue 13): per workspace day of the period, the share of arrived events
// not matched within 1 h and the auto-resolve rate (lines, %), and the manual actions and exceptions resolved (bars).
import type { AgCartesianChartOptions } from 'ag-charts-community';
import type { MetricsReportView } from '../../../../shared/api/ownershipContract.ts';
import type { Theme } from '../../store/uiSlice.ts';
import { base } from './chartOptions.ts';

const RATE_COLOURS: Record<Theme, { unmatched: string; auto: string }> = {
  light: { unmatched: '#b42318', auto: '#1f7a3a' },
  dark: { unmatched: '#ff7b72', auto: '#56d364' },
};
const WORK_COLOURS: Record<Theme, { manual: string; resolved: string }> = {
  light: { manual: '#1f5fbf', resolved: '#a15c00' },
  dark: { manual: '#5b9bff', resolved: '#f2b35b' },
};

export interface OperationsRow {
  date: string;
  label: string;
  unmatchedPercent: number | null;
  autoResolvePercent: number | null;
  manualActions: number;
  resolved: number;
}

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

export function operationsRows(metrics: MetricsReportView, dayLabel: (date: string) => string): OperationsRow[] {
  return metrics.days.map((d) => ({
    date: d.date,
    label: dayLabel(d.date),
    unmatchedPercent: percent(d.unmatchedRate1h),
    autoResolvePercent: percent(d.autoResolveRate),
    manualActions: d.manualActions,
    resolved: d.resolved,
  }));
}

/** Unmatched within 1 h of arrival and auto-resolve rate per day; days without arrivals (or openings) are gaps. */
export function ratesChart(rows: OperationsRow[], theme: Theme): AgCartesianChartOptions {
  const c = RATE_COLOURS[theme];
  return {
    ...base(theme),
    data: rows,
    series: [
      {
        type: 'line',
        xKey: 'label',
        yKey: 'unmatchedPercent',
        yName: 'Unmatched within 1 h (%)',
        stroke: c.unmatched,
        marker: { fill: c.unmatched, size: 4 },
      },
      { type: 'line', xKey: 'label', yKey: 'autoResolvePercent', yName: 'Auto-resolved (%)', stroke: c.auto, marker: { fill: c.auto, size: 4 } },
    ],
    axes: { y: { type: 'number', position: 'left', min: 0, max: 100, title: { text: '%' } } },
    legend: { position: 'bottom' },
  };
}

/** Manual actions and exceptions resolved per day: whether the hand work is going down. */
export function workChart(rows: OperationsRow[], theme: Theme): AgCartesianChartOptions {
  const c = WORK_COLOURS[theme];
  return {
    ...base(theme),
    data: rows,
    series: [
      { type: 'bar', xKey: 'label', yKey: 'manualActions', yName: 'Manual actions', fill: c.manual },
      { type: 'bar', xKey: 'label', yKey: 'resolved', yName: 'Exceptions resolved', fill: c.resolved },
    ],
    axes: { y: { type: 'number', position: 'left', min: 0, title: { text: 'per day' } } },
    legend: { position: 'bottom' },
  };
}
