// The engine's explanation summaries in the words a person reads: amounts in their currency instead of minor units,
// durations as "1 d 2 h" instead of fractional hours, scores and similarities as percentages, field names as words.
// The stored explanation keeps the engine's figures (tieout explain prints them); only the review screens' reading
// changes.
import { formatAmount } from '../../shared/money/amountText.ts';
import type { Explanation } from '../../shared/api/contract.ts';

const FIELD_WORDS: Record<string, string> = {
  order_ref: 'order ref',
  customer_ref: 'customer',
  payout_ref: 'payout ref',
  trace_id: 'trace id',
  external_id: 'id',
  'attributes.description': 'description',
};

export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field.replace(/^attributes\./, '').replace(/_/g, ' ');
}

function money(minor: string, currency: string): string {
  const n = Number(minor);
  if (!Number.isSafeInteger(n)) return minor;
  try {
    return formatAmount(n, currency, { code: 'suffix', negative: 'minus' });
  } catch {
    return `${minor} minor units`;
  }
}

/** Hours as days, hours and minutes: 26.216667 → "1 d 2 h", 0.5 → "30 min", 0 → "0 h". */
export function durationWords(hours: number): string {
  const minutes = Math.round(Math.abs(hours) * 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 && h < 6 ? `${h} h ${m} min` : `${h} h`;
  return m > 0 ? `${m} min` : '0 h';
}

function percent(value: string): string {
  const n = Number(value);
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : value;
}

const NUMBER = '(-?\\d+)';
const DECIMAL = '(\\d+(?:\\.\\d+)?)';

/** Rewrites applied in order; each matches the engine's own wording (src/main/matching strategies and explanationText). */
function rewrites(currency: string): Array<[RegExp, (...groups: string[]) => string]> {
  const m = (minor: string) => money(minor, currency);
  return [
    // An exception's summary opens with its code ("UNKNOWN_BANK_LINE: bank credit with no counterpart"): the screens
    // say the code in words beside it.
    [/^[A-Z][A-Z_]+[A-Z]: /g, () => ''],
    // payoutItems: "payout -12345 ≠ −(sum of 3 item nets 12000): off by 345 minor units"
    [
      new RegExp(`payout ${NUMBER} ≠ −\\(sum of (\\d+) item nets ${NUMBER}\\)`, 'g'),
      (p, n, s) => `payout ${m(String(-Number(p)))} ≠ its ${n} items' net ${m(s as string)}`,
    ],
    [new RegExp(`${NUMBER} minor units ([A-Z]{3})`, 'g'), (v, c) => money(v as string, c as string)],
    [new RegExp(`${NUMBER} minor units`, 'g'), (v) => m(v)],
    [/amount delta 0(?=\D|$)/g, () => 'same amount'],
    [new RegExp(`amount delta ${NUMBER}`, 'g'), (v) => `amounts differ by ${m(v)}`],
    [new RegExp(`\\(delta 0([;)])`, 'g'), (end) => `(exact${end}`],
    [new RegExp(`\\(delta ${NUMBER}([;)])`, 'g'), (v, end) => `(off by ${m(v)}${end}`],
    [new RegExp(`${DECIMAL} h apart`, 'g'), (h) => `${durationWords(Number(h))} apart`],
    [new RegExp(`\\(score ${DECIMAL}\\)`, 'g'), (v) => `(score ${percent(v)})`],
    [new RegExp(`similarity ${DECIMAL}`, 'g'), (v) => `similarity ${percent(v)}`],
    [new RegExp(`tie margin \\(${DECIMAL}\\)`, 'g'), (v) => `tie margin (${percent(v)})`],
    [/\bbank_(credit|debit)\b/g, (which) => `bank ${which}`],
    // composeMatchSummary: "keys order_ref↔order_ref, trace_id↔external_id agree"
    [/keys ((?:[a-z_.]+↔[a-z_.]+(?: \([^)]*\))?(?:, )?)+) agree/g, (list) => `${keyList(list as string)} agree`],
  ];
}

function keyList(list: string): string {
  return list
    .split(', ')
    .map((pair) => {
      const [left, right] = pair.replace(/ \(.*\)$/, '').split('↔');
      const note = / (\(.*\))$/.exec(pair)?.[1];
      const words = left === right || right === undefined ? fieldWords(left ?? '') : `${fieldWords(left ?? '')} and ${fieldWords(right)}`;
      return note === undefined ? words : `${words} ${note}`;
    })
    .join(', ');
}

/** `summary` with the engine's figures in words, amounts in `currency` (the currency the amounts compared are in). */
export function humanSummary(summary: string, currency: string): string {
  let text = summary;
  for (const [pattern, replace] of rewrites(currency))
    text = text.replace(pattern, (_all, ...groups: unknown[]) => replace(...(groups.filter((g) => typeof g === 'string') as string[])));
  return text;
}

/** An explanation with its summary and its runners-up's reasons in words (its figures stay as stored). */
export function humanExplanation(e: Explanation, currency: string): Explanation {
  return {
    ...e,
    summary: humanSummary(e.summary, currency),
    runnersUp: e.runnersUp.map((r) => ({ ...r, reason: humanSummary(r.reason, currency) })),
  };
}
