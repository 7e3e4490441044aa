// Payouts: every processor payout with what its items leave unexplained and whether the bank received it;
// the open payout's waterfall answers "why does this deposit not equal my sales".
import { useEffect, useRef } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import type { PayoutBankStatus } from '../store/payoutsSlice.ts';
import { formatCount } from '../format/formatters.ts';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { SearchBox } from './matches/SearchBox.tsx';
import { useScreenKeys } from './matches/useScreenKeys.ts';
import { PayoutsGrid } from './payouts/PayoutsGrid.tsx';
import { PayoutDetailPane } from './payouts/PayoutDetailPane.tsx';
import { ExportButtons } from '../components/ExportButtons.tsx';
import { IdsToggle } from '../components/IdsToggle.tsx';
import './payouts/payouts.css';

const BANK_CHOICES: { value: PayoutBankStatus | ''; label: string }[] = [
  { value: '', label: 'Any' },
  { value: 'matched', label: 'In bank' },
  { value: 'missing', label: 'Missing' },
  { value: 'pending', label: 'Pending' },
];

function isBankStatus(value: string): value is PayoutBankStatus {
  return value === 'matched' || value === 'missing' || value === 'pending';
}

export function PayoutsScreen() {
  const store = useAppStore();
  const filter = useApp((s) => s.payoutsFilter);
  const total = useApp((s) => s.payoutsTotal);
  const selectedId = useApp((s) => s.payoutsSelectedId);
  const prefs = useDisplayPrefs();
  const searchRef = useRef<HTMLInputElement>(null);
  const periodVersion = useApp((s) => s.periodVersion);
  const seenPeriod = useRef(periodVersion);
  useEffect(() => {
    if (seenPeriod.current === periodVersion) return;
    seenPeriod.current = periodVersion;
    store.getState().closePayout();
  }, [store, periodVersion]);
  const filtered = filter.bank !== undefined || filter.unexplainedOnly === true || (filter.search ?? '').trim() !== '';

  useScreenKeys({
    onSlash: () => searchRef.current?.focus(),
    onEscape: () => store.getState().closePayout(),
  });

  const setFilter = store.getState().setPayoutsFilter;
  return (
    <>
      <div className="toolbar payouts-toolbar" role="search" aria-label="Payout filters">
        <h1>Payouts</h1>
        <span className="spacer" />
        <label>
          Bank status
          <select value={filter.bank ?? ''} onChange={(e) => setFilter({ bank: isBankStatus(e.target.value) ? e.target.value : undefined })}>
            {BANK_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="payouts-check">
          <input type="checkbox" checked={filter.unexplainedOnly === true} onChange={(e) => setFilter({ unexplainedOnly: e.target.checked })} />
          Unexplained only
        </label>
        <SearchBox
          label="Search payouts"
          hint="Payout id"
          value={filter.search ?? ''}
          onApply={(search) => setFilter({ search })}
          inputRef={searchRef}
        />
        {filtered ? (
          <button type="button" className="ghost" onClick={() => setFilter({ bank: undefined, unexplainedOnly: undefined, search: undefined })}>
            Clear filters
          </button>
        ) : null}
        <span className="muted" role="status">
          {total === null ? 'Loading…' : `${formatCount(total, prefs.locale)} ${total === 1 ? 'payout' : 'payouts'}`}
        </span>
        <IdsToggle />
        <ExportButtons what="payouts" view={() => ({ grid: 'payouts', ...store.getState().payoutsView() })} />
      </div>
      {total === 0 ? (
        <p className="empty">
          {filtered
            ? 'No payout matches these filters. Clear the filters to see every payout.'
            : 'No payouts in this period. Choose another period above, or import a processor’s payout report (Stripe, PayPal…) on the Sources screen.'}
        </p>
      ) : null}
      <div className="split">
        <PayoutsGrid />
        {selectedId !== null ? <PayoutDetailPane /> : null}
      </div>
    </>
  );
}
