// Sign-off: an open month is closed with a name and a reason (open class C exceptions carried forward only when the
// person says so, sources behind the month's end explained); a closed one shows who signed it and can be reopened with a
// reason. Every sign-off and reopening of the month is listed.
import { useState } from 'react';
import type { CloseStatus } from '../../../../shared/close/closeReport.ts';
import { useAppStore } from '../../store/storeContext.tsx';

function History({ status }: { status: CloseStatus }) {
  if (status.signOffs.length === 0) return null;
  return (
    <ol className="close-history" aria-label="Sign-offs">
      {status.signOffs.map((s) => (
        <li key={s.journalSeq}>
          <strong>{s.action === 'closed' ? 'Closed' : 'Reopened'}</strong> by {s.by} on {s.at.slice(0, 16).replace('T', ' ')} UTC: {s.reason}
          {s.acceptedOpen > 0 && ` (${s.acceptedOpen} open class C exceptions carried forward)`}
          {s.packSha256 !== null && <div className="muted mono">pack sha256 {s.packSha256}</div>}
        </li>
      ))}
    </ol>
  );
}

function CloseForm({ status }: { status: CloseStatus }) {
  const store = useAppStore();
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const [acceptOpen, setAcceptOpen] = useState(false);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const behind = status.checklist.find((c) => c.id === 'feeds_delivered')?.items ?? [];
  const blocked = status.blocking > 0 && !acceptOpen;
  async function submit() {
    setBusy(true);
    try {
      await store.getState().signOffMonth({ by: by.trim(), reason: reason.trim(), acceptOpen, sourceNotes: notes });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      className="close-form"
      aria-label="Sign off the month"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Signed off by
        <input value={by} onChange={(e) => setBy(e.target.value)} placeholder="Your name" required />
      </label>
      <label>
        Reason
        <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. October books reconciled" required />
      </label>
      {behind.map((s) => (
        <label key={s.key}>
          Why {s.key} has not delivered past the month’s end
          <input value={notes[s.key] ?? ''} onChange={(e) => setNotes({ ...notes, [s.key]: e.target.value })} placeholder="optional" />
        </label>
      ))}
      {status.blocking > 0 && (
        <label className="checkbox">
          <input type="checkbox" checked={acceptOpen} onChange={(e) => setAcceptOpen(e.target.checked)} />
          Carry the {status.blocking} open class C exceptions forward (they are listed in the pack)
        </label>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={busy || blocked || by.trim() === '' || reason.trim() === ''}>
          Close {status.month}
        </button>
        {blocked && <span className="attention">Resolve the open class C exceptions, or carry them forward.</span>}
      </div>
    </form>
  );
}

function ReopenForm({ status }: { status: CloseStatus }) {
  const store = useAppStore();
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="close-form"
      aria-label="Reopen the month"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void store
          .getState()
          .reopenClosedMonth({ by: by.trim(), reason: reason.trim() })
          .finally(() => setBusy(false));
      }}
    >
      <label>
        Reopened by
        <input value={by} onChange={(e) => setBy(e.target.value)} placeholder="Your name" required />
      </label>
      <label>
        Why the month is opened again
        <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. late bank correction" required />
      </label>
      <div className="toolbar">
        <button type="submit" disabled={busy || by.trim() === '' || reason.trim() === ''}>
          Reopen {status.month}
        </button>
      </div>
    </form>
  );
}

export function SignOffPanel({ status }: { status: CloseStatus }) {
  return (
    <section className="panel close-signoff" aria-label="Sign-off">
      <h2>Sign-off</h2>
      {status.state === 'closed' ? (
        <p>
          {status.month} is closed: its figures are the ones signed, and its audit pack is stored in the ledger. Later data is recorded as adjustments
          in the next open month{status.adjustments.affectingThisMonth > 0 ? ` (${status.adjustments.affectingThisMonth} so far)` : ''}.
        </p>
      ) : (
        <p className="muted">The figures above are live: they change with every import until the month is signed off.</p>
      )}
      <History status={status} />
      {status.state === 'closed' ? <ReopenForm status={status} /> : <CloseForm status={status} />}
    </section>
  );
}
