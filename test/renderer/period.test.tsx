// @vitest-environment happy-dom
// The review period: the selector in the header, its default (the latest month with data), remembered per workspace,
// and every grid, figure and export asking for it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { PeriodSelector } from '../../src/renderer/src/components/PeriodSelector.tsx';
import { periodRequest } from '../../src/renderer/src/store/periodSlice.ts';
import { renderInApp } from './appHarness.tsx';
import { callsOf, setupStore, workspaceUsd } from './exceptionsFixtures.ts';

afterEach(cleanup);
beforeEach(() => window.localStorage.clear());

const months = {
  'periods.available': () => ({
    timeZone: 'Europe/Berlin',
    months: [
      { month: '2024-04', events: 12 },
      { month: '2024-03', events: 1_204 },
    ],
    latest: '2024-04',
  }),
};

describe('period slice', () => {
  it('defaults to the latest month with data and remembers a choice per workspace', async () => {
    const { store } = await setupStore(months);
    expect(store.getState().period).toBeNull();
    expect(periodRequest(store.getState())).toEqual({});
    await store.getState().loadPeriods();
    expect(store.getState().period).toEqual({ from: '2024-04-01', to: '2024-04-30' });
    expect(periodRequest(store.getState())).toEqual({ period: { from: '2024-04-01', to: '2024-04-30' } });
    const version = store.getState().periodVersion;
    store.getState().setPeriod({ from: '2024-03-01', to: '2024-03-31' });
    expect(store.getState().periodVersion).toBe(version + 1);

    // The same workspace opened again starts where it was left; another one at its own latest month.
    const again = await setupStore(months);
    await again.store.getState().loadPeriods();
    expect(again.store.getState().period).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    const other: WorkspaceInfo = { ...workspaceUsd, path: '/books/other' };
    const elsewhere = await setupStore(months, other);
    await elsewhere.store.getState().loadPeriods();
    expect(elsewhere.store.getState().period).toEqual({ from: '2024-04-01', to: '2024-04-30' });
  });

  it('follows the data until the person chooses: a new workspace’s first import shows its month', async () => {
    let latest: string | null = null;
    const { store } = await setupStore({
      'periods.available': () => ({ timeZone: 'Europe/Berlin', months: latest === null ? [] : [{ month: latest, events: 3 }], latest }),
    });
    await store.getState().loadPeriods();
    const empty = store.getState().period;
    expect(empty).not.toBeNull();
    latest = '2023-11';
    await store.getState().loadPeriods();
    expect(store.getState().period).toEqual({ from: '2023-11-01', to: '2023-11-30' });
    store.getState().setPeriod({ from: '2023-10-01', to: '2023-10-31' });
    latest = '2023-12';
    await store.getState().loadPeriods();
    expect(store.getState().period).toEqual({ from: '2023-10-01', to: '2023-10-31' });
  });

  it('steps a month by months (across a year end) and a range of days by its own length', async () => {
    const { store } = await setupStore(months);
    store.getState().setPeriod({ from: '2024-12-01', to: '2024-12-31' });
    store.getState().stepPeriod(1);
    expect(store.getState().period).toEqual({ from: '2025-01-01', to: '2025-01-31' });
    store.getState().stepPeriod(-1);
    store.getState().stepPeriod(-1);
    expect(store.getState().period).toEqual({ from: '2024-11-01', to: '2024-11-30' });
    store.getState().setPeriod({ from: '2024-02-26', to: '2024-03-03' });
    store.getState().stepPeriod(1);
    expect(store.getState().period).toEqual({ from: '2024-03-04', to: '2024-03-10' });
  });

  it('sends the period with the matches and payouts pages too', async () => {
    const { fake, store } = await setupStore({
      ...months,
      'matches.query': () => ({ rows: [], totalRows: 0 }),
      'payouts.query': () => ({ rows: [], totalRows: 0 }),
    });
    await store.getState().loadPeriods();
    await store.getState().fetchMatchesPage(0, 100, [{ colId: 'createdAt', sort: 'desc' }]);
    await store.getState().fetchPayoutsPage(0, 100);
    expect(callsOf(fake, 'matches.query')[0]?.request).toMatchObject({
      period: { from: '2024-04-01', to: '2024-04-30' },
      sort: [{ field: 'createdAt', dir: 'desc' }],
    });
    expect(callsOf(fake, 'payouts.query')[0]?.request).toMatchObject({ period: { from: '2024-04-01', to: '2024-04-30' } });
    expect(store.getState().matchesView()).toEqual({
      period: { from: '2024-04-01', to: '2024-04-30' },
      sort: [{ field: 'createdAt', dir: 'desc' }],
      filter: {},
    });
  });
});

describe('PeriodSelector', () => {
  it('offers the months with their events, the neighbours and a range of days', async () => {
    const { fake, store } = await setupStore(months);
    await store.getState().loadPeriods();
    renderInApp(fake, store, <PeriodSelector />);
    const group = screen.getByRole('group', { name: 'Period' });
    const select = within(group).getByLabelText('Month or range') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['April 2024 · 12 events', 'March 2024 · 1,204 events', 'Range of days…']);
    expect(select.value).toBe('2024-04');
    fireEvent.change(select, { target: { value: '2024-03' } });
    expect(store.getState().period).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    fireEvent.click(within(group).getByRole('button', { name: 'Previous period' }));
    expect(store.getState().period).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    // A month without data can still be chosen (stepping into it); it says so.
    expect([...select.options].map((o) => o.textContent)[0]).toBe('February 2024 · no events');

    fireEvent.change(select, { target: { value: 'custom' } });
    const range = screen.getByRole('form', { name: 'Range of days' });
    fireEvent.change(within(range).getByLabelText('From'), { target: { value: '2024-03-10' } });
    fireEvent.change(within(range).getByLabelText('to'), { target: { value: '2024-03-05' } });
    fireEvent.submit(range);
    expect(within(range).getByRole('alert').textContent).toBe('The range ends before it starts.');
    fireEvent.change(within(range).getByLabelText('to'), { target: { value: '2024-03-20' } });
    fireEvent.submit(range);
    expect(store.getState().period).toEqual({ from: '2024-03-10', to: '2024-03-20' });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Range of days' })).toBeNull());
    expect(select.selectedOptions[0]?.textContent).toBe('Mar 10, 2024 – Mar 20, 2024');
    act(() => store.getState().stepPeriod(1));
    expect(store.getState().period).toEqual({ from: '2024-03-21', to: '2024-03-31' });
  });
});
