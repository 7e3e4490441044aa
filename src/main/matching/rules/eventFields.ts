// The event fields a rule reads: join-key columns (as interned values) and texts, wherever the engine keeps them.
import type { FieldRef } from '../../../shared/rules/ruleSet.ts';
import type { EventTexts, KeyColumn, MatchEvent, TextSource } from './model.ts';

export type { EventTexts, KeyColumn, TextSource };

/** The event columns a rule may compare. */
export const KEY_COLUMNS: readonly KeyColumn[] = ['order_ref', 'customer_ref', 'payout_ref', 'trace_id', 'external_id'];

export function isKeyColumn(field: string): field is KeyColumn {
  return (KEY_COLUMNS as readonly string[]).includes(field);
}

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
