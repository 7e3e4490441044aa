// The exception card's path to closure (issue 13): owner, backup and escalation contact, SLA tier and due time,
// the escalation history, the code's playbook (editable for this workspace, the shipped one otherwise), the message
// for its class filled in, and the hand-off: the domain's new-ticket link and "copy as ticket".
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ExceptionCard } from '../../../../shared/api/ownershipContract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant, personName } from '../../format/formatters.ts';

const SLA_STATE_TEXT: Record<ExceptionCard['slaState'], string> = {
  overdue: 'overdue',
  due_today: 'due today',
  on_track: 'on track',
  none: 'no SLA running',
};

function Person({ text, empty }: { text: string | null; empty: string }) {
  if (text === null) return <span className="muted">{empty}</span>;
  return <span title={text}>{personName(text)}</span>;
}

function OwnersAndSla({ card }: { card: ExceptionCard }) {
  const prefs = useDisplayPrefs();
  return (
    <dl className="fields">
      <dt>Domain</dt>
      <dd>{card.domain ?? <span className="muted">none (no row of the domain table names its code or source)</span>}</dd>
      <dt>Owner</dt>
      <dd>
        <Person text={card.owner} empty="unassigned" />
      </dd>
      <dt>Backup</dt>
      <dd>
        <Person text={card.backup} empty="none" />
      </dd>
      <dt>Escalates to</dt>
      <dd>
        <Person text={card.escalationContact} empty="no escalation contact" />
      </dd>
      <dt>SLA</dt>
      <dd className={card.slaState === 'overdue' ? 'attention' : undefined}>
        {card.slaTier === null ? (
          <span className="muted">none</span>
        ) : (
          <>
            <span className={`badge tier tier-${card.slaTier}`}>{card.slaTier}</span> due {formatInstant(card.slaDueAt, prefs)} (
            {SLA_STATE_TEXT[card.slaState]})
          </>
        )}
      </dd>
      <dt>Escalation</dt>
      <dd>
        {card.escalations.length === 0 ? (
          <span className="muted">not escalated</span>
        ) : (
          <ol className="escalation-history" aria-label="Escalation history">
            {card.escalations.map((e) => (
              <li key={e.level}>
                Step {e.level}: to the {e.role} <Person text={e.to} empty="(nobody named)" />{' '}
                <span className="muted">{formatInstant(e.at, prefs)}</span>
                {/* The CLI's --as-of runs the clock at another time than the wall clock: say which. */}
                {Math.abs(Date.parse(e.asOf) - Date.parse(e.at)) > 60_000 ? (
                  <span className="muted"> (clock as of {formatInstant(e.asOf, prefs)})</span>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </dd>
    </dl>
  );
}

function PlaybookEditor({ card, onDone }: { card: ExceptionCard; onDone(): void }) {
  const store = useAppStore();
  const [title, setTitle] = useState(card.playbook.title);
  const [steps, setSteps] = useState(card.playbook.steps.join('\n'));
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const stepsId = useId();

  async function save(e: FormEvent) {
    e.preventDefault();
    const lines = steps
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (title.trim() === '' || lines.length === 0) return setError('A playbook needs a title and at least one step.');
    setError(null);
    if (await store.getState().savePlaybook(card.code, { title: title.trim(), steps: lines })) onDone();
  }

  return (
    <form className="exceptions-action-form" aria-label={`Playbook for ${card.code}`} onSubmit={(e) => void save(e)} noValidate>
      <label htmlFor={titleId} className="exceptions-action-field">
        Title
        <input id={titleId} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label htmlFor={stepsId} className="exceptions-action-field">
        Steps, one a line
        <textarea id={stepsId} rows={6} value={steps} onChange={(e) => setSteps(e.target.value)} />
      </label>
      {error !== null ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field-row">
        <button type="submit" className="primary">
          Save for this workspace
        </button>
        {card.playbook.origin === 'workspace' ? (
          <button
            type="button"
            onClick={() =>
              void store
                .getState()
                .savePlaybook(card.code, null)
                .then((done) => done && onDone())
            }
          >
            Back to the shipped playbook
          </button>
        ) : null}
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Playbook({ card }: { card: ExceptionCard }) {
  const [editing, setEditing] = useState(false);
  return (
    <section aria-label="Playbook">
      <h3>
        Playbook <span className="muted">({card.playbook.origin === 'workspace' ? "this workspace's" : 'shipped'})</span>
      </h3>
      {editing ? (
        <PlaybookEditor key={card.code} card={card} onDone={() => setEditing(false)} />
      ) : (
        <>
          <p>{card.playbook.title}</p>
          <ol className="playbook-steps">
            {card.playbook.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
          <button type="button" className="ghost" onClick={() => setEditing(true)}>
            Edit playbook…
          </button>
        </>
      )}
    </section>
  );
}

function HandOff({ card }: { card: ExceptionCard }) {
  const store = useAppStore();
  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      store.getState().notify('success', `${what} copied`);
    } catch {
      store.getState().notify('error', `Could not copy the ${what.toLowerCase()}: the clipboard refused it`);
    }
  }
  return (
    <>
      <section aria-label="Message">
        <h3>
          Message <span className="muted">({card.family} template)</span>
        </h3>
        <pre className="handoff-text">{card.message}</pre>
        <button type="button" className="ghost" onClick={() => void copy(card.message, 'Message')}>
          Copy message
        </button>
      </section>
      <section aria-label="Ticket">
        <h3>Ticket</h3>
        <div className="toolbar">
          <button type="button" onClick={() => void copy(card.ticketText, 'Ticket text')}>
            Copy as ticket
          </button>
          {card.ticketUrl !== null ? (
            <a className="button-link" href={card.ticketUrl} target="_blank" rel="noreferrer noopener" title={card.ticketUrl}>
              Open a new ticket
            </a>
          ) : (
            <span className="muted">No ticket link for {card.domain ?? 'this domain'}: set one in Settings → Owners.</span>
          )}
        </div>
        <details>
          <summary>The ticket text</summary>
          <pre className="handoff-text">{card.ticketText}</pre>
        </details>
      </section>
    </>
  );
}

/** The owners/SLA/hand-off part of the open exception, fetched for it and again when exceptions change. */
export function OwnershipCard({ exceptionId }: { exceptionId: string }) {
  const store = useAppStore();
  const card = useApp((s) => s.exceptionCard);
  const error = useApp((s) => s.exceptionCardError);
  const changes = useApp((s) => s.changes.exceptions + s.changes.settings);
  useEffect(() => {
    void store.getState().loadExceptionCard(exceptionId);
  }, [store, exceptionId, changes]);
  if (error !== null) {
    return (
      <p className="attention" role="alert">
        Could not load the owners and SLA: {error}
      </p>
    );
  }
  if (card === null || card.exceptionId !== exceptionId) return <p className="muted">Loading owners and SLA…</p>;
  return (
    <div className="ownership-card" aria-label="Owners and SLA">
      <section aria-label="Owners and SLA">
        <h3>Owners and SLA</h3>
        <OwnersAndSla card={card} />
      </section>
      <Playbook card={card} />
      <HandOff card={card} />
    </div>
  );
}
