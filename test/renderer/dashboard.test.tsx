// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Dashboard, WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { DashboardScreen } from '../../src/renderer/src/screens/DashboardScreen.tsx';
import { openByCodeRows, matchedByKindChart, openTrendChart, trendRows } from '../../src/renderer/src/screens/dashboard/chartOptions.ts';
import { filterForPick } from '../../src/renderer/src/screens/dashboard/dashboardLinks.ts';
import { formatCadence } from '../../src/renderer/src/screens/dashboard/SourcesTable.tsx';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';
import { ownershipHandlers } from './ownershipFixtures.ts';

afterEach(cleanup);

const workspace: WorkspaceInfo = {
  path: '/books/acme',
  name: 'Acme',
  reportingCurrency: 'EUR',
  timeZone: 'Europe/Berlin',
  locale: 'en-US',
  policyGateMinor: 100_000,
  eventCount: 1200,
};

function dashboardFixture(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    asOf: '2024-04-02T10:00:00.000Z',
    period: { from: '2024-03-01', to: '2024-03-31' },
    reportingCurrency: 'EUR',
    eventsTotal: 1200,
    eventsMatchable: 800,
    eventsMatched: 700,
    unmatchedRate: 0.125,
    awaiting: {
      events: 30,
      groups: [
        {
          code: 'MISSING_PAYMENT',
          kind: 'order',
          count: 30,
          amount: [{ amountMinor: 250_000, currency: 'EUR' }],
          waitingOn: [{ source: 'stripe:main', deliveredThrough: '2024-03-12T23:00:00.000Z' }],
          firstUntil: '2024-03-15T23:00:00.000Z',
          summary: '30 orders awaiting payments: no stripe:main data after 2024-03-12',
        },
      ],
    },
    decisionsTotal: 40,
    decisionsAutoResolved: 20,
    autoResolveRate: 0.5,
    openExceptionsTotal: 17,
    openByCodeAndClass: [
      { code: 'AMOUNT_MISMATCH', class: 'C', count: 5, atStake: [{ amountMinor: 123_456, currency: 'EUR' }] },
      { code: 'MISSING_PAYMENT', class: 'B', count: 10, atStake: [{ amountMinor: 5_000, currency: 'USD' }] },
      { code: 'AMOUNT_MISMATCH', class: 'A', count: 2, atStake: [{ amountMinor: 3, currency: 'EUR' }] },
    ],
    valueAtStake: [
      { amountMinor: 123_459, currency: 'EUR' },
      { amountMinor: 5_000, currency: 'USD' },
    ],
    oldestOpen: {
      exceptionId: 'exc-1',
      code: 'UNKNOWN_BANK_LINE',
      businessAt: '2024-02-29T23:00:00Z',
      businessDate: '2024-03-01',
      createdAt: '2024-03-02T08:00:00.000Z',
      ageDays: 32.4,
    },
    openByAge: [
      { bucket: '<1d', fromDays: 0, toDays: 1, count: 3 },
      { bucket: '>30d', fromDays: 30, toDays: null, count: 14 },
    ],
    days: [
      {
        date: '2024-03-01',
        matchable: 300,
        matched: 290,
        unmatchedRate: 10 / 300,
        openExceptions: 9,
        atStake: [{ amountMinor: 120_000, currency: 'EUR' }],
      },
      { date: '2024-03-02', matchable: 0, matched: 0, unmatchedRate: null, openExceptions: 0, atStake: [] },
      {
        date: '2024-03-03',
        matchable: 500,
        matched: 410,
        unmatchedRate: 90 / 500,
        openExceptions: 8,
        atStake: [{ amountMinor: 3_459, currency: 'EUR' }],
      },
    ],
    matchedByKind: [{ kind: 'order', matchable: 400, matched: 390 }],
    sources: [
      {
        source: 'stripe:main',
        lastImportAt: '2024-04-01T09:00:00.000Z',
        lastEventAt: '2024-03-31T22:00:00.000Z',
        events: 600,
        eventsInPeriod: 580,
        expectedEveryHours: 24,
        feedMissing: true,
      },
      {
        source: 'shopify:store',
        lastImportAt: '2024-04-01T09:00:00.000Z',
        lastEventAt: null,
        events: 600,
        eventsInPeriod: 0,
        expectedEveryHours: null,
        feedMissing: false,
      },
    ],
    lastRun: { runId: 'run-9', mode: 'full', ruleSetId: 'default', ruleVersion: 3, finishedAt: '2024-04-01T09:05:00.000Z' },
    ...overrides,
  };
}

async function setup(handlers: FakeHandlers, ws: WorkspaceInfo = workspace): Promise<{ fake: FakeApi; store: AppStore }> {
  const fake = createFakeApi({ 'workspace.current': () => ws, 'workspace.recent': () => ({ workspaces: [] }), ...ownershipHandlers, ...handlers });
  const store = createAppStore(fake);
  await store.getState().loadWorkspace();
  return { fake, store };
}

function renderDashboard(fake: FakeApi, store: AppStore) {
  return render(
    <AppProvider store={store} api={fake}>
      <DashboardScreen />
    </AppProvider>,
  );
}

const callsOf = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method);

describe('dashboard slice', () => {
  it('keeps the figures of the last fetch and says why a fetch failed', async () => {
    let fail = false;
    const { fake, store } = await setup({
      'dashboard.get': () => {
        if (fail) throw new Error('ledger is locked');
        return dashboardFixture();
      },
    });
    await store.getState().loadDashboard();
    expect(store.getState().dashboard?.openExceptionsTotal).toBe(17);
    expect(store.getState().dashboardPath).toBe('/books/acme');
    fail = true;
    await store.getState().loadDashboard();
    expect(store.getState().dashboardError).toBe('ledger is locked');
    expect(store.getState().dashboard?.openExceptionsTotal).toBe(17);
    expect(callsOf(fake, 'dashboard.get')).toHaveLength(2);
  });

  it('runs the full reconcile as a job, tells the outcome and refetches', async () => {
    const { fake, store } = await setup({
      'dashboard.get': () => dashboardFixture(),
      'reconcile.run': () => ({ matchesCreated: 12, matchesEnded: 1, exceptionsOpened: 3, exceptionsClosed: 4 }),
    });
    const outcome = await store.getState().runFullReconcile();
    expect(outcome?.matchesCreated).toBe(12);
    const run = callsOf(fake, 'reconcile.run');
    expect(run).toHaveLength(1);
    expect(run[0]?.callId).toBeDefined();
    expect(store.getState().notices.at(-1)).toMatchObject({
      tone: 'success',
      text: 'Full reconcile finished: 12 matches created, 1 ended; 3 exceptions opened, 4 closed.',
    });
    expect(callsOf(fake, 'dashboard.get')).toHaveLength(1);
    expect(store.getState().dashboardReconciling).toBe(false);
    expect(store.getState().jobs).toEqual([]);
  });

  it('reports a failed reconcile as an error notice', async () => {
    const { store } = await setup({
      'reconcile.run': () => {
        throw new Error('rule set is invalid');
      },
    });
    expect(await store.getState().runFullReconcile()).toBeNull();
    expect(store.getState().notices.at(-1)).toMatchObject({ tone: 'error', text: 'Full reconcile failed: rule set is invalid' });
  });
});

describe('dashboard chart data', () => {
  it('stacks open exceptions of one code by class, most open first', () => {
    expect(openByCodeRows(dashboardFixture().openByCodeAndClass)).toEqual([
      { code: 'MISSING_PAYMENT', label: 'Missing payment', A: 0, B: 10, C: 0 },
      { code: 'AMOUNT_MISMATCH', label: 'Amount mismatch', A: 2, B: 0, C: 5 },
    ]);
  });

  it('splits matchable events of a kind into matched and unmatched', () => {
    expect(matchedByKindChart(dashboardFixture(), 'dark', () => undefined).data).toEqual([
      { kind: 'order', label: 'order', matched: 390, unmatched: 10 },
    ]);
  });

  it('reads a cadence in hours as a person says it', () => {
    expect([24, 168, 48, 6, null].map(formatCadence)).toEqual(['Daily', 'Weekly', 'Every 2 days', 'Every 6 h', 'Not declared']);
  });
});

describe('DashboardScreen', () => {
  // happy-dom has no canvas: AG Charts fails in each chart panel (contained by its boundary) and logs it.
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows the key figures formatted: percentages, money per currency never summed, counts', async () => {
    const { fake, store } = await setup({ 'dashboard.get': () => dashboardFixture() });
    renderDashboard(fake, store);
    const kpis = await screen.findByRole('region', { name: 'Key figures' });
    expect(within(kpis).getByText('12.5%')).toBeTruthy();
    expect(within(kpis).getByText('100 of 800 matchable events, 30 of them awaiting data')).toBeTruthy();
    expect(within(kpis).getByText('50.0%')).toBeTruthy();
    expect(within(kpis).getByText('17')).toBeTruthy();
    const atStake = within(kpis).getByRole('list', { name: 'Value at stake per currency' });
    expect(
      within(atStake)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['1,234.59 EUR', '50.00 USD']);
    // Red is for attention, never for a sign: no amount here is marked.
    expect(kpis.querySelectorAll('.attention')).toHaveLength(0);
    expect(within(kpis).getByText('Unknown bank line')).toBeTruthy();
    expect(within(kpis).getByText('32 d 9 h')).toBeTruthy();
    expect(within(kpis).getByText('Business date Mar 01, 2024')).toBeTruthy();

    const table = screen.getByRole('region', { name: 'Open exceptions by code and class' });
    expect(within(table).getByText('1,234.56 EUR')).toBeTruthy();
    expect(within(table).getByText('50.00 USD')).toBeTruthy();

    const sources = screen.getByRole('region', { name: 'Sources' });
    expect(within(sources).getByText('Feed missing')).toBeTruthy();
    expect(within(sources).getByText('Daily')).toBeTruthy();

    // A chart that cannot be drawn stays inside its own panel.
    expect(screen.getByRole('heading', { name: 'Open exceptions by age since the business date' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Open exceptions and value at stake by business day' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Matched and unmatched events by kind' })).toBeTruthy();
  });

  it('formats in the workspace locale', async () => {
    const { fake, store } = await setup({ 'dashboard.get': () => dashboardFixture() }, { ...workspace, locale: 'de-DE' });
    renderDashboard(fake, store);
    const kpis = await screen.findByRole('region', { name: 'Key figures' });
    expect(within(kpis).getByText('1.234,59 EUR')).toBeTruthy();
    expect(within(kpis).getByText(/^12,5\s%$/)).toBeTruthy();
  });

  it('opens the oldest open item on the Exceptions screen', async () => {
    const { fake, store } = await setup({ 'dashboard.get': () => dashboardFixture() });
    renderDashboard(fake, store);
    fireEvent.click(await screen.findByRole('button', { name: /Oldest open item: Unknown bank line, 32 d 9 h old/ }));
    expect(store.getState().screen).toBe('exceptions');
    expect(store.getState().exceptionsDetailId).toBe('exc-1');
    await waitFor(() =>
      expect(fake.calls.some((c) => c.method === 'exceptions.detail' && (c.request as { exceptionId: string }).exceptionId === 'exc-1')).toBe(true),
    );
  });

  it('says an empty workspace has no events and offers to import files', async () => {
    const empty = dashboardFixture({
      eventsTotal: 0,
      eventsMatchable: 0,
      eventsMatched: 0,
      unmatchedRate: null,
      autoResolveRate: null,
      openExceptionsTotal: 0,
      openByCodeAndClass: [],
      valueAtStake: [],
      oldestOpen: null,
      openByAge: [],
      matchedByKind: [],
      sources: [],
      lastRun: null,
    });
    const { fake, store } = await setup({ 'dashboard.get': () => empty });
    renderDashboard(fake, store);
    expect(await screen.findByRole('heading', { name: 'This workspace has no events yet' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run full reconcile' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Go to Sources to import files' }));
    expect(store.getState().screen).toBe('sources');
  });

  it('refetches when imports change and runs the reconcile from its button', async () => {
    const { fake, store } = await setup({
      'dashboard.get': () => dashboardFixture(),
      'reconcile.run': () => ({ matchesCreated: 0, matchesEnded: 0, exceptionsOpened: 0, exceptionsClosed: 0 }),
    });
    renderDashboard(fake, store);
    await screen.findByRole('region', { name: 'Key figures' });
    expect(callsOf(fake, 'dashboard.get')).toHaveLength(1);
    fake.emit({ type: 'changed', what: ['imports'] });
    await waitFor(() => expect(callsOf(fake, 'dashboard.get')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Run full reconcile' }));
    await waitFor(() => expect(callsOf(fake, 'reconcile.run')).toHaveLength(1));
    await waitFor(() => expect(callsOf(fake, 'dashboard.get')).toHaveLength(3));
  });

  it('shows a failed fetch with a way to try again', async () => {
    let fail = true;
    const { fake, store } = await setup({
      'dashboard.get': () => {
        if (fail) throw new Error('disk full');
        return dashboardFixture();
      },
    });
    renderDashboard(fake, store);
    expect((await screen.findByRole('alert')).textContent).toContain('The dashboard could not be read: disk full');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'Key figures' })).toBeTruthy();
    expect(screen.queryByText(/could not be read/)).toBeNull();
  });
});

describe('dashboard of a period, clickable into the grids', () => {
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks for the selected period and fetches again when it changes', async () => {
    const { fake, store } = await setup({ 'dashboard.get': () => dashboardFixture() });
    store.getState().setPeriod({ from: '2024-03-01', to: '2024-03-31' });
    renderDashboard(fake, store);
    await screen.findByRole('region', { name: 'Key figures' });
    expect(callsOf(fake, 'dashboard.get').map((c) => c.request)).toEqual([{ period: { from: '2024-03-01', to: '2024-03-31' } }]);
    store.getState().stepPeriod(1);
    await waitFor(() => expect(callsOf(fake, 'dashboard.get').at(-1)?.request).toEqual({ period: { from: '2024-04-01', to: '2024-04-30' } }));
  });

  it('opens the Exceptions grid filtered to what a figure, a table row or a source counts', async () => {
    const { fake, store } = await setup({ 'dashboard.get': () => dashboardFixture() });
    renderDashboard(fake, store);
    const kpis = await screen.findByRole('region', { name: 'Key figures' });
    fireEvent.click(within(kpis).getByRole('button', { name: 'Open exceptions: Show the open exceptions' }));
    expect(store.getState().screen).toBe('exceptions');
    expect(store.getState().exceptionsFilter).toEqual({ states: ['open', 'in_remediation', 'assigned', 'reopened'] });

    fireEvent.click(within(kpis).getByRole('button', { name: /Awaiting data/ }));
    expect(store.getState().screen).toBe('awaiting');
    expect(store.getState().awaitingFilter).toEqual({});
    expect(within(kpis).getByText(/30 orders awaiting payments: no stripe:main data after 2024-03-12/)).toBeTruthy();
    expect(within(kpis).getByText(/100 of 800 matchable events, 30 of them awaiting data/)).toBeTruthy();

    fireEvent.click(within(kpis).getByRole('button', { name: /Unmatched rate/ }));
    expect(store.getState().exceptionsFilter.codes).toContain('UNKNOWN_BANK_LINE');
    expect(store.getState().exceptionsFilter.codes).toContain('MISSING_PAYMENT');

    const table = screen.getByRole('region', { name: 'Open exceptions by code and class' });
    fireEvent.click(within(table).getAllByRole('button', { name: 'Amount mismatch' })[0] as HTMLElement);
    expect(store.getState().exceptionsFilter).toMatchObject({ codes: ['AMOUNT_MISMATCH'], classes: ['C'] });

    fireEvent.click(within(screen.getByRole('region', { name: 'Sources' })).getByRole('button', { name: 'stripe:main' }));
    expect(store.getState().exceptionsFilter).toMatchObject({ sources: ['stripe:main'] });
    expect(store.getState().exceptionsFilter.codes).toBeUndefined();
  });

  it('turns a chart pick into the grid’s filter: a code and class, an age range, a kind’s exceptions, a business day', () => {
    expect(filterForPick({ what: 'code', code: 'AMOUNT_MISMATCH', class: 'C' })).toEqual({ codes: ['AMOUNT_MISMATCH'], classes: ['C'] });
    expect(filterForPick({ what: 'age', fromDays: 3, toDays: 7 })).toEqual({ ageDaysMin: '3', ageDaysMax: '7' });
    expect(filterForPick({ what: 'age', fromDays: 30, toDays: null })).toEqual({ ageDaysMin: '30', ageDaysMax: '' });
    expect(filterForPick({ what: 'kind', kind: 'bank_credit' })).toEqual({ codes: ['UNKNOWN_BANK_LINE', 'AMBIGUOUS_MATCH'] });
    expect(filterForPick({ what: 'day', date: '2024-03-03' })).toEqual({ businessDateFrom: '2024-03-03', businessDateTo: '2024-03-03' });
  });

  it('draws the trend by business day: open exceptions, value at stake in the reporting currency, unmatched rate with gaps', () => {
    const rows = trendRows(dashboardFixture(), (d) => d.slice(5));
    expect(rows).toEqual([
      { date: '2024-03-01', label: '03-01', open: 9, atStake: 1200, unmatchedPercent: 3.3 },
      { date: '2024-03-02', label: '03-02', open: 0, atStake: 0, unmatchedPercent: null },
      { date: '2024-03-03', label: '03-03', open: 8, atStake: 34.59, unmatchedPercent: 18 },
    ]);
    const picks: unknown[] = [];
    const chart = openTrendChart(rows, 'EUR', 'light', (p) => picks.push(p));
    const bars = chart.series?.[0] as { listeners: { seriesNodeClick(e: { datum: unknown }): void } };
    bars.listeners.seriesNodeClick({ datum: rows[2] });
    expect(picks).toEqual([{ what: 'day', date: '2024-03-03' }]);
  });
});
