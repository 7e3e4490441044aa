// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import '../../src/renderer/src/grid/gridSetup.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { ExceptionsScreen } from '../../src/renderer/src/screens/ExceptionsScreen.tsx';
import { callsOf, exceptionDetailFixture, exceptionRow, setupStore } from './exceptionsFixtures.ts';

afterEach(cleanup);

// AG Grid loads its first block asynchronously (and after a short debounce); a busy machine needs patience.
const GRID_WAIT = { timeout: 15_000 };

async function renderScreen() {
  const { fake, store } = await setupStore({
    'exceptions.query': () => ({ rows: [exceptionRow()], totalRows: 1 }),
    'exceptions.detail': () => exceptionDetailFixture(),
  });
  render(
    <AppProvider store={store} api={fake}>
      <ExceptionsScreen />
    </AppProvider>,
  );
  await waitFor(() => expect(store.getState().exceptionsFacets).not.toBeNull());
  return { fake, store };
}

describe('exceptions screen', () => {
  it('asks the backend for blocks of 100 open exceptions, shows the total and starts over on a new filter', async () => {
    const { fake, store } = await renderScreen();
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(1), GRID_WAIT);
    expect(callsOf(fake, 'exceptions.query')[0]?.request).toEqual({
      startRow: 0,
      endRow: 100,
      sort: [],
      filter: { states: ['open', 'in_remediation', 'assigned', 'reopened'] },
    });
    await waitFor(() => expect(screen.getByRole('status', { name: 'Exceptions in the filtered set' }).textContent).toBe('1 exception'), GRID_WAIT);
    const grid = screen.getByRole('region', { name: 'Exceptions grid' });
    // A row reads as a person reads it: the business date, the code in words, who, how much, what, which order.
    await waitFor(
      () =>
        expect(grid.querySelector('.ag-row')?.textContent).toContain(
          'Mar 05, 2024CAmount mismatchAda Lovelace5.00 USDCard payment for order #1001#1001open',
        ),
      GRID_WAIT,
    );
    // Ids are one tick away, hidden until asked for.
    expect(grid.querySelector('.ag-row [col-id="ids"]')).toBeNull();
    act(() => store.getState().setShowIds(true));
    await waitFor(() => expect(grid.querySelector('.ag-row [col-id="ids"]')?.textContent).toBe('exc-1 · ord-1001, ch_111'), GRID_WAIT);

    act(() => store.getState().setExceptionsFilter({ classes: ['A'] }));
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(2), GRID_WAIT);
    expect(callsOf(fake, 'exceptions.query')[1]?.request).toMatchObject({ startRow: 0, filter: { classes: ['A'] } });
  });

  it('opens the detail of a clicked row or on Enter, and records ticked rows as the selection', async () => {
    const { fake, store } = await renderScreen();
    const grid = screen.getByRole('region', { name: 'Exceptions grid' });
    await waitFor(() => expect(grid.querySelector('.ag-row [col-id="code"]')?.textContent).toBe('CAmount mismatch'), GRID_WAIT);
    fireEvent.click(grid.querySelector('.ag-row [col-id="code"]')!);
    await waitFor(() => expect(store.getState().exceptionsDetailId).toBe('exc-1'));
    expect(callsOf(fake, 'exceptions.detail')).toHaveLength(1);

    act(() => store.getState().closeExceptionDetail());
    fireEvent.keyDown(grid.querySelector('.ag-row [col-id="state"]')!, { key: 'Enter' });
    await waitFor(() => expect(store.getState().exceptionsDetailId).toBe('exc-1'));
    act(() => store.getState().closeExceptionDetail());

    fireEvent.click(grid.querySelector('.ag-row .ag-selection-checkbox input')!);
    await waitFor(() => expect(store.getState().exceptionsSelectedIds).toEqual(['exc-1']));
    expect(store.getState().exceptionsDetailId).toBeNull();
    expect(screen.getByText('1 exception selected')).toBeTruthy();
  });

  it('offers the codes of the ledger with their open counts', async () => {
    await renderScreen();
    fireEvent.click(screen.getByRole('button', { name: 'Code: All codes' }));
    const option = screen.getByRole('checkbox', { name: 'AMOUNT_MISMATCH 3 open' });
    fireEvent.click(option);
    expect(screen.getByRole('button', { name: 'Code: AMOUNT_MISMATCH' })).toBeTruthy();
  });

  it('focuses the quick search on "/" and applies it after a pause', async () => {
    const { store } = await renderScreen();
    const search = screen.getByRole('searchbox', { name: 'Search (/)' });
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: 'ch_111' } });
    expect(store.getState().exceptionsFilter.search).toBeUndefined();
    await waitFor(() => expect(store.getState().exceptionsFilter.search).toBe('ch_111'), { timeout: 1000 });
  });

  it('shows an unreadable amount bound next to its field', async () => {
    const { store } = await renderScreen();
    const min = screen.getByLabelText('At stake from (USD)');
    fireEvent.change(min, { target: { value: '1.234,56' } });
    fireEvent.blur(min);
    expect(store.getState().exceptionsFilterErrors.amountMin).toBeDefined();
    expect(screen.getByText(store.getState().exceptionsFilterErrors.amountMin!)).toBeTruthy();
  });

  it('asks for the selected period, starts over when it changes, and drops a detail it may not hold', async () => {
    const { fake, store } = await renderScreen();
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(1), GRID_WAIT);
    await act(() => store.getState().openExceptionDetail('exc-1'));
    act(() => store.getState().setPeriod({ from: '2024-03-01', to: '2024-03-31' }));
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(2), GRID_WAIT);
    expect(callsOf(fake, 'exceptions.query')[1]?.request).toMatchObject({ startRow: 0, period: { from: '2024-03-01', to: '2024-03-31' } });
    expect(callsOf(fake, 'exceptions.facets').at(-1)?.request).toEqual({ period: { from: '2024-03-01', to: '2024-03-31' } });
    expect(store.getState().exceptionsDetailId).toBeNull();
    // A new filter is another set of rows too: no stale detail survives it.
    await act(() => store.getState().openExceptionDetail('exc-1'));
    act(() => store.getState().setExceptionsFilter({ search: 'ch_999' }));
    expect(store.getState().exceptionsDetailId).toBeNull();
    // Nor does leaving the screen.
    await act(() => store.getState().openExceptionDetail('exc-1'));
    act(() => store.getState().showScreen('exceptions'));
    act(() => store.getState().showScreen('matches'));
    expect(store.getState().exceptionsDetailId).toBeNull();
  });

  it('exports the grid as it stands: its filter, its sort and the period', async () => {
    const { fake, store } = await renderScreen();
    fake.handlers['export.grid'] = () => ({
      fileName: 'tieout-exceptions-2024-03.csv',
      mediaType: 'text/csv; charset=utf-8',
      rows: 1,
      base64: btoa('a,b\r\n'),
    });
    act(() => store.getState().setPeriod({ from: '2024-03-01', to: '2024-03-31' }));
    act(() => store.getState().setExceptionsFilter({ codes: ['AMOUNT_MISMATCH'] }));
    await waitFor(
      () => expect(callsOf(fake, 'exceptions.query').at(-1)?.request).toMatchObject({ filter: { codes: ['AMOUNT_MISMATCH'] } }),
      GRID_WAIT,
    );
    const clicks: string[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    };
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
      await waitFor(() => expect(clicks).toEqual(['tieout-exceptions-2024-03.csv']));
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(callsOf(fake, 'export.grid')[0]?.request).toEqual({
      grid: 'exceptions',
      format: 'csv',
      period: { from: '2024-03-01', to: '2024-03-31' },
      sort: [],
      filter: { codes: ['AMOUNT_MISMATCH'], states: ['open', 'in_remediation', 'assigned', 'reopened'] },
    });
    expect(store.getState().notices.at(-1)?.text).toBe('Exported 1 row to tieout-exceptions-2024-03.csv');
  });

  it('closes the detail on Escape and refetches when the backend says exceptions or matches changed', async () => {
    const { fake, store } = await renderScreen();
    await act(() => store.getState().openExceptionDetail('exc-1'));
    const panel = await screen.findByRole('complementary', { name: 'Exception detail' });
    expect(within(panel).getByRole('region', { name: 'Summary' }).textContent).toContain('exc-1');

    const facets = callsOf(fake, 'exceptions.facets').length;
    const details = callsOf(fake, 'exceptions.detail').length;
    const refresh = store.getState().exceptionsRefreshVersion;
    act(() => fake.emit({ type: 'changed', what: ['matches'] }));
    await waitFor(() => expect(callsOf(fake, 'exceptions.facets')).toHaveLength(facets + 1));
    expect(callsOf(fake, 'exceptions.detail')).toHaveLength(details + 1);
    expect(store.getState().exceptionsRefreshVersion).toBe(refresh + 1);
    act(() => fake.emit({ type: 'changed', what: ['imports'] }));
    expect(store.getState().exceptionsRefreshVersion).toBe(refresh + 1);

    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(store.getState().exceptionsDetailId).toBeNull();
    expect(screen.queryByRole('complementary', { name: 'Exception detail' })).toBeNull();
  });
});
