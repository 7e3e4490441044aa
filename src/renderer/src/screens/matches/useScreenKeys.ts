// Screen-wide keys of the list screens: "/" jumps to the quick search, Escape closes the detail panel.
// Typing in a field keeps its keys; Escape inside a field still closes the panel unless the field used it.
import { useEffect, useRef } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useScreenKeys(keys: { onSlash(): void; onEscape(): void }): void {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === '/' && !isTyping(e.target)) {
        e.preventDefault();
        latest.current.onSlash();
      } else if (e.key === 'Escape') {
        latest.current.onEscape();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
