// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api/contract.ts';
import {
  DEFAULT_EXCEPTIONS_FILTER,
  OPEN_STATES,
  exceptionFilterFromInput,
  exceptionSortFromGrid,
} from '../../src/renderer/src/store/exceptionsSlice.ts';
import { callsOf, exceptionDetailFixture, exceptionRow, setupStore, workspaceUsd } from './exceptionsFixtures.ts';

const page = () => ({ rows: [exceptionRow()], totalRows: 1234 });

describe('exceptions filter', () => {
  it('sends the toolbar filter, exact minor units and the mapped sort with each page request', async () => {
    const { fake, store } = await setupStore({ 'exceptions.query': page });
    const before = store.getState().exceptionsQueryVersion;
    store.getState().setExceptionsFilter({
      codes: ['AMOUNT_MISMATCH', 'MISSING_ORDER'],
      classes: ['C'],
      sources: ['stripe:main'],
      amountMin: '1,234.56',
      amountMax: '$2,000',
      ageDaysMin: '3',
      ageDaysMax: '10.5',
      search: '  ord-1001 ',
    });
    expect(store.getState().exceptionsQueryVersion).toBe(before + 1);
    const result = await store.getState().fetchExceptionsPage(100, 200, [
      { colId: 'amountMinor', sort: 'desc' },
      { colId: 'events', sort: 'asc' },
      { colId: 'createdAt', sort: 'asc' },
    ]);
    expect(result.totalRows).toBe(1234);
    expect(store.getState().exceptionsTotal).toBe(1234);
    expect(callsOf(fake, 'exceptions.query').at(-1)?.request).toEqual({
      startRow: 100,
      endRow: 200,
      sort: [
        { field: 'amountMinor', dir: 'desc' },
        { field: 'createdAt', dir: 'asc' },
      ],
      filter: {
        codes: ['AMOUNT_MISMATCH', 'MISSING_ORDER'],
        classes: ['C'],
        states: [...OPEN_STATES],
        sources: ['stripe:main'],
        amountMinMinor: 123_456,
        amountMaxMinor: 200_000,
        ageDaysMin: 3,
        ageDaysMax: 10.5,
        search: 'ord-1001',
      },
    });
  });

  it('reads amounts in the workspace locale and currency, never through a float', async () => {
    const { store } = await setupStore({}, { ...workspaceUsd, reportingCurrency: 'EUR', locale: 'de-DE' });
    store.getState().setExceptionsFilter({ amountMin: '1.234,56', amountMax: '90.071.992.547.409,91' });
    expect(store.getState().exceptionsFilterErrors).toEqual({});
    expect(store.getState().exceptionsFilter.amountMinMinor).toBe(123_456);
    expect(store.getState().exceptionsFilter.amountMaxMinor).toBe(9_007_199_254_740_991);
    // 0.29 * 100 is 28.999999999999996 in binary floating point.
    store.getState().setExceptionsFilter({ amountMin: '0,29' });
    expect(store.getState().exceptionsFilter.amountMinMinor).toBe(29);

    const jpy = exceptionFilterFromInput({ ...DEFAULT_EXCEPTIONS_FILTER, amountMin: '1,234' }, { currency: 'JPY', locale: 'ja-JP' });
    expect(jpy.filter.amountMinMinor).toBe(1234);
    const kwd = exceptionFilterFromInput({ ...DEFAULT_EXCEPTIONS_FILTER, amountMin: '0.1' }, { currency: 'KWD', locale: 'en-US' });
    expect(kwd.filter.amountMinMinor).toBe(100);
  });

  it('keeps the applied filter while a typed bound cannot be read, and says why', async () => {
    const { store } = await setupStore({});
    store.getState().setExceptionsFilter({ amountMin: '100' });
    const applied = store.getState().exceptionsFilter;
    const version = store.getState().exceptionsQueryVersion;
    store.getState().setExceptionsFilter({ amountMin: '12abc', ageDaysMax: 'soon' });
    expect(store.getState().exceptionsFilterErrors.amountMin).toMatch(/Not an amount in USD/);
    expect(store.getState().exceptionsFilterErrors.ageDaysMax).toMatch(/number of days/);
    expect(store.getState().exceptionsFilter).toBe(applied);
    expect(store.getState().exceptionsQueryVersion).toBe(version);
    expect(store.getState().exceptionsFilterInput.amountMin).toBe('12abc');

    store.getState().setExceptionsFilter({ amountMin: '-5', ageDaysMax: '' });
    expect(store.getState().exceptionsFilterErrors.amountMin).toMatch(/positive/);
    store.getState().setExceptionsFilter({ amountMin: '50', amountMax: '10' });
    expect(store.getState().exceptionsFilterErrors).toEqual({ amountMax: 'The maximum is below the minimum' });
  });

  it('starts over only when the applied filter really changes, and an empty state list means every state', async () => {
    const { store } = await setupStore({});
    const version = store.getState().exceptionsQueryVersion;
    store.getState().setExceptionsFilter({ search: '   ' });
    expect(store.getState().exceptionsQueryVersion).toBe(version);
    store.getState().setExceptionsFilter({ states: [] });
    expect(store.getState().exceptionsFilter).toEqual({});
    expect(store.getState().exceptionsQueryVersion).toBe(version + 1);
    store.getState().resetExceptionsFilter();
    expect(store.getState().exceptionsFilter).toEqual({ states: [...OPEN_STATES] });
  });

  it('maps only sortable columns onto the contract, three at most', () => {
    expect(
      exceptionSortFromGrid([
        { colId: 'sources', sort: 'asc' },
        { colId: 'code', sort: 'asc' },
        { colId: 'ageDays', sort: 'desc' },
        { colId: 'owner', sort: 'asc' },
        { colId: 'dueAt', sort: 'asc' },
      ]),
    ).toEqual([
      { field: 'code', dir: 'asc' },
      { field: 'ageDays', dir: 'desc' },
      { field: 'owner', dir: 'asc' },
    ]);
  });
});

describe('exceptions decisions', () => {
  it('bulk-resolves the selected ids with the reason, then refreshes grid, facets and the open detail', async () => {
    const { fake, store } = await setupStore({
      'exceptions.resolve': (r) => ({ resolved: r.exceptionIds.length }),
      'exceptions.detail': () => exceptionDetailFixture(),
    });
    await store.getState().openExceptionDetail('exc-1');
    store.getState().setExceptionsSelected(['exc-1', 'exc-2', 'exc-3']);
    const refresh = store.getState().exceptionsRefreshVersion;
    const detailCalls = callsOf(fake, 'exceptions.detail').length;

    expect(await store.getState().resolveExceptions(store.getState().exceptionsSelectedIds, { category: 'timing', reason: 'Paid by cheque' })).toBe(
      true,
    );

    expect(callsOf(fake, 'exceptions.resolve').map((c) => c.request)).toEqual([
      { exceptionIds: ['exc-1', 'exc-2', 'exc-3'], category: 'timing', reason: 'Paid by cheque' },
    ]);
    expect(store.getState().notices.at(-1)).toMatchObject({ tone: 'success', text: 'Resolved 3 exceptions' });
    expect(store.getState().exceptionsRefreshVersion).toBe(refresh + 1);
    expect(callsOf(fake, 'exceptions.detail')).toHaveLength(detailCalls + 1);
    expect(callsOf(fake, 'exceptions.facets')).toHaveLength(1);
    expect(store.getState().exceptionsSelectedIds).toEqual([]);
    expect(store.getState().exceptionsBusy).toBe(false);
  });

  it("turns the backend's refusal into a readable notice and leaves grid and selection alone", async () => {
    const { store } = await setupStore({
      'exceptions.resolve': () => {
        throw new ApiError({
          kind: 'bad_input',
          message: 'exception exc-7 is above the policy gate: only a person (user:NAME) may resolve it',
          field: null,
        });
      },
    });
    store.getState().setExceptionsSelected(['exc-7']);
    const refresh = store.getState().exceptionsRefreshVersion;
    expect(await store.getState().resolveExceptions(['exc-7'], { category: 'duplicate', reason: 'charged twice' })).toBe(false);
    expect(store.getState().notices.at(-1)).toMatchObject({
      tone: 'error',
      text: 'Could not resolve 1 exception: exception exc-7 is above the policy gate: only a person (user:NAME) may resolve it',
    });
    expect(store.getState().exceptionsRefreshVersion).toBe(refresh);
    expect(store.getState().exceptionsSelectedIds).toEqual(['exc-7']);
  });

  it('comments, reopens, assigns and reassigns in bulk with the request the contract names', async () => {
    const { fake, store } = await setupStore({
      'exceptions.comment': (r) => ({ commented: r.exceptionIds.length }),
      'exceptions.reopen': () => ({ ok: true }),
      'exceptions.reassign': (r) => ({ assigned: r.exceptionIds.length, owner: r.owner === 'carla' ? 'Carla Diaz <carla@example.com>' : r.owner }),
    });
    expect(await store.getState().commentExceptions(['exc-1', 'exc-2'], 'Asked the bank')).toBe(true);
    expect(await store.getState().reopenException('exc-1', 'Customer disputed')).toBe(true);
    expect(await store.getState().assignException('exc-1', 'user:carla')).toBe(true);
    store.getState().setExceptionsSelected(['exc-2', 'exc-3']);
    expect(await store.getState().reassignExceptions(['exc-2', 'exc-3'], 'carla', ' Bea is on leave ')).toBe(true);
    expect(store.getState().exceptionsSelectedIds).toEqual([]);
    expect(
      fake.calls.filter((c) => c.method.startsWith('exceptions.') && c.method !== 'exceptions.facets').map((c) => [c.method, c.request]),
    ).toEqual([
      ['exceptions.comment', { exceptionIds: ['exc-1', 'exc-2'], text: 'Asked the bank' }],
      ['exceptions.reopen', { exceptionId: 'exc-1', reason: 'Customer disputed' }],
      ['exceptions.reassign', { exceptionIds: ['exc-1'], owner: 'user:carla' }],
      ['exceptions.reassign', { exceptionIds: ['exc-2', 'exc-3'], owner: 'carla', reason: ' Bea is on leave ' }],
    ]);
    expect(store.getState().notices.map((n) => n.text)).toEqual([
      'Commented on 2 exceptions',
      'Reopened exc-1',
      'Assigned exc-1 to user:carla',
      'Reassigned 2 exceptions to Carla Diaz <carla@example.com>',
    ]);
  });

  it('sends a manual match as link, left and right event ids and reason', async () => {
    const { fake, store } = await setupStore({ 'matches.manual': () => ({ matchId: 'mm_1' }) });
    const request = { link: 'order_payment', leftEventIds: ['ev-order'], rightEventIds: ['ev-pay2', 'ev-pay1'], reason: 'Split payment' };
    expect(await store.getState().manualMatchException(request)).toBe(true);
    expect(callsOf(fake, 'matches.manual').map((c) => c.request)).toEqual([request]);
    expect(store.getState().notices.at(-1)?.text).toBe('Matched 3 events by hand (mm_1)');
  });

  it('shows why a detail could not be loaded, and drops an answer for a detail no longer open', async () => {
    let release: () => void = () => undefined;
    const { store } = await setupStore({
      'exceptions.detail': (r) => {
        if (r.exceptionId === 'gone') throw new ApiError({ kind: 'not_found', message: 'exception gone does not exist', field: null });
        return new Promise((resolve) => {
          release = () => resolve(exceptionDetailFixture());
        });
      },
    });
    await store.getState().openExceptionDetail('gone');
    expect(store.getState().exceptionsDetailError).toBe('exception gone does not exist');
    const slow = store.getState().openExceptionDetail('exc-1');
    store.getState().closeExceptionDetail();
    release();
    await slow;
    expect(store.getState().exceptionsDetail).toBeNull();
    expect(store.getState().exceptionsDetailId).toBeNull();
  });
});
