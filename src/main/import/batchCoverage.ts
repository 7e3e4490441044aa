// What one import batch delivered for its source's watermark (DESIGN §5): the kinds it brought, its latest business
// time, and the last day the file states it covers (a bank statement's closing date).
import type { LedgerDb } from '../ledger/database.ts';
import type { EventRow } from '../ledger/eventStore.ts';
import { parseDateTimeToUtc } from '../../shared/time/dateText.ts';
import { DAY_MS } from '../../shared/time/duration.ts';

export class BatchCoverage {
  private readonly kinds = new Set<string>();
  private latest: { at: string; eventId: string } | null = null;
  private coversTo: string | null = null;
  private readonly timeZone: string;

  /** `timeZone`: the workspace's, in which a statement's stated last day ends. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  /** The kinds the file's format carries (FormatParser.kinds): the source delivers them, even where this file has none. */
  formatKinds(kinds: readonly string[] | undefined): void {
    for (const k of kinds ?? []) this.kinds.add(k);
  }

  /** An event the batch created (not one it delivered again: that one counts for the batch that created it). */
  event(row: Pick<EventRow, 'kind' | 'occurred_at' | 'event_id'>): void {
    this.kinds.add(row.kind);
    const l = this.latest;
    if (l === null || row.occurred_at > l.at || (row.occurred_at === l.at && row.event_id > l.eventId))
      this.latest = { at: row.occurred_at, eventId: row.event_id };
  }

  /** The last calendar day a statement of the file states it covers: the batch covers that whole day. */
  statementPeriodEnd(day: string | undefined): void {
    if (day === undefined) return;
    const midnight = parseDateTimeToUtc(`${day} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', this.timeZone);
    if (!midnight.ok) return;
    const end = new Date(Date.parse(midnight.iso) + DAY_MS - 1000).toISOString().replace('.000Z', 'Z');
    if (this.coversTo === null || end > this.coversTo) this.coversTo = end;
  }

  /** The batch read its source through this instant (an API sync's window end): the watermark reaches it. */
  coversThrough(instant: string): void {
    if (this.coversTo === null || instant > this.coversTo) this.coversTo = instant;
  }

  /** Stores the batch's row in batch_coverage (append-only, in the import's transaction). */
  write(db: LedgerDb, batchId: string, source: string): void {
    const latestSeq =
      this.latest === null
        ? null
        : ((db.prepare('SELECT seq FROM events WHERE event_id = ?').pluck().get(this.latest.eventId) as number | undefined) ?? null);
    db.prepare('INSERT INTO batch_coverage (batch_id, source, kinds, latest_event_seq, latest_occurred_at, covers_to) VALUES (?, ?, ?, ?, ?, ?)').run(
      batchId,
      source,
      JSON.stringify([...this.kinds].sort()),
      latestSeq,
      this.latest?.at ?? null,
      this.coversTo,
    );
  }
}
