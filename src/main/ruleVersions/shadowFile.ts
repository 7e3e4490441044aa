// A shadow lane's database: a file of its own in the workspace's shadow/ folder holding only the projection tables the
// engine writes, opened as the main database of a connection on which the ledger is attached under the name `ledger`.
// Unqualified names resolve main first, then the ledger: the unchanged engine reads events, coverage, rule sets and
// people's pins from the ledger and writes its matches, exceptions, awaiting rows, runs and journal into the lane.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LedgerDb } from '../ledger/database.ts';
import { versionLabel, type VersionRef } from '../../shared/rules/ruleVersions.ts';

/** The schema name the ledger is attached under on a lane's connection. */
export const LEDGER_SCHEMA = 'ledger';

/**
 * The tables a run writes (engine.ts and its writers, the exceptions store, the journal writer). Only these exist in a
 * lane's file; everything else a run reads (events, batch_coverage, rule_sets, blocked_pairs, pinned_events,
 * superseded_events, import_batches) resolves to the ledger. Same columns as the ledger's, read from its schema, without
 * foreign keys (they cannot cross files) and without the ledger's append-only triggers (a lane is rebuildable).
 */
export const LANE_TABLES = [
  'matches',
  'match_members',
  'match_member_changes',
  'exceptions',
  'exception_members',
  'awaiting',
  'pending_events',
  'recon_runs',
  'journal',
] as const;

/** Where a version's lane lives: WORKSPACE/shadow/default@5.sqlite. */
export function laneFile(ledgerPath: string, v: VersionRef): string {
  return join(dirname(ledgerPath), 'shadow', `${versionLabel(v)}.sqlite`);
}

/** The ledger file a connection holds; lanes need one (an in-memory ledger has no folder to keep them in). */
export function ledgerPathOf(db: LedgerDb): string {
  if (db.memory || db.name === '') throw new Error('shadow lanes need a ledger file (this ledger is in memory)');
  return db.name;
}

export function removeLaneFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/** CREATE TABLE for a lane table, from the ledger's own definition of it (columns, types, primary key, WITHOUT ROWID). */
function laneTableSql(db: LedgerDb, table: string): string {
  const cols = db
    .prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?, '${LEDGER_SCHEMA}') ORDER BY cid`)
    .all(table) as ColumnInfo[];
  if (cols.length === 0) throw new Error(`the ledger has no table ${table}: its schema is older than this build's`);
  const withoutRowid =
    (db.prepare(`SELECT wr FROM pragma_table_list WHERE schema = '${LEDGER_SCHEMA}' AND name = ?`).pluck().get(table) as number) === 1;
  const pk = cols
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => `"${c.name}"`);
  const defs = cols.map(
    (c) => `"${c.name}" ${c.type}${c.notnull === 1 ? ' NOT NULL' : ''}${c.dflt_value === null ? '' : ` DEFAULT ${c.dflt_value}`}`,
  );
  if (pk.length > 0) defs.push(`PRIMARY KEY (${pk.join(', ')})`);
  return `CREATE TABLE main."${table}" (${defs.join(', ')})${withoutRowid ? ' WITHOUT ROWID' : ''}`;
}

/** The ledger's indexes on a lane table, created on the lane's copy (the engine's queries and bulk rebuilds rely on them). */
function laneIndexSql(db: LedgerDb, table: string): string[] {
  const rows = db
    .prepare(`SELECT sql FROM ${LEDGER_SCHEMA}.sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`)
    .pluck()
    .all(table) as string[];
  // Unqualified CREATE INDEX creates in main: the lane.
  return rows;
}

/**
 * Refuses every write to the ledger through this connection: a TEMP trigger before INSERT, UPDATE and DELETE on each of
 * its tables (temp triggers alone may watch another schema's tables). better-sqlite3 is built without URI file names
 * (SQLITE_USE_URI=0), so the ledger cannot be attached with `?mode=ro`; docs/decisions/0007-shadow-lanes.md says why this
 * holds as well, and test/ruleVersions/shadowIsolation.test.ts tries.
 */
function guardLedger(db: LedgerDb): void {
  const tables = db
    .prepare(`SELECT name FROM ${LEDGER_SCHEMA}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const t of tables) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(
        `CREATE TEMP TRIGGER "lane_guard_${t}_${op.toLowerCase()}" BEFORE ${op} ON ${LEDGER_SCHEMA}."${t}"
         BEGIN SELECT RAISE(ABORT, 'a shadow lane never writes the ledger (${op} on ${t})'); END`,
      );
    }
  }
}

function ledgerSchemaVersion(db: LedgerDb, schema: string): number {
  return (db.prepare(`SELECT max(version) FROM ${schema}.schema_migrations`).pluck().get() as number | null) ?? 0;
}

export interface LaneMeta {
  version: string;
  ledger_schema: number;
  /** The ledger's journal seq up to which people's match decisions have been passed to the lane's runs. */
  ledger_journal_through: number;
  /** A replay's range: only events whose occurred_at is in [from, to) are in the lane. */
  range_from?: string;
  range_to?: string;
  /** What the stored comparison (shadowComparison.ts) was computed from. */
  diff_stamp?: string;
}

export function readLaneMeta(lane: LedgerDb): LaneMeta {
  const rows = lane.prepare('SELECT key, value FROM main.lane_meta').all() as Array<{ key: string; value: string }>;
  const m = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return {
    version: m.version ?? '',
    ledger_schema: Number(m.ledger_schema ?? 0),
    ledger_journal_through: Number(m.ledger_journal_through ?? 0),
    ...(m.range_from === undefined ? {} : { range_from: m.range_from, range_to: m.range_to }),
  };
}

export function writeLaneMeta(lane: LedgerDb, values: Partial<Record<keyof LaneMeta, string | number>>): void {
  const put = lane.prepare('INSERT INTO main.lane_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  lane.transaction(() => {
    for (const [k, v] of Object.entries(values)) if (v !== undefined) put.run(k, String(v));
  })();
}

function createLaneSchema(lane: LedgerDb, v: VersionRef, range: { from: string; to: string } | null): void {
  lane.transaction(() => {
    for (const t of LANE_TABLES) lane.exec(laneTableSql(lane, t));
    for (const t of LANE_TABLES) for (const sql of laneIndexSql(lane, t)) lane.exec(sql);
    lane.exec('CREATE TABLE main.lane_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  })();
  const through = (lane.prepare(`SELECT coalesce(max(seq), 0) FROM ${LEDGER_SCHEMA}.journal`).pluck().get() as number) ?? 0;
  writeLaneMeta(lane, {
    version: versionLabel(v),
    ledger_schema: ledgerSchemaVersion(lane, LEDGER_SCHEMA),
    ledger_journal_through: through,
    ...(range === null ? {} : { range_from: range.from, range_to: range.to }),
  });
}

function connect(file: string, ledgerPath: string): LedgerDb {
  const lane = new Database(file) as LedgerDb;
  try {
    lane.pragma('journal_mode = WAL');
    lane.pragma('synchronous = NORMAL');
    lane.pragma('busy_timeout = 5000');
    lane.pragma('cache_size = -65536');
    lane.prepare(`ATTACH DATABASE ? AS ${LEDGER_SCHEMA}`).run(ledgerPath);
    guardLedger(lane);
    return lane;
  } catch (err) {
    lane.close();
    throw err;
  }
}

export interface OpenedLane {
  db: LedgerDb;
  file: string;
  /** The file was made now (or made again): its first run is a full run. */
  fresh: boolean;
}

/**
 * Opens a version's lane over the ledger at `ledgerPath`, creating the file (or making it again when it was made for
 * an older ledger schema or another version: a lane is derived data, rebuilt by a full run). `range` restricts a
 * replay's lane to the events of a period (a TEMP view named events hides the others from every query of the run).
 */
export function openLane(ledgerPath: string, v: VersionRef, options: { file?: string; range?: { from: string; to: string } } = {}): OpenedLane {
  const file = options.file ?? laneFile(ledgerPath, v);
  mkdirSync(dirname(file), { recursive: true });
  let fresh = !existsSync(file);
  let lane = connect(file, ledgerPath);
  if (!fresh) {
    const ok =
      lane.prepare("SELECT 1 FROM main.sqlite_schema WHERE name = 'lane_meta'").get() !== undefined &&
      readLaneMeta(lane).version === versionLabel(v) &&
      readLaneMeta(lane).ledger_schema === ledgerSchemaVersion(lane, LEDGER_SCHEMA);
    if (!ok) {
      lane.close();
      removeLaneFile(file);
      fresh = true;
      lane = connect(file, ledgerPath);
    }
  }
  try {
    if (fresh) createLaneSchema(lane, v, options.range ?? null);
    const meta = readLaneMeta(lane);
    if (meta.range_from !== undefined) restrictToRange(lane, meta.range_from, meta.range_to as string);
    return { db: lane, file, fresh };
  } catch (err) {
    lane.close();
    throw err;
  }
}

/** A replay's lane sees only the events of its range: every engine query reads `events`, which resolves to this view first. */
function restrictToRange(lane: LedgerDb, from: string, to: string): void {
  lane
    .prepare(
      `CREATE TEMP VIEW events AS SELECT * FROM ${LEDGER_SCHEMA}.events WHERE occurred_at >= '${quote(from)}' AND occurred_at < '${quote(to)}'`,
    )
    .run();
}

function quote(text: string): string {
  if (!/^[0-9T:.Z+-]+$/.test(text)) throw new Error(`not an instant: ${text}`);
  return text;
}

/**
 * A connection that reads the ledger with a lane's file attached (the comparison, the diff detail): read-only on both
 * (better-sqlite3's readonly applies to attached files too).
 */
export function openLaneReader(ledgerPath: string, laneFileName: string, schema = 'lane'): LedgerDb {
  const db = new Database(ledgerPath, { readonly: true, fileMustExist: true }) as LedgerDb;
  try {
    db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(laneFileName);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
