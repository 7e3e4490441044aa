// Resolving one or several exceptions: how it was settled (a category: timing, accepted difference written off to an
// account, duplicate, out of scope, fixed at source) and why. All three are journaled together with the decision.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { RESOLUTION_CATEGORIES, RESOLUTION_HINTS, RESOLUTION_LABELS, type ResolutionCategory } from '../../../../shared/review/resolution.ts';
import type { ResolveRequest } from '../../store/exceptionsSlice.ts';

export function ResolveForm({
  title,
  submitLabel,
  busy,
  onSubmit,
  onCancel,
}: {
  title: string;
  submitLabel: string;
  busy: boolean;
  /** Resolves true when the exceptions were resolved (the caller closes the form). */
  onSubmit(resolution: ResolveRequest): Promise<boolean>;
  onCancel(): void;
}) {
  const [category, setCategory] = useState<ResolutionCategory | null>(null);
  const [account, setAccount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reasonId = useId();
  const accountId = useId();
  const errorId = useId();
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    first.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (category === null) return setError('Choose how it was settled.');
    if (category === 'accepted_difference' && account.trim() === '') return setError('Name the account the difference is written off to.');
    if (reason.trim() === '') return setError('Reason is required.');
    setError(null);
    await onSubmit({ category, reason: reason.trim(), ...(category === 'accepted_difference' ? { writeOffAccount: account.trim() } : {}) });
  }

  return (
    <form
      className="exceptions-action-form panel resolve-form"
      aria-label={title}
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="exceptions-action-title">{title}</div>
      <fieldset className="resolve-categories">
        <legend>How was it settled?</legend>
        {RESOLUTION_CATEGORIES.map((c, i) => (
          <label key={c} className="resolve-category" title={RESOLUTION_HINTS[c]}>
            <input
              ref={i === 0 ? first : undefined}
              type="radio"
              name="resolution-category"
              value={c}
              checked={category === c}
              onChange={() => {
                setCategory(c);
                setError(null);
              }}
            />
            <span>
              <strong>{RESOLUTION_LABELS[c]}</strong>
              <span className="muted"> — {RESOLUTION_HINTS[c]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {category === 'accepted_difference' ? (
        <label htmlFor={accountId} className="exceptions-action-field">
          Write-off account
          <input
            id={accountId}
            type="text"
            value={account}
            placeholder="e.g. 6990 Bank charges"
            onChange={(e) => setAccount(e.currentTarget.value)}
          />
        </label>
      ) : null}
      <label htmlFor={reasonId} className="exceptions-action-field">
        Reason
        <textarea
          id={reasonId}
          rows={2}
          value={reason}
          placeholder="What settles it: the cheque number, the ticket, who confirmed it"
          aria-describedby={error === null ? undefined : errorId}
          onChange={(e) => {
            setReason(e.currentTarget.value);
            setError(null);
          }}
        />
      </label>
      {error !== null ? (
        <div id={errorId} className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field-row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Working…' : submitLabel}
        </button>
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
