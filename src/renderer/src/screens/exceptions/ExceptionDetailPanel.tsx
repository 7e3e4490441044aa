// The open exception: what it is (who, what, how much, when the business happened and how long ago, class, state,
// when it was raised and how it was resolved), the decisions a person can take on it, its events with
// their raw records, the engine's explanation, and its history; its owners, SLA, playbook and hand-off (OwnershipCard).
import { useState } from 'react';
import type { ExceptionDetail } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { Amount } from '../../components/Amount.tsx';
import { EventDetailView } from '../../components/EventDetailView.tsx';
import { ExplanationView } from '../../components/ExplanationView.tsx';
import { HistoryList } from '../../components/HistoryList.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatAge, formatDate, formatInstant } from '../../format/formatters.ts';
import { RESOLUTION_LABELS } from '../../../../shared/review/resolution.ts';
import { TextActionForm } from './TextActionForm.tsx';
import { ManualMatchForm } from './ManualMatchForm.tsx';
import { ResolveForm } from './ResolveForm.tsx';
import { ReassignForm } from './ReassignForm.tsx';
import { OwnershipCard } from './OwnershipCard.tsx';

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
            {x.owner === null ? 'Assign…' : 'Reassign…'}
          </button>
        ) : null}
        {!resolved && detail.matchLinks.length > 0 ? (
          <button type="button" disabled={busy} onClick={() => setForm('match')}>
            Match by hand…
          </button>
        ) : null}
      </div>
      {form === 'resolve' ? (
        <ResolveForm
          title={`Resolve this ${codeLabel(x.code).toLowerCase()}`}
          submitLabel="Resolve"
          busy={busy}
          onSubmit={async (resolution) => closeOn(await store.getState().resolveExceptions([id], resolution))}
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
        <ReassignForm
          title={x.owner === null ? `Assign ${id}` : `Reassign ${id}`}
          submitLabel={x.owner === null ? 'Assign' : 'Reassign'}
          reasonRequired={x.owner !== null}
          initialOwner={x.owner ?? ''}
          busy={busy}
          onSubmit={async (owner, reason) => closeOn(await store.getState().assignException(id, owner, reason))}
          onCancel={close}
        />
      ) : null}
      {form === 'match' ? <ManualMatchForm detail={detail} onDone={close} /> : null}
    </section>
  );
}

/** Who, what and which order, in one line: what a person recognises the exception by. */
function Headline({ x }: { x: ExceptionDetail['exception'] }) {
  const parts = [x.counterparty, x.description, x.orderRef === null ? null : `order #${x.orderRef}`].filter((p): p is string => p !== null);
  return (
    <p className="exceptions-headline">
      <strong>{parts.length > 0 ? parts.join(' · ') : 'No counterparty or description in its events'}</strong>{' '}
      <Amount minor={x.amountMinor} currency={x.currency} magnitude />
    </p>
  );
}

function DetailBody({ detail }: { detail: ExceptionDetail }) {
  const prefs = useDisplayPrefs();
  const x = detail.exception;
  const resolution = x.resolution;
  return (
    <>
      <Headline x={x} />
      <p>{x.summary}</p>
      <dl className="fields">
        <dt>Business date</dt>
        <dd>
          {formatDate(x.businessDate, prefs.locale)} <span className="muted">({formatAge(x.ageDays)} ago)</span>
        </dd>
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
          <Amount minor={x.amountMinor} currency={x.currency} magnitude />
          {x.policyGated ? <span className="badge exceptions-gated">above the policy gate: a person signs off</span> : null}
        </dd>
        <dt>Raised</dt>
        <dd>
          {formatInstant(x.createdAt, prefs)} by {x.origin === 'engine' ? 'the matching engine' : 'a person'}{' '}
          <span className="muted">({x.raisedAgeDays * 24 < 1 ? 'less than an hour ago' : `${formatAge(x.raisedAgeDays)} ago`})</span>
        </dd>
        {x.resolvedAt !== null ? (
          <>
            <dt>Resolved</dt>
            <dd>
              {formatInstant(x.resolvedAt, prefs)}
              {x.resolvedHow !== null ? <div>{x.resolvedHow}</div> : null}
              {resolution !== null && resolution.category !== null ? (
                <div>
                  <span className="badge">{RESOLUTION_LABELS[resolution.category]}</span>
                  {resolution.account !== null ? <span> written off to {resolution.account}</span> : null}
                </div>
              ) : null}
              {resolution !== null ? <div className="muted">{resolution.reason}</div> : null}
            </dd>
          </>
        ) : null}
        <dt>Exception id</dt>
        <dd className="mono">{x.exceptionId}</dd>
      </dl>
    </>
  );
}

/**
 * A missing feed's batch fallback (issue 14): while a source's files or API do not arrive, its export can be imported
 * by hand; the import wizard opens preset to that source.
 */
function FeedFallback({ source }: { source: string }) {
  const store = useAppStore();
  const open = () => {
    store.getState().setImportSource(source);
    store.getState().showScreen('sources');
  };
  return (
    <section aria-label="Batch fallback" className="feed-fallback">
      <p className="muted">Until {source} delivers again, import its export by hand.</p>
      <button type="button" onClick={open}>
        Import a file for {source}
      </button>
    </section>
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
              <span title={x.code}>{codeLabel(x.code)}</span> <span className={`badge class-${x.class}`}>{x.class}</span>{' '}
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
          <p>
            Could not load {detailId}: {error}
          </p>
          <button type="button" onClick={() => void store.getState().reloadExceptionDetail()}>
            Try again
          </button>
        </div>
      ) : null}
      {detail === null && error === null ? (
        <p className="muted" role="status">
          Loading {detailId}…
        </p>
      ) : null}

      {detail !== null ? (
        <>
          <section aria-label="Summary">
            <DetailBody detail={detail} />
          </section>
          {detail.exception.code === 'FEED_MISSING' && detail.events[0] !== undefined ? <FeedFallback source={detail.events[0].source} /> : null}
          <DetailActions key={detail.exception.exceptionId} detail={detail} />
          <OwnershipCard exceptionId={detail.exception.exceptionId} />
          <section aria-label="Events">
            <h3>Events ({detail.events.length})</h3>
            {detail.events.length === 0 ? <p className="muted">This exception names no events.</p> : null}
            {detail.events.map((event) => (
              <div key={event.eventId} className="exceptions-event">
                <h4>
                  {event.kind.replace('_', ' ')} · {event.counterparty ?? event.description ?? event.externalId}{' '}
                  <Amount minor={event.amountMinor} currency={event.currency} kind={event.kind} /> <span className="muted">{event.source}</span>
                </h4>
                <EventDetailView event={event} />
              </div>
            ))}
          </section>
          <section aria-label="Explanation">
            <h3>Explanation</h3>
            <ExplanationView explanation={detail.explanation} currency={detail.exception.currency} keys="all" />
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
