// @vitest-environment happy-dom
// The Growth screen over a contract-checked report: the period's month asked for, one row per day × platform, a row
// opening into its gap breakdown whose events are fetched by their ids, a ledger without ad data said in words, and
// the Exceptions screen's owner queues as code filters.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type EventLine } from '../../src/shared/api/contract.ts';
import type { GrowthReport, GrowthRow } from '../../src/shared/growth/growthReport.ts';
import { FULFILLMENT_CODES } from '../../src/shared/growth/growthCodes.ts';
import { GrowthScreen } from '../../src/renderer/src/screens/GrowthScreen.tsx';
import { QueuePicker } from '../../src/renderer/src/screens/exceptions/QueuePicker.tsx';
import { dayFigures, monthTotals } from '../../src/renderer/src/screens/growth/growthFigures.ts';
import { appOver, renderInApp } from './appHarness.tsx';

afterEach(cleanup);

const meta: GrowthRow = {
  date: '2026-10-05',
  platform: 'meta',
  spendMinor: 12_000,
  billedMinor: null,
  platformConversions: 6,
  platformValueMinor: 40_000,
  storeOrders: 2,
  storeNetMinor: 16_000,
  gapMinor: 24_000,
  breakdown: {
    refundedOrCancelledMinor: 2_000,
    testOrDraftMinor: 3_000,
    timeZoneShiftMinor: 5_000,
    currencyMinor: 0,
    duplicatesMinor: 4_000,
    residualMinor: 10_000,
  },
  events: {
    spend: ['ev-spend'],
    refundedOrCancelled: ['ev-order-3'],
    testOrDraft: ['ev-order-4'],
    timeZoneShift: ['ev-order-2'],
    duplicates: ['ev-order-5'],
    store: ['ev-order-1'],
  },
};
const none: GrowthRow = {
  date: '2026-10-05',
  platform: 'not_attributable',
  spendMinor: null,
  billedMinor: null,
  platformConversions: null,
  platformValueMinor: null,
  storeOrders: 1,
  storeNetMinor: 2_500,
  gapMinor: null,
  breakdown: null,
  events: { no_channel: ['ev-order-6'] },
};
const report: GrowthReport = {
  period: '2026-10',
  currency: 'USD',
  storeTimeZone: 'America/New_York',
  platformTimeZones: { meta: 'America/Los_Angeles' },
  rows: [meta, none],
  periodTotals: [],
  unconverted: [],
  spendBilling: [
    {
      platform: 'meta',
      currency: 'USD',
      spendMinor: 12_000,
      creditsMinor: 1_000,
      taxMinor: 200,
      expectedBilledMinor: 11_200,
      billedMinor: 15_000,
      failedChargesMinor: 0,
      unbilledMinor: -3_800,
      cashMinor: 10_000,
      chargesWithoutCash: [],
      cashWithoutCharge: [],
    },
  ],
  shipments: {
    orders: 7,
    shipped: 3,
    notShipped: 4,
    paidNotShippedLate: 3,
    paidNotShippedDays: 3,
    asOf: '2026-10-20T04:00:00.000Z',
    problems: [],
    orphanShipments: [],
  },
  campaignReady: [{ date: '2026-10-05', storeNetMinor: 18_500, tiedOutMinor: 9_250, share: 0.5 }],
  yesterday: '2026-10-05',
};
const line: EventLine = {
  eventId: 'ev-order-2',
  source: 'shopify:store',
  kind: 'order',
  externalId: '9002',
  amountMinor: 5_000,
  currency: 'USD',
  occurredAt: '2026-10-06T05:30:00.000Z',
  localDate: null,
  orderRef: '2',
  counterparty: 'b@example.com',
  description: null,
};

describe('growth figures', () => {
  it('sum the platforms’ rows per day and the month, the not-attributable bucket apart', () => {
    expect(dayFigures(report, (d) => d)).toEqual([{ date: '2026-10-05', label: '2026-10-05', claimed: 400, real: 160 }]);
    expect(monthTotals(report.rows)).toEqual({
      spendMinor: 12_000,
      billedMinor: 0,
      claimedMinor: 40_000,
      attributedNetMinor: 16_000,
      gapMinor: 24_000,
      notAttributableNetMinor: 2_500,
    });
  });
});

describe('Growth screen', () => {
  it('asks for the period’s month, opens a row into its parts and lists the events behind one', async () => {
    const { fake, store } = appOver({ 'growth.report': () => report, 'growth.events': () => ({ events: [line] }) });
    store.getState().setPeriod({ from: '2026-10-01', to: '2026-10-31' });
    renderInApp(fake, store, <GrowthScreen />);
    const table = await screen.findByRole('table', { name: 'Day × platform' });
    expect(fake.calls.find((c) => c.method === 'growth.report')?.request).toEqual({ period: '2026-10' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByLabelText('Campaign-ready share').textContent).toBe('50.0%');

    fireEvent.click(within(table).getByRole('button', { name: 'Open the gap breakdown of Meta on 2026-10-05' }));
    const breakdown = screen.getByRole('region', { name: 'Gap breakdown of Meta on 2026-10-05' });
    expect(within(breakdown).getByText('Time-zone shift')).toBeDefined();
    fireEvent.click(within(breakdown).getAllByRole('button', { name: '1 event' })[2] as HTMLElement);
    await waitFor(() => expect(within(breakdown).getByText('9002')).toBeDefined());
    expect(fake.calls.find((c) => c.method === 'growth.events')?.request).toEqual({ eventIds: ['ev-order-2'] });
  });

  it('says why there is no tie-out for a ledger without ad data', async () => {
    const { fake, store } = appOver({
      'growth.report': () => {
        throw new ApiError({ kind: 'bad_input', message: 'the ledger holds no ad spend and no orders yet', field: 'period' });
      },
    });
    store.getState().setPeriod({ from: '2026-10-01', to: '2026-10-31' });
    renderInApp(fake, store, <GrowthScreen />);
    expect((await screen.findByText(/No growth tie-out for this month/)).textContent).toContain('no ad spend and no orders yet');
  });
});

describe('exception queues', () => {
  it('are code filters: Fulfillment picks the fulfillment codes, All clears them', () => {
    const { fake, store } = appOver({});
    renderInApp(fake, store, <QueuePicker />);
    const select = screen.getByLabelText('Code group') as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'fulfillment' } });
    expect([...store.getState().exceptionsFilterInput.codes].sort()).toEqual([...FULFILLMENT_CODES].sort());
    expect(select.value).toBe('fulfillment');
    fireEvent.change(select, { target: { value: 'all' } });
    expect(store.getState().exceptionsFilterInput.codes).toEqual([]);
  });
});
