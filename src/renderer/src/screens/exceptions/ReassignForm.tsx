// Who takes the exceptions, and why: an owner picked from the people the workspace names (or typed as
// "NAME <EMAIL>"), and a reason, required when an exception already has another owner (a reassignment, journaled).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useApp } from '../../store/storeContext.tsx';

/** One empty list, so the store selector answers the same value while the owners are not read yet. */
const NOBODY: readonly string[] = [];

export interface ReassignFormProps {
  title: string;
  submitLabel: string;
  /** Whether a reason is needed: the exception has an owner already (null: not known here, the services decide). */
  reasonRequired: boolean | null;
  initialOwner?: string;
  busy: boolean;
  onSubmit(owner: string, reason: string): Promise<boolean>;
  onCancel(): void;
}

export function ReassignForm({ title, submitLabel, reasonRequired, initialOwner = '', busy, onSubmit, onCancel }: ReassignFormProps) {
  const people = useApp((s) => s.owners?.people ?? NOBODY);
  const [owner, setOwner] = useState(initialOwner);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ownerId = useId();
  const reasonId = useId();
  const listId = useId();
  const ownerRef = useRef<HTMLInputElement>(null);

  useEffect(() => ownerRef.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (owner.trim() === '') return setError('Owner is required.');
    if (reasonRequired === true && reason.trim() === '') return setError('A reason is required to take an exception from its owner.');
    setError(null);
    await onSubmit(owner.trim(), reason.trim());
  }

  return (
    <form
      className="exceptions-action-form panel"
      aria-label={title}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
      noValidate
    >
      <div className="exceptions-action-title">{title}</div>
      <label htmlFor={ownerId} className="exceptions-action-field">
        Owner
        <input
          id={ownerId}
          ref={ownerRef}
          type="text"
          list={listId}
          value={owner}
          placeholder="Name, e-mail or NAME <EMAIL>"
          onChange={(e) => setOwner(e.target.value)}
        />
      </label>
      <datalist id={listId}>
        {people.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <label htmlFor={reasonId} className="exceptions-action-field">
        {reasonRequired === true
          ? 'Reason (required: it has an owner)'
          : reasonRequired === null
            ? 'Reason (required for those that have an owner)'
            : 'Reason (optional)'}
        <textarea id={reasonId} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {error !== null ? (
        <div className="field-error" role="alert">
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
