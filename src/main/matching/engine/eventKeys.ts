// Join keys as small integers for the matcher, and where a key's text comes from when a comparison needs the text.
//
// A full run holds every event of the ledger (two million on a 1M-order month). Held as text, their five join-key
// columns were most of that memory (an order ref, a payment intent, an external id, an e-mail per event). `equal`
// comparisons only ask whether two values are the same, so the loader replaces each value by an integer from a
// KeyDictionary shared by all columns (equal text, equal id, also across columns: a trace id equal to an external id)
// and lets the dictionary go. Comparisons that read the text (normalized_equal, contains, similarity, attributes.*)
// and explanations ask a TextSource, which reads the few texts they need from the ledger.
import type { Statement } from 'better-sqlite3';
import type { LedgerDb } from '../../ledger/database.ts';
import type { FieldRef } from '../../../shared/rules/ruleSet.ts';
import type { MatchEvent } from '../rules/model.ts';
import { attributeText, isKeyColumn, KEY_COLUMNS, type EventTexts, type TextSource } from '../rules/eventFields.ts';
import { ledgerEvent } from './ledgerEvent.ts';

/**
 * Key text → integer, the same integer for the same text in any column. An empty text is no key (null), as an
 * absent one: two events never agree on a key neither of them has.
 */
export class KeyDictionary {
  private readonly ids = new Map<string, number>();

  id(text: string | null): number | null {
    if (text === null || text === '') return null;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(text, id);
    }
    return id;
  }
}

const CHUNK = 5000;

/**
 * Texts read from the ledger by event seq, kept once read (a run asks for few: the events a fuzzy or contains rule
 * compares, the pairs an exception or a non-standard match explains). Events that carry their texts answer themselves.
 */
export class LedgerTexts implements TextSource {
  private readonly cache = new Map<number, EventTexts>();
  private readonly bySeqs: ReturnType<LedgerDb['prepare']>;
  private readonly bySeq: ReturnType<LedgerDb['prepare']>;
  private readonly attributesOf: ReturnType<LedgerDb['prepare']>;
  private readonly conversions: Statement;

  constructor(db: LedgerDb) {
    const cols = `seq, ${KEY_COLUMNS.join(', ')}`;
    this.bySeqs = db.prepare(`SELECT ${cols} FROM events WHERE seq IN (SELECT value FROM json_each(?))`);
    this.bySeq = db.prepare(`SELECT ${cols} FROM events WHERE seq = ?`);
    this.attributesOf = db.prepare('SELECT attributes FROM events WHERE seq = ?').pluck();
    // PayPal's conversion legs name the converted transaction in their Reference Txn ID (trace_id), from the same source.
    this.conversions = db
      .prepare(
        `SELECT sum(c.amount_minor) FROM events p CROSS JOIN events c ON c.trace_id = p.external_id
         WHERE p.seq = ? AND c.source = p.source AND c.kind = 'adjustment' AND c.currency = ? AND json_extract(c.attributes, '$.conversion_group') IS NOT NULL`,
      )
      .pluck();
  }

  text(e: MatchEvent, field: FieldRef): string | null {
    if (!isKeyColumn(field)) {
      // A run reads attributes only for the kinds a rule compares one of; any other is read here when asked (rare:
      // an FX basis, a store's refunded amount).
      if (e.attributesJson === null && e.attributes === undefined)
        e.attributes = JSON.parse(this.attributesOf.get(ledgerEvent(e).seq) as string) as Record<string, unknown>;
      return attributeText(e, field);
    }
    if (e.texts !== undefined) return e.texts[field];
    let t = this.cache.get(ledgerEvent(e).seq);
    if (t === undefined) {
      t = this.bySeq.get(ledgerEvent(e).seq) as (EventTexts & { seq: number }) | undefined;
      if (t === undefined) throw new Error(`event ${e.id} (seq ${ledgerEvent(e).seq}) is not in the ledger`);
      this.cache.set(ledgerEvent(e).seq, t);
    }
    return t[field];
  }

  converted(e: MatchEvent, currency: string): number | null {
    return (this.conversions.get(ledgerEvent(e).seq, currency) as number | null) ?? null;
  }

  prefetch(events: readonly MatchEvent[], fields: readonly FieldRef[]): void {
    if (!fields.some(isKeyColumn)) return;
    const missing = events.filter((e) => e.texts === undefined && !this.cache.has(ledgerEvent(e).seq)).map((e) => ledgerEvent(e).seq);
    for (let i = 0; i < missing.length; i += CHUNK) {
      for (const r of this.bySeqs.all(JSON.stringify(missing.slice(i, i + CHUNK))) as Array<EventTexts & { seq: number }>) this.cache.set(r.seq, r);
    }
  }
}
