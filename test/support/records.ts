// Narrowing helpers for parser output in tests: fail loudly when a record is not the kind expected.
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import type { ParsedRecord, RecordResult, RejectedRecord } from '../../src/main/import/parserTypes.ts';

export function ok(r: RecordResult | undefined): ParsedRecord {
  if (r === undefined || !r.ok) throw new Error(`expected a parsed record, got ${JSON.stringify(r)}`);
  return r;
}

export function rejected(r: RecordResult | undefined): RejectedRecord {
  if (r === undefined || r.ok) throw new Error(`expected a rejected record, got ${JSON.stringify(r)}`);
  return r;
}

/** The first event of a parsed record. */
export function event(r: RecordResult | undefined): EventDraftInput {
  const e = ok(r).events[0];
  if (e === undefined) throw new Error('record has no event');
  return e;
}
