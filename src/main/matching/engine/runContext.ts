// What the writers of one reconcile run share: its context, the scope judge of incremental runs, bulk index handling.
import type { LedgerDb } from '../../ledger/database.ts';
import type { JournalWriter } from '../../ledger/journal.ts';
import type { WorkspaceSettings } from '../../../shared/workspace/settings.ts';
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { Writers } from './projectionWriters.ts';
import { sha256Hex } from '../../ledger/canonicalJson.ts';

/** loading: events read; matching: rules run (detail = the rule); writing: desired matches, then exceptions, applied. */
export interface ReconcileProgress {
  phase: 'loading' | 'matching' | 'writing matches' | 'writing exceptions';
  done: number;
  total: number;
  detail?: string;
}

/** Rows between two `writing` progress reports. */
export const PROGRESS_EVERY_ROWS = 50_000;

export interface RunContext {
  db: LedgerDb;
  bulkRows: number;
  progress: (p: ReconcileProgress) => void;
  w: Writers;
  journal: JournalWriter;
  runId: string;
  now: string;
  actor: string;
  ruleSet: RuleSet;
  settings: WorkspaceSettings;
  asOfMs: number;
  /** Every row the run created, ended or changed, for the run's digest. */
  log: RunLog;
  /** A canary run's gate on auto-resolution (ReconcileOptions.autoResolveGate). */
  autoResolveGate?: AutoResolveGate;
}

/**
 * A canary version (DESIGN §8) auto-resolves only inside its scope: asked for each class A exception the run derives,
 * returns why a person must look at it after all, or null to let it auto-resolve (ruleVersions/canaryGate.ts).
 */
export type AutoResolveGate = (x: { exceptionId: string; code: string; events: ReadonlyArray<{ seq: number }> }) => string | null;

/**
 * What a run changed, as the `reconcile.run` digest: equal for runs that change the same rows the same way, whatever
 * order they wrote them in. New engine matches (a million on a first run of a large month) are summed as 128-bit
 * numbers, in four 32-bit lanes, from their ids (which are sha256 prefixes: m_ + 32 hex digits) instead of being kept
 * and sorted as a million lines; every other change (ended matches, exceptions: `-m id`, `+x id class state`, …) is a
 * line, and the lines are sorted.
 */
export class RunLog {
  private readonly lines: string[] = [];
  private readonly sums = new Uint32Array(4);
  private created = 0;

  line(text: string): void {
    this.lines.push(text);
  }

  matchCreated(matchId: string): void {
    if (!/^m_[0-9a-f]{32}$/.test(matchId)) {
      this.line(`+m ${matchId}`);
      return;
    }
    for (let lane = 0; lane < 4; lane++) {
      let v = 0;
      for (let i = 2 + lane * 8; i < 10 + lane * 8; i++) {
        const c = matchId.charCodeAt(i);
        v = v * 16 + (c <= 57 ? c - 48 : c - 87);
      }
      this.sums[lane] = ((this.sums[lane] as number) + v) >>> 0;
    }
    this.created++;
  }

  digest(): string {
    const sums = [...this.sums].map((x) => x.toString(16).padStart(8, '0')).join('');
    return sha256Hex(`+m ${this.created} ${sums}\n${this.lines.sort().join('\n')}`);
  }
}

/** Incremental runs: which stored rows this run decides (and may end), and the events to look them up by. */
export interface ScopeJudge {
  /** The scope's event seqs: stored rows are found through their member rows' by-event indexes. */
  seqs: number[];
  /** The (event, code) pairs of the scope whose awaiting state the run derived (every link deciding the code looked at the event). */
  awaitingDecided: Array<{ seq: number; code: string }>;
  match: (link: string, events: string[]) => boolean;
  exception: (ruleId: string | null, events: string[], code: string) => boolean;
}

const CHUNK = 5000;

/** Active engine rows: all of them (full run, ids only), or those touching the run's events (incremental). */
export function activeRows<T>(
  full: { all(): unknown[] },
  touching: { all(json: string): unknown[] },
  judge: ScopeJudge | null,
  key: (r: T) => string,
): T[] {
  if (judge === null) return full.all() as T[];
  const out = new Map<string, T>();
  for (let i = 0; i < judge.seqs.length; i += CHUNK) {
    for (const r of touching.all(JSON.stringify(judge.seqs.slice(i, i + CHUNK))) as T[]) out.set(key(r), r);
  }
  return [...out.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/** Below this many new rows, indexes are maintained row by row. */
export const BULK_ROWS = 20_000;

/** Recreates what bulkIndexes dropped; `bulk` says whether it dropped anything (the tables' id indexes among them). */
export type Rebuild = (() => void) & { bulk: boolean };

/**
 * A run that writes many rows into a table (a first full run of a month writes a million matches) drops the table's
 * secondary indexes and builds them again afterwards, inside the run's transaction: SQLite builds an index from sorted
 * keys far faster than it inserts millions of random keys (the by-event index) one by one into a tree larger than its
 * page cache. Only when the new rows are at least half of `tables[0]` (the table they are counted in): rebuilding a
 * big index for a few rows costs more. Every secondary index of `tables` but `keep` is dropped and recreated from its
 * own stored definition. Returns the function that recreates them.
 */
export function bulkIndexes(db: LedgerDb, tables: string[], newRows: number, bulkRows: number, keep: readonly string[] = []): Rebuild {
  const none = Object.assign(() => {}, { bulk: false });
  if (newRows < bulkRows) return none;
  const existing = db
    .prepare(`SELECT count(*) FROM ${tables[0] as string}`)
    .pluck()
    .get() as number;
  if (newRows * 2 < existing) return none;
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY name`,
    )
    .all(JSON.stringify(tables)) as { name: string; sql: string }[];
  const dropped = indexes.filter((i) => !keep.includes(i.name));
  for (const i of dropped) db.exec(`DROP INDEX "${i.name.replace(/"/g, '""')}"`);
  return Object.assign(
    () => {
      for (const i of dropped) db.exec(i.sql);
    },
    { bulk: true },
  );
}
