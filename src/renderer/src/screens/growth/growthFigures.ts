// The Growth screen's figures as plain data (no DOM): per-day claimed and real revenue for the chart, the month's
// totals for the key figures, the parts of a row's gap with the events behind each, and the chart's options.
import type { AgCartesianChartOptions } from 'ag-charts-community';
import type { GapBreakdown, GrowthReport, GrowthRow } from '../../../../shared/growth/growthReport.ts';
import { minorToDecimalString } from '../../../../shared/money/amountText.ts';
import { chartTheme } from '../../grid/gridSetup.ts';
import type { Theme } from '../../store/uiSlice.ts';

export const NOT_ATTRIBUTABLE = 'not_attributable';

export function platformLabel(platform: string): string {
  if (platform === NOT_ATTRIBUTABLE) return 'Not attributable';
  if (platform === 'meta') return 'Meta';
  if (platform === 'google') return 'Google';
  return platform.charAt(0).toUpperCase() + platform.slice(1);
}

export interface GapPart {
  field: keyof GapBreakdown;
  label: string;
  /** What the part means, for its tooltip and the screen reader. */
  hint: string;
  /** The key of `GrowthRow.events` holding the events behind it. */
  eventsKey: string;
}

/** The parts of a gap in the order the breakdown reads; they add up to the gap exactly. */
export const GAP_PARTS: readonly GapPart[] = [
  {
    field: 'refundedOrCancelledMinor',
    label: 'Refunded or cancelled',
    hint: 'The platform counted the purchase; the store netted it out.',
    eventsKey: 'refundedOrCancelled',
  },
  { field: 'testOrDraftMinor', label: 'Test or draft orders', hint: 'Counted by the platform, never store revenue.', eventsKey: 'testOrDraft' },
  {
    field: 'timeZoneShiftMinor',
    label: 'Time-zone shift',
    hint: 'Orders on this platform day but another store day (the ad account’s zone is not the store’s), or the reverse.',
    eventsKey: 'timeZoneShift',
  },
  {
    field: 'currencyMinor',
    label: 'Currency',
    hint: 'Orders in another currency: their face value as a pixel reports it less their value here.',
    eventsKey: 'currency',
  },
  {
    field: 'duplicatesMinor',
    label: 'Duplicates',
    hint: 'Orders this platform claims (its click id) that the store attributes to another platform.',
    eventsKey: 'duplicates',
  },
  {
    field: 'residualMinor',
    label: 'Attribution window and view-through',
    hint: 'What is left: conversions the store cannot see as this platform’s. The events are the platform’s own claims.',
    eventsKey: 'spend',
  },
];

export interface DayFigures {
  date: string;
  label: string;
  /** Major units (a chart scale, never arithmetic). */
  claimed: number;
  real: number;
}

/** Per day: what the platforms claim and the store's net revenue attributed to them (the not-attributable bucket aside). */
export function dayFigures(report: GrowthReport, dayLabel: (date: string) => string): DayFigures[] {
  const days = new Map<string, { claimed: number; real: number }>();
  for (const r of report.rows) {
    if (r.platform === NOT_ATTRIBUTABLE) continue;
    const d = days.get(r.date) ?? { claimed: 0, real: 0 };
    d.claimed += r.platformValueMinor ?? 0;
    d.real += r.storeNetMinor;
    days.set(r.date, d);
  }
  const major = (minor: number): number => Number(minorToDecimalString(minor, report.currency));
  return [...days]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, d]) => ({ date, label: dayLabel(date), claimed: major(d.claimed), real: major(d.real) }));
}

export interface MonthTotals {
  spendMinor: number;
  billedMinor: number;
  claimedMinor: number;
  attributedNetMinor: number;
  gapMinor: number;
  notAttributableNetMinor: number;
}

export function monthTotals(rows: readonly GrowthRow[]): MonthTotals {
  const t: MonthTotals = { spendMinor: 0, billedMinor: 0, claimedMinor: 0, attributedNetMinor: 0, gapMinor: 0, notAttributableNetMinor: 0 };
  for (const r of rows) {
    if (r.platform === NOT_ATTRIBUTABLE) {
      t.notAttributableNetMinor += r.storeNetMinor;
      continue;
    }
    t.spendMinor += r.spendMinor ?? 0;
    t.billedMinor += r.billedMinor ?? 0;
    t.claimedMinor += r.platformValueMinor ?? 0;
    t.attributedNetMinor += r.storeNetMinor;
    t.gapMinor += r.gapMinor ?? 0;
  }
  return t;
}

const CLAIMED: Record<Theme, string> = { light: '#a15c00', dark: '#f2b35b' };
const REAL: Record<Theme, string> = { light: '#1f5fbf', dark: '#5b9bff' };

/** Claimed (the platforms' conversion value) against real (the store's attributed net revenue), per day. */
export function claimedVsRealChart(rows: DayFigures[], currency: string, theme: Theme): AgCartesianChartOptions {
  return {
    theme: chartTheme(theme),
    background: { visible: false },
    padding: { left: 12, right: 12 },
    data: rows,
    series: [
      { type: 'line', xKey: 'label', yKey: 'claimed', yName: 'Claimed', stroke: CLAIMED[theme], marker: { fill: CLAIMED[theme], size: 4 } },
      { type: 'line', xKey: 'label', yKey: 'real', yName: 'Store net (attributed)', stroke: REAL[theme], marker: { fill: REAL[theme], size: 4 } },
    ],
    axes: { y: { type: 'number', position: 'left', title: { text: currency } } },
    legend: { position: 'bottom' },
  };
}
