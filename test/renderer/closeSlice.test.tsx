// @vitest-environment happy-dom
// The Close screen's slice: the status shown is always the chosen month's. Switching months drops the previous month's
// status until the new one arrives (its sign-off button named the other month), and a late answer for a month no
// longer chosen is dropped.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CloseStatus } from '../../src/shared/close/closeReport.ts';
import { setupStore } from './exceptionsFixtures.ts';

beforeEach(() => window.localStorage.clear());

function status(month: string): CloseStatus {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return {
    month,
    timeZone: 'America/New_York',
    fromDate: `${month}-01`,
    toDate: last,
    state: 'open',
    checklist: [],
    rollforward: { processors: [], banks: [], inTransit: [], straddling: [] },
    signOffs: [],
    adjustments: { recordedHere: 0, affectingThisMonth: 0 },
    blocking: 0,
    pack: null,
  };
}

describe('close slice', () => {
  it("drops the previous month's status while the chosen month's loads, and a late answer for another month", async () => {
    const pending = new Map<string, (s: CloseStatus) => void>();
    const { store } = await setupStore({
      'close.status': (r) => (r.month === '2026-11' ? status('2026-11') : new Promise<CloseStatus>((resolve) => pending.set(r.month, resolve))),
    });
    store.getState().setPeriod({ from: '2026-11-01', to: '2026-11-30' });
    await store.getState().loadClose();
    expect(store.getState().closeStatus?.month).toBe('2026-11');

    store.getState().setPeriod({ from: '2026-10-01', to: '2026-10-31' });
    const october = store.getState().loadClose();
    expect(store.getState().closeStatus).toBeNull();
    expect(store.getState().closeLoading).toBe(true);

    store.getState().setPeriod({ from: '2026-09-01', to: '2026-09-30' });
    const september = store.getState().loadClose();
    pending.get('2026-10')?.(status('2026-10'));
    await october;
    expect(store.getState().closeStatus).toBeNull();
    pending.get('2026-09')?.(status('2026-09'));
    await september;
    expect(store.getState().closeStatus?.month).toBe('2026-09');
    expect(store.getState().closeLoading).toBe(false);
  });
});
