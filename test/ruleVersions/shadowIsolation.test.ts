// A shadow lane never writes the ledger: its runs (full on one thread and on two, incremental after a decision), its
// comparison and a deliberate attempt through its connection leave the ledger's bytes and journal as they were.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVersion } from '../../src/main/ruleVersions/versionLifecycle.ts';
import { runLane } from '../../src/main/ruleVersions/shadowRuns.ts';
import { compareVersion } from '../../src/main/ruleVersions/shadowComparison.ts';
import { LANE_TABLES, laneFile, openLane } from '../../src/main/ruleVersions/shadowFile.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { demoWorkspace, laneProjection, NO_ROUNDING } from './ruleVersionSupport.ts';

const root = makeTempDir('tieout-isolation-');

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('a shadow lane and the ledger', () => {
  const ws = demoWorkspace(root, 'iso');
  const ledgerPath = join(ws.dir, 'ledger.sqlite');
  const created = createVersion(ws.db, ws.settings, { definition: NO_ROUNDING, reason: 'exact to the cent', actor: 'user:ana' });
  const v = created.version;

  it('holds only the projection tables, in its own file', () => {
    expect(created.laneError).toBeNull();
    const file = laneFile(ledgerPath, v);
    expect(file).toBe(join(ws.dir, 'shadow', 'workspace@1.sqlite'));
    const { db: lane } = openLane(ledgerPath, v);
    try {
      const tables = lane.prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual([...LANE_TABLES, 'lane_meta'].sort());
      // Same columns as the ledger's own tables.
      for (const t of LANE_TABLES) {
        const cols = (schema: string): unknown[] =>
          lane.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?, ?) ORDER BY cid`).all(t, schema);
        expect(cols('main')).toEqual(cols('ledger'));
      }
      // The names the engine reads but never writes resolve to the ledger.
      for (const t of ['events', 'rule_sets', 'batch_coverage', 'blocked_pairs', 'pinned_events', 'superseded_events']) {
        expect(lane.prepare('SELECT count(*) FROM main.sqlite_schema WHERE name = ?').pluck().get(t)).toBe(0);
      }
    } finally {
      lane.close();
    }
  });

  it('leaves the ledger byte for byte as it was, whatever runs in the lane or tries to write through it', () => {
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = {
      bytes: fileHash(ledgerPath),
      journal: ws.db.prepare('SELECT count(*) || max(hash) FROM journal').pluck().get(),
      changes: ws.db.prepare('SELECT total_changes()').pluck().get(),
    };
    const lanes = [runLane(ws.db, ws.settings, v, { mode: 'full', parallel: 'always' }), runLane(ws.db, ws.settings, v, { mode: 'incremental' })];
    expect(lanes.map((r) => r.rule_set_id)).toEqual(['workspace', 'workspace']);
    compareVersion(ws.db, ws.settings, v);
    const { db: lane } = openLane(ledgerPath, v);
    try {
      for (const sql of [
        "INSERT INTO rule_sets (rule_set_id, version, name, definition, sha256, created_at, created_by) VALUES ('x', 1, 'x', '{}', 'x', 'x', 'x')",
        "INSERT INTO ledger.matches (match_id, link, status, origin, explanation, created_at, created_by) VALUES ('m_x', 'l', 'matched', 'engine', '{}', 'x', 'x')",
        "UPDATE ledger.exceptions SET state = 'resolved'",
        'DELETE FROM ledger.match_members',
        "UPDATE batch_coverage SET covers_to = '2099-01-01'",
        "INSERT INTO pinned_events (event_id, link, match_id) SELECT event_id, 'l', 'm' FROM events LIMIT 1",
        "INSERT INTO blocked_pairs VALUES ('l', 'a', 'b', 1)",
        "INSERT INTO ledger.journal (seq, entry_type, actor, created_at, payload, prev_hash, hash) VALUES (999999, 'x', 'x', 'x', '{}', 'x', 'x')",
      ]) {
        // (A statement that would change no row fires no trigger and changes nothing: each of these would change rows.)
        expect(() => lane.exec(sql), sql).toThrow(/never writes the ledger|append-only/);
      }
    } finally {
      lane.close();
    }
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fileHash(ledgerPath)).toBe(before.bytes);
    expect(ws.db.prepare('SELECT count(*) || max(hash) FROM journal').pluck().get()).toBe(before.journal);
    expect(existsSync(`${ledgerPath}-wal`) ? readFileSync(`${ledgerPath}-wal`).length : 0).toBe(0);
    // The lane has its own journal: its runs are recorded there, not in the ledger's.
    expect(laneProjection(laneFile(ledgerPath, v)).exceptions.some((x) => x.includes(' AMOUNT_MISMATCH C '))).toBe(true);
  });
});
