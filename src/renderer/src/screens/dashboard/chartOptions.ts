// The dashboard's chart options, built from the period's figures as plain data (no DOM), in the app's theme. Every
// bar and point opens the grid filtered to what it counts: `onPick` receives what was clicked.
import type { AgCartesianChartOptions } from 'ag-charts-community';
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { EXCEPTION_CLASSES, type ExceptionClass } from '../../../../shared/rules/ruleSet.ts';
import { minorToDecimalString } from '../../../../shared/money/amountText.ts';
import { chartTheme } from '../../grid/gridSetup.ts';
import { codeLabel } from '../../format/formatters.ts';
import type { Theme } from '../../store/uiSlice.ts';

// The same colours as the .badge.class-* rules of styles.css, per theme.
const CLASS_FILLS: Record<Theme, Record<ExceptionClass, string>> = {
  light: { A: '#0f7a3d', B: '#a15c00', C: '#b42318' },
  dark: { A: '#4cc98a', B: '#f2b35b', C: '#ff7a6e' },
};
/** Matched is the accent; unmatched is what needs attention. */
const MATCHED_FILLS: Record<Theme, { matched: string; unmatched: string }> = {
  light: { matched: '#1f5fbf', unmatched: '#b42318' },
  dark: { matched: '#5b9bff', unmatched: '#ff7a6e' },
};
const ACCENT: Record<Theme, string> = { light: '#1f5fbf', dark: '#5b9bff' };
const STAKE: Record<Theme, string> = { light: '#a15c00', dark: '#f2b35b' };

export { codeLabel };

export function base(theme: Theme): Pick<AgCartesianChartOptions, 'theme' | 'background' | 'padding'> {
  // No background of its own: the chart sits on the panel's surface colour in both themes. Room on the left keeps the
  // longest category label ("Payout not in bank") whole.
  return { theme: chartTheme(theme), background: { visible: false }, padding: { left: 12, right: 12 } };
}

/** What a click on a chart asks the Exceptions grid (or the Matches grid) to show. */
export type ChartPick =
  | { what: 'code'; code: string; class: ExceptionClass }
  | { what: 'age'; fromDays: number; toDays: number | null }
  | { what: 'kind'; kind: string }
  | { what: 'day'; date: string };

export type CodeClassRow = { code: string; label: string } & Record<ExceptionClass, number>;

/** One row per exception code, with the open count of each class (most open first). */
export function openByCodeRows(openByCodeAndClass: Dashboard['openByCodeAndClass']): CodeClassRow[] {
  const rows = new Map<string, CodeClassRow>();
  for (const entry of openByCodeAndClass) {
    const row = rows.get(entry.code) ?? { code: entry.code, label: codeLabel(entry.code), A: 0, B: 0, C: 0 };
    row[entry.class] += entry.count;
    rows.set(entry.code, row);
  }
  const total = (r: CodeClassRow) => r.A + r.B + r.C;
  return [...rows.values()].sort((a, b) => total(b) - total(a) || a.code.localeCompare(b.code));
}

export function openByCodeChart(dashboard: Dashboard, theme: Theme, onPick: (pick: ChartPick) => void): AgCartesianChartOptions {
  const rows = openByCodeRows(dashboard.openByCodeAndClass);
  const classes = EXCEPTION_CLASSES.filter((c) => rows.some((r) => r[c] > 0));
  return {
    ...base(theme),
    data: rows,
    series: classes.map((c) => ({
      type: 'bar' as const,
      direction: 'horizontal' as const,
      xKey: 'label',
      yKey: c,
      yName: `Class ${c}`,
      stacked: true,
      fill: CLASS_FILLS[theme][c],
      cursor: 'pointer',
      listeners: { seriesNodeClick: (e: { datum: CodeClassRow }) => onPick({ what: 'code', code: e.datum.code, class: c }) },
    })),
    // AG Charts caps an axis at 0.3 of the chart's width, below the longest code's name ("Payout not in bank") in a
    // third of a 1280 px window: the names were cut at the panel's edge. Up to 0.45 they are read whole, on one line.
    axes: {
      x: { type: 'category', position: 'left', maxThicknessRatio: 0.45 },
      y: { type: 'number', position: 'bottom' },
    },
    legend: { position: 'bottom' },
  };
}

export function openByAgeChart(dashboard: Dashboard, theme: Theme, onPick: (pick: ChartPick) => void): AgCartesianChartOptions {
  return {
    ...base(theme),
    data: dashboard.openByAge,
    series: [
      {
        type: 'bar',
        xKey: 'bucket',
        yKey: 'count',
        yName: 'Open exceptions',
        fill: ACCENT[theme],
        cursor: 'pointer',
        listeners: {
          seriesNodeClick: (e: { datum: Dashboard['openByAge'][number] }) =>
            onPick({ what: 'age', fromDays: e.datum.fromDays, toDays: e.datum.toDays }),
        },
      },
    ],
    legend: { enabled: false },
  };
}

export function matchedByKindChart(dashboard: Dashboard, theme: Theme, onPick: (pick: ChartPick) => void): AgCartesianChartOptions {
  const fills = MATCHED_FILLS[theme];
  const data = dashboard.matchedByKind
    .filter((k) => k.matchable > 0)
    .map((k) => ({ kind: k.kind, label: k.kind.replace('_', ' '), matched: k.matched, unmatched: k.matchable - k.matched }));
  const pick = (e: { datum: { kind: string } }) => onPick({ what: 'kind', kind: e.datum.kind });
  return {
    ...base(theme),
    data,
    series: [
      {
        type: 'bar',
        direction: 'horizontal',
        xKey: 'label',
        yKey: 'matched',
        yName: 'Matched',
        stacked: true,
        fill: fills.matched,
        cursor: 'pointer',
        listeners: { seriesNodeClick: pick },
      },
      {
        type: 'bar',
        direction: 'horizontal',
        xKey: 'label',
        yKey: 'unmatched',
        yName: 'Unmatched',
        stacked: true,
        fill: fills.unmatched,
        cursor: 'pointer',
        listeners: { seriesNodeClick: pick },
      },
    ],
    // One row per kind, its name level on the left: up to eight kinds fit a narrow panel, where names under columns
    // would collide or be turned and cut at the panel's foot.
    axes: {
      x: { type: 'category', position: 'left' },
      y: { type: 'number', position: 'bottom' },
    },
    legend: { position: 'bottom' },
  };
}

export interface TrendRow {
  date: string;
  label: string;
  open: number;
  /** The reporting currency's value at stake, in major units (a chart scale, never arithmetic). */
  atStake: number;
  unmatchedPercent: number | null;
}

export function trendRows(dashboard: Dashboard, dayLabel: (date: string) => string): TrendRow[] {
  const currency = dashboard.reportingCurrency;
  return dashboard.days.map((d) => {
    const stake = d.atStake.find((m) => m.currency === currency)?.amountMinor ?? 0;
    return {
      date: d.date,
      label: dayLabel(d.date),
      open: d.openExceptions,
      atStake: Number(minorToDecimalString(stake, currency)),
      unmatchedPercent: d.unmatchedRate === null ? null : Math.round(d.unmatchedRate * 1000) / 10,
    };
  });
}

/** Open exceptions (bars) and their value at stake in the reporting currency (line) per business day. */
export function openTrendChart(rows: TrendRow[], currency: string, theme: Theme, onPick: (pick: ChartPick) => void): AgCartesianChartOptions {
  const pick = (e: { datum: TrendRow }) => onPick({ what: 'day', date: e.datum.date });
  return {
    ...base(theme),
    data: rows,
    series: [
      {
        type: 'bar',
        xKey: 'label',
        yKey: 'open',
        yName: 'Open exceptions',
        fill: ACCENT[theme],
        cursor: 'pointer',
        listeners: { seriesNodeClick: pick },
      },
      {
        type: 'line',
        xKey: 'label',
        yKey: 'atStake',
        yName: `Value at stake (${currency})`,
        yKeyAxis: 'stake',
        stroke: STAKE[theme],
        marker: { fill: STAKE[theme], size: 5 },
        cursor: 'pointer',
        listeners: { seriesNodeClick: pick },
      },
    ],
    axes: {
      y: { type: 'number', position: 'left', title: { text: 'Open' } },
      stake: { type: 'number', position: 'right', title: { text: currency } },
    },
    legend: { position: 'bottom' },
  };
}

/** The share of each business day's matchable events still unmatched. */
export function unmatchedTrendChart(rows: TrendRow[], theme: Theme, onPick: (pick: ChartPick) => void): AgCartesianChartOptions {
  return {
    ...base(theme),
    // Days without matchable events have no rate: they are gaps in the line, not zeros.
    data: rows,
    series: [
      {
        type: 'line',
        xKey: 'label',
        yKey: 'unmatchedPercent',
        yName: 'Unmatched (%)',
        stroke: MATCHED_FILLS[theme].unmatched,
        marker: { fill: MATCHED_FILLS[theme].unmatched, size: 5 },
        cursor: 'pointer',
        listeners: { seriesNodeClick: (e: { datum: TrendRow }) => onPick({ what: 'day', date: e.datum.date }) },
      },
    ],
    axes: { y: { type: 'number', position: 'left', min: 0, title: { text: '% unmatched' } } },
    legend: { enabled: false },
  };
}
