// The Awaiting screen's state: events whose counterpart's feed has not arrived yet (never exceptions), the filter
// over them, the grid's total and sort, the period's groups with their sentences, and the one open in the detail.
import {
  ApiError,
  AWAITING_SORT_FIELDS,
  type AwaitingFilter,
  type AwaitingSummary,
  type RequestOf,
  type ResponseOf,
} from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';
import { periodRequest } from './periodSlice.ts';

type AwaitingSortField = (typeof AWAITING_SORT_FIELDS)[number];
export type AwaitingDetail = ResponseOf<'awaiting.detail'>;

interface GridSort {
  colId: string;
  sort: 'asc' | 'desc';
}

function isSortField(colId: string): colId is AwaitingSortField {
  return (AWAITING_SORT_FIELDS as readonly string[]).includes(colId);
}

/** The filter without its empty parts, as the contract takes it. */
export function awaitingFilterRequest(filter: AwaitingFilter): AwaitingFilter {
  const out: AwaitingFilter = {};
  if (filter.codes !== undefined && filter.codes.length > 0) out.codes = filter.codes;
  if (filter.kinds !== undefined && filter.kinds.length > 0) out.kinds = filter.kinds;
  if (filter.waitingOn !== undefined && filter.waitingOn !== '') out.waitingOn = filter.waitingOn;
  const search = filter.search?.trim() ?? '';
  if (search !== '') out.search = search;
  return out;
}

export interface AwaitingSlice {
  awaitingFilter: AwaitingFilter;
  awaitingSort: NonNullable<RequestOf<'awaiting.query'>['sort']>;
  /** Rows the filter selects, from the last page loaded; null before the first. */
  awaitingTotal: number | null;
  /** The period's groups (what the filter offers, and the sentences above the grid); null until read. */
  awaitingSummary: AwaitingSummary | null;
  awaitingSelectedId: string | null;
  awaitingDetail: AwaitingDetail | null;
  awaitingDetailError: string | null;
  setAwaitingFilter(patch: Partial<AwaitingFilter>): void;
  /** Opens the Awaiting screen showing what `filter` selects (from the dashboard). */
  showAwaitingFiltered(filter: AwaitingFilter): void;
  loadAwaitingSummary(): Promise<void>;
  awaitingView(): Pick<RequestOf<'awaiting.query'>, 'period' | 'sort' | 'filter'>;
  fetchAwaitingPage(startRow: number, endRow: number, sortModel: readonly GridSort[]): Promise<ResponseOf<'awaiting.query'>>;
  openAwaiting(eventId: string): Promise<void>;
  closeAwaiting(): void;
}

export const createAwaitingSlice: SliceCreator<AwaitingSlice> = (api) => (set, get) => ({
  awaitingFilter: {},
  awaitingSort: [],
  awaitingTotal: null,
  awaitingSummary: null,
  awaitingSelectedId: null,
  awaitingDetail: null,
  awaitingDetailError: null,
  setAwaitingFilter: (patch) => set((s) => ({ awaitingFilter: { ...s.awaitingFilter, ...patch } })),
  showAwaitingFiltered(filter) {
    set({ awaitingFilter: filter, awaitingSelectedId: null, awaitingDetail: null, awaitingDetailError: null });
    get().showScreen('awaiting');
  },
  async loadAwaitingSummary() {
    try {
      set({ awaitingSummary: await api.call('awaiting.summary', { ...periodRequest(get()) }) });
    } catch (err) {
      get().notify('error', `Could not read what awaits data: ${errorMessage(err)}`);
    }
  },
  awaitingView: () => ({ ...periodRequest(get()), sort: get().awaitingSort, filter: awaitingFilterRequest(get().awaitingFilter) }),
  async fetchAwaitingPage(startRow, endRow, sortModel) {
    const sort = sortModel
      .filter((s) => isSortField(s.colId))
      .slice(0, 3)
      .map((s) => ({ field: s.colId as AwaitingSortField, dir: s.sort }));
    set({ awaitingSort: sort });
    const page = await api.call('awaiting.query', {
      startRow,
      endRow,
      sort,
      filter: awaitingFilterRequest(get().awaitingFilter),
      ...periodRequest(get()),
    });
    set({ awaitingTotal: page.totalRows });
    return page;
  },
  async openAwaiting(eventId) {
    set({ awaitingSelectedId: eventId, awaitingDetail: null, awaitingDetailError: null });
    try {
      const detail = await api.call('awaiting.detail', { eventId });
      if (get().awaitingSelectedId === eventId) set({ awaitingDetail: detail });
    } catch (err) {
      if (get().awaitingSelectedId !== eventId) return;
      // A run decided it meanwhile (matched, or an exception opened): it is no longer waiting.
      const gone = err instanceof ApiError && err.kind === 'not_found';
      set({ awaitingDetailError: gone ? 'This event no longer awaits data: a run has matched it or opened its exception.' : errorMessage(err) });
    }
  },
  closeAwaiting: () => set({ awaitingSelectedId: null, awaitingDetail: null, awaitingDetailError: null }),
});
