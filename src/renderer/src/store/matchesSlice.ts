// The Matches screen's state: the grid's filters, the match open in the detail panel, and unmatching it.
import { ApiError, MATCH_SORT_FIELDS, type MatchDetail, type MatchFilter, type RequestOf, type ResponseOf } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';
import { periodRequest } from './periodSlice.ts';

/** A grid column's sort, as AG Grid reports it (colId = the contract's sort field for sortable columns). */
export interface GridSort {
  colId: string;
  sort: 'asc' | 'desc';
}

type MatchSortField = (typeof MATCH_SORT_FIELDS)[number];

function isMatchSortField(colId: string): colId is MatchSortField {
  return (MATCH_SORT_FIELDS as readonly string[]).includes(colId);
}

/** The `matches.query` request for rows [startRow, endRow): empty filters are left out, sorts on other columns dropped. */
export function matchesQueryRequest(
  filter: MatchFilter,
  sortModel: readonly GridSort[],
  startRow: number,
  endRow: number,
): RequestOf<'matches.query'> {
  const request: RequestOf<'matches.query'> = {
    startRow,
    endRow,
    sort: sortModel
      .filter((s) => isMatchSortField(s.colId))
      .slice(0, 3)
      .map((s) => ({ field: s.colId as MatchSortField, dir: s.sort })),
    filter: {},
  };
  if (filter.statuses !== undefined && filter.statuses.length > 0) request.filter = { ...request.filter, statuses: filter.statuses };
  if (filter.links !== undefined && filter.links.length > 0) request.filter = { ...request.filter, links: filter.links };
  const search = filter.search?.trim() ?? '';
  if (search !== '') request.filter = { ...request.filter, search };
  return request;
}

export interface MatchesSlice {
  matchesFilter: MatchFilter;
  /** The grid's sort as last asked for by the grid (an export writes the rows in this order). */
  matchesSort: RequestOf<'matches.query'>['sort'];
  /** Rows the current filter selects, from the last page loaded; null before the first. */
  matchesTotal: number | null;
  /** Links seen in loaded rows, for the link filter (the contract has no facet method for matches). */
  matchesLinksSeen: string[];
  /** Bumped after this window changed matches, so the grid reloads its pages. */
  matchesRefresh: number;
  matchesSelectedId: string | null;
  matchesDetail: MatchDetail | null;
  matchesDetailLoading: boolean;
  matchesDetailError: string | null;
  setMatchesFilter(patch: Partial<MatchFilter>): void;
  /** The grid as it stands (period, sort, filter): what an export writes. */
  matchesView(): Pick<RequestOf<'matches.query'>, 'period' | 'sort' | 'filter'>;
  fetchMatchesPage(startRow: number, endRow: number, sortModel: readonly GridSort[]): Promise<ResponseOf<'matches.query'>>;
  openMatch(matchId: string): Promise<void>;
  closeMatch(): void;
  /** Reloads the open match (after a change elsewhere); closes the panel when the match is gone. */
  reloadMatch(): Promise<void>;
  /** Unmatches the open match; the backend's refusal becomes a notice. Resolves true when it was unmatched. */
  unmatchSelected(reason: string): Promise<boolean>;
}

export const createMatchesSlice: SliceCreator<MatchesSlice> = (api) => (set, get) => {
  /** `whenGone: 'close'` is for reloads: a match that no longer exists closes the panel instead of raising an error. */
  async function loadDetail(matchId: string, whenGone: 'report' | 'close'): Promise<void> {
    set({ matchesDetailLoading: true, matchesDetailError: null });
    try {
      const detail = await api.call('matches.detail', { matchId });
      if (get().matchesSelectedId === matchId) set({ matchesDetail: detail, matchesDetailLoading: false });
    } catch (err) {
      if (get().matchesSelectedId !== matchId) return;
      if (whenGone === 'close' && err instanceof ApiError && err.kind === 'not_found') {
        get().closeMatch();
        return;
      }
      const message = errorMessage(err);
      set({ matchesDetail: null, matchesDetailLoading: false, matchesDetailError: message });
      get().notify('error', `Match ${matchId}: ${message}`);
    }
  }

  return {
    matchesFilter: {},
    matchesSort: [],
    matchesTotal: null,
    matchesLinksSeen: [],
    matchesRefresh: 0,
    matchesSelectedId: null,
    matchesDetail: null,
    matchesDetailLoading: false,
    matchesDetailError: null,
    setMatchesFilter: (patch) => set((s) => ({ matchesFilter: { ...s.matchesFilter, ...patch } })),
    matchesView() {
      const request = matchesQueryRequest(get().matchesFilter, [], 0, 1);
      return { ...periodRequest(get()), sort: get().matchesSort, filter: request.filter };
    },
    async fetchMatchesPage(startRow, endRow, sortModel) {
      const request = { ...matchesQueryRequest(get().matchesFilter, sortModel, startRow, endRow), ...periodRequest(get()) };
      set({ matchesSort: request.sort ?? [] });
      const page = await api.call('matches.query', request);
      const seen = new Set(get().matchesLinksSeen);
      const before = seen.size;
      for (const row of page.rows) seen.add(row.link);
      set(seen.size > before ? { matchesTotal: page.totalRows, matchesLinksSeen: [...seen].sort() } : { matchesTotal: page.totalRows });
      return page;
    },
    async openMatch(matchId) {
      if (get().matchesSelectedId === matchId && get().matchesDetail !== null) return;
      set({ matchesSelectedId: matchId, matchesDetail: null });
      await loadDetail(matchId, 'report');
    },
    closeMatch: () => set({ matchesSelectedId: null, matchesDetail: null, matchesDetailLoading: false, matchesDetailError: null }),
    async reloadMatch() {
      const matchId = get().matchesSelectedId;
      if (matchId !== null) await loadDetail(matchId, 'close');
    },
    async unmatchSelected(reason) {
      const matchId = get().matchesSelectedId;
      if (matchId === null) return false;
      try {
        await api.call('matches.unmatch', { matchId, reason });
      } catch (err) {
        get().notify('error', `Could not unmatch ${matchId}: ${errorMessage(err)}`);
        return false;
      }
      get().notify('success', `Match ${matchId} unmatched; its events are open for matching again.`);
      set((s) => ({ matchesRefresh: s.matchesRefresh + 1 }));
      await loadDetail(matchId, 'close');
      return true;
    },
  };
};
