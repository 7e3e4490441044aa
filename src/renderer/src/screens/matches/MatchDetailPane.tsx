// The panel beside the matches list: what the match ties (its left and right events, each with every field and
// its raw source record), why the engine tied them, its history, and Unmatch. Fetched again when matches change.
import { useEffect, useRef } from 'react';
import type { MatchDetail } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { Amount } from '../../components/Amount.tsx';
import { EventDetailView } from '../../components/EventDetailView.tsx';
import { ExplanationView } from '../../components/ExplanationView.tsx';
import { HistoryList } from '../../components/HistoryList.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatDate, formatInstant, formatScore, linkLabel } from '../../format/formatters.ts';
import { displayMinor } from '../../../../shared/review/displaySign.ts';
import { businessDate } from '../../../../shared/time/period.ts';
import { ruleText, STATUS_LABELS } from './matchText.ts';
import { UnmatchForm } from './UnmatchForm.tsx';

type SideEvent = MatchDetail['events'][number];

/** A side's total per currency in the display sign convention (integer minor units; currencies are never added together). */
export function sideTotals(events: readonly SideEvent[]): { currency: string; amountMinor: number }[] {
  const totals = new Map<string, number>();
  for (const e of events) totals.set(e.currency, (totals.get(e.currency) ?? 0) + displayMinor(e.kind, e.amountMinor));
  return [...totals].map(([currency, amountMinor]) => ({ currency, amountMinor }));
}

function SideEvents({ side, events }: { side: 'left' | 'right'; events: SideEvent[] }) {
  const prefs = useDisplayPrefs();
  const kinds = [...new Set(events.map((e) => e.kind.replace('_', ' ')))].join(', ');
  const title = kinds === '' ? (side === 'left' ? 'Left side' : 'Right side') : kinds.replace(/^./, (c) => c.toUpperCase());
  return (
    <section aria-label={side === 'left' ? 'Left side' : 'Right side'}>
      <h3>{title}</h3>
      {events.length === 0 ? (
        <p className="muted">No event on this side.</p>
      ) : (
        <>
          <p className="match-side-total">
            {events.length} {events.length === 1 ? 'event' : 'events'}, total{' '}
            {sideTotals(events).map((t, i) => (
              <span key={t.currency}>
                {i > 0 ? ' + ' : ''}
                <Amount minor={t.amountMinor} currency={t.currency} />
              </span>
            ))}
          </p>
          {events.map((event) => (
            <details key={event.eventId} className="match-event">
              <summary>
                <span className="muted">{formatDate(businessDate(event, prefs.timeZone), prefs.locale)}</span>{' '}
                <span>{event.counterparty ?? event.description ?? event.externalId}</span>{' '}
                <Amount minor={event.amountMinor} currency={event.currency} kind={event.kind} />
              </summary>
              <EventDetailView event={event} />
            </details>
          ))}
        </>
      )}
    </section>
  );
}

/** Who made the match, or, once it ended, who ended it and why: the header never says "matched" of a broken match. */
function StatusLine({ m }: { m: MatchDetail['match'] }) {
  const prefs = useDisplayPrefs();
  if (m.endedAt !== null) {
    return (
      <p className="match-status-line ended" role="status">
        <span className="badge match-ended">ended</span> Unmatched by {m.endedBy ?? 'unknown'} on {formatInstant(m.endedAt, prefs)}
        {m.endReason !== null ? `: ${m.endReason}` : ''}
      </p>
    );
  }
  return (
    <p className="match-status-line" role="status">
      <span className={`badge match-${m.status}`}>{STATUS_LABELS[m.status]}</span>{' '}
      {m.origin === 'human'
        ? `Matched by hand by ${m.createdBy}`
        : m.status === 'auto_resolved'
          ? 'Matched by the engine, its small difference resolved automatically'
          : 'Matched by the engine'}{' '}
      on {formatInstant(m.createdAt, prefs)}
    </p>
  );
}

function MatchDetailView({ detail }: { detail: MatchDetail }) {
  const prefs = useDisplayPrefs();
  const m = detail.match;
  return (
    <>
      <StatusLine m={m} />
      <dl className="fields">
        <dt>Business date</dt>
        <dd>{formatDate(m.businessDate, prefs.locale)}</dd>
        <dt>Link</dt>
        <dd>{linkLabel(m.link)}</dd>
        <dt>Rule</dt>
        <dd className="mono">{ruleText(m)}</dd>
        <dt>Fit</dt>
        <dd>{formatScore(m.score)}</dd>
        <dt>Amount</dt>
        <dd>
          <Amount minor={m.amountMinor} currency={m.currency} kind={m.kind} />
        </dd>
        <dt>Match id</dt>
        <dd className="mono">{m.matchId}</dd>
      </dl>
      {m.endedAt === null ? (
        <UnmatchForm key={m.matchId} matchId={m.matchId} eventCount={detail.events.length} />
      ) : (
        <p className="muted">This match has ended; its events are no longer tied by it.</p>
      )}
      <SideEvents side="left" events={detail.events.filter((e) => e.side === 'left')} />
      <SideEvents side="right" events={detail.events.filter((e) => e.side === 'right')} />
      <section aria-label="Explanation">
        <h3>Explanation</h3>
        <ExplanationView explanation={detail.explanation} currency={m.currency} keys="deciding" />
      </section>
      <section aria-label="History">
        <h3>History</h3>
        <HistoryList entries={detail.history} />
      </section>
    </>
  );
}

export function MatchDetailPane() {
  const store = useAppStore();
  const selectedId = useApp((s) => s.matchesSelectedId);
  const detail = useApp((s) => s.matchesDetail);
  const loading = useApp((s) => s.matchesDetailLoading);
  const error = useApp((s) => s.matchesDetailError);
  const matchesChanged = useApp((s) => s.changes.matches);

  const seen = useRef(matchesChanged);
  useEffect(() => {
    if (seen.current === matchesChanged) return;
    seen.current = matchesChanged;
    void store.getState().reloadMatch();
  }, [store, matchesChanged]);

  if (selectedId === null) return null;
  return (
    <aside className="detail-panel matches-detail" aria-label="Match detail">
      <div className="toolbar">
        <h2>
          {detail !== null
            ? `${linkLabel(detail.match.link)} · ${detail.match.counterparty ?? detail.match.description ?? detail.match.matchId}`
            : 'Match'}
        </h2>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={() => store.getState().closeMatch()} title="Close (Escape)">
          Close
        </button>
      </div>
      {detail !== null ? (
        <MatchDetailView detail={detail} />
      ) : loading ? (
        <p className="muted" role="status">
          Loading the match…
        </p>
      ) : error !== null ? (
        <div className="panel error-panel" role="alert">
          <p>The match could not be loaded: {error}</p>
          <button type="button" onClick={() => void store.getState().reloadMatch()}>
            Try again
          </button>
        </div>
      ) : null}
    </aside>
  );
}
