// An amount, right-aligned by its container, negatives visibly distinct (colour and minus sign).
import { useDisplayPrefs } from './useDisplayPrefs.ts';
import { formatMoney } from '../format/formatters.ts';

export function Amount({ minor, currency, code = true }: { minor: number; currency: string; code?: boolean }) {
  const prefs = useDisplayPrefs();
  return <span className={minor < 0 ? 'amount negative' : 'amount'}>{formatMoney(minor, currency, prefs, { code })}</span>;
}
