// The Growth screen's state: the growth tie-out of the period's month (`growth.report`), which day × platform row is
// open, and the events behind each part of an open row's gap (`growth.events`), fetched when asked for.
import type { EventLine } from '../../../shared/api/contract.ts';
import type { GrowthReport } from '../../../shared/growth/growthReport.ts';
import { periodMonth, type Period } from '../../../shared/time/period.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export interface GrowthPartEvents {
  loading: boolean;
  events: EventLine[];
  error: string | null;
}

export interface GrowthSlice {
  growth: GrowthReport | null;
  /** The workspace the report is of, so another workspace's figures are never shown as this one's. */
  growthPath: string | null;
  growthLoading: boolean;
  /** Why the last fetch failed (a ledger without ad spend or orders says so here); null after a successful one. */
  growthError: string | null;
  /** The open row (`rowKey`), or null. */
  growthOpenRow: string | null;
  /** Events behind a part of a row, by `rowKey|part`. */
  growthPartEvents: Record<string, GrowthPartEvents>;
  loadGrowth(): Promise<void>;
  toggleGrowthRow(key: string): void;
  loadGrowthPart(key: string, eventIds: readonly string[]): Promise<void>;
}

/** The tie-out is by month: the period's month, or the month a range of days starts in. */
export function growthMonth(period: Period | null): string | undefined {
  if (period === null) return undefined;
  return periodMonth(period) ?? period.from.slice(0, 7);
}

export const rowKey = (r: { date: string; platform: string }): string => `${r.date}|${r.platform}`;

export const createGrowthSlice: SliceCreator<GrowthSlice> = (api) => (set, get) => {
  let latestFetch = 0;
  return {
    growth: null,
    growthPath: null,
    growthLoading: false,
    growthError: null,
    growthOpenRow: null,
    growthPartEvents: {},
    async loadGrowth() {
      latestFetch += 1;
      const fetchId = latestFetch;
      const growthPath = get().workspace?.path ?? null;
      const month = growthMonth(get().period);
      set({ growthLoading: true });
      try {
        const growth = await api.call('growth.report', month === undefined ? {} : { period: month });
        if (fetchId !== latestFetch) return;
        // Other figures: the open row's events are fetched again when asked for.
        set({ growth, growthPath, growthError: null, growthLoading: false, growthPartEvents: {} });
      } catch (err) {
        if (fetchId === latestFetch) set({ growth: null, growthPath, growthError: errorMessage(err), growthLoading: false });
      }
    },
    toggleGrowthRow(key) {
      set((s) => ({ growthOpenRow: s.growthOpenRow === key ? null : key }));
    },
    async loadGrowthPart(key, eventIds) {
      if (eventIds.length === 0 || get().growthPartEvents[key]?.loading === true) return;
      set((s) => ({ growthPartEvents: { ...s.growthPartEvents, [key]: { loading: true, events: [], error: null } } }));
      try {
        const { events } = await api.call('growth.events', { eventIds: [...eventIds] });
        set((s) => ({ growthPartEvents: { ...s.growthPartEvents, [key]: { loading: false, events, error: null } } }));
      } catch (err) {
        set((s) => ({ growthPartEvents: { ...s.growthPartEvents, [key]: { loading: false, events: [], error: errorMessage(err) } } }));
      }
    },
  };
};
