// The workspace's locale and time zone for display (browser defaults before a workspace is open).
import { useMemo } from 'react';
import { useApp } from '../store/storeContext.tsx';
import type { DisplayPrefs } from '../format/formatters.ts';

const FALLBACK: DisplayPrefs = { locale: 'en-US', timeZone: 'UTC' };

/**
 * One object per (locale, time zone): grids memoize their column definitions on it, and a new object on every
 * render would hand AG Grid new columns on every render.
 */
export function useDisplayPrefs(): DisplayPrefs {
  const locale = useApp((s) => s.workspace?.locale);
  const timeZone = useApp((s) => s.workspace?.timeZone);
  return useMemo(() => (locale !== undefined && timeZone !== undefined ? { locale, timeZone } : FALLBACK), [locale, timeZone]);
}
