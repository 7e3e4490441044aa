// DUPLICATE_RECORD through the real CLI: a record another file already delivered is collapsed and recorded as class A.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import Database from 'better-sqlite3';
import { tieout } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { stripeCsv, stripeRow, stripeCsvRange } from '../support/stripeCsv.ts';
import type { ExportedException } from '../../src/main/export/exceptionsExport.ts';
import { unpackExplanation } from '../../src/main/matching/engine/explanationText.ts';
import type { StoredExceptionRow } from '../../src/main/review/exceptionsQuery.ts';

const root = makeTempDir('tieout-duprec-');
const importingActor = `user:${userInfo().username}`;

/** A stored exception row with the event it links (the query below selects these columns). */
type Row = Omit<StoredExceptionRow, 'rule_version' | 'owner' | 'due_at' | 'created_run_id'> & {
  event_id: string;
  external_id: string;
  event_batch: string;
};

/** DUPLICATE_RECORD rows come from no rule: their rule columns are null. */
const NO_RULE = { rule_id: null, rule_set_id: null, rule_version: null };

function file(name: string, content: string): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

function query<T>(ws: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(ws, 'ledger.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const duplicateRows = (ws: string): Row[] =>
  query<Row>(
    ws,
    `SELECT x.*, e.event_id, e.external_id, e.batch_id AS event_batch FROM exceptions x
     JOIN exception_event_ids xe ON xe.exception_id = x.exception_id JOIN events e ON e.event_id = xe.event_id
     WHERE x.code = 'DUPLICATE_RECORD' ORDER BY e.external_id, x.exception_id`,
  );

const batchOf = (ws: string, fileName: string): string[] =>
  query<{ batch_id: string }>(ws, 'SELECT batch_id FROM import_batches WHERE file_name = ? ORDER BY rowid', fileName).map((r) => r.batch_id);

const idFor = (eventId: string, batchId: string): string =>
  `x_${createHash('sha256').update(`DUPLICATE_RECORD\u001f${eventId}\u001f${batchId}`).digest('hex').slice(0, 32)}`;

describe('DUPLICATE_RECORD: a source record delivered twice', () => {
  it('records each record an overlapping file delivers again, class A resolved, and later runs leave it alone', () => {
    const ws = join(root, 'books');
    expect(tieout('init', ws, '--currency', 'USD').status).toBe(0);
    const sep = file('sep.csv', stripeCsvRange(1, 5));
    const oct = file('oct.csv', stripeCsvRange(4, 8));
    expect(tieout('import', ws, '--source', 'stripe:main', sep).status).toBe(0);
    const second = tieout('import', ws, '--source', 'stripe:main', oct);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(
      /5 rows read, 3 events created, 2 duplicates skipped \(2 delivered earlier by another file: DUPLICATE_RECORD, auto-resolved\), 0 rows rejected/,
    );

    const [sepBatch] = batchOf(ws, 'sep.csv');
    const [octBatch] = batchOf(ws, 'oct.csv');
    const rows = duplicateRows(ws);
    expect(rows.map((r) => r.external_id)).toEqual(['txn_4', 'txn_5']);
    for (const [i, r] of rows.entries()) {
      // Linked to the original event (created by sep.csv), one row per (event, delivering batch).
      expect(r.event_batch).toBe(sepBatch);
      expect(r.exception_id).toBe(idFor(r.event_id, octBatch as string));
      expect(r).toMatchObject({
        class: 'A',
        default_class: 'A',
        policy_gated: 0,
        state: 'resolved',
        amount_minor: 0,
        currency: 'USD',
        origin: 'engine',
        rule_id: null,
        rule_set_id: null,
        resolved_by: importingActor,
        ended_at: null,
      });
      expect(r.resolved_at).toBe(r.created_at);
      // oct.csv: header on line 1, txn_4 on line 2; sep.csv: txn_4 on line 5.
      expect(r.resolution).toBe(
        `auto-resolved (class A): DUPLICATE_RECORD, delivered again by oct.csv line ${2 + i} (batch ${octBatch}); first delivered by sep.csv line ${5 + i}`,
      );
      const explanation = unpackExplanation(r.explanation, NO_RULE) as unknown as Record<string, unknown>;
      expect(Object.keys(explanation)).toEqual([
        'rule_id',
        'rule_set_id',
        'rule_version',
        'strategy',
        'link',
        'summary',
        'keys',
        'amount_delta_minor',
        'time_delta_hours',
        'score',
        'runners_up',
        'policy',
      ]);
      expect(explanation).toMatchObject({ rule_id: null, rule_set_id: null, rule_version: null, keys: [], runners_up: [], score: null });
      expect(explanation['summary']).toBe(
        `DUPLICATE_RECORD: record stripe:main/txn_${4 + i} (payment) delivered again by oct.csv line ${2 + i} (batch ${octBatch}); ` +
          `first delivered by sep.csv line ${5 + i} (batch ${sepBatch}); collapsed into the existing event, nothing at stake`,
      );
    }
    const journal = query<{ actor: string; subject_id: string; payload: string }>(
      ws,
      "SELECT actor, subject_id, payload FROM journal WHERE entry_type = 'exception.auto_resolved' AND subject_id IN (SELECT exception_id FROM exceptions WHERE code = 'DUPLICATE_RECORD') ORDER BY seq",
    );
    expect(journal.map((j) => j.subject_id)).toEqual(rows.map((r) => r.exception_id));
    expect(journal.every((j) => j.actor === 'system:import')).toBe(true);
    expect(JSON.parse(journal[0]?.payload as string)).toMatchObject({
      code: 'DUPLICATE_RECORD',
      amount_minor: 0,
      currency: 'USD',
      batch_id: octBatch,
      events: [rows[0]?.event_id],
      imported_by: importingActor,
      file_name: 'oct.csv',
      line_start: 2,
      first_batch_id: sepBatch,
      first_file_name: 'sep.csv',
      first_line_start: 5,
    });
    const sealed = query<{ payload: string }>(ws, "SELECT payload FROM journal WHERE entry_type = 'import.batch' AND subject_id = ?", octBatch);
    expect(JSON.parse(sealed[0]?.payload as string)).toMatchObject({ duplicates_skipped: 2, duplicate_records: 2 });

    // A byte-identical re-import delivers nothing new: only counted, as before.
    const again = tieout('import', ws, '--source', 'stripe:main', oct);
    expect(again.stdout).toMatch(/0 events created, 5 duplicates skipped, 0 rows rejected/);
    expect(duplicateRows(ws)).toEqual(rows);

    // A full run (and the incremental runs every import made) never ends or changes them.
    expect(tieout('reconcile', ws).status).toBe(0);
    expect(duplicateRows(ws)).toEqual(rows);

    // Exports list them (active, resolved; ordered by exception id); `exceptions` lists open ones by default, resolved ones on request.
    const byId = [...rows].sort((a, b) => (a.exception_id < b.exception_id ? -1 : 1));
    const exported = JSON.parse(tieout('export', ws, '--what', 'exceptions', '--format', 'json').stdout) as ExportedException[];
    const dup = exported.filter((x) => x.code === 'DUPLICATE_RECORD');
    expect(dup.map((x) => [x.exception_id, x.class, x.state, x.amount_minor, x.currency, x.events.map((e) => e.external_id)])).toEqual(
      byId.map((r) => [r.exception_id, 'A', 'resolved', 0, 'USD', [r.external_id]]),
    );
    const csv = tieout('export', ws, '--what', 'exceptions', '--format', 'csv', '--code', 'DUPLICATE_RECORD').stdout.trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(
      new RegExp(`^${byId[0]?.exception_id},DUPLICATE_RECORD,A,resolved,0,USD,${byId[0]?.event_id},stripe:main,payment,${byId[0]?.external_id},`),
    );
    const listed = JSON.parse(
      tieout('exceptions', ws, '--code', 'DUPLICATE_RECORD', '--state', 'resolved', '--format', 'json').stdout,
    ) as ExportedException[];
    expect(listed.map((x) => x.exception_id)).toEqual(byId.map((r) => r.exception_id));
    expect(JSON.parse(tieout('exceptions', ws, '--code', 'DUPLICATE_RECORD', '--format', 'json').stdout)).toEqual([]);

    // Status: nothing open, each one an auto-resolved decision.
    const status = JSON.parse(tieout('status', ws, '--json').stdout) as {
      open_exceptions_by_code_and_class: Array<{ code: string }>;
      decisions_auto_resolved: number;
    };
    expect(status.open_exceptions_by_code_and_class.some((g) => g.code === 'DUPLICATE_RECORD')).toBe(false);
    const explained = tieout('explain', ws, rows[0]?.exception_id as string);
    expect(explained.stdout).toContain(`exception ${rows[0]?.exception_id}: DUPLICATE_RECORD class A resolved`);
    expect(explained.stdout).toContain('  rule (none)\n');
    expect(explained.stdout).toContain('delivered again by oct.csv line 2');
    expect(tieout('verify', ws).status).toBe(0);
  }, 120_000);

  it('a third delivery by yet another file is a new row; a record repeated inside one file is recorded once', () => {
    const ws = join(root, 'thrice');
    tieout('init', ws);
    expect(tieout('import', ws, '--source', 'stripe:main', file('t1.csv', stripeCsvRange(1, 3))).status).toBe(0);
    expect(tieout('import', ws, '--source', 'stripe:main', file('t2.csv', stripeCsvRange(3, 4))).status).toBe(0);
    // t3 repeats txn_3 (from t1) twice and brings txn_9 twice (new: its second copy is a repeat inside this file).
    const t3 = tieout('import', ws, '--source', 'stripe:main', file('t3.csv', stripeCsv([stripeRow(3), stripeRow(9), stripeRow(3), stripeRow(9)])));
    expect(t3.stdout).toMatch(/4 rows read, 1 events created, 3 duplicates skipped \(1 delivered earlier by another file/);
    const rows = duplicateRows(ws);
    const [t1] = batchOf(ws, 't1.csv');
    const [t2] = batchOf(ws, 't2.csv');
    const [t3Batch] = batchOf(ws, 't3.csv');
    expect(rows.map((r) => [r.external_id, r.event_batch, r.exception_id])).toEqual(
      [
        ['txn_3', t1, idFor(rows[0]?.event_id as string, t2 as string)],
        ['txn_3', t1, idFor(rows[0]?.event_id as string, t3Batch as string)],
      ].sort((a, b) => ((a[2] as string) < (b[2] as string) ? -1 : 1)),
    );
    expect(rows.find((r) => r.exception_id === idFor(r.event_id, t3Batch as string))?.resolution).toContain('delivered again by t3.csv line 2 ');
  });

  it('files of one import command: the later file records what the earlier one brought', () => {
    const ws = join(root, 'together');
    tieout('init', ws);
    const r = tieout('import', ws, '--source', 'stripe:main', file('a1.csv', stripeCsvRange(1, 4)), file('a2.csv', stripeCsvRange(3, 6)));
    expect(r.status).toBe(0);
    const [a1] = batchOf(ws, 'a1.csv');
    const [a2] = batchOf(ws, 'a2.csv');
    expect(duplicateRows(ws).map((x) => [x.external_id, x.event_batch, x.exception_id === idFor(x.event_id, a2 as string)])).toEqual([
      ['txn_3', a1, true],
      ['txn_4', a1, true],
    ]);
  });

  it('the import stays one transaction: a bad row in the overlapping file leaves no DUPLICATE_RECORD behind', () => {
    const ws = join(root, 'atomic');
    tieout('init', ws);
    expect(tieout('import', ws, '--source', 'stripe:main', file('ok.csv', stripeCsvRange(1, 4))).status).toBe(0);
    const before = query<{ n: number }>(ws, 'SELECT (SELECT count(*) FROM journal) + (SELECT count(*) FROM exceptions) AS n')[0]?.n;
    const bad = file('bad-overlap.csv', stripeCsv([stripeRow(2), stripeRow(3), stripeRow(5), stripeRow(6).replace('16.00', '16.x0')]));
    const r = tieout('import', ws, '--source', 'stripe:main', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad-overlap\.csv:5:/);
    expect(duplicateRows(ws)).toEqual([]);
    expect(query<{ n: number }>(ws, 'SELECT (SELECT count(*) FROM journal) + (SELECT count(*) FROM exceptions) AS n')[0]?.n).toBe(before);
    expect(query(ws, "SELECT 1 FROM import_batches WHERE file_name = 'bad-overlap.csv'")).toEqual([]);
    // With --skip-invalid the good rows land, and so do their DUPLICATE_RECORDs.
    expect(tieout('import', ws, '--source', 'stripe:main', '--skip-invalid', bad).status).toBe(0);
    expect(duplicateRows(ws).map((x) => x.external_id)).toEqual(['txn_2', 'txn_3']);
    expect(tieout('verify', ws).status).toBe(0);
  });
});
