// refund_totals: what the processor refunded on an order (its refunds, by key) against what the store shows refunded on
// it (attributes.refunded_minor): equal → a match; the store showing nothing, or another amount → REFUND_UNMATCHED.
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { isBlocked, usedIn } from '../model.ts';
import { buildKeyLookup } from './keyIndex.ts';
import { amountClass, comparable, compareKeys, hoursBetween, keyAgreements, windowClass } from './candidates.ts';
import { baseExplanation, recordDecisiveException, recordMatch } from '../outcomes.ts';
import { formatAmount } from '../../../../shared/money/amountText.ts';

/** Store states of an order refunded in the store (Shopify financial status). */
export const STORE_REFUNDED_STATES: ReadonlySet<string> = new Set(['refunded', 'partially_refunded']);

/** What the store shows refunded on an order, in minor units (positive), from its `refunded_minor` attribute. */
export function storeRefunded(state: MatchState, order: MatchEvent): number {
  const v = Number(state.texts.text(order, 'attributes.refunded_minor') ?? 0);
  return Number.isSafeInteger(v) ? Math.abs(v) : 0;
}

function money(minor: number, currency: string): string {
  try {
    return formatAmount(minor, currency, { code: 'suffix' });
  } catch {
    return `${minor} minor units ${currency}`;
  }
}

/**
 * Left = orders, right = processor refunds sharing a key (the payment intent, the order reference), same currency,
 * inside the window. Only orders with such refunds are decided here; an order the store shows refunded without any is
 * left to the REFUND_UNMATCHED leftover (rules/leftovers.ts), which waits for the processor's feed like any missing
 * counterpart. The refunds' amounts are compared with `sign: opposite` (refunds are money out).
 */
export function runRefundTotals(state: MatchState, rule: Rule, orders: MatchEvent[], refunds: MatchEvent[]): void {
  const lookup = buildKeyLookup(rule, refunds, state.texts);
  const used = usedIn(state, rule.link);
  for (const order of orders) {
    if (used.has(order)) continue;
    const found = lookup(order).filter(
      (r) => !used.has(r) && !isBlocked(state, rule.link, order, r) && r.currency === order.currency && windowClass(rule, order, r) === 'in',
    );
    if (found.length === 0) continue;
    const processor = found.reduce((s, r) => s + comparable(rule, r), 0);
    const store = storeRefunded(state, order);
    const delta = processor - store;
    const ac = amountClass(rule, store, delta);
    let dt = 0;
    for (const r of found) dt = Math.max(dt, Math.abs(r.t - order.t));
    const keys = keyAgreements(compareKeys(rule, order, found[0] as MatchEvent, state.texts), state.texts);
    const refunded = money(processor, order.currency);
    const summary =
      ac !== 'beyond'
        ? `${found.length} refund${found.length === 1 ? '' : 's'} of ${refunded} agree with the ${money(store, order.currency)} the store shows refunded`
        : store === 0
          ? `the processor refunded ${refunded} on this order, but the store shows nothing refunded`
          : `the processor refunded ${refunded} on this order, the store shows ${money(store, order.currency)} refunded: off by ${money(delta, order.currency)}`;
    const ex = baseExplanation(state, rule, summary);
    Object.assign(ex, { keys, amount_delta_minor: delta, time_delta_hours: hoursBetween(dt), score: ac === 'beyond' ? null : 1 });
    if (ac === 'beyond') {
      // Amount at stake: what the store's books miss (processor refunds it does not record), negative as money out.
      recordDecisiveException(state, rule, 'REFUND_UNMATCHED', order, found, -delta, ex, true);
      continue;
    }
    recordMatch(state, {
      rule,
      left: [order],
      right: found,
      score: 1,
      explanation: ex,
      autoResolved: ac === 'rounding' ? [{ code: 'ROUNDING_DIFF', amount: delta }] : [],
      consumeRight: true,
    });
  }
}
