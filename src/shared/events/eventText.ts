// What a person reads an event by, taken from its canonical fields and the attributes its parser kept: who
// (counterparty, customer), what (description, remittance text), and the order it belongs to. One reading for every
// grid, detail and export, whatever the source.

/** Attributes naming the other party, most specific first: bank counterparty, Stripe customer, Shopify billing name, PayPal name. */
export const COUNTERPARTY_ATTRIBUTES = ['counterparty_name', 'customer_name', 'billing_name', 'name'] as const;
/** Attributes describing the record: bank remittance text and Stripe descriptions, PayPal subject and note, descriptors. */
export const DESCRIPTION_ATTRIBUTES = ['description', 'subject', 'note', 'statement_descriptor'] as const;

export interface EventText {
  counterparty: string | null;
  description: string | null;
}

function firstText(attributes: Record<string, unknown>, names: readonly string[]): string | null {
  for (const name of names) {
    const v = attributes[name];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return null;
}

/** `attributes` as stored (JSON text) or already read. */
export function eventText(attributes: string | Record<string, unknown> | undefined, customerRef: string | null | undefined): EventText {
  let attrs: Record<string, unknown> = {};
  if (typeof attributes === 'string') {
    try {
      const parsed: unknown = JSON.parse(attributes);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) attrs = parsed as Record<string, unknown>;
    } catch {
      // A malformed attributes text reads as none: the canonical fields still say who and what.
    }
  } else if (attributes !== undefined) attrs = attributes;
  return {
    counterparty: firstText(attrs, COUNTERPARTY_ATTRIBUTES) ?? customerRef ?? null,
    description: firstText(attrs, DESCRIPTION_ATTRIBUTES),
  };
}
