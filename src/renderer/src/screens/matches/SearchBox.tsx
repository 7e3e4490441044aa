// The quick search of a list screen: applies a moment after typing stops (or at once on Enter), so a grid
// over thousands of rows is not re-queried on every keystroke.
import { useEffect, useRef, useState, type Ref } from 'react';

const SETTLE_MS = 300;

export function SearchBox({
  label,
  hint,
  value,
  onApply,
  inputRef,
}: {
  label: string;
  hint: string;
  value: string;
  onApply(text: string): void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const [text, setText] = useState(value);
  const applied = useRef(value);
  const apply = useRef(onApply);
  apply.current = onApply;

  useEffect(() => {
    applied.current = value;
    setText(value);
  }, [value]);

  useEffect(() => {
    if (text === applied.current) return;
    const timer = setTimeout(() => {
      applied.current = text;
      apply.current(text);
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <label>
      {label}
      <input
        ref={inputRef}
        type="search"
        value={text}
        title={`${hint} (press / to jump here)`}
        placeholder={hint}
        size={32}
        maxLength={200}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            applied.current = text;
            apply.current(text);
          } else if (e.key === 'Escape' && text !== '') {
            e.preventDefault();
            setText('');
          }
        }}
      />
    </label>
  );
}
