// The workspace's locale and time zone for display (browser defaults before a workspace is open).
import { useApp } from '../store/storeContext.tsx';
import type { DisplayPrefs } from '../format/formatters.ts';

const FALLBACK: DisplayPrefs = { locale: 'en-US', timeZone: 'UTC' };

export function useDisplayPrefs(): DisplayPrefs {
  const locale = useApp((s) => s.workspace?.locale);
  const timeZone = useApp((s) => s.workspace?.timeZone);
  return locale !== undefined && timeZone !== undefined ? { locale, timeZone } : FALLBACK;
}
