// The payout waterfall as numbers the table and the chart share: every step in contract order with its running
// total, and the chart's bars and axis. All money stays in integer minor units (sums of safe integers are
// exact); only the pixel positions the chart derives from them are fractional.
import { WATERFALL_STEPS, type EventLine, type PayoutWaterfall } from '../../../../shared/api/contract.ts';

export type WaterfallStepKey = (typeof WATERFALL_STEPS)[number];

export const REMAINDER_LABEL = 'Unexplained remainder';

const DEFAULT_LABELS: Record<WaterfallStepKey, string> = {
  gross_sales: 'Gross sales',
  fees: 'Fees',
  refunds: 'Refunds',
  disputes: 'Disputes',
  adjustments: 'Adjustments',
  unexplained: REMAINDER_LABEL,
};

export interface WaterfallStepRow {
  step: WaterfallStepKey;
  label: string;
  amountMinor: number;
  count: number;
  /** Each item with the part of it the step counts (a payment's gross in sales, its fee in fees). */
  items: (EventLine & { stepAmountMinor: number })[];
  /** Running total before and after the step. */
  startMinor: number;
  endMinor: number;
}

/**
 * The six steps in contract order, each with its running total. A step the backend left out is shown as 0
 * with no items; the remainder is always present, always labelled as the unexplained remainder, and taken
 * from `unexplainedMinor` when the backend sent no step for it.
 */
export function waterfallSteps(waterfall: PayoutWaterfall): WaterfallStepRow[] {
  let running = 0;
  return WATERFALL_STEPS.map((key) => {
    const sent = waterfall.steps.find((s) => s.step === key);
    const amountMinor = sent?.amountMinor ?? (key === 'unexplained' ? waterfall.unexplainedMinor : 0);
    const row: WaterfallStepRow = {
      step: key,
      label: key === 'unexplained' ? REMAINDER_LABEL : sent?.label || DEFAULT_LABELS[key],
      amountMinor,
      count: sent?.count ?? 0,
      items: sent?.items ?? [],
      startMinor: running,
      endMinor: running + amountMinor,
    };
    running = row.endMinor;
    return row;
  });
}

export interface WaterfallBar {
  key: WaterfallStepKey | 'payout_net';
  label: string;
  /** `step` floats from the running total before it to the one after; `total` stands on zero. */
  kind: 'step' | 'remainder' | 'total';
  amountMinor: number;
  startMinor: number;
  endMinor: number;
}

export interface WaterfallChartData {
  currency: string;
  bars: WaterfallBar[];
  /** The value axis: from the lowest to the highest tick, always including zero. */
  axisMinMinor: number;
  axisMaxMinor: number;
  ticks: number[];
  /** False when the steps do not end at the payout net (the backend's numbers disagree with each other). */
  balanced: boolean;
  stepsEndMinor: number;
}

/** The bars of the chart: the six steps as floating bars, then the payout net standing on zero. */
export function waterfallChartData(waterfall: PayoutWaterfall): WaterfallChartData {
  const steps = waterfallSteps(waterfall);
  const bars: WaterfallBar[] = steps.map((s) => ({
    key: s.step,
    label: s.label,
    kind: s.step === 'unexplained' ? 'remainder' : 'step',
    amountMinor: s.amountMinor,
    startMinor: s.startMinor,
    endMinor: s.endMinor,
  }));
  bars.push({
    key: 'payout_net',
    label: 'Payout net',
    kind: 'total',
    amountMinor: waterfall.payoutNetMinor,
    startMinor: 0,
    endMinor: waterfall.payoutNetMinor,
  });
  const values = bars.flatMap((b) => [b.startMinor, b.endMinor]);
  const ticks = axisTicks(Math.min(0, ...values), Math.max(0, ...values));
  const stepsEndMinor = steps[steps.length - 1]?.endMinor ?? 0;
  return {
    currency: waterfall.currency,
    bars,
    axisMinMinor: ticks[0] ?? 0,
    axisMaxMinor: ticks[ticks.length - 1] ?? 0,
    ticks,
    balanced: stepsEndMinor === waterfall.payoutNetMinor,
    stepsEndMinor,
  };
}

/** The smallest step of the 1–2–5 series (in minor units, at least 1) that splits `span` into at most `count` parts. */
export function niceStep(span: number, count: number): number {
  let scale = 1;
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * scale;
      if (step * count >= span) return step;
    }
    scale *= 10;
  }
}

/** Integer ticks covering [min, max] (min ≤ 0 ≤ max), zero among them, about five intervals. */
export function axisTicks(minMinor: number, maxMinor: number, count = 5): number[] {
  const span = Math.max(maxMinor - minMinor, 1);
  const step = niceStep(span, count);
  const first = Math.floor(minMinor / step) * step;
  const last = Math.ceil(maxMinor / step) * step;
  const ticks: number[] = [];
  for (let t = first; t <= last; t += step) ticks.push(t === 0 ? 0 : t);
  if (ticks.length === 1) ticks.push(first + step);
  return ticks;
}
