// Manual match from an exception: the engine's candidates (event, score, why proposed) to tick, the
// exception's own events to include, the two sides that would be matched, and the required reason.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ExceptionDetail, EventLine } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant } from '../../format/formatters.ts';
import { candidateKey, ownEventSides, planManualMatch, type Side } from './manualMatchPlan.ts';

function EventCell({ event }: { event: EventLine }) {
  const prefs = useDisplayPrefs();
  return (
    <>
      <div>
        {event.kind} <span className="mono">{event.externalId}</span>
      </div>
      <div className="muted">
        {event.source} · {formatInstant(event.occurredAt, prefs)}
      </div>
    </>
  );
}

export function ManualMatchForm({ detail, onDone }: { detail: ExceptionDetail; onDone(): void }) {
  const store = useAppStore();
  const busy = useApp((s) => s.exceptionsBusy);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  const [included, setIncluded] = useState<Set<string>>(() => new Set(detail.events.map((e) => e.eventId)));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reasonId = useId();
  const firstBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstBox.current?.focus();
  }, []);

  const pickedCandidates = detail.candidates.filter((c) => picked.has(candidateKey(c)));
  const link = pickedCandidates[0]?.link ?? null;
  const sides = link === null ? null : ownEventSides(detail, link, new Set<Side>(pickedCandidates.map((c) => c.side)));

  function toggle(set: Set<string>, key: string): Set<string> {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const planned = planManualMatch(detail, picked, included);
    if (!planned.ok) {
      setError(planned.error);
      return;
    }
    if (reason.trim() === '') {
      setError('Reason is required.');
      return;
    }
    setError(null);
    const done = await store.getState().manualMatchException({ ...planned.plan, reason: reason.trim() });
    if (done) onDone();
  }

  return (
    <form
      className="exceptions-action-form panel"
      aria-label="Manual match"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDone();
        }
      }}
    >
      <div className="exceptions-action-title">Manual match</div>
      <table className="simple exceptions-match-table" aria-label="Candidates">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Pick</span>
            </th>
            <th scope="col">Candidate and why it is proposed</th>
            <th scope="col" className="num">
              Amount · score
            </th>
          </tr>
        </thead>
        <tbody>
          {detail.candidates.map((c, i) => {
            const key = candidateKey(c);
            return (
              <tr key={key} className={picked.has(key) ? 'selected' : undefined}>
                <td>
                  <input
                    ref={i === 0 ? firstBox : undefined}
                    type="checkbox"
                    aria-label={`Pick ${c.event.kind} ${c.event.externalId} (${c.link}, ${c.side})`}
                    checked={picked.has(key)}
                    onChange={() => {
                      setPicked(toggle(picked, key));
                      setError(null);
                    }}
                  />
                </td>
                <td>
                  <EventCell event={c.event} />
                  <div className="muted">
                    <span className="mono">{c.link}</span>, {c.side} side
                  </div>
                  <div>{c.reasons.join('; ')}</div>
                </td>
                <td className="num">
                  <Amount minor={c.event.amountMinor} currency={c.event.currency} />
                  <div className="muted">{c.score.toFixed(2)}</div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h3>This exception's events</h3>
      <table className="simple exceptions-match-table" aria-label="Events of this exception">
        <tbody>
          {detail.events.map((e) => {
            const side = sides?.get(e.eventId) ?? null;
            return (
              <tr key={e.eventId}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Include ${e.kind} ${e.externalId}`}
                    checked={included.has(e.eventId)}
                    onChange={() => {
                      setIncluded(toggle(included, e.eventId));
                      setError(null);
                    }}
                  />
                </td>
                <td>
                  <EventCell event={e} />
                </td>
                <td className="num">
                  <Amount minor={e.amountMinor} currency={e.currency} />
                  <div className="muted">{link === null ? '' : side === null ? 'side unknown' : `${side} side`}</div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <label htmlFor={reasonId} className="exceptions-action-field">
        Reason
        <textarea
          id={reasonId}
          rows={2}
          value={reason}
          placeholder="Why these events belong together"
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
        />
      </label>
      {error !== null ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field-row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Working…' : `Match ${picked.size + included.size} events`}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
