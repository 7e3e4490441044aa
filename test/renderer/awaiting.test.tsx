// @vitest-environment happy-dom
// The Awaiting screen: events whose counterpart's feed has not arrived, shown as sentences per group, filtered into
// the grid's request, opened one by one with what they wait for.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError, type AwaitingGroup, type AwaitingRow, type AwaitingSummary, type EventDetail } from '../../src/shared/api/contract.ts';
import { AwaitingScreen, filterForGroup } from '../../src/renderer/src/screens/AwaitingScreen.tsx';
import { AwaitingDetailPane } from '../../src/renderer/src/screens/awaiting/AwaitingDetailPane.tsx';
import { awaitingFilterRequest } from '../../src/renderer/src/store/awaitingSlice.ts';
import { appOver, renderInApp } from './appHarness.tsx';

afterEach(cleanup);

const stripe = { source: 'stripe:main', deliveredThrough: '2026-10-19T23:10:00.000Z' };

const ordersGroup: AwaitingGroup = {
  code: 'MISSING_PAYMENT',
  kind: 'order',
  count: 1240,
  amount: [{ amountMinor: 9_876_500, currency: 'USD' }],
  waitingOn: [stripe],
  firstUntil: '2026-10-21T00:00:00.000Z',
  summary: '1,240 orders awaiting payments: no stripe:main data after 2026-10-19',
};
const payoutsGroup: AwaitingGroup = {
  code: 'PAYOUT_NOT_IN_BANK',
  kind: 'payout',
  count: 6,
  amount: [{ amountMinor: 1_200_000, currency: 'USD' }],
  waitingOn: [],
  firstUntil: '2026-10-09T00:00:00.000Z',
  summary: '6 payouts awaiting bank lines: no source of bank lines has delivered yet',
};
const summary: AwaitingSummary = { events: 1246, groups: [ordersGroup, payoutsGroup] };

const row: AwaitingRow = {
  eventId: 'ev-1',
  source: 'shopify:store',
  kind: 'order',
  externalId: 'gid-1001',
  amountMinor: 12_900,
  currency: 'USD',
  occurredAt: '2026-10-25T10:00:00.000Z',
  localDate: null,
  orderRef: '1001',
  counterparty: 'Ada Lovelace',
  description: null,
  businessDate: '2026-10-25',
  code: 'MISSING_PAYMENT',
  waitingOn: [stripe],
  until: '2026-10-27T10:00:00.000Z',
  reason: 'no stripe:main data after 2026-10-19',
};

const event: EventDetail = {
  ...row,
  feeMinor: null,
  netMinor: null,
  customerRef: 'ada@example.com',
  payoutRef: null,
  traceId: null,
  state: 'paid',
  channel: 'web',
  receivedAt: '2026-10-26T08:00:00.000Z',
  batchId: 'batch-1',
  mappingVersion: 'shopify-orders@1',
  attributes: {},
  raw: { fileName: 'orders.csv', artifactId: 'sha256-abc', lineStart: 7, lineEnd: 7, text: '#1001,ada@example.com,paid', truncated: false },
};

describe('awaiting slice', () => {
  it('asks for the grid with the period, the filter without its empty parts and only sortable columns', async () => {
    const { fake, store } = appOver({ 'awaiting.query': () => ({ rows: [row], totalRows: 1 }) });
    store.getState().setPeriod({ from: '2026-10-01', to: '2026-10-31' });
    store.getState().setAwaitingFilter({ codes: ['MISSING_PAYMENT'], kinds: [], waitingOn: '', search: '  #1001 ' });
    const page = await store.getState().fetchAwaitingPage(0, 100, [
      { colId: 'until', sort: 'asc' },
      { colId: 'reason', sort: 'desc' },
    ]);
    expect(page.totalRows).toBe(1);
    expect(fake.calls.at(-1)?.request).toEqual({
      startRow: 0,
      endRow: 100,
      period: { from: '2026-10-01', to: '2026-10-31' },
      sort: [{ field: 'until', dir: 'asc' }],
      filter: { codes: ['MISSING_PAYMENT'], search: '#1001' },
    });
    expect(store.getState().awaitingTotal).toBe(1);
    expect(store.getState().awaitingView()).toEqual({
      period: { from: '2026-10-01', to: '2026-10-31' },
      sort: [{ field: 'until', dir: 'asc' }],
      filter: { codes: ['MISSING_PAYMENT'], search: '#1001' },
    });
    expect(awaitingFilterRequest({})).toEqual({});
  });

  it('says an event a run has decided meanwhile no longer awaits data', async () => {
    const { store } = appOver({
      'awaiting.detail': () => {
        throw new ApiError({ kind: 'not_found', message: 'Awaiting event ev-1 does not exist', field: null });
      },
    });
    await store.getState().openAwaiting('ev-1');
    expect(store.getState().awaitingDetailError).toMatch(/no longer awaits data/);
  });

  it('opens the screen from elsewhere with a filter', () => {
    const { store } = appOver({});
    store.getState().showAwaitingFiltered(filterForGroup(ordersGroup));
    expect(store.getState().screen).toBe('awaiting');
    expect(store.getState().awaitingFilter).toEqual({ codes: ['MISSING_PAYMENT'], kinds: ['order'], waitingOn: 'stripe:main' });
  });
});

describe('AwaitingScreen', () => {
  it('states each group as a sentence with its amount; a sentence filters the grid to its events', async () => {
    const { fake, store } = appOver({ 'awaiting.summary': () => summary, 'awaiting.query': () => ({ rows: [row], totalRows: 1 }) });
    store.getState().setPeriod({ from: '2026-10-01', to: '2026-10-31' });
    renderInApp(fake, store, <AwaitingScreen />);
    const sentence = await screen.findByRole('button', { name: ordersGroup.summary });
    expect(screen.getByRole('list', { name: 'What waits on which feed' }).textContent).toContain('98,765.00');
    expect(screen.getByText(/Not exceptions/)).toBeTruthy();
    fireEvent.click(sentence);
    expect(store.getState().awaitingFilter).toEqual({ codes: ['MISSING_PAYMENT'], kinds: ['order'], waitingOn: 'stripe:main' });
    // The filters offer what the period holds.
    const waitingOn = screen.getByRole('combobox', { name: 'Waiting on' }) as HTMLSelectElement;
    expect([...waitingOn.options].map((o) => o.value)).toEqual(['', 'stripe:main']);
    expect(waitingOn.value).toBe('stripe:main');
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(store.getState().awaitingFilter).toEqual({ codes: undefined, kinds: undefined, waitingOn: undefined, search: undefined });
  });

  it('says so when nothing in the period awaits data', async () => {
    const { fake, store } = appOver({ 'awaiting.summary': () => ({ events: 0, groups: [] }), 'awaiting.query': () => ({ rows: [], totalRows: 0 }) });
    store.getState().setPeriod({ from: '2026-10-01', to: '2026-10-31' });
    renderInApp(fake, store, <AwaitingScreen />);
    expect(await screen.findByText(/Nothing in this period awaits data/)).toBeTruthy();
  });

  it('shows what an opened event waits for: each source and how far it has delivered, and the event itself', async () => {
    const { fake, store } = appOver({
      'awaiting.detail': () => ({
        event,
        waits: [{ code: row.code, waitingOn: [stripe, { source: 'paypal:eu', deliveredThrough: null }], until: row.until, reason: row.reason }],
      }),
    });
    await store.getState().openAwaiting('ev-1');
    renderInApp(fake, store, <AwaitingDetailPane />);
    const pane = screen.getByRole('complementary', { name: 'Awaiting event detail' });
    await waitFor(() => expect(pane.textContent).toContain('Would become: Missing payment'));
    expect(pane.textContent).toContain('Waiting because no stripe:main data after 2026-10-19');
    expect(pane.textContent).toContain('once every source below has delivered through');
    expect(pane.textContent).toContain('nothing yet');
    expect(pane.textContent).toContain('#1001,ada@example.com,paid');
    fireEvent.click(screen.getByRole('button', { name: 'Close the detail' }));
    expect(store.getState().awaitingSelectedId).toBeNull();
  });
});
