// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type EventLine, type PayoutRow, type PayoutWaterfall } from '../../src/shared/api/contract.ts';
import { payoutsQueryRequest } from '../../src/renderer/src/store/payoutsSlice.ts';
import { PayoutWaterfallView } from '../../src/renderer/src/screens/payouts/PayoutWaterfallView.tsx';
import { PayoutDetailPane } from '../../src/renderer/src/screens/payouts/PayoutDetailPane.tsx';
import { PayoutsScreen } from '../../src/renderer/src/screens/PayoutsScreen.tsx';
import { appOver, renderInApp } from './appHarness.tsx';

afterEach(cleanup);

function line(eventId: string, kind: EventLine['kind'], externalId: string, amountMinor: number, occurredAt = '2024-03-04T10:00:00.000Z'): EventLine {
  return {
    eventId,
    source: 'stripe:main',
    kind,
    externalId,
    amountMinor,
    currency: 'EUR',
    occurredAt,
    localDate: null,
    orderRef: null,
    counterparty: null,
    description: null,
  };
}

/** A waterfall item: the event and the part of it the step counts (its whole amount unless said otherwise). */
function item(eventId: string, kind: EventLine['kind'], externalId: string, amountMinor: number, stepAmountMinor = amountMinor) {
  return { ...line(eventId, kind, externalId, amountMinor), stepAmountMinor };
}

const payoutLine = line('ev-po1', 'payout', 'po_1', 95_120, '2024-03-06T02:00:00.000Z');

/** Gross 1,000.00 − fees 29.00 − refunds 15.00 − disputes 0 − adjustments 4.80 = 951.20, plus `remainder`. */
function waterfall(remainder: number, bank: 'matched' | 'missing' | 'pending' = 'matched'): PayoutWaterfall {
  const net = 95_120 + remainder;
  return {
    payout: { ...payoutLine, amountMinor: net },
    currency: 'EUR',
    steps: [
      {
        step: 'gross_sales',
        label: 'Gross sales',
        amountMinor: 100_000,
        count: 2,
        items: [item('ev-c1', 'payment', 'ch_1', 60_000), item('ev-c2', 'payment', 'ch_2', 40_000)],
      },
      {
        step: 'fees',
        label: 'Fees',
        amountMinor: -2_900,
        count: 2,
        items: [item('ev-f1', 'fee', 'txn_f1', -1_770), item('ev-f2', 'fee', 'txn_f2', -1_130)],
      },
      { step: 'refunds', label: 'Refunds', amountMinor: -1_500, count: 1, items: [item('ev-r1', 'refund', 're_1', -1_500)] },
      { step: 'disputes', label: 'Disputes', amountMinor: 0, count: 0, items: [] },
      { step: 'adjustments', label: 'Adjustments', amountMinor: -480, count: 1, items: [item('ev-a1', 'adjustment', 'adj_1', -480)] },
      { step: 'unexplained', label: 'Unexplained', amountMinor: remainder, count: 0, items: [] },
    ],
    payoutNetMinor: net,
    unexplainedMinor: remainder,
    bank:
      bank === 'matched'
        ? {
            event: {
              eventId: 'ev-b1',
              source: 'bank:main',
              kind: 'bank_credit',
              externalId: 'camt-778',
              amountMinor: net,
              currency: 'EUR',
              occurredAt: '2024-03-06T23:00:00.000Z',
              localDate: '2024-03-07',
              orderRef: null,
              counterparty: 'STRIPE',
              description: 'STRIPE PAYOUT po_1',
            },
            matchId: 'm-bank-1',
          }
        : null,
    exceptions: [
      ...(bank === 'missing'
        ? [{ exceptionId: 'exc-nib', code: 'PAYOUT_NOT_IN_BANK' as const, state: 'open' as const, amountMinor: net, currency: 'EUR' }]
        : []),
      ...(remainder !== 0
        ? [{ exceptionId: 'exc-pm', code: 'PAYOUT_MISMATCH' as const, state: 'assigned' as const, amountMinor: remainder, currency: 'EUR' }]
        : []),
    ],
  };
}

function payoutRow(overrides: Partial<PayoutRow> = {}): PayoutRow {
  return {
    payoutEventId: 'ev-po1',
    source: 'stripe:main',
    externalId: 'po_1',
    payoutRef: 'po_1',
    occurredAt: '2024-03-06T02:00:00.000Z',
    businessDate: '2024-03-06',
    description: 'STRIPE PAYOUT',
    netMinor: 95_120,
    currency: 'EUR',
    itemCount: 6,
    unexplainedMinor: 0,
    bank: 'matched',
    bankEventId: 'ev-b1',
    ...overrides,
  };
}

function renderView(w: PayoutWaterfall, onOpenException: (id: string) => void = () => undefined) {
  const { fake, store } = appOver({});
  return renderInApp(fake, store, <PayoutWaterfallView waterfall={w} onOpenException={onOpenException} />);
}

/** The steps table as text: [step label cell, items, amount, running total] per row. */
function stepRows(): string[][] {
  const table = screen.getByRole('table', { name: 'Waterfall steps' });
  return [...table.querySelectorAll(':scope > tbody > tr:not(.wf-items-row), :scope > tfoot > tr')].map((tr) =>
    [...tr.children].map((cell) => (cell.textContent ?? '').replace(/[▸▾]\s*/, '').trim()),
  );
}

describe('payouts slice', () => {
  it('builds the query from the filters, leaving out the ones at their default', async () => {
    const { fake, store } = appOver({ 'payouts.query': () => ({ rows: [payoutRow()], totalRows: 3_204 }) });
    store.getState().setPayoutsFilter({ bank: 'missing', unexplainedOnly: true, search: ' po_1 ' });
    await store.getState().fetchPayoutsPage(200, 300);
    expect(fake.calls[0]?.request).toEqual({ startRow: 200, endRow: 300, filter: { bank: 'missing', unexplainedOnly: true, search: 'po_1' } });
    expect(store.getState().payoutsTotal).toBe(3_204);

    expect(payoutsQueryRequest({ unexplainedOnly: false, search: '  ' }, 0, 100)).toEqual({ startRow: 0, endRow: 100, filter: {} });
  });

  it('opens a waterfall, and turns a failure into an error notice', async () => {
    let fail = false;
    const { store } = appOver({
      'payouts.waterfall': (r) => {
        if (fail) throw new ApiError({ kind: 'not_found', message: `no payout ${r.payoutEventId}`, field: null });
        return waterfall(0);
      },
    });
    await store.getState().openPayout('ev-po1');
    expect(store.getState().payoutsWaterfall?.payoutNetMinor).toBe(95_120);

    fail = true;
    await store.getState().openPayout('ev-po2');
    expect(store.getState().payoutsWaterfallError).toBe('no payout ev-po2');
    expect(store.getState().notices.at(-1)).toMatchObject({ tone: 'error', text: 'Payout ev-po2: no payout ev-po2' });
  });

  it("opens a payout's exception in the Exceptions screen's detail", async () => {
    const { fake, store } = appOver({});
    await store.getState().openPayoutException('exc-nib');
    expect(store.getState().screen).toBe('exceptions');
    expect(store.getState().exceptionsDetailId).toBe('exc-nib');
    expect(fake.calls.find((c) => c.method === 'exceptions.detail')?.request).toEqual({ exceptionId: 'exc-nib' });
  });
});

describe('payout waterfall view', () => {
  it('lists every step with its exact amount and running total, down to the payout net', () => {
    renderView(waterfall(0));
    expect(stepRows()).toEqual([
      ['Gross sales', '2', '1,000.00 EUR', '1,000.00 EUR'],
      ['Fees', '2', '-29.00 EUR', '971.00 EUR'],
      ['Refunds', '1', '-15.00 EUR', '956.00 EUR'],
      ['Disputes', '0', '0.00 EUR', '956.00 EUR'],
      ['Adjustments', '1', '-4.80 EUR', '951.20 EUR'],
      ['Unexplained remainderfully explained', '0', '0.00 EUR', '951.20 EUR'],
      ['Payout net', '', '951.20 EUR', ''],
    ]);
    expect(screen.getByText('Fully explained: the payout’s items add up to its net.')).toBeTruthy();
  });

  it('shows a remainder that is not zero as its own highlighted step and says so', () => {
    renderView(waterfall(-120));
    const rows = stepRows();
    expect(rows[5]).toEqual(['Unexplained remainder' + 'not explained by the payout’s items', '0', '-1.20 EUR', '950.00 EUR']);
    expect(rows[6]).toEqual(['Payout net', '', '950.00 EUR', '']);
    const remainderRow = screen.getByRole('table', { name: 'Waterfall steps' }).querySelector('tr.wf-remainder');
    expect(remainderRow?.classList.contains('unexplained')).toBe(true);
    expect(screen.getByRole('status').textContent).toBe('-1.20 EUR of the payout net is not explained by its items.');
  });

  it("opens a step down to its items' ids, kinds, dates and amounts", () => {
    renderView(waterfall(0));
    expect(screen.queryByRole('table', { name: 'Fees items' })).toBeNull();
    const toggle = screen.getByRole('button', { name: 'Fees' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const items = screen.getByRole('table', { name: 'Fees items' });
    const cells = [...items.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(cells).toEqual([
      ['Mar 04, 2024', 'fee ', 'txn_f1', '-17.70 EUR', '-17.70 EUR'],
      ['Mar 04, 2024', 'fee ', 'txn_f2', '-11.30 EUR', '-11.30 EUR'],
    ]);
    fireEvent.click(toggle);
    expect(screen.queryByRole('table', { name: 'Fees items' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Disputes' })).toBeNull();
  });

  it('shows a payment in the fees step with the fee taken from it beside its own amount', () => {
    const w = waterfall(0);
    const fees = w.steps[1];
    if (fees === undefined) throw new Error('fixture has no fees step');
    fees.items = [item('ev-c1', 'payment', 'ch_1', 60_000, -1_770), item('ev-c2', 'payment', 'ch_2', 40_000, -1_130)];
    renderView(w);
    fireEvent.click(screen.getByRole('button', { name: 'Fees' }));
    const rows = [...screen.getByRole('table', { name: 'Fees items' }).querySelectorAll('tbody tr')].map((tr) =>
      [...tr.children].map((c) => c.textContent),
    );
    expect(rows).toEqual([
      ['Mar 04, 2024', 'payment ', 'ch_1', '600.00 EUR', '-17.70 EUR'],
      ['Mar 04, 2024', 'payment ', 'ch_2', '400.00 EUR', '-11.30 EUR'],
    ]);
  });

  it('shows the bank line the payout arrived as', () => {
    renderView(waterfall(0));
    const bank = screen.getByRole('region', { name: 'Bank' });
    // The booking date as the bank wrote it, not its instant read in the workspace's time zone (Mar 06 in UTC).
    expect(bank.textContent).toContain('BookedMar 07, 2024');
    expect(bank.textContent).toContain('Amount951.20 EUR');
    expect(bank.textContent).toContain('TextSTRIPE PAYOUT po_1');
    expect(bank.textContent).toContain('Bank linecamt-778');
    expect(bank.textContent).toContain('Matchm-bank-1');
  });

  it('shows the exception saying the payout did not reach the bank, and opens it', () => {
    const onOpen = vi.fn();
    renderView(waterfall(-120, 'missing'), onOpen);
    const bank = screen.getByRole('region', { name: 'Bank' });
    expect(bank.textContent).toContain('No bank line matches this payout.');
    expect(bank.textContent).toContain('Payout not in bank');
    expect(bank.textContent).toContain('open');
    fireEvent.click(within(bank).getByRole('button', { name: 'Open the payout not in bank exception' }));
    expect(onOpen).toHaveBeenCalledWith('exc-nib');

    const others = screen.getByRole('region', { name: 'Exceptions on this payout' });
    expect(others.textContent).toContain('Payout mismatch');
    expect(within(others).queryByText(/exc-nib/)).toBeNull();
  });

  it('says a payout without bank line or exception is pending', () => {
    renderView(waterfall(0, 'pending'));
    expect(screen.getByRole('region', { name: 'Bank' }).textContent).toContain('it is pending');
  });
});

describe('payout detail pane', () => {
  it('fetches the waterfall again when matches or imports change', async () => {
    const { fake, store } = appOver({ 'payouts.waterfall': () => waterfall(0) });
    await store.getState().openPayout('ev-po1');
    renderInApp(fake, store, <PayoutDetailPane />);
    const calls = () => fake.calls.filter((c) => c.method === 'payouts.waterfall').length;
    expect(calls()).toBe(1);
    act(() => fake.emit({ type: 'changed', what: ['imports'] }));
    await waitFor(() => expect(calls()).toBe(2));
    act(() => fake.emit({ type: 'changed', what: ['matches'] }));
    await waitFor(() => expect(calls()).toBe(3));
    act(() => fake.emit({ type: 'changed', what: ['settings'] }));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls()).toBe(3);
  });

  it('switches to the exception when its button is pressed', async () => {
    const { fake, store } = appOver({ 'payouts.waterfall': () => waterfall(0, 'missing') });
    await store.getState().openPayout('ev-po1');
    renderInApp(fake, store, <PayoutDetailPane />);
    fireEvent.click(screen.getByRole('button', { name: 'Open the payout not in bank exception' }));
    await waitFor(() => expect(store.getState().screen).toBe('exceptions'));
    expect(store.getState().exceptionsDetailId).toBe('exc-nib');
  });
});

describe('payouts screen', () => {
  it('queries the list with the chosen filters and refetches it on a change event', async () => {
    const { fake, store } = appOver({ 'payouts.query': () => ({ rows: [payoutRow()], totalRows: 1 }) });
    renderInApp(fake, store, <PayoutsScreen />);
    const queries = () => fake.calls.filter((c) => c.method === 'payouts.query').map((c) => c.request);
    await waitFor(() => expect(queries()).toHaveLength(1));
    expect(queries()[0]).toEqual({ startRow: 0, endRow: 100, filter: {} });
    await waitFor(() => expect(screen.getByText('1 payout')).toBeTruthy());

    fireEvent.change(screen.getByLabelText('Bank status'), { target: { value: 'missing' } });
    fireEvent.click(screen.getByLabelText('Unexplained only'));
    await waitFor(() => expect(queries().at(-1)).toEqual({ startRow: 0, endRow: 100, filter: { bank: 'missing', unexplainedOnly: true } }));
    const count = queries().length;

    act(() => fake.emit({ type: 'changed', what: ['imports'] }));
    await waitFor(() => expect(queries()).toHaveLength(count + 1));
  });

  it('"/" focuses the search and Escape closes the waterfall', async () => {
    const { fake, store } = appOver({ 'payouts.query': () => ({ rows: [], totalRows: 0 }), 'payouts.waterfall': () => waterfall(0) });
    await store.getState().openPayout('ev-po1');
    renderInApp(fake, store, <PayoutsScreen />);
    expect(screen.getByRole('complementary', { name: 'Payout waterfall' })).toBeTruthy();
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByLabelText('Search payouts'));
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('complementary', { name: 'Payout waterfall' })).toBeNull();
    await waitFor(() => expect(screen.getByText(/No payouts in this period/)).toBeTruthy());
  });
});
