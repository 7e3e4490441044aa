// The dashboard's chart options, built from the figures as plain data (no DOM), in the app's theme.
import type { AgCartesianChartOptions } from 'ag-charts-community';
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { EXCEPTION_CLASSES, type ExceptionClass } from '../../../../shared/rules/ruleSet.ts';
import { chartTheme } from '../../grid/gridSetup.ts';
import type { Theme } from '../../store/uiSlice.ts';

// The same colours as the .badge.class-* rules of styles.css, per theme.
const CLASS_FILLS: Record<Theme, Record<ExceptionClass, string>> = {
  light: { A: '#0f7a3d', B: '#a15c00', C: '#b42318' },
  dark: { A: '#4cc98a', B: '#f2b35b', C: '#ff7a6e' },
};
const MATCHED_FILLS: Record<Theme, { matched: string; unmatched: string }> = {
  light: { matched: '#1f5fbf', unmatched: '#b42318' },
  dark: { matched: '#5b9bff', unmatched: '#ff7a6e' },
};
const AGE_FILL: Record<Theme, string> = { light: '#1f5fbf', dark: '#5b9bff' };

function base(theme: Theme): Pick<AgCartesianChartOptions, 'theme' | 'background'> {
  // No background of its own: the chart sits on the panel's surface colour in both themes.
  return { theme: chartTheme(theme), background: { visible: false } };
}

export type CodeClassRow = { code: string; label: string } & Record<ExceptionClass, number>;

/** "PAYOUT_NOT_IN_BANK" → "Payout not in bank": shorter on the axis than the code, and still unmistakable. */
export function codeLabel(code: string): string {
  const words = code.toLowerCase().split('_');
  return [words[0]?.replace(/^./, (c) => c.toUpperCase()) ?? '', ...words.slice(1)].join(' ');
}

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

export function openByCodeChart(dashboard: Dashboard, theme: Theme): AgCartesianChartOptions {
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
    })),
    legend: { position: 'bottom' },
  };
}

export function openByAgeChart(dashboard: Dashboard, theme: Theme): AgCartesianChartOptions {
  return {
    ...base(theme),
    data: dashboard.openByAge,
    series: [{ type: 'bar', xKey: 'bucket', yKey: 'count', yName: 'Open exceptions', fill: AGE_FILL[theme] }],
    legend: { enabled: false },
  };
}

export function matchedByKindChart(dashboard: Dashboard, theme: Theme): AgCartesianChartOptions {
  const fills = MATCHED_FILLS[theme];
  const data = dashboard.matchedByKind.map((k) => ({ kind: k.kind, matched: k.matched, unmatched: k.matchable - k.matched }));
  return {
    ...base(theme),
    data,
    series: [
      { type: 'bar', xKey: 'kind', yKey: 'matched', yName: 'Matched', stacked: true, fill: fills.matched },
      { type: 'bar', xKey: 'kind', yKey: 'unmatched', yName: 'Unmatched', stacked: true, fill: fills.unmatched },
    ],
    legend: { position: 'bottom' },
  };
}
