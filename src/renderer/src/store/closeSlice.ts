// The Close screen's state: the status of the month the period selector shows (checklist, rollforward, sign-offs),
// signing it off, reopening it, and its audit pack as a download. The close works on whole months.
import type { CloseStatus } from '../../../shared/close/closeReport.ts';
import type { ResponseOf } from '../../../shared/api/contract.ts';
import { periodMonth } from '../../../shared/time/period.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export interface SignOffInput {
  by: string;
  reason: string;
  acceptOpen: boolean;
  sourceNotes: Record<string, string>;
}

export interface CloseSlice {
  closeStatus: CloseStatus | null;
  closeLoading: boolean;
  closeError: string | null;
  /** The month the period selector shows, or null when it shows another range of days. */
  closeMonth(): string | null;
  loadClose(): Promise<void>;
  /** Signs the month off; true when it closed (a notice says why not otherwise). */
  signOffMonth(input: SignOffInput): Promise<boolean>;
  reopenClosedMonth(input: { by: string; reason: string }): Promise<boolean>;
  /** The month's audit pack (stored at its close, or a draft), with progress in the top bar; null when it failed. */
  exportPack(withSources: boolean): Promise<ResponseOf<'close.pack'> | null>;
}

export const createCloseSlice: SliceCreator<CloseSlice> = (api) => (set, get) => ({
  closeStatus: null,
  closeLoading: false,
  closeError: null,
  closeMonth() {
    const period = get().period;
    return period === null ? null : periodMonth(period);
  },
  async loadClose() {
    const month = get().closeMonth();
    if (month === null) {
      set({ closeStatus: null, closeLoading: false, closeError: null });
      return;
    }
    // Another month's status must never stand under this month's title (its sign-off would name the wrong month).
    set((s) => ({ closeLoading: true, closeError: null, closeStatus: s.closeStatus?.month === month ? s.closeStatus : null }));
    try {
      const status = await api.call('close.status', { month });
      if (get().closeMonth() === month) set({ closeStatus: status, closeLoading: false });
    } catch (err) {
      if (get().closeMonth() === month) set({ closeStatus: null, closeLoading: false, closeError: errorMessage(err) });
    }
  },
  async signOffMonth(input) {
    const month = get().closeMonth();
    if (month === null) return false;
    try {
      const r = await get().runJob('close.close', `Closing ${month}`, { month, ...input });
      get().notify('success', `Closed ${month}; its audit pack is stored (sha256 ${r.pack.sha256.slice(0, 12)}…)`);
      await get().loadClose();
      return true;
    } catch (err) {
      get().notify('error', `Could not close ${month}: ${errorMessage(err)}`);
      return false;
    }
  },
  async reopenClosedMonth(input) {
    const month = get().closeMonth();
    if (month === null) return false;
    try {
      await api.call('close.reopen', { month, ...input });
      get().notify('success', `Reopened ${month}`);
      await get().loadClose();
      return true;
    } catch (err) {
      get().notify('error', `Could not reopen ${month}: ${errorMessage(err)}`);
      return false;
    }
  },
  async exportPack(withSources) {
    const month = get().closeMonth();
    if (month === null) return null;
    try {
      const file = await get().runJob('close.pack', `Audit pack of ${month}`, { month, withSources });
      get().notify('success', `${file.state === 'closed' ? 'Audit pack' : 'Draft audit pack'} of ${month}: ${file.fileName}`);
      return file;
    } catch (err) {
      get().notify('error', `Could not make the audit pack of ${month}: ${errorMessage(err)}`);
      return null;
    }
  },
});
