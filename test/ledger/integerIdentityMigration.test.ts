// Migration 5 on a ledger written by the previous schema: matches, exceptions and their event links move to integer
// identity, and every link, pin and row survives with the same text ids.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, MIGRATIONS } from '../../src/main/ledger/migrations.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { seedLegacyLedger } from '../support/legacyLedger.ts';

const dir = makeTempDir();

/** A ledger at schema 4 holding the sample month's events and, in the old text-id shape, two matches, a pin and an exception. */
function version4Ledger(path: string): { db: Database.Database; events: string[] } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, path, MIGRATIONS.slice(0, 4));
  seedLegacyLedger(db, [{ source: 'stripe:main', files: [join(PROJECT_ROOT, 'resources/samples/stripe-balance-2026-10.csv')] }]);
  const events = db.prepare('SELECT event_id FROM events ORDER BY seq').pluck().all() as string[];
  const [a, b, c, d] = events as [string, string, string, string];
  db.transaction(() => {
    const match = db.prepare(
      `INSERT INTO matches (match_id, link, status, origin, rule_id, rule_set_id, rule_version, score, explanation, created_at, created_by, ended_at)
       VALUES (?, 'payout_items', ?, ?, 'r', 'default', 1, 1, '{"s":"kept"}', '2026-11-01T00:00:00Z', 'system:engine', ?)`,
    );
    match.run('m_engine', 'matched', 'engine', null);
    match.run('mm_person', 'manual', 'human', null);
    match.run('m_ended', 'matched', 'engine', '2026-11-02T00:00:00Z');
    const member = db.prepare('INSERT INTO match_events (match_id, event_id, side) VALUES (?, ?, ?)');
    member.run('m_engine', a, 'left');
    member.run('m_engine', b, 'right');
    member.run('mm_person', c, 'left');
    member.run('mm_person', d, 'right');
    member.run('m_ended', a, 'left');
    member.run('m_ended', d, 'right');
    db.prepare("INSERT INTO pinned_events (event_id, link, match_id) VALUES (?, 'payout_items', 'mm_person')").run(c);
    db.prepare(
      `INSERT INTO exceptions (exception_id, code, class, default_class, policy_gated, state, amount_minor, currency, explanation, origin, created_at)
       VALUES ('x_one', 'AMBIGUOUS_MATCH', 'C', 'C', 0, 'open', 1234, 'USD', '{"s":"two"}', 'engine', '2026-11-01T00:00:00Z')`,
    ).run();
    const link = db.prepare("INSERT INTO exception_events (exception_id, event_id) VALUES ('x_one', ?)");
    link.run(b);
    link.run(d);
  })();
  return { db, events };
}

describe('migration 5: integer identity for matches and exceptions', () => {
  it('keeps every match, exception, link and pin under the same text ids, and the ledger verifies', () => {
    const path = join(dir, 'v4.sqlite');
    const { db, events } = version4Ledger(path);
    const [a, b, c, d] = events as [string, string, string, string];
    const report = migrate(db, path);
    expect(report).toMatchObject({ from: 4, to: MIGRATIONS.length });
    expect(report.backupPath).not.toBeNull();
    // Migration 7 records what each existing batch delivered: the source's watermark is its latest business time.
    expect(db.prepare('SELECT source, kinds, latest_occurred_at, covers_to FROM batch_coverage').all()).toEqual([
      { source: 'stripe:main', kinds: '["fee","payment","payout","refund"]', latest_occurred_at: '2026-10-06T02:11:00Z', covers_to: null },
    ]);

    const links = db.prepare('SELECT match_id, event_id, side FROM match_event_ids ORDER BY match_id, side').all();
    expect(links).toEqual([
      { match_id: 'm_ended', event_id: a, side: 'left' },
      { match_id: 'm_ended', event_id: d, side: 'right' },
      { match_id: 'm_engine', event_id: a, side: 'left' },
      { match_id: 'm_engine', event_id: b, side: 'right' },
      { match_id: 'mm_person', event_id: c, side: 'left' },
      { match_id: 'mm_person', event_id: d, side: 'right' },
    ]);
    expect(db.prepare('SELECT event_id FROM exception_event_ids WHERE exception_id = ? ORDER BY event_id').pluck().all('x_one')).toEqual(
      [b, d].sort(),
    );
    expect(db.prepare('SELECT match_id, ended_at, explanation FROM matches ORDER BY seq').all()).toEqual([
      { match_id: 'm_engine', ended_at: null, explanation: '{"s":"kept"}' },
      { match_id: 'mm_person', ended_at: null, explanation: '{"s":"kept"}' },
      { match_id: 'm_ended', ended_at: '2026-11-02T00:00:00Z', explanation: '{"s":"kept"}' },
    ]);
    expect(db.prepare('SELECT event_id, match_id FROM pinned_events').all()).toEqual([{ event_id: c, match_id: 'mm_person' }]);
    // Member rows hold the events' seqs and the rows' seqs, not copies of the text ids.
    const seqOf = db.prepare('SELECT seq FROM events WHERE event_id = ?').pluck();
    expect(
      db
        .prepare('SELECT event_seq FROM match_members mm JOIN matches m ON m.seq = mm.match_seq WHERE m.match_id = ? ORDER BY side')
        .pluck()
        .all('m_engine'),
    ).toEqual([seqOf.get(a), seqOf.get(b)]);
    // The old tables are gone; a second match id cannot be inserted twice (unique index).
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('match_events', 'exception_events')").pluck().get()).toBe(0);
    expect(() =>
      db
        .prepare(
          "INSERT INTO matches (match_id, link, status, origin, explanation, created_at, created_by) VALUES ('m_engine', 'l', 'matched', 'engine', '{}', 't', 'x')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(verifyLedger(db).ok).toBe(true);
    db.close();
  });
});
