// Stripe API pages as events: every event is a balance transaction, mapped by the stripe-api-json rules, so a sync and
// the balance report of the same month give the same events.
//
// Which endpoint gives what (context.endpoint):
//   balance_transactions  each balance transaction (expand[]=data.source). With context.payout (a `payout=` listing)
//                         it is an item of that automatic payout: payout_ref and source_revision = the payout id, as
//                         the balance report's automatic_payout_id column gives them (stripeBalanceCsv.ts). Without
//                         it, the revision is the payout the ledger already saw it paid out in (lookup), else '': the
//                         same transaction listed again is the same record, never an older revision.
//   payouts               each payout's own balance transaction (expand[]=data.balance_transaction), with what the
//                         payout says about itself in attributes (status, arrival date, automatic, failure) and its
//                         arrival date as local_date: one payout event, the same id as the balance history's.
//   disputes              a dispute's balance transactions (withdrawal with its fee, reinstatement) as stripe-api-json
//                         maps a dispute, with the same payout lookup; an inquiry without one is a dispute event.
//   charges, refunds      (remediation searches) the object's balance transaction (expand[]=data.balance_transaction)
//                         with the object as its source; one not captured or not settled has none and yields nothing.
// The charges and refunds endpoints are not synced as events of their own: a charge's money is its balance
// transaction, and a `ch_` event beside the `txn_` one would be the same payment twice (DUPLICATE_PAYMENT), as
// importing the balance report and the Payments export together would.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { mapBalanceTransaction, mapDispute, parseStripeObjects, type StripeFields } from '../../import/parsers/stripeApiJson.ts';
import type { RecordResult } from '../../import/parserTypes.ts';
import type { PageContext, PageFormat, PageLookup } from '../pages/pageFormat.ts';

export const STRIPE_ENDPOINTS = ['balance_transactions', 'payouts', 'disputes', 'charges', 'refunds'] as const;
export type StripeEndpoint = (typeof STRIPE_ENDPOINTS)[number];

type Attrs = Record<string, unknown>;

/** A balance-transaction draft as an item of `payoutId` (or left as it is when there is none, or it is a payout itself). */
function inPayout(draft: EventDraftInput, payoutId: string | null): EventDraftInput {
  if (payoutId === null || draft.kind === 'payout') return draft;
  return {
    ...draft,
    source_revision: payoutId,
    payout_ref: normalizeRef(payoutId),
    attributes: { ...(draft.attributes as Attrs), automatic_payout_id: payoutId },
  };
}

function itemDraft(draft: EventDraftInput, context: PageContext, source: string, lookup: PageLookup): EventDraftInput {
  const listed = typeof context.payout === 'string' ? context.payout : null;
  return inPayout(draft, listed ?? lookup.knownRevision(source, draft.external_id));
}

function payoutDraft(f: StripeFields): EventDraftInput {
  const bt = f.expanded('balance_transaction');
  if (bt === null) f.fail('balance_transaction', 'is not expanded: the payout is requested with expand[]=data.balance_transaction');
  const draft = mapBalanceTransaction(bt);
  const attrs: Attrs = { ...(draft.attributes as Attrs), payout_id: f.requiredStr('id') };
  const put = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null && value !== '') attrs[key] = value;
  };
  put('payout_status', f.str('status'));
  put('automatic', f.obj.automatic);
  put('method', f.str('method'));
  put('payout_type', f.str('type'));
  put('failure_code', f.str('failure_code'));
  put('failure_message', f.str('failure_message'));
  put('destination', f.idOf('destination'));
  const arrival = f.obj.arrival_date === undefined || f.obj.arrival_date === null ? null : f.timestamp('arrival_date').slice(0, 10);
  if (arrival !== null) attrs.arrival_date = arrival;
  return { ...draft, local_date: arrival, attributes: attrs as EventDraftInput['attributes'] };
}

/** A charge's or refund's balance transaction with the object itself as its source (what expand[]=data.source gives). */
function settledDraft(f: StripeFields): EventDraftInput | null {
  const bt = f.expanded('balance_transaction');
  if (bt === null) return null;
  return mapBalanceTransaction(bt.with('source', f));
}

function mapper(context: PageContext, source: string, lookup: PageLookup) {
  const endpoint = context.endpoint as StripeEndpoint;
  return (f: StripeFields, type: string): EventDraftInput | EventDraftInput[] | null => {
    switch (endpoint) {
      case 'balance_transactions':
        return type === 'balance_transaction' ? itemDraft(mapBalanceTransaction(f), context, source, lookup) : null;
      case 'payouts':
        return type === 'payout' ? payoutDraft(f) : null;
      case 'disputes':
        return type === 'dispute'
          ? mapDispute(f).map((d) => (d.kind === 'dispute' && d.external_id.startsWith('dp_') ? d : itemDraft(d, context, source, lookup)))
          : null;
      case 'charges':
      case 'refunds': {
        if (type !== 'charge' && type !== 'refund') return null;
        const d = settledDraft(f);
        return d === null ? null : itemDraft(d, context, source, lookup);
      }
    }
  };
}

export const stripeApiPageFormat: PageFormat = {
  format: 'stripe-api-page',
  version: 1,
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  map(text: string, context: PageContext, source: string, lookup: PageLookup): Iterable<RecordResult> {
    if (!(STRIPE_ENDPOINTS as readonly unknown[]).includes(context.endpoint))
      throw new Error(`a Stripe page from an unknown endpoint ${String(context.endpoint)}`);
    return parseStripeObjects(text, mapper(context, source, lookup));
  },
};
