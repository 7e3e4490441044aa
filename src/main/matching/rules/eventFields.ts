// The event fields a rule reads: join-key columns (as interned values) and texts, wherever the engine keeps them.
import type { FieldRef } from '../../../shared/rules/ruleSet.ts';
import type { MatchEvent } from './model.ts';

/** The event columns a rule may compare. */
export type KeyColumn = 'order_ref' | 'customer_ref' | 'payout_ref' | 'trace_id' | 'external_id';
export const KEY_COLUMNS: readonly KeyColumn[] = ['order_ref', 'customer_ref', 'payout_ref', 'trace_id', 'external_id'];

export function isKeyColumn(field: string): field is KeyColumn {
  return (KEY_COLUMNS as readonly string[]).includes(field);
}

/** The text of an event's key columns, for events loaded with it (incremental scopes, tests, the review screens). */
export type EventTexts = Record<KeyColumn, string | null>;

/** The integer of a key column of an event (null: the event has no such key). */
export function keyOf(e: MatchEvent, column: KeyColumn): number | null {
  switch (column) {
    case 'order_ref':
      return e.orderRef;
    case 'customer_ref':
      return e.customerRef;
    case 'payout_ref':
      return e.payoutRef;
    case 'trace_id':
      return e.traceId;
    case 'external_id':
      return e.externalId;
  }
}

/** Where the text of an event's field comes from. */
export interface TextSource {
  /** The field's text (a key column or `attributes.NAME`), or null when the event has none. */
  text(e: MatchEvent, field: FieldRef): string | null;
  /** Reads these events' texts of these fields in bulk, ahead of many text() calls. */
  prefetch(events: readonly MatchEvent[], fields: readonly FieldRef[]): void;
  /**
   * The amount `e` was converted to in `currency` where its source records the conversion beside it (PayPal's
   * currency conversion rows, linked to the payment by its transaction id), else null.
   */
  converted(e: MatchEvent, currency: string): number | null;
}

export function attributeText(e: MatchEvent, field: FieldRef): string | null {
  e.attributes ??= e.attributesJson === null ? {} : (JSON.parse(e.attributesJson) as Record<string, unknown>);
  const v = e.attributes[field.slice('attributes.'.length)];
  return v === null || v === undefined ? null : String(v);
}

/** Texts carried by the events themselves (MatchEvent.texts); an event loaded without them is a programming error. */
export const EVENT_TEXTS: TextSource = {
  text(e, field) {
    if (!isKeyColumn(field)) return attributeText(e, field);
    if (e.texts === undefined) throw new Error(`event ${e.id} was loaded without its key texts`);
    return e.texts[field];
  },
  prefetch() {},
  converted: () => null,
};

