import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import { tieout, PROJECT_ROOT } from '../support/cli.ts';
import { openWorkspace } from '../../src/main/workspace/workspace.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';

const samples = join(PROJECT_ROOT, 'resources/samples');

/** The sample bank mapping with its booking dates read in another zone: the mistake a replay corrects. */
function mappingIn(dir: string, name: string, timeZone: string): string {
  const mapping = JSON.parse(readFileSync(join(samples, 'bank-statement-mapping.json'), 'utf8')) as Record<string, unknown>;
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...mapping, time_zone: timeZone }, null, 2));
  return path;
}

interface EventRow {
  seq: number;
  event_id: string;
  external_id: string;
  occurred_at: string;
  amount_minor: number;
  batch_id: string;
}

describe('tieout replay-mapping', () => {
  it('re-reads a source under a corrected mapping: a dry run shows each change and writes nothing; then revisions supersede the old events, the journal links both, a run follows', () => {
    const root = makeTempDir('tieout-replay-');
    const ws = join(root, 'books');
    expect(tieout('init', ws, '--currency', 'USD', '--time-zone', 'America/New_York').status).toBe(0);
    const wrong = mappingIn(root, 'wrong.json', 'Asia/Tokyo');
    const imported = tieout(
      'import',
      ws,
      '--source',
      'bank:ridge-usd',
      '--format',
      'generic-csv',
      '--mapping',
      wrong,
      join(samples, 'bank-statement-2026-10.csv'),
    );
    expect(imported.status).toBe(0);
    const before = openWorkspace(ws);
    const original = before.db
      .prepare("SELECT seq, event_id, external_id, occurred_at, amount_minor, batch_id FROM events WHERE source = 'bank:ridge-usd' ORDER BY seq")
      .all() as EventRow[];
    const journalBefore = before.db.prepare('SELECT count(*) FROM journal').pluck().get() as number;
    before.close();
    expect(original.length).toBeGreaterThan(2);

    const fixed = mappingIn(root, 'fixed.json', 'Europe/Berlin');
    const dry = tieout('replay-mapping', ws, '--source', 'bank:ridge-usd', '--mapping', fixed, '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    // Every line moves by Tokyo − Berlin (7 h in October before the 25th, 8 h after): shown per event, field by field.
    expect(dry.stdout).toMatch(new RegExp(`~ bank_(credit|debit) ${original[0]?.external_id} ${original[0]?.event_id} → \\(new revision\\)`));
    expect(dry.stdout).toMatch(/occurred_at: 2026-10-05T15:00:00Z → 2026-10-05T22:00:00Z/);
    expect(dry.stdout).toMatch(new RegExp(`${original.length} changed records \\(would record as new revisions`));
    expect(dry.stdout).toMatch(/dry run: nothing written/);
    const afterDry = openWorkspace(ws);
    expect(afterDry.db.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(journalBefore);
    expect(afterDry.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(original.length);
    const runsBefore = afterDry.db.prepare("SELECT count(*) FROM journal WHERE entry_type = 'reconcile.run'").pluck().get() as number;
    afterDry.close();

    const real = tieout('replay-mapping', ws, '--source', 'bank:ridge-usd', '--mapping', fixed);
    expect(real.status).toBe(0);
    expect(real.stdout).toMatch(new RegExp(`${original.length} changed records \\(recorded as new revisions`));
    expect(real.stdout).toMatch(/reconcile \(incremental/);
    const w = openWorkspace(ws);
    // The old events are still there, unedited, each superseded by its new revision.
    const stillThere = w.db
      .prepare('SELECT seq, event_id, external_id, occurred_at, amount_minor, batch_id FROM events WHERE seq <= ? ORDER BY seq')
      .all(original.at(-1)?.seq) as EventRow[];
    expect(stillThere).toEqual(original);
    const superseded = w.db.prepare('SELECT event_seq, by_seq FROM superseded_events ORDER BY event_seq').all() as Array<{
      event_seq: number;
      by_seq: number;
    }>;
    expect(superseded.map((s) => s.event_seq)).toEqual(original.map((e) => e.seq));
    const latest = w.db.prepare('SELECT * FROM events WHERE seq = ?');
    for (const [i, s] of superseded.entries()) {
      const now = latest.get(s.by_seq) as EventRow;
      const was = original[i] as EventRow;
      expect(now.external_id).toBe(was.external_id);
      expect(now.amount_minor).toBe(was.amount_minor);
      expect(now.event_id).not.toBe(was.event_id);
      const shift = (Date.parse(was.occurred_at) - Date.parse(now.occurred_at)) / 3_600_000;
      expect([-7, -8]).toContain(shift);
    }
    const replayed = w.db.prepare("SELECT payload FROM journal WHERE entry_type = 'import.replayed'").pluck().all() as string[];
    expect(replayed).toHaveLength(1);
    const link = JSON.parse(replayed[0] as string) as {
      batch_id: string;
      from_mapping: string;
      to_mapping: string;
      revisions: Array<{ before: string; after: string; fields: string[] }>;
    };
    expect(link.batch_id).toBe(original[0]?.batch_id);
    expect(link.from_mapping).not.toBe(link.to_mapping);
    expect(link.revisions).toHaveLength(original.length);
    expect(link.revisions[0]).toEqual({
      before: original[0]?.event_id,
      after: (latest.get(superseded[0]?.by_seq) as EventRow).event_id,
      fields: ['occurred_at'],
    });
    // The replay's run, after the replay's entries.
    expect(w.db.prepare("SELECT count(*) FROM journal WHERE entry_type = 'reconcile.run'").pluck().get()).toBe(runsBefore + 1);
    expect(verifyLedger(w.db).ok).toBe(true);
    const eventsAfter = w.db.prepare('SELECT count(*) FROM events').pluck().get();
    w.close();

    // The same mapping again: both batches are current or give the same ids, nothing new.
    const again = tieout('replay-mapping', ws, '--source', 'bank:ridge-usd', '--mapping', fixed);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/0 changed records/);
    const w2 = openWorkspace(ws);
    expect(w2.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(eventsAfter);
    w2.close();

    expect(tieout('replay-mapping', ws, '--source', 'stripe:none').status).toBe(2);
  });
});
