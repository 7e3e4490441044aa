// Unmatching takes two deliberate steps: "Unmatch…" opens the form, a reason is required, then it is confirmed.
// A refusal from the backend arrives as a notice and leaves the form open with the reason kept.
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../../store/storeContext.tsx';

export function UnmatchForm({ matchId, eventCount }: { matchId: string; eventCount: number }) {
  const store = useAppStore();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (open) reasonRef.current?.focus();
  }, [open]);

  const cancel = () => {
    setOpen(false);
    setReason('');
    setError(null);
  };

  if (!open) {
    return (
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Unmatch…
      </button>
    );
  }

  return (
    <form
      className="panel unmatch-form"
      aria-label="Unmatch"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === '') {
          setError('A reason is required: it is recorded in the journal with the unmatch.');
          return;
        }
        setBusy(true);
        void store
          .getState()
          .unmatchSelected(reason.trim())
          .then((done) => {
            setBusy(false);
            if (done) cancel();
          });
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          cancel();
        }
      }}
    >
      <p>
        Unmatch {matchId}? Its {eventCount} events become unmatched again and the engine will not pair them with each other again.
      </p>
      <label>
        Reason (required)
        <textarea
          ref={reasonRef}
          value={reason}
          maxLength={4000}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'unmatch-reason-error' : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            if (error !== null && e.target.value.trim() !== '') setError(null);
          }}
        />
      </label>
      {error !== null ? (
        <p className="field-error" id="unmatch-reason-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="toolbar">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? 'Unmatching…' : 'Confirm unmatch'}
        </button>
        <button type="button" onClick={cancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
