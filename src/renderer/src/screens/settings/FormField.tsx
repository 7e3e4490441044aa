// One labelled form control with its hint and its error underneath, linked for screen readers.
import { cloneElement, type ReactElement } from 'react';
import './formField.css';

interface FormFieldProps {
  /** Prefix of the hint and error element ids; unique on the page. */
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  className?: string;
  children: ReactElement<{ 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
}

export function FormField({ id, label, error, hint, className, children }: FormFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error !== undefined ? errorId : null, hint !== undefined ? hintId : null].filter((x) => x !== null).join(' ');
  const control = cloneElement(children, {
    'aria-invalid': error !== undefined ? true : undefined,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
  });
  return (
    <div className={className === undefined ? 'form-field' : `form-field ${className}`}>
      <label>
        {label}
        {control}
      </label>
      {hint !== undefined && (
        <span id={hintId} className="form-hint muted">
          {hint}
        </span>
      )}
      {error !== undefined && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
