// A compact multi-choice filter: a button that says what is chosen, opening a list of checkboxes.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface MultiSelectOption<V extends string> {
  value: V;
  label: ReactNode;
  /** Plain text of the label, for the button's summary. */
  text: string;
}

export function MultiSelect<V extends string>({
  label,
  options,
  selected,
  onChange,
  allText = 'All',
}: {
  label: string;
  options: readonly MultiSelectOption<V>[];
  selected: readonly V[];
  onChange(values: V[]): void;
  allText?: string;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current !== null && e.target instanceof Node && !root.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const chosen = options.filter((o) => selected.includes(o.value));
  const summary = chosen.length === 0 ? allText : chosen.length <= 2 ? chosen.map((o) => o.text).join(', ') : `${chosen.length} chosen`;

  function toggle(value: V) {
    // Keep the options' order, whatever order they were ticked in.
    const next = selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value];
    onChange(options.map((o) => o.value).filter((v) => next.includes(v)));
  }

  return (
    <div
      className="exceptions-multiselect"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <span className="exceptions-multiselect-label">{label}</span>
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={listId}
        aria-label={`${label}: ${summary}`}
        onClick={() => setOpen(!open)}
      >
        {summary} ▾
      </button>
      {open ? (
        <fieldset id={listId} className="exceptions-multiselect-list">
          <legend className="muted">{label}</legend>
          {/* The options scroll; Clear and Done stay in view below them, however long the list. */}
          <div className="exceptions-multiselect-options">
            {options.length === 0 ? <div className="muted">Nothing to choose yet.</div> : null}
            {options.map((o) => (
              <label key={o.value} className="exceptions-multiselect-option">
                <input type="checkbox" checked={selected.includes(o.value)} onChange={() => toggle(o.value)} />
                <span>{o.label}</span>
              </label>
            ))}
          </div>
          <div className="field-row exceptions-multiselect-actions">
            <button type="button" className="ghost" disabled={selected.length === 0} onClick={() => onChange([])}>
              Clear
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </fieldset>
      ) : null}
    </div>
  );
}
