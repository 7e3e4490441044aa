// A small inline form for a decision that needs words (a reason, a comment, an owner): the text is required,
// Escape cancels, and the form stays open with the text when the backend refuses the decision.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

export interface TextActionFormProps {
  /** What the form does, for its accessible name ("Resolve 3 exceptions"). */
  title: string;
  /** The field's label ("Reason", "Comment", "Owner"). */
  label: string;
  submitLabel: string;
  multiline?: boolean;
  placeholder?: string;
  initialText?: string;
  busy?: boolean;
  tone?: 'primary' | 'danger';
  /** Resolves true when the decision was taken (the form is then closed by the caller). */
  onSubmit(text: string): Promise<boolean>;
  onCancel(): void;
}

export function TextActionForm(props: TextActionFormProps) {
  const { title, label, submitLabel, multiline = true, placeholder, initialText = '', busy = false, tone = 'primary', onSubmit, onCancel } = props;
  const [text, setText] = useState(initialText);
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const errorId = useId();
  const fieldRef = useRef<HTMLTextAreaElement & HTMLInputElement>(null);

  useEffect(() => {
    fieldRef.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const value = text.trim();
    if (value === '') {
      setError(`${label} is required.`);
      fieldRef.current?.focus();
      return;
    }
    setError(null);
    await onSubmit(value);
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onCancel();
    }
  }

  const fieldProps = {
    id: fieldId,
    ref: fieldRef,
    value: text,
    placeholder,
    'aria-invalid': error !== null,
    'aria-describedby': error !== null ? errorId : undefined,
    onChange: (e: { target: { value: string } }) => {
      setText(e.target.value);
      if (error !== null) setError(null);
    },
  };

  return (
    <form className="exceptions-action-form panel" aria-label={title} onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} noValidate>
      <div className="exceptions-action-title">{title}</div>
      <label htmlFor={fieldId} className="exceptions-action-field">
        {label}
        {multiline ? <textarea {...fieldProps} rows={3} /> : <input type="text" {...fieldProps} />}
      </label>
      {error !== null ? (
        <div id={errorId} className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field-row">
        <button type="submit" className={tone} disabled={busy}>
          {busy ? 'Working…' : submitLabel}
        </button>
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
