// The Exceptions screen's state: the filter as typed and as applied, the grid's total and selection, the open
// detail, the filter facets, and the decisions (resolve, comment, reopen, assign, manual match) that call the
// API and then refresh what they changed.
import {
  EXCEPTION_SORT_FIELDS,
  type ExceptionDetail,
  type ExceptionFilter,
  type ExceptionRow,
  type ExceptionState,
  type RequestOf,
  type ResponseOf,
} from '../../../shared/api/contract.ts';
import { numberStyleForLocale, parseAmount, type NumberStyle } from '../../../shared/money/amountText.ts';
import type { Resolution } from '../../../shared/review/resolution.ts';
import { isCalendarDate } from '../../../shared/time/period.ts';
import type { ExceptionQueue } from '../../../shared/api/ownershipContract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';
import { periodRequest } from './periodSlice.ts';
import { OPEN_EXCEPTION_STATES } from '../../../shared/exceptions/states.ts';

export type ExceptionCode = NonNullable<ExceptionFilter['codes']>[number];
export type ExceptionClass = NonNullable<ExceptionFilter['classes']>[number];
export type ExceptionFacets = ResponseOf<'exceptions.facets'>;
export type SlaState = NonNullable<ExceptionFilter['slaStates']>[number];

/** The states in which an exception still needs someone: the default filter (one definition, src/shared). */
export const OPEN_STATES: readonly ExceptionState[] = OPEN_EXCEPTION_STATES;

/** The filter as the toolbar holds it: amounts and ages as typed, parsed when applied. */
export interface ExceptionsFilterInput {
  codes: ExceptionCode[];
  classes: ExceptionClass[];
  states: ExceptionState[];
  sources: string[];
  /** |amount at stake| bounds in major units of the workspace currency, as typed ("1,234.56"). */
  amountMin: string;
  amountMax: string;
  ageDaysMin: string;
  ageDaysMax: string;
  /** Business days inside the period (YYYY-MM-DD), as the date inputs give them; '' = the whole period. */
  businessDateFrom: string;
  businessDateTo: string;
  search: string;
  /** A work queue (My queue, Team, …); null: every exception the other filters let through. */
  queue: ExceptionQueue | null;
  /** Owners ("NAME <EMAIL>"; '' = unassigned), domains ('' = none), SLA states. */
  owners: string[];
  domains: string[];
  slaStates: SlaState[];
}

export type ExceptionsFilterErrors = Partial<Record<'amountMin' | 'amountMax' | 'ageDaysMin' | 'ageDaysMax' | 'businessDateTo', string>>;

export const DEFAULT_EXCEPTIONS_FILTER: ExceptionsFilterInput = {
  codes: [],
  classes: [],
  states: [...OPEN_STATES],
  sources: [],
  amountMin: '',
  amountMax: '',
  ageDaysMin: '',
  ageDaysMax: '',
  businessDateFrom: '',
  businessDateTo: '',
  search: '',
  queue: null,
  owners: [],
  domains: [],
  slaStates: [],
};

export interface GridSortItem {
  colId: string;
  sort: 'asc' | 'desc';
}

function numberStyle(locale: string): NumberStyle {
  try {
    return numberStyleForLocale(locale);
  } catch {
    return numberStyleForLocale('en-US');
  }
}

function parseBound(text: string, currency: string, style: NumberStyle): { minor?: number; error?: string } {
  if (text.trim() === '') return {};
  const parsed = parseAmount(text, currency, style);
  if (!parsed.ok) return { error: `Not an amount in ${currency}: ${parsed.error}` };
  if (parsed.minor < 0) return { error: 'Amount bounds compare the size of the amount at stake: enter a positive amount' };
  return { minor: parsed.minor };
}

function parseDays(text: string): { days?: number; error?: string } {
  const t = text.trim();
  if (t === '') return {};
  if (!/^\d+(?:\.\d+)?$/.test(t)) return { error: 'Enter a number of days (0 or more)' };
  return { days: Number(t) };
}

/**
 * The contract filter for what the toolbar holds. Amounts are parsed exactly (integer minor units of the
 * workspace currency, in the workspace locale's number style); bounds that cannot be read are errors, not
 * silently dropped, so the grid never shows a set the user did not ask for.
 */
export function exceptionFilterFromInput(
  input: ExceptionsFilterInput,
  workspace: { currency: string; locale: string },
): { filter: ExceptionFilter; errors: ExceptionsFilterErrors } {
  const errors: ExceptionsFilterErrors = {};
  const filter: ExceptionFilter = {};
  if (input.codes.length > 0) filter.codes = [...input.codes];
  if (input.classes.length > 0) filter.classes = [...input.classes];
  if (input.states.length > 0) filter.states = [...input.states];
  if (input.sources.length > 0) filter.sources = [...input.sources];

  const style = numberStyle(workspace.locale);
  const min = parseBound(input.amountMin, workspace.currency, style);
  const max = parseBound(input.amountMax, workspace.currency, style);
  if (min.error !== undefined) errors.amountMin = min.error;
  else if (min.minor !== undefined) filter.amountMinMinor = min.minor;
  if (max.error !== undefined) errors.amountMax = max.error;
  else if (max.minor !== undefined) filter.amountMaxMinor = max.minor;
  if (filter.amountMinMinor !== undefined && filter.amountMaxMinor !== undefined && filter.amountMinMinor > filter.amountMaxMinor) {
    errors.amountMax = 'The maximum is below the minimum';
  }

  const ageMin = parseDays(input.ageDaysMin);
  const ageMax = parseDays(input.ageDaysMax);
  if (ageMin.error !== undefined) errors.ageDaysMin = ageMin.error;
  else if (ageMin.days !== undefined) filter.ageDaysMin = ageMin.days;
  if (ageMax.error !== undefined) errors.ageDaysMax = ageMax.error;
  else if (ageMax.days !== undefined) filter.ageDaysMax = ageMax.days;
  if (filter.ageDaysMin !== undefined && filter.ageDaysMax !== undefined && filter.ageDaysMin > filter.ageDaysMax) {
    errors.ageDaysMax = 'The maximum is below the minimum';
  }

  if (isCalendarDate(input.businessDateFrom)) filter.businessDateFrom = input.businessDateFrom;
  if (isCalendarDate(input.businessDateTo)) filter.businessDateTo = input.businessDateTo;
  if (filter.businessDateFrom !== undefined && filter.businessDateTo !== undefined && filter.businessDateFrom > filter.businessDateTo) {
    errors.businessDateTo = 'The last day is before the first';
  }

  const search = input.search.trim().slice(0, 200);
  if (search !== '') filter.search = search;
  if (input.queue !== null) filter.queue = input.queue;
  if (input.owners.length > 0) filter.owners = [...input.owners];
  if (input.domains.length > 0) filter.domains = [...input.domains];
  if (input.slaStates.length > 0) filter.slaStates = [...input.slaStates];
  return { filter, errors };
}

const SORTABLE = new Set<string>(EXCEPTION_SORT_FIELDS);

/** AG Grid's sort model as the contract's sort: columns are named by their sort field; at most three. */
export function exceptionSortFromGrid(sortModel: readonly GridSortItem[]): RequestOf<'exceptions.query'>['sort'] {
  return sortModel
    .filter((item) => SORTABLE.has(item.colId))
    .slice(0, 3)
    .map((item) => ({ field: item.colId as (typeof EXCEPTION_SORT_FIELDS)[number], dir: item.sort }));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export type ExceptionsSort = RequestOf<'exceptions.query'>['sort'];
export type ResolveRequest = Omit<Resolution, 'account'> & { writeOffAccount?: string };

export interface ExceptionsSlice {
  exceptionsFilterInput: ExceptionsFilterInput;
  /** The grid's sort as last asked for by the grid (an export writes the rows in this order). */
  exceptionsSort: ExceptionsSort;
  exceptionsFilterErrors: ExceptionsFilterErrors;
  /** The filter the grid queries with: the last valid reading of the input. */
  exceptionsFilter: ExceptionFilter;
  /** Bumped when the applied filter changes: the grid starts over from the top. */
  exceptionsQueryVersion: number;
  /** Bumped when the data changed (a decision, a backend `changed` event): the grid reloads in place. */
  exceptionsRefreshVersion: number;
  /** Rows in the filtered set, from the last page answered; null before the first. */
  exceptionsTotal: number | null;
  exceptionsSelectedIds: string[];
  exceptionsFacets: ExceptionFacets | null;
  exceptionsDetailId: string | null;
  exceptionsDetail: ExceptionDetail | null;
  exceptionsDetailLoading: boolean;
  exceptionsDetailError: string | null;
  /** A decision is on its way to the backend. */
  exceptionsBusy: boolean;

  setExceptionsFilter(patch: Partial<ExceptionsFilterInput>): void;
  resetExceptionsFilter(): void;
  /** Opens the Exceptions screen on a filter (the default filter with `patch` over it), e.g. from a dashboard figure. */
  showExceptionsFiltered(patch: Partial<ExceptionsFilterInput>): void;
  /** The grid as it stands (period, sort, filter): what an export writes. */
  exceptionsView(): Pick<RequestOf<'exceptions.query'>, 'period' | 'sort' | 'filter'>;
  loadExceptionsFacets(): Promise<void>;
  /** One page of the filtered set, for the grid's datasource; records the total. */
  fetchExceptionsPage(startRow: number, endRow: number, sortModel: readonly GridSortItem[]): Promise<{ rows: ExceptionRow[]; totalRows: number }>;
  setExceptionsSelected(ids: string[]): void;
  openExceptionDetail(exceptionId: string): Promise<void>;
  closeExceptionDetail(): void;
  reloadExceptionDetail(): Promise<void>;
  /** After the data changed: the grid reloads, the facets and the open detail are fetched again. */
  refreshExceptions(): Promise<void>;
  /** The decisions: each notifies its outcome, refreshes on success and returns whether it succeeded. */
  resolveExceptions(exceptionIds: string[], resolution: ResolveRequest): Promise<boolean>;
  commentExceptions(exceptionIds: string[], text: string): Promise<boolean>;
  reopenException(exceptionId: string, reason: string): Promise<boolean>;
  /** Gives one exception an owner; taking it from its owner needs a reason (journaled). */
  assignException(exceptionId: string, owner: string, reason?: string): Promise<boolean>;
  /** The same for the ticked rows (bulk reassign). */
  reassignExceptions(exceptionIds: string[], owner: string, reason: string): Promise<boolean>;
  /** Shows a work queue (null: no queue), keeping the other filters. */
  showQueue(queue: ExceptionQueue | null): void;
  manualMatchException(request: RequestOf<'matches.manual'>): Promise<boolean>;
}

export const createExceptionsSlice: SliceCreator<ExceptionsSlice> = (api) => (set, get) => {
  function applyFilter(input: ExceptionsFilterInput): void {
    const ws = get().workspace;
    const { filter, errors } = exceptionFilterFromInput(input, {
      currency: ws?.reportingCurrency ?? 'USD',
      locale: ws?.locale ?? 'en-US',
    });
    const valid = Object.keys(errors).length === 0;
    const changed = valid && JSON.stringify(filter) !== JSON.stringify(get().exceptionsFilter);
    set((s) => ({
      exceptionsFilterInput: input,
      exceptionsFilterErrors: errors,
      ...(changed ? { exceptionsFilter: filter, exceptionsQueryVersion: s.exceptionsQueryVersion + 1, exceptionsSelectedIds: [] } : {}),
    }));
    // Another set of rows: a detail kept open would show an exception the grid no longer lists.
    if (changed) get().closeExceptionDetail();
  }

  async function decide(failure: string, work: () => Promise<string>): Promise<boolean> {
    set({ exceptionsBusy: true });
    try {
      const success = await work();
      get().notify('success', success);
      await get().refreshExceptions();
      return true;
    } catch (err) {
      get().notify('error', `${failure}: ${errorMessage(err)}`);
      return false;
    } finally {
      set({ exceptionsBusy: false });
    }
  }

  return {
    exceptionsFilterInput: DEFAULT_EXCEPTIONS_FILTER,
    exceptionsSort: [],
    exceptionsFilterErrors: {},
    exceptionsFilter: { states: [...OPEN_STATES] },
    exceptionsQueryVersion: 0,
    exceptionsRefreshVersion: 0,
    exceptionsTotal: null,
    exceptionsSelectedIds: [],
    exceptionsFacets: null,
    exceptionsDetailId: null,
    exceptionsDetail: null,
    exceptionsDetailLoading: false,
    exceptionsDetailError: null,
    exceptionsBusy: false,

    setExceptionsFilter(patch) {
      applyFilter({ ...get().exceptionsFilterInput, ...patch });
    },
    resetExceptionsFilter() {
      applyFilter(DEFAULT_EXCEPTIONS_FILTER);
    },
    showExceptionsFiltered(patch) {
      applyFilter({ ...DEFAULT_EXCEPTIONS_FILTER, ...patch });
      get().showScreen('exceptions');
    },
    exceptionsView() {
      return { ...periodRequest(get()), sort: get().exceptionsSort, filter: get().exceptionsFilter };
    },
    async loadExceptionsFacets() {
      try {
        set({ exceptionsFacets: await api.call('exceptions.facets', periodRequest(get())) });
      } catch (err) {
        get().notify('error', `Could not load the exception filters: ${errorMessage(err)}`);
      }
    },
    async fetchExceptionsPage(startRow, endRow, sortModel) {
      const version = get().exceptionsQueryVersion;
      const periodVersion = get().periodVersion;
      const sort = exceptionSortFromGrid(sortModel);
      set({ exceptionsSort: sort });
      const page = await api.call('exceptions.query', { ...periodRequest(get()), startRow, endRow, sort, filter: get().exceptionsFilter });
      if (get().exceptionsQueryVersion === version && get().periodVersion === periodVersion) set({ exceptionsTotal: page.totalRows });
      return page;
    },
    setExceptionsSelected(ids) {
      set({ exceptionsSelectedIds: ids });
    },
    async openExceptionDetail(exceptionId) {
      if (get().exceptionsDetailId === exceptionId && get().exceptionsDetail !== null) return;
      set({ exceptionsDetailId: exceptionId, exceptionsDetail: null, exceptionsDetailError: null });
      await get().reloadExceptionDetail();
    },
    closeExceptionDetail() {
      set({ exceptionsDetailId: null, exceptionsDetail: null, exceptionsDetailError: null, exceptionsDetailLoading: false });
    },
    async reloadExceptionDetail() {
      const exceptionId = get().exceptionsDetailId;
      if (exceptionId === null) return;
      set({ exceptionsDetailLoading: true });
      try {
        const detail = await api.call('exceptions.detail', { exceptionId });
        if (get().exceptionsDetailId === exceptionId) set({ exceptionsDetail: detail, exceptionsDetailError: null, exceptionsDetailLoading: false });
      } catch (err) {
        if (get().exceptionsDetailId === exceptionId) {
          set({ exceptionsDetail: null, exceptionsDetailError: errorMessage(err), exceptionsDetailLoading: false });
        }
      }
    },
    async refreshExceptions() {
      set((s) => ({ exceptionsRefreshVersion: s.exceptionsRefreshVersion + 1 }));
      await Promise.all([get().loadExceptionsFacets(), get().reloadExceptionDetail()]);
    },

    resolveExceptions(exceptionIds, resolution) {
      return decide(`Could not resolve ${plural(exceptionIds.length, 'exception', 'exceptions')}`, async () => {
        const { resolved } = await api.call('exceptions.resolve', {
          exceptionIds,
          category: resolution.category,
          reason: resolution.reason,
          ...(resolution.category === 'accepted_difference' ? { writeOffAccount: resolution.writeOffAccount ?? '' } : {}),
        });
        set({ exceptionsSelectedIds: [] });
        return `Resolved ${plural(resolved, 'exception', 'exceptions')}`;
      });
    },
    commentExceptions(exceptionIds, text) {
      return decide(`Could not comment on ${plural(exceptionIds.length, 'exception', 'exceptions')}`, async () => {
        const { commented } = await api.call('exceptions.comment', { exceptionIds, text });
        return `Commented on ${plural(commented, 'exception', 'exceptions')}`;
      });
    },
    reopenException(exceptionId, reason) {
      return decide(`Could not reopen ${exceptionId}`, async () => {
        await api.call('exceptions.reopen', { exceptionId, reason });
        return `Reopened ${exceptionId}`;
      });
    },
    assignException(exceptionId, owner, reason) {
      return decide(`Could not assign ${exceptionId}`, async () => {
        const done = await api.call('exceptions.reassign', {
          exceptionIds: [exceptionId],
          owner,
          ...(reason === undefined || reason.trim() === '' ? {} : { reason }),
        });
        return `Assigned ${exceptionId} to ${done.owner}`;
      });
    },
    reassignExceptions(exceptionIds, owner, reason) {
      return decide(`Could not reassign ${plural(exceptionIds.length, 'exception', 'exceptions')}`, async () => {
        const done = await api.call('exceptions.reassign', { exceptionIds, owner, ...(reason.trim() === '' ? {} : { reason }) });
        set({ exceptionsSelectedIds: [] });
        return `Reassigned ${plural(done.assigned, 'exception', 'exceptions')} to ${done.owner}`;
      });
    },
    showQueue(queue) {
      applyFilter({ ...get().exceptionsFilterInput, queue });
    },
    manualMatchException(request) {
      return decide('Could not create the manual match', async () => {
        const { matchId } = await api.call('matches.manual', request);
        const n = (request.leftEventIds?.length ?? 0) + (request.rightEventIds?.length ?? 0);
        return `Matched ${plural(n, 'event', 'events')} by hand (${matchId})`;
      });
    },
  };
};
