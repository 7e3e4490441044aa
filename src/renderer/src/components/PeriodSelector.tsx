// The period selector of the header: every screen, figure, chart and export follows it. A month (with how many
// events it has), the previous or next one, or any range of days; all read in the workspace time zone.
import { useEffect, useId, useState } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { monthPeriod, periodMonth } from '../../../shared/time/period.ts';
import { formatCount, formatDate, formatMonth } from '../format/formatters.ts';
import { useDisplayPrefs } from './useDisplayPrefs.ts';

const CUSTOM = 'custom';

export function PeriodSelector() {
  const store = useAppStore();
  const period = useApp((s) => s.period);
  const months = useApp((s) => s.periodMonths);
  const { locale, timeZone } = useDisplayPrefs();
  const [editing, setEditing] = useState(false);
  const [from, setFrom] = useState(period?.from ?? '');
  const [to, setTo] = useState(period?.to ?? '');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  useEffect(() => {
    setFrom(period?.from ?? '');
    setTo(period?.to ?? '');
  }, [period]);

  if (period === null) return <span className="period-selector muted">Reading the months…</span>;
  const month = periodMonth(period);
  const listed = months.some((m) => m.month === month);
  const label = month !== null ? formatMonth(month, locale) : `${formatDate(period.from, locale)} – ${formatDate(period.to, locale)}`;

  function apply() {
    if (from === '' || to === '') return setError('Give both days.');
    if (from > to) return setError('The range ends before it starts.');
    setError(null);
    setEditing(false);
    store.getState().setPeriod({ from, to });
  }

  return (
    <div className="period-selector" role="group" aria-label="Period">
      <button
        type="button"
        className="ghost period-step"
        aria-label="Previous period"
        title="Previous period"
        onClick={() => store.getState().stepPeriod(-1)}
      >
        ‹
      </button>
      <label className="period-month">
        <span className="visually-hidden">Month or range</span>
        <select
          value={editing ? CUSTOM : month !== null ? month : CUSTOM}
          title={`${label}, by business date in ${timeZone}`}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (value === CUSTOM) setEditing(true);
            else {
              setEditing(false);
              store.getState().setPeriod(monthPeriod(value));
            }
          }}
        >
          {month !== null && !listed ? <option value={month}>{formatMonth(month, locale)} · no events</option> : null}
          {months.map((m) => (
            <option key={m.month} value={m.month}>
              {formatMonth(m.month, locale)} · {formatCount(m.events, locale)} events
            </option>
          ))}
          <option value={CUSTOM}>{month === null && !editing ? label : 'Range of days…'}</option>
        </select>
      </label>
      <button type="button" className="ghost period-step" aria-label="Next period" title="Next period" onClick={() => store.getState().stepPeriod(1)}>
        ›
      </button>
      {editing ? (
        <form
          className="period-range"
          aria-label="Range of days"
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <label>
            From
            <input
              type="date"
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              aria-describedby={error === null ? undefined : errorId}
            />
          </label>
          <label>
            to
            <input type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} aria-describedby={error === null ? undefined : errorId} />
          </label>
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" className="ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
          {error !== null ? (
            <span id={errorId} className="field-error" role="alert">
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
