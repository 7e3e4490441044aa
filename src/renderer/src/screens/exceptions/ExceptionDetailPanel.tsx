// The open exception: what it is (code, class, state, amount, owner, due, created), the decisions a person can
// take on it, its events with their raw records, the engine's explanation, and its history.
import { useState } from 'react';
import type { ExceptionDetail } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { Amount } from '../../components/Amount.tsx';
import { EventDetailView } from '../../components/EventDetailView.tsx';
import { ExplanationView } from '../../components/ExplanationView.tsx';
import { HistoryList } from '../../components/HistoryList.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatAge, formatInstant } from '../../format/formatters.ts';
import { TextActionForm } from './TextActionForm.tsx';
import { ManualMatchForm } from './ManualMatchForm.tsx';

type DetailForm = 'resolve' | 'comment' | 'reopen' | 'assign' | 'match' | null;

function DetailActions({ detail }: { detail: ExceptionDetail }) {
  const store = useAppStore();
  const busy = useApp((s) => s.exceptionsBusy);
  const [form, setForm] = useState<DetailForm>(null);
  const x = detail.exception;
  const resolved = x.state === 'resolved';
  const id = x.exceptionId;
  const close = () => setForm(null);
  const closeOn = (done: boolean) => {
    if (done) close();
    return done;
  };

  return (
    <section aria-label="Actions">
      <div className="toolbar">
        {!resolved ? (
          <button type="button" className="primary" disabled={busy} onClick={() => setForm('resolve')}>
            Resolve…
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => setForm('reopen')}>
            Reopen…
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => setForm('comment')}>
          Comment…
        </button>
        {!resolved ? (
          <button type="button" disabled={busy} onClick={() => setForm('assign')}>
            Assign…
          </button>
        ) : null}
        {!resolved && detail.candidates.length > 0 ? (
          <button type="button" disabled={busy} onClick={() => setForm('match')}>
            Manual match…
          </button>
        ) : null}
      </div>
      {!resolved && detail.candidates.length === 0 ? (
        <p className="muted">The engine has no counterpart to propose for a manual match of this exception.</p>
      ) : null}
      {form === 'resolve' ? (
        <TextActionForm
          title={`Resolve ${id}`}
          label="Reason"
          submitLabel="Resolve"
          placeholder="Why this exception needs no further action"
          busy={busy}
          onSubmit={async (reason) => closeOn(await store.getState().resolveExceptions([id], reason))}
          onCancel={close}
        />
      ) : null}
      {form === 'reopen' ? (
        <TextActionForm
          title={`Reopen ${id}`}
          label="Reason"
          submitLabel="Reopen"
          tone="danger"
          busy={busy}
          onSubmit={async (reason) => closeOn(await store.getState().reopenException(id, reason))}
          onCancel={close}
        />
      ) : null}
      {form === 'comment' ? (
        <TextActionForm
          title={`Comment on ${id}`}
          label="Comment"
          submitLabel="Add comment"
          busy={busy}
          onSubmit={async (text) => closeOn(await store.getState().commentExceptions([id], text))}
          onCancel={close}
        />
      ) : null}
      {form === 'assign' ? (
        <TextActionForm
          title={`Assign ${id}`}
          label="Owner"
          submitLabel="Assign"
          multiline={false}
          placeholder="user:name or a team"
          initialText={x.owner ?? ''}
          busy={busy}
          onSubmit={async (owner) => closeOn(await store.getState().assignException(id, owner))}
          onCancel={close}
        />
      ) : null}
      {form === 'match' ? <ManualMatchForm detail={detail} onDone={close} /> : null}
    </section>
  );
}

function DetailBody({ detail }: { detail: ExceptionDetail }) {
  const prefs = useDisplayPrefs();
  const x = detail.exception;
  return (
    <>
      <p>{x.summary}</p>
      <dl className="fields">
        <dt>Exception</dt>
        <dd className="mono">{x.exceptionId}</dd>
        <dt>Class</dt>
        <dd>
          <span className={`badge class-${x.class}`}>{x.class}</span>
          {x.class !== x.defaultClass ? <span className="muted"> (default {x.defaultClass})</span> : null}
        </dd>
        <dt>State</dt>
        <dd>
          {x.state.replace('_', ' ')}
          {x.ended && x.state !== 'resolved' ? <span className="muted"> (closed by a later run)</span> : null}
        </dd>
        <dt>At stake</dt>
        <dd>
          <Amount minor={x.amountMinor} currency={x.currency} />
          {x.policyGated ? <span className="badge exceptions-gated">above the policy gate: a person signs off</span> : null}
        </dd>
        <dt>Owner</dt>
        <dd>{x.owner ?? <span className="muted">unassigned</span>}</dd>
        <dt>Due</dt>
        <dd>{formatInstant(x.dueAt, prefs)}</dd>
        <dt>Created</dt>
        <dd>
          {formatInstant(x.createdAt, prefs)} <span className="muted">({formatAge(x.ageDays)} ago)</span>
        </dd>
        <dt>Raised by</dt>
        <dd>{x.origin === 'engine' ? 'the matching engine' : 'a person'}</dd>
        {x.resolvedAt !== null ? (
          <>
            <dt>Resolved</dt>
            <dd>
              {formatInstant(x.resolvedAt, prefs)}
              {x.resolvedBy !== null ? (
                <>
                  {' '}
                  by <span className="mono">{x.resolvedBy}</span>
                </>
              ) : null}
              {x.resolution !== null ? <div>{x.resolution}</div> : null}
            </dd>
          </>
        ) : null}
      </dl>
    </>
  );
}

export function ExceptionDetailPanel() {
  const store = useAppStore();
  const detailId = useApp((s) => s.exceptionsDetailId);
  const detail = useApp((s) => s.exceptionsDetail);
  const loading = useApp((s) => s.exceptionsDetailLoading);
  const error = useApp((s) => s.exceptionsDetailError);
  if (detailId === null) return null;
  const x = detail?.exception;

  return (
    <aside className="detail-panel exceptions-detail" aria-label="Exception detail" aria-busy={loading}>
      <header className="exceptions-detail-head">
        <h2>
          {x !== undefined ? (
            <>
              <span>{x.code}</span> <span className={`badge class-${x.class}`}>{x.class}</span>{' '}
              <span className="badge">{x.state.replace('_', ' ')}</span>
            </>
          ) : (
            <span className="mono">{detailId}</span>
          )}
        </h2>
        <button type="button" className="ghost" aria-label="Close detail" title="Close (Esc)" onClick={() => store.getState().closeExceptionDetail()}>
          ×
        </button>
      </header>

      {error !== null ? (
        <div className="panel error-panel" role="alert">
          <p>Could not load {detailId}: {error}</p>
          <button type="button" onClick={() => void store.getState().reloadExceptionDetail()}>
            Try again
          </button>
        </div>
      ) : null}
      {detail === null && error === null ? <p className="muted" role="status">Loading {detailId}…</p> : null}

      {detail !== null ? (
        <>
          <section aria-label="Summary">
            <DetailBody detail={detail} />
          </section>
          <DetailActions key={detail.exception.exceptionId} detail={detail} />
          <section aria-label="Events">
            <h3>Events ({detail.events.length})</h3>
            {detail.events.length === 0 ? <p className="muted">This exception names no events.</p> : null}
            {detail.events.map((event) => (
              <div key={event.eventId} className="exceptions-event">
                <h4>
                  {event.kind} <span className="mono">{event.externalId}</span> <span className="muted">{event.source}</span>
                </h4>
                <EventDetailView event={event} />
              </div>
            ))}
          </section>
          <section aria-label="Explanation">
            <h3>Explanation</h3>
            <ExplanationView explanation={detail.explanation} currency={detail.exception.currency} />
          </section>
          <section aria-label="History">
            <h3>History</h3>
            <HistoryList entries={detail.history} />
          </section>
        </>
      ) : null}
    </aside>
  );
}
