// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { ExceptionDetailPanel } from '../../src/renderer/src/screens/exceptions/ExceptionDetailPanel.tsx';
import { renderInApp } from './appHarness.tsx';
import { eventDetail, eventLine, exceptionDetailFixture, exceptionRow, setupStore } from './exceptionsFixtures.ts';

afterEach(cleanup);

describe('a missing feed offers the batch fallback', () => {
  it('FEED_MISSING: "Import a file for SOURCE" opens Sources with the import wizard preset to the source', async () => {
    const latest = eventLine('ev-last', 'payment', 'txn_last', 1_000, 'stripe:main');
    const detail = exceptionDetailFixture({
      exception: { ...exceptionRow({ code: 'FEED_MISSING', class: 'C' }), defaultClass: 'C', origin: 'engine', resolvedBy: null, resolvedHow: null },
      events: [eventDetail(latest, { fileName: 'GET /v1/balance_transactions', text: '{}', line: 1 })],
    });
    const { fake, store } = await setupStore({ 'exceptions.detail': () => detail });
    await store.getState().openExceptionDetail(detail.exception.exceptionId);
    renderInApp(fake, store, <ExceptionDetailPanel />);
    const fallback = screen.getByRole('region', { name: 'Batch fallback' });
    fireEvent.click(within(fallback).getByRole('button', { name: 'Import a file for stripe:main' }));
    expect(store.getState().screen).toBe('sources');
    expect(store.getState().importSource).toBe('stripe:main');
  });

  it('other exceptions offer no fallback', async () => {
    const detail = exceptionDetailFixture();
    const { fake, store } = await setupStore({ 'exceptions.detail': () => detail });
    await store.getState().openExceptionDetail(detail.exception.exceptionId);
    renderInApp(fake, store, <ExceptionDetailPanel />);
    expect(screen.queryByRole('region', { name: 'Batch fallback' })).toBeNull();
  });
});
