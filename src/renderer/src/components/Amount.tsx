// An amount in the one display sign convention (src/shared/review/displaySign.ts): from the business's side, a
// payout shown positive like the bank line that receives it. A minus sign is the only mark of money out; colour is
// kept for what needs attention (`attention`), never for a sign.
import { displayMinor } from '../../../shared/review/displaySign.ts';
import { useDisplayPrefs } from './useDisplayPrefs.ts';
import { formatMoney } from '../format/formatters.ts';

export function Amount({
  minor,
  currency,
  kind,
  code = true,
  attention = false,
  magnitude = false,
}: {
  minor: number;
  currency: string;
  /** The event kind the amount is of, when it is an event's own amount: its ledger sign is turned into the display's. */
  kind?: string;
  code?: boolean;
  attention?: boolean;
  /** An amount at stake or a difference's size: shown without a sign. */
  magnitude?: boolean;
}) {
  const prefs = useDisplayPrefs();
  const shown = magnitude ? Math.abs(minor) : kind === undefined ? minor : displayMinor(kind, minor);
  return <span className={attention ? 'amount attention' : 'amount'}>{formatMoney(shown, currency, prefs, { code })}</span>;
}
