// The period's headline figures: unmatched and auto-resolve rates, events awaiting a counterpart's feed, open exceptions, value at stake per currency,
// the oldest open item (aged from its business date) and the last reconcile run. Each figure that counts rows opens
// them: the Exceptions grid filtered to what it counts, or the oldest item's detail.
import type { ReactNode } from 'react';
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatAge, formatCount, formatDate, formatInstant, formatPercent } from '../../format/formatters.ts';
import { useAppStore } from '../../store/storeContext.tsx';
import { UNMATCHED_CODES } from './dashboardLinks.ts';

/** A card whose figure is a button opening the rows it counts. */
function LinkedKpi({ label, value, note, action, onOpen }: { label: string; value: ReactNode; note: ReactNode; action: string; onOpen(): void }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <button type="button" className="kpi-link" title={action} aria-label={`${label}: ${action}`} onClick={onOpen}>
        <span className="kpi-value">{value}</span>
      </button>
      <div className="kpi-note">{note}</div>
    </div>
  );
}

export function KpiCards({ dashboard }: { dashboard: Dashboard }) {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const count = (n: number) => formatCount(n, prefs.locale);
  const unmatched = dashboard.eventsMatchable - dashboard.eventsMatched;
  const { oldestOpen, lastRun, awaiting } = dashboard;
  const showOpen = () => store.getState().showExceptionsFiltered({});

  return (
    <section className="kpis" aria-label="Key figures">
      <LinkedKpi
        label="Unmatched rate"
        value={formatPercent(dashboard.unmatchedRate, prefs.locale)}
        note={
          dashboard.eventsMatchable === 0
            ? 'No matchable events in this period'
            : `${count(unmatched)} of ${count(dashboard.eventsMatchable)} matchable events` +
              (awaiting.events === 0 ? '' : `, ${count(awaiting.events)} of them awaiting data`)
        }
        action="Show the exceptions about unmatched events"
        onOpen={() => store.getState().showExceptionsFiltered({ codes: UNMATCHED_CODES })}
      />
      <LinkedKpi
        label="Awaiting data"
        value={count(awaiting.events)}
        note={
          awaiting.events === 0
            ? 'Nothing waits on a feed'
            : (awaiting.groups[0]?.summary ?? '') + (awaiting.groups.length > 1 ? ` · ${awaiting.groups.length - 1} more` : '')
        }
        action="Show the events whose counterpart's feed has not arrived yet"
        onOpen={() => store.getState().showAwaitingFiltered({})}
      />
      <div className="kpi">
        <div className="kpi-label">Auto-resolve rate</div>
        <div className="kpi-value">{formatPercent(dashboard.autoResolveRate, prefs.locale)}</div>
        <div className="kpi-note">
          {dashboard.decisionsTotal === 0
            ? 'No decisions in this period'
            : `${count(dashboard.decisionsAutoResolved)} of ${count(dashboard.decisionsTotal)} decisions`}
        </div>
      </div>
      <LinkedKpi
        label="Open exceptions"
        value={count(dashboard.openExceptionsTotal)}
        note={`of ${count(dashboard.eventsTotal)} events in the period`}
        action="Show the open exceptions"
        onOpen={showOpen}
      />
      <div className="kpi">
        <div className="kpi-label">Value at stake</div>
        {dashboard.valueAtStake.length === 0 ? (
          <div className="kpi-value">—</div>
        ) : (
          <ul className="kpi-amounts" aria-label="Value at stake per currency">
            {dashboard.valueAtStake.map((m) => (
              <li key={m.currency}>
                <button type="button" className="kpi-link" title="Show the open exceptions" onClick={showOpen}>
                  <span className="kpi-value num">
                    <Amount minor={m.amountMinor} currency={m.currency} magnitude />
                  </span>
                </button>
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
              aria-label={`Oldest open item: ${codeLabel(oldestOpen.code)}, ${formatAge(oldestOpen.ageDays)} old. Show it on the Exceptions screen`}
              onClick={() => {
                store.getState().showExceptionsFiltered({});
                void store.getState().openExceptionDetail(oldestOpen.exceptionId);
              }}
            >
              <span className="kpi-value">{formatAge(oldestOpen.ageDays)}</span>
              <span className="kpi-note">{codeLabel(oldestOpen.code)}</span>
            </button>
            <div className="kpi-note">Business date {formatDate(oldestOpen.businessDate, prefs.locale)}</div>
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
