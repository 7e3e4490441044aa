// The Payouts screen's state: the list's filters, and the waterfall of the payout open beside it.
import { ApiError, type PayoutWaterfall, type RequestOf, type ResponseOf } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';
import { periodRequest } from './periodSlice.ts';

export type PayoutsFilter = NonNullable<RequestOf<'payouts.query'>['filter']>;
export type PayoutBankStatus = NonNullable<PayoutsFilter['bank']>;

/** The `payouts.query` request for rows [startRow, endRow): filters left at their default are left out. */
export function payoutsQueryRequest(filter: PayoutsFilter, startRow: number, endRow: number): RequestOf<'payouts.query'> {
  const request: PayoutsFilter = {};
  if (filter.bank !== undefined) request.bank = filter.bank;
  if (filter.unexplainedOnly === true) request.unexplainedOnly = true;
  const search = filter.search?.trim() ?? '';
  if (search !== '') request.search = search;
  return { startRow, endRow, filter: request };
}

export interface PayoutsSlice {
  payoutsFilter: PayoutsFilter;
  /** Rows the current filter selects, from the last page loaded; null before the first. */
  payoutsTotal: number | null;
  payoutsSelectedId: string | null;
  payoutsWaterfall: PayoutWaterfall | null;
  payoutsWaterfallLoading: boolean;
  payoutsWaterfallError: string | null;
  setPayoutsFilter(patch: Partial<PayoutsFilter>): void;
  /** The grid as it stands (period, filter): what an export writes. */
  payoutsView(): Pick<RequestOf<'payouts.query'>, 'period' | 'filter'>;
  fetchPayoutsPage(startRow: number, endRow: number): Promise<ResponseOf<'payouts.query'>>;
  openPayout(payoutEventId: string): Promise<void>;
  closePayout(): void;
  /** Reloads the open payout's waterfall (after a change elsewhere); closes it when the payout is gone. */
  reloadPayout(): Promise<void>;
  /** Switches to the Exceptions screen with the exception's detail open. */
  openPayoutException(exceptionId: string): Promise<void>;
}

export const createPayoutsSlice: SliceCreator<PayoutsSlice> = (api) => (set, get) => {
  async function loadWaterfall(payoutEventId: string, whenGone: 'report' | 'close'): Promise<void> {
    set({ payoutsWaterfallLoading: true, payoutsWaterfallError: null });
    try {
      const waterfall = await api.call('payouts.waterfall', { payoutEventId });
      if (get().payoutsSelectedId === payoutEventId) set({ payoutsWaterfall: waterfall, payoutsWaterfallLoading: false });
    } catch (err) {
      if (get().payoutsSelectedId !== payoutEventId) return;
      if (whenGone === 'close' && err instanceof ApiError && err.kind === 'not_found') {
        get().closePayout();
        return;
      }
      const message = errorMessage(err);
      set({ payoutsWaterfall: null, payoutsWaterfallLoading: false, payoutsWaterfallError: message });
      get().notify('error', `Payout ${payoutEventId}: ${message}`);
    }
  }

  return {
    payoutsFilter: {},
    payoutsTotal: null,
    payoutsSelectedId: null,
    payoutsWaterfall: null,
    payoutsWaterfallLoading: false,
    payoutsWaterfallError: null,
    setPayoutsFilter: (patch) => set((s) => ({ payoutsFilter: { ...s.payoutsFilter, ...patch } })),
    payoutsView() {
      return { ...periodRequest(get()), filter: payoutsQueryRequest(get().payoutsFilter, 0, 1).filter };
    },
    async fetchPayoutsPage(startRow, endRow) {
      const page = await api.call('payouts.query', { ...payoutsQueryRequest(get().payoutsFilter, startRow, endRow), ...periodRequest(get()) });
      set({ payoutsTotal: page.totalRows });
      return page;
    },
    async openPayout(payoutEventId) {
      if (get().payoutsSelectedId === payoutEventId && get().payoutsWaterfall !== null) return;
      set({ payoutsSelectedId: payoutEventId, payoutsWaterfall: null });
      await loadWaterfall(payoutEventId, 'report');
    },
    closePayout: () => set({ payoutsSelectedId: null, payoutsWaterfall: null, payoutsWaterfallLoading: false, payoutsWaterfallError: null }),
    async reloadPayout() {
      const payoutEventId = get().payoutsSelectedId;
      if (payoutEventId !== null) await loadWaterfall(payoutEventId, 'close');
    },
    async openPayoutException(exceptionId) {
      get().showScreen('exceptions');
      await get().openExceptionDetail(exceptionId);
    },
  };
};
