// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type EventDetail, type EventLine, type MatchDetail, type MatchRow } from '../../src/shared/api/contract.ts';
import { matchesQueryRequest } from '../../src/renderer/src/store/matchesSlice.ts';
import { MatchDetailPane, sideTotals } from '../../src/renderer/src/screens/matches/MatchDetailPane.tsx';
import { MatchesScreen } from '../../src/renderer/src/screens/MatchesScreen.tsx';
import { eventsText } from '../../src/renderer/src/screens/matches/matchText.ts';
import { appOver, renderInApp } from './appHarness.tsx';

afterEach(cleanup);

function line(eventId: string, kind: EventLine['kind'], externalId: string, amountMinor: number, source: string): EventLine {
  return {
    eventId,
    source,
    kind,
    externalId,
    amountMinor,
    currency: 'EUR',
    occurredAt: '2024-03-05T10:00:00.000Z',
    localDate: null,
    orderRef: '1001',
    counterparty: kind === 'order' ? 'Ada Lovelace' : null,
    description: kind === 'payment' ? 'Card payment' : null,
  };
}

function detailOf(l: EventLine, side: 'left' | 'right', rawText: string): EventDetail & { side: 'left' | 'right' } {
  return {
    ...l,
    side,
    feeMinor: null,
    netMinor: null,
    orderRef: '#1001',
    customerRef: null,
    payoutRef: null,
    traceId: null,
    state: null,
    channel: null,
    localDate: null,
    receivedAt: '2024-03-06T08:00:00.000Z',
    batchId: 'batch-1',
    mappingVersion: 'x@1',
    attributes: {},
    raw: { fileName: 'file.csv', artifactId: 'sha256-abc', lineStart: 3, lineEnd: 3, text: rawText, truncated: false },
  };
}

const order = line('ev-o', 'order', 'ord-1001', 12_000, 'shopify:store');
const pay1 = line('ev-p1', 'payment', 'ch_111', 7_000, 'stripe:main');
const pay2 = line('ev-p2', 'payment', 'ch_222', 5_000, 'stripe:main');

function matchRow(overrides: Partial<MatchRow> = {}): MatchRow {
  return {
    matchId: 'm-1',
    link: 'order_payment',
    status: 'matched',
    origin: 'engine',
    ruleId: 'order-payment.partial',
    ruleVersion: 3,
    score: 0.97,
    amountMinor: 12_000,
    currency: 'EUR',
    kind: 'order',
    businessDate: '2024-03-05',
    events: [order, pay1, pay2],
    eventCount: 3,
    counterparty: 'Ada Lovelace',
    description: null,
    orderRef: '1001',
    summary: 'Order ord-1001 paid in two payments',
    createdAt: '2024-03-05T23:30:00.000Z',
    createdBy: 'engine:run-4',
    ...overrides,
  };
}

function matchDetail(ended: boolean): MatchDetail {
  return {
    match: {
      ...matchRow(),
      endedAt: ended ? '2024-03-09T09:00:00.000Z' : null,
      endedBy: ended ? 'user:bea' : null,
      endReason: ended ? 'wrong customer' : null,
    },
    events: [detailOf(order, 'left', 'ord-1001,120.00'), detailOf(pay1, 'right', 'ch_111,70.00'), detailOf(pay2, 'right', 'ch_222,50.00')],
    explanation: {
      ruleId: 'order-payment.partial',
      ruleSetId: 'default',
      ruleVersion: 3,
      strategy: 'partial_payments',
      link: 'order_payment',
      summary: 'Two payments sharing the order reference add up to the order',
      keys: [],
      amountDeltaMinor: 0,
      timeDeltaHours: 2,
      score: 0.97,
      runnersUp: [],
      policy: null,
    },
    history: [
      {
        seq: 7,
        type: 'match.created',
        actor: 'engine:run-4',
        reason: null,
        at: '2024-03-05T23:30:00.000Z',
        summary: 'matched by order-payment.partial',
        payload: {},
      },
      ...(ended
        ? [
            {
              seq: 9,
              type: 'decision.unmatch',
              actor: 'user:bea',
              reason: 'wrong customer',
              at: '2024-03-09T09:00:00.000Z',
              summary: 'unmatched',
              payload: {},
            },
          ]
        : []),
    ],
  };
}

describe('matches slice', () => {
  it('builds the query from the filter and the grid sort, leaving out empty filters and unsortable columns', async () => {
    const { fake, store } = appOver({
      'matches.query': () => ({ rows: [matchRow(), matchRow({ matchId: 'm-2', link: 'bank_payout' })], totalRows: 42 }),
    });
    store.getState().setMatchesFilter({ statuses: ['manual'], links: ['order_payment'], search: '  ord-1001 ' });
    await store.getState().fetchMatchesPage(100, 200, [
      { colId: 'amountMinor', sort: 'desc' },
      { colId: 'events', sort: 'asc' },
      { colId: 'createdAt', sort: 'asc' },
    ]);
    expect(fake.calls[0]?.request).toEqual({
      startRow: 100,
      endRow: 200,
      sort: [
        { field: 'amountMinor', dir: 'desc' },
        { field: 'createdAt', dir: 'asc' },
      ],
      filter: { statuses: ['manual'], links: ['order_payment'], search: 'ord-1001' },
    });
    expect(store.getState().matchesTotal).toBe(42);
    expect(store.getState().matchesLinksSeen).toEqual(['bank_payout', 'order_payment']);

    store.getState().setMatchesFilter({ statuses: [], links: undefined, search: '   ' });
    await store.getState().fetchMatchesPage(0, 100, []);
    expect(fake.calls[1]?.request).toEqual({ startRow: 0, endRow: 100, sort: [], filter: {} });
  });

  it('sends at most three sorts, as the contract allows', () => {
    const sorts = (['link', 'status', 'ruleId', 'score'] as const).map((colId) => ({ colId, sort: 'asc' as const }));
    expect(matchesQueryRequest({}, sorts, 0, 50).sort?.map((s) => s.field)).toEqual(['link', 'status', 'ruleId']);
  });

  it('unmatches the open match with the reason, then refreshes the grid and the detail', async () => {
    let ended = false;
    const { fake, store } = appOver({
      'matches.detail': () => matchDetail(ended),
      'matches.unmatch': () => {
        ended = true;
        return { ok: true };
      },
    });
    await store.getState().openMatch('m-1');
    expect(store.getState().matchesDetail?.match.endedAt).toBeNull();
    const refreshBefore = store.getState().matchesRefresh;

    await expect(store.getState().unmatchSelected('customer paid twice by mistake')).resolves.toBe(true);
    expect(fake.calls.find((c) => c.method === 'matches.unmatch')?.request).toEqual({ matchId: 'm-1', reason: 'customer paid twice by mistake' });
    expect(store.getState().matchesRefresh).toBe(refreshBefore + 1);
    expect(fake.calls.filter((c) => c.method === 'matches.detail')).toHaveLength(2);
    expect(store.getState().matchesDetail?.match.endedBy).toBe('user:bea');
    expect(store.getState().notices.at(-1)).toMatchObject({ tone: 'success' });
  });

  it("turns the backend's refusal into an error notice with its message and changes nothing", async () => {
    const { store } = appOver({
      'matches.detail': () => matchDetail(false),
      'matches.unmatch': () => {
        throw new ApiError({ kind: 'bad_input', message: 'match m-1 already ended at 2024-03-09 by user:bea (wrong customer)', field: null });
      },
    });
    await store.getState().openMatch('m-1');
    await expect(store.getState().unmatchSelected('again')).resolves.toBe(false);
    expect(store.getState().matchesRefresh).toBe(0);
    const notice = store.getState().notices.at(-1);
    expect(notice?.tone).toBe('error');
    expect(notice?.text).toContain('match m-1 already ended at 2024-03-09 by user:bea (wrong customer)');
  });

  it('reports a detail that cannot be loaded, and closes the panel when a reload finds the match gone', async () => {
    let gone = false;
    const { store } = appOver({
      'matches.detail': () => {
        if (gone) throw new ApiError({ kind: 'not_found', message: 'no match m-1', field: null });
        throw new ApiError({ kind: 'internal', message: 'database is locked', field: null });
      },
    });
    await store.getState().openMatch('m-1');
    expect(store.getState().matchesDetailError).toBe('database is locked');
    expect(store.getState().notices.at(-1)?.text).toContain('database is locked');

    gone = true;
    await store.getState().reloadMatch();
    expect(store.getState().matchesSelectedId).toBeNull();
  });
});

describe('match detail panel', () => {
  it("groups both sides' events with their totals, and shows the explanation and history", async () => {
    const { fake, store } = appOver({ 'matches.detail': () => matchDetail(false) });
    await store.getState().openMatch('m-1');
    renderInApp(fake, store, <MatchDetailPane />);

    const left = screen.getByRole('region', { name: 'Left side' });
    const right = screen.getByRole('region', { name: 'Right side' });
    const summaries = (region: HTMLElement) => [...region.querySelectorAll('details.match-event > summary')].map((s) => s.textContent);
    // Each event by its business date, who or what it is, and its amount.
    expect(summaries(left)).toEqual(['Mar 05, 2024 Ada Lovelace 120.00 EUR']);
    expect(summaries(right)).toEqual(['Mar 05, 2024 Card payment 70.00 EUR', 'Mar 05, 2024 Card payment 50.00 EUR']);
    expect(screen.getByRole('status').textContent).toBe('matched Matched by the engine on Mar 05, 2024, 23:30');
    expect(left.textContent).toContain('1 event, total 120.00 EUR');
    expect(right.textContent).toContain('2 events, total 120.00 EUR');
    expect(
      within(screen.getByRole('region', { name: 'Explanation' })).getByText('Two payments sharing the order reference add up to the order'),
    ).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'History' })).getByText('matched by order-payment.partial')).toBeTruthy();
    expect(screen.getByText('order-payment.partial v3')).toBeTruthy();
  });

  it('asks for a reason before unmatching, then sends it and closes the form', async () => {
    let ended = false;
    const { fake, store } = appOver({
      'matches.detail': () => matchDetail(ended),
      'matches.unmatch': () => {
        ended = true;
        return { ok: true };
      },
    });
    await store.getState().openMatch('m-1');
    renderInApp(fake, store, <MatchDetailPane />);

    fireEvent.click(screen.getByRole('button', { name: 'Unmatch…' }));
    const form = screen.getByRole('form', { name: 'Unmatch' });
    fireEvent.click(within(form).getByRole('button', { name: 'Confirm unmatch' }));
    expect(within(form).getByRole('alert').textContent).toContain('A reason is required');
    expect(fake.calls.some((c) => c.method === 'matches.unmatch')).toBe(false);

    fireEvent.change(within(form).getByLabelText('Reason (required)'), { target: { value: 'order was cancelled' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Confirm unmatch' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Unmatch' })).toBeNull());
    expect(fake.calls.find((c) => c.method === 'matches.unmatch')?.request).toEqual({ matchId: 'm-1', reason: 'order was cancelled' });
    expect(screen.getByText('This match has ended; its events are no longer tied by it.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Unmatch…' })).toBeNull();
    // The header says it ended, by whom and why, never "matched by the engine" any more.
    const status = screen.getByRole('status').textContent ?? '';
    expect(status).toContain('Unmatched by user:bea on Mar 09, 2024');
    expect(status).toContain(': wrong customer');
    expect(status).not.toContain('Matched by');
  });

  it('keeps the form and the reason when the backend refuses', async () => {
    const { fake, store } = appOver({
      'matches.detail': () => matchDetail(false),
      'matches.unmatch': () => {
        throw new ApiError({ kind: 'bad_input', message: 'match m-1 already ended', field: null });
      },
    });
    await store.getState().openMatch('m-1');
    renderInApp(fake, store, <MatchDetailPane />);
    fireEvent.click(screen.getByRole('button', { name: 'Unmatch…' }));
    fireEvent.change(screen.getByLabelText('Reason (required)'), { target: { value: 'duplicate' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm unmatch' }));
    await waitFor(() => expect(store.getState().notices.at(-1)?.text).toContain('match m-1 already ended'));
    expect((screen.getByLabelText('Reason (required)') as HTMLTextAreaElement).value).toBe('duplicate');
    expect(screen.getByRole('button', { name: 'Confirm unmatch' })).toBeTruthy();
  });

  it('fetches the open match again when the backend reports changed matches', async () => {
    const { fake, store } = appOver({ 'matches.detail': () => matchDetail(false) });
    await store.getState().openMatch('m-1');
    renderInApp(fake, store, <MatchDetailPane />);
    expect(fake.calls.filter((c) => c.method === 'matches.detail')).toHaveLength(1);
    act(() => fake.emit({ type: 'changed', what: ['matches'] }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'matches.detail')).toHaveLength(2));
  });
});

describe('matches screen', () => {
  it("loads the grid's pages newest first, again from the top when a filter changes, and in place on a change event", async () => {
    const { fake, store } = appOver({ 'matches.query': () => ({ rows: [matchRow()], totalRows: 1 }) });
    renderInApp(fake, store, <MatchesScreen />);
    const queries = () => fake.calls.filter((c) => c.method === 'matches.query').map((c) => c.request);
    await waitFor(() => expect(queries()).toHaveLength(1));
    expect(queries()[0]).toEqual({ startRow: 0, endRow: 100, sort: [{ field: 'createdAt', dir: 'desc' }], filter: {} });
    await waitFor(() => expect(screen.getByText('1 match')).toBeTruthy());

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'manual' } });
    await waitFor(() => expect(queries()).toHaveLength(2));
    expect(queries()[1]).toMatchObject({ startRow: 0, filter: { statuses: ['manual'] } });

    act(() => fake.emit({ type: 'changed', what: ['matches'] }));
    await waitFor(() => expect(queries()).toHaveLength(3));
    expect(queries()[2]).toMatchObject({ filter: { statuses: ['manual'] } });
  });

  it('says what to do when there are no matches yet', async () => {
    const { fake, store } = appOver({ 'matches.query': () => ({ rows: [], totalRows: 0 }) });
    renderInApp(fake, store, <MatchesScreen />);
    await waitFor(() => expect(screen.getByText(/No matches in this period\. Choose another period above, or import orders/)).toBeTruthy());
  });

  it('"/" focuses the quick search and Escape closes the detail', async () => {
    const { fake, store } = appOver({
      'matches.query': () => ({ rows: [matchRow()], totalRows: 1 }),
      'matches.detail': () => matchDetail(false),
    });
    await store.getState().openMatch('m-1');
    renderInApp(fake, store, <MatchesScreen />);
    expect(screen.getByRole('complementary', { name: 'Match detail' })).toBeTruthy();

    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByLabelText('Search matches'));

    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(store.getState().matchesSelectedId).toBeNull();
    expect(screen.queryByRole('complementary', { name: 'Match detail' })).toBeNull();
  });

  it('applies the status, link and search filters to the store', async () => {
    const { fake, store } = appOver({ 'matches.query': () => ({ rows: [], totalRows: 0 }) });
    renderInApp(fake, store, <MatchesScreen />);
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'auto_resolved' } });
    fireEvent.change(screen.getByLabelText('Link'), { target: { value: 'bank_payout' } });
    const search = screen.getByLabelText('Search matches');
    fireEvent.change(search, { target: { value: 'pi_3' } });
    fireEvent.keyDown(search, { key: 'Enter' });
    expect(store.getState().matchesFilter).toEqual({ statuses: ['auto_resolved'], links: ['bank_payout'], search: 'pi_3' });
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(store.getState().matchesFilter).toEqual({ statuses: undefined, links: undefined, search: undefined });
  });
});

describe('match text', () => {
  it('lists the first events and says how many there are in all', () => {
    expect(eventsText(matchRow())).toBe('m-1 · ord-1001, ch_111, ch_222 (3)');
    expect(eventsText(matchRow({ events: [order], eventCount: 4 }))).toBe('m-1 · ord-1001 +3 more (4)');
  });

  it('totals a side per currency without mixing currencies', () => {
    const usd = { ...detailOf(pay1, 'right', ''), currency: 'USD', amountMinor: 1 };
    expect(sideTotals([detailOf(pay1, 'right', ''), detailOf(pay2, 'right', ''), usd])).toEqual([
      { currency: 'EUR', amountMinor: 12_000 },
      { currency: 'USD', amountMinor: 1 },
    ]);
  });
});
