// @vitest-environment happy-dom
// The app-wide slice: notices, progress of long calls from backend events, and refetch counters.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../../src/renderer/src/store/appStore.ts';
import { createFakeApi } from './fakeApi.ts';

afterEach(() => vi.useRealTimers());

describe('ui slice', () => {
  it('lets confirmations fade after a few seconds and keeps errors until dismissed', () => {
    vi.useFakeTimers();
    const store = createAppStore(createFakeApi());
    store.getState().notify('success', 'Resolved 1 exception');
    store.getState().notify('error', 'exception x_1 is resolved; reopen it before assigning it');
    expect(store.getState().notices.map((n) => n.tone)).toEqual(['success', 'error']);
    vi.advanceTimersByTime(4_000);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['exception x_1 is resolved; reopen it before assigning it']);
    store.getState().dismissNotice(store.getState().notices[0]?.id ?? -1);
    expect(store.getState().notices).toEqual([]);
  });

  it('shows a long call as a job fed by its own progress events, and drops it when the call ends', async () => {
    let finish: (value: { matchesCreated: number; matchesEnded: number; exceptionsOpened: number; exceptionsClosed: number }) => void = () => {};
    const api = createFakeApi({ 'reconcile.run': () => new Promise((resolve) => (finish = resolve)) });
    const store = createAppStore(api);
    const running = store.getState().runJob('reconcile.run', 'Reconciling', {});
    await vi.waitFor(() => expect(api.calls).toHaveLength(1));
    const callId = api.calls[0]?.callId as string;
    api.emit({ type: 'progress', callId: 'someone-else', method: 'imports.commit', label: 'Reading x.csv', done: 1, total: 2 });
    api.emit({ type: 'progress', callId, method: 'reconcile.run', label: 'Matching: order-payment.exact-key', done: 3, total: 9 });
    expect(store.getState().jobs).toEqual([
      { callId, method: 'reconcile.run', title: 'Reconciling', label: 'Matching: order-payment.exact-key', done: 3, total: 9 },
    ]);
    finish({ matchesCreated: 1, matchesEnded: 0, exceptionsOpened: 0, exceptionsClosed: 0 });
    await running;
    expect(store.getState().jobs).toEqual([]);
  });

  it('counts backend changes per area so open screens refetch', () => {
    const api = createFakeApi();
    const store = createAppStore(api);
    api.emit({ type: 'changed', what: ['matches', 'exceptions'] });
    api.emit({ type: 'changed', what: ['exceptions'] });
    expect(store.getState().changes).toEqual({ workspace: 0, settings: 0, imports: 0, matches: 1, exceptions: 2, connectors: 0, rules: 0, close: 0 });
  });
});
