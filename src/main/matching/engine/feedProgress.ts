// Every source's progress as the ledger records it per import batch (batch_coverage): the kinds it delivered and its
// watermark, the latest business time it has delivered (an event's, or the end of a period its file states).
import type { LedgerDb } from '../../ledger/database.ts';
import type { FeedState, SourceFeed } from '../rules/awaiting.ts';

export interface LedgerFeeds extends FeedState {
  /** The last batch_coverage row read: a run records it, and the next one sees which sources and kinds are new. */
  coverageThrough: number;
}

interface CoverageRow {
  seq: number;
  source: string;
  kinds: string;
  latest_occurred_at: string | null;
  covers_to: string | null;
}

/** Reads the whole (small: one row per imported file) batch_coverage table; `through`: only rows up to this seq. */
export function readFeeds(db: LedgerDb, through = Number.MAX_SAFE_INTEGER): LedgerFeeds {
  const rows = db
    .prepare('SELECT seq, source, kinds, latest_occurred_at, covers_to FROM batch_coverage WHERE seq <= ? ORDER BY seq')
    .all(through) as CoverageRow[];
  const bySource = new Map<string, { kinds: Set<string>; watermark: number }>();
  let last = 0;
  for (const r of rows) {
    last = r.seq;
    const f = bySource.get(r.source) ?? { kinds: new Set<string>(), watermark: Number.NEGATIVE_INFINITY };
    for (const k of JSON.parse(r.kinds) as string[]) f.kinds.add(k);
    for (const at of [r.latest_occurred_at, r.covers_to]) if (at !== null) f.watermark = Math.max(f.watermark, Date.parse(at));
    bySource.set(r.source, f);
  }
  const sources: SourceFeed[] = [...bySource]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([source, f]) => ({ source, kinds: f.kinds, watermark: f.watermark }));
  return { sources, coverageThrough: last };
}

/** `source kind` pairs delivered by coverage rows after `through` that no earlier row delivered. */
export function newSourceKinds(db: LedgerDb, through: number): { source: string; kind: string; watermark: number }[] {
  const before = readFeeds(db, through);
  const now = readFeeds(db);
  const known = new Set(before.sources.flatMap((f) => [...f.kinds].map((k) => `${f.source}\u001f${k}`)));
  return now.sources.flatMap((f) =>
    [...f.kinds].filter((k) => !known.has(`${f.source}\u001f${k}`)).map((kind) => ({ source: f.source, kind, watermark: f.watermark })),
  );
}
