// The dashboard's figures (`dashboard.get`) and the full reconcile it can start.
import type { Dashboard, ResponseOf } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';
import { periodRequest } from './periodSlice.ts';

export type ReconcileOutcome = ResponseOf<'reconcile.run'>;

export interface DashboardSlice {
  /** The last figures fetched; kept while a refetch runs so the screen never goes blank. */
  dashboard: Dashboard | null;
  /** The workspace the figures are of, so another workspace's figures are never shown as this one's. */
  dashboardPath: string | null;
  dashboardLoading: boolean;
  /** Why the last fetch failed; null after a successful one. */
  dashboardError: string | null;
  dashboardReconciling: boolean;
  loadDashboard(): Promise<void>;
  /** Runs `reconcile.run` with its progress in the top bar, tells the outcome, refetches; null on failure. */
  runFullReconcile(): Promise<ReconcileOutcome | null>;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeReconcile(outcome: ReconcileOutcome): string {
  return (
    `Full reconcile finished: ${plural(outcome.matchesCreated, 'match', 'matches')} created, ${outcome.matchesEnded} ended; ` +
    `${plural(outcome.exceptionsOpened, 'exception', 'exceptions')} opened, ${outcome.exceptionsClosed} closed.`
  );
}

export const createDashboardSlice: SliceCreator<DashboardSlice> = (api) => (set, get) => {
  // Fetches can overlap (a `changed` event right after a run); only the latest one may land.
  let latestFetch = 0;
  return {
    dashboard: null,
    dashboardPath: null,
    dashboardLoading: false,
    dashboardError: null,
    dashboardReconciling: false,
    async loadDashboard() {
      latestFetch += 1;
      const fetchId = latestFetch;
      const dashboardPath = get().workspace?.path ?? null;
      set({ dashboardLoading: true });
      try {
        const dashboard = await api.call('dashboard.get', periodRequest(get()));
        if (fetchId === latestFetch) set({ dashboard, dashboardPath, dashboardError: null, dashboardLoading: false });
      } catch (err) {
        if (fetchId === latestFetch) set({ dashboardError: errorMessage(err), dashboardLoading: false });
      }
    },
    async runFullReconcile() {
      if (get().dashboardReconciling) return null;
      set({ dashboardReconciling: true });
      try {
        const outcome = await get().runJob('reconcile.run', 'Full reconcile', {});
        get().notify('success', describeReconcile(outcome));
        await get().loadDashboard();
        return outcome;
      } catch (err) {
        get().notify('error', `Full reconcile failed: ${errorMessage(err)}`);
        return null;
      } finally {
        set({ dashboardReconciling: false });
      }
    },
  };
};
