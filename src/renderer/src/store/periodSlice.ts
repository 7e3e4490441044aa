// The review period every screen, figure, chart and export follows (docs/architecture.md, "The review period"): a
// month or a range of days in the workspace time zone. It defaults to the latest month with data, is remembered per
// workspace, and every query a slice sends carries it (`periodRequest`).
import type { Period, ResponseOf } from '../../../shared/api/contract.ts';
import { isCalendarDate, monthPeriod, periodMonth, shiftMonth } from '../../../shared/time/period.ts';
import { DAY_MS } from '../../../shared/time/duration.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export type PeriodMonths = ResponseOf<'periods.available'>['months'];

export interface PeriodSlice {
  /** Null until the months are read (screens wait for it); then always a period. */
  period: Period | null;
  periodMonths: PeriodMonths;
  /** Bumped on every change of the period: grids start over, figures are fetched again. */
  periodVersion: number;
  /** The person chose the period (or it was remembered): new data no longer moves it to the latest month. */
  periodChosen: boolean;
  /** Reads the months with data; keeps the chosen period, else the remembered one, else the latest month. */
  loadPeriods(): Promise<void>;
  setPeriod(period: Period): void;
  /** Moves a month period by whole months, any other range by its own length. */
  stepPeriod(delta: -1 | 1): void;
}

const STORAGE_PREFIX = 'tieout.period:';

function remembered(path: string): Period | null {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORAGE_PREFIX + path) ?? 'null') as unknown;
    if (saved !== null && typeof saved === 'object') {
      const { from, to } = saved as Record<string, unknown>;
      if (typeof from === 'string' && typeof to === 'string' && isCalendarDate(from) && isCalendarDate(to) && from <= to) return { from, to };
    }
  } catch {
    // Unreadable or no storage: the latest month with data is the default anyway.
  }
  return null;
}

function remember(path: string, period: Period): void {
  try {
    window.localStorage.setItem(STORAGE_PREFIX + path, JSON.stringify(period));
  } catch {
    // Storage can be unavailable (private mode, tests); the period then lasts the session.
  }
}

/** The current month in the browser's calendar, for a workspace without events yet. */
function thisMonth(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

function shiftRange(period: Period, delta: -1 | 1): Period {
  const month = periodMonth(period);
  if (month !== null) return monthPeriod(shiftMonth(month, delta));
  const from = Date.parse(`${period.from}T00:00:00Z`);
  const to = Date.parse(`${period.to}T00:00:00Z`);
  const length = to - from + DAY_MS;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(from + delta * length), to: iso(to + delta * length) };
}

export const createPeriodSlice: SliceCreator<PeriodSlice> = (api) => (set, get) => ({
  period: null,
  periodMonths: [],
  periodVersion: 0,
  periodChosen: false,
  async loadPeriods() {
    const path = get().workspace?.path ?? null;
    let available: ResponseOf<'periods.available'>;
    try {
      available = await api.call('periods.available', {});
    } catch (err) {
      get().notify('error', `Could not read the months with data: ${errorMessage(err)}`);
      if (get().period === null) set((s) => ({ period: monthPeriod(thisMonth()), periodVersion: s.periodVersion + 1 }));
      return;
    }
    if ((get().workspace?.path ?? null) !== path) return;
    const saved = get().period === null && path !== null ? remembered(path) : null;
    const chosen = get().periodChosen || saved !== null;
    // Until the person chooses, the period follows the data: the first import of a new workspace shows its month.
    const period = chosen ? (get().period ?? saved) : null;
    const next = period ?? monthPeriod(available.latest ?? thisMonth());
    const changed = JSON.stringify(next) !== JSON.stringify(get().period);
    set((s) => ({ periodMonths: available.months, periodChosen: chosen, ...(changed ? { period: next, periodVersion: s.periodVersion + 1 } : {}) }));
  },
  setPeriod(period) {
    if (JSON.stringify(period) === JSON.stringify(get().period)) return;
    const path = get().workspace?.path;
    if (path !== undefined && path !== null) remember(path, period);
    set((s) => ({ period, periodChosen: true, periodVersion: s.periodVersion + 1 }));
  },
  stepPeriod(delta) {
    const period = get().period;
    if (period !== null) get().setPeriod(shiftRange(period, delta));
  },
});

/** The `period` a request carries: the selected one (undefined before it is known, which means the whole ledger). */
export function periodRequest(state: Pick<PeriodSlice, 'period'>): { period?: Period } {
  return state.period === null ? {} : { period: state.period };
}
