// A record delivered again with other figures (a Shopify order after a refund, a payment whose refunded total grew) is a
// new revision: a new event. The earlier revision is superseded, recorded here in the import's transaction, and the
// engine matches only the latest (the one delivered last; an older export imported after a newer one would win too).
import type { LedgerDb } from '../ledger/database.ts';

/** Records, for every event of the batch that revises an earlier one, that earlier one as superseded; how many. */
export function supersedeEarlierRevisions(db: LedgerDb, batchId: string): number {
  return db
    .prepare(
      `INSERT INTO superseded_events (event_seq, by_seq, batch_id)
       SELECT old.seq, max(new.seq), ? FROM events new CROSS JOIN events old
         ON old.source = new.source AND old.external_id = new.external_id AND old.kind = new.kind AND old.seq < new.seq
       WHERE new.batch_id = ? AND old.seq NOT IN (SELECT event_seq FROM superseded_events)
       GROUP BY old.seq`,
    )
    .run(batchId, batchId).changes;
}
