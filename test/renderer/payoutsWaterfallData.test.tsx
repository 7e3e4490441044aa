// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { EventLine, PayoutWaterfall } from '../../src/shared/api/contract.ts';
import { createAppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { axisTicks, niceStep, waterfallChartData, waterfallSteps } from '../../src/renderer/src/screens/payouts/waterfallData.ts';
import { WaterfallChart } from '../../src/renderer/src/screens/payouts/WaterfallChart.tsx';
import { createFakeApi } from './fakeApi.ts';

afterEach(cleanup);

const payout: EventLine = {
  eventId: 'ev-po',
  source: 'stripe:main',
  kind: 'payout',
  externalId: 'po_9',
  amountMinor: 0,
  currency: 'EUR',
  occurredAt: '2024-03-06T02:00:00.000Z',
  localDate: null,
  orderRef: null,
  counterparty: null,
  description: null,
};

function waterfall(
  steps: Partial<Record<PayoutWaterfall['steps'][number]['step'], number>>,
  payoutNetMinor: number,
  unexplainedMinor: number,
): PayoutWaterfall {
  return {
    payout: { ...payout, amountMinor: payoutNetMinor },
    currency: 'EUR',
    steps: Object.entries(steps).map(([step, amountMinor]) => ({
      step: step as PayoutWaterfall['steps'][number]['step'],
      label: step === 'gross_sales' ? 'Gross sales' : `${step} (backend)`,
      amountMinor,
      count: 0,
      items: [],
    })),
    payoutNetMinor,
    unexplainedMinor,
    bank: null,
    exceptions: [],
  };
}

describe('waterfall steps', () => {
  it('runs each step from the running total before it to the one after, in contract order', () => {
    // Sent out of order: the view still reads gross → fees → refunds → disputes → adjustments → remainder.
    const w = waterfall({ fees: -2_900, gross_sales: 100_000, refunds: -1_500, disputes: -2_000, adjustments: 7, unexplained: -3 }, 93_604, -3);
    expect(waterfallSteps(w).map((s) => [s.step, s.startMinor, s.endMinor])).toEqual([
      ['gross_sales', 0, 100_000],
      ['fees', 100_000, 97_100],
      ['refunds', 97_100, 95_600],
      ['disputes', 95_600, 93_600],
      ['adjustments', 93_600, 93_607],
      ['unexplained', 93_607, 93_604],
    ]);
  });

  it('always has the remainder, labelled as such, from unexplainedMinor when the backend sent no step for it', () => {
    const steps = waterfallSteps(waterfall({ gross_sales: 10_000, fees: -300 }, 9_650, -50));
    const remainder = steps.at(-1);
    expect(remainder).toMatchObject({ step: 'unexplained', label: 'Unexplained remainder', amountMinor: -50, startMinor: 9_700, endMinor: 9_650 });
    expect(steps.find((s) => s.step === 'refunds')).toMatchObject({ label: 'Refunds', amountMinor: 0, items: [] });
    expect(steps.find((s) => s.step === 'fees')?.label).toBe('fees (backend)');
  });

  it('keeps cent-exact totals where float sums of major units would drift', () => {
    // 0.1 + 0.2 ≠ 0.3 in floats; in minor units the totals are exact.
    const w = waterfall({ gross_sales: 10, fees: 20, unexplained: 0 }, 30, 0);
    expect(waterfallChartData(w)).toMatchObject({ balanced: true, stepsEndMinor: 30 });
  });
});

describe('waterfall chart data', () => {
  it('adds the payout net as a total bar standing on zero and says whether the steps reach it', () => {
    const data = waterfallChartData(waterfall({ gross_sales: 100_000, fees: -2_900, unexplained: -100 }, 97_000, -100));
    expect(data.bars.map((b) => [b.key, b.kind, b.startMinor, b.endMinor])).toEqual([
      ['gross_sales', 'step', 0, 100_000],
      ['fees', 'step', 100_000, 97_100],
      ['refunds', 'step', 97_100, 97_100],
      ['disputes', 'step', 97_100, 97_100],
      ['adjustments', 'step', 97_100, 97_100],
      ['unexplained', 'remainder', 97_100, 97_000],
      ['payout_net', 'total', 0, 97_000],
    ]);
    expect(data.balanced).toBe(true);
    expect(data.ticks).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    expect([data.axisMinMinor, data.axisMaxMinor]).toEqual([0, 100_000]);

    const off = waterfallChartData(waterfall({ gross_sales: 100_000, unexplained: 0 }, 97_000, 0));
    expect(off).toMatchObject({ balanced: false, stepsEndMinor: 100_000 });
  });

  it('takes the axis below zero when a running total or the payout goes negative', () => {
    const data = waterfallChartData(waterfall({ gross_sales: 5_000, refunds: -12_000, unexplained: 0 }, -7_000, 0));
    expect(data.bars.find((b) => b.key === 'refunds')).toMatchObject({ startMinor: 5_000, endMinor: -7_000 });
    expect(data.ticks).toEqual([-10_000, -5_000, 0, 5_000]);
    expect([data.axisMinMinor, data.axisMaxMinor]).toEqual([-10_000, 5_000]);
  });

  it('picks integer 1–2–5 ticks in minor units, zero always among them', () => {
    expect(niceStep(100_000, 5)).toBe(20_000);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(1, 5)).toBe(1);
    expect(axisTicks(0, 0)).toEqual([0, 1]);
    expect(axisTicks(-3, 0)).toEqual([-3, -2, -1, 0]);
    expect(axisTicks(-250, 1_234)).toEqual([-500, 0, 500, 1_000, 1_500]);
    for (const t of axisTicks(-987_654_321, 123_456_789)) expect(Number.isSafeInteger(t)).toBe(true);
  });
});

describe('waterfall chart', () => {
  it('labels the axis and every bar with amounts formatted from minor units', () => {
    const fake = createFakeApi();
    const data = waterfallChartData(waterfall({ gross_sales: 100_000, fees: -2_900, unexplained: -100 }, 97_000, -100));
    render(
      <AppProvider store={createAppStore(fake)} api={fake}>
        <WaterfallChart data={data} />
      </AppProvider>,
    );
    const svg = screen.getByRole('img');
    expect(svg.getAttribute('aria-label')).toBe('Waterfall from gross sales 1,000.00 to payout net 970.00 EUR');
    const ticks = [...svg.querySelectorAll('.wf-tick text')].map((t) => t.textContent);
    expect(ticks).toEqual(['0.00', '200.00', '400.00', '600.00', '800.00', '1,000.00']);
    const values = [...svg.querySelectorAll('.wf-value')].map((t) => t.textContent);
    expect(values).toEqual(['1,000.00', '-29.00', '0.00', '0.00', '0.00', '-1.00', '970.00']);
    expect(svg.querySelector('.wf-bar.remainder:not(.zero)')).not.toBeNull();
    expect(svg.querySelectorAll('.wf-bar.down')).toHaveLength(1);
  });
});
