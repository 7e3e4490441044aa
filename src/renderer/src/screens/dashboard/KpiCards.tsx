// The dashboard's headline figures: unmatched and auto-resolve rates, open exceptions, value at stake per
// currency, the oldest open item and the last reconcile run.
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatAge, formatCount, formatInstant, formatPercent } from '../../format/formatters.ts';
import { useAppStore } from '../../store/storeContext.tsx';

export function KpiCards({ dashboard }: { dashboard: Dashboard }) {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const count = (n: number) => formatCount(n, prefs.locale);
  const unmatched = dashboard.eventsMatchable - dashboard.eventsMatched;
  const { oldestOpen, lastRun } = dashboard;

  return (
    <section className="kpis" aria-label="Key figures">
      <div className="kpi">
        <div className="kpi-label">Unmatched rate</div>
        <div className="kpi-value">{formatPercent(dashboard.unmatchedRate, prefs.locale)}</div>
        <div className="kpi-note">
          {dashboard.eventsMatchable === 0 ? 'No matchable events yet' : `${count(unmatched)} of ${count(dashboard.eventsMatchable)} matchable events`}
        </div>
      </div>
      <div className="kpi">
        <div className="kpi-label">Auto-resolve rate</div>
        <div className="kpi-value">{formatPercent(dashboard.autoResolveRate, prefs.locale)}</div>
        <div className="kpi-note">
          {dashboard.decisionsTotal === 0 ? 'No decisions yet' : `${count(dashboard.decisionsAutoResolved)} of ${count(dashboard.decisionsTotal)} decisions`}
        </div>
      </div>
      <div className="kpi">
        <div className="kpi-label">Open exceptions</div>
        <div className="kpi-value">{count(dashboard.openExceptionsTotal)}</div>
        <div className="kpi-note">of {count(dashboard.eventsTotal)} events in the ledger</div>
      </div>
      <div className="kpi">
        <div className="kpi-label">Value at stake</div>
        {dashboard.valueAtStake.length === 0 ? (
          <div className="kpi-value">—</div>
        ) : (
          <ul className="kpi-amounts" aria-label="Value at stake per currency">
            {dashboard.valueAtStake.map((m) => (
              <li key={m.currency} className="kpi-value num">
                <Amount minor={m.amountMinor} currency={m.currency} />
              </li>
            ))}
          </ul>
        )}
        <div className="kpi-note">Open exceptions, per currency</div>
      </div>
      <div className="kpi">
        <div className="kpi-label">Oldest open item</div>
        {oldestOpen === null ? (
          <>
            <div className="kpi-value">—</div>
            <div className="kpi-note">Nothing open</div>
          </>
        ) : (
          <>
            <button
              type="button"
              className="kpi-link"
              title="Show it on the Exceptions screen"
              aria-label={`Oldest open item: ${oldestOpen.code}, ${formatAge(oldestOpen.ageDays)} old. Show it on the Exceptions screen`}
              onClick={() => {
                store.getState().showScreen('exceptions');
                void store.getState().openExceptionDetail(oldestOpen.exceptionId);
              }}
            >
              <span className="kpi-value">{formatAge(oldestOpen.ageDays)}</span>
              <span className="kpi-note mono">{oldestOpen.code}</span>
            </button>
            <div className="kpi-note">Opened {formatInstant(oldestOpen.createdAt, prefs)}</div>
          </>
        )}
      </div>
      <div className="kpi">
        <div className="kpi-label">Last reconcile run</div>
        {lastRun === null ? (
          <>
            <div className="kpi-value">—</div>
            <div className="kpi-note">No run yet</div>
          </>
        ) : (
          <>
            <div className="kpi-value kpi-date">{formatInstant(lastRun.finishedAt, prefs)}</div>
            <div className="kpi-note">
              {lastRun.mode} · <span className="mono">{lastRun.ruleSetId}</span> v{lastRun.ruleVersion}
            </div>
          </>
        )}
      </div>
    </section>
  );
}
