// Applies a run's awaiting events to the `awaiting` projection: never journaled (nothing was decided), rebuilt by a full
// run, and replaced for the events an incremental run derived the leftovers of.
import type { DesiredAwaiting } from '../rules/awaiting.ts';
import { BatchedInsert } from './projectionWriters.ts';
import type { RunContext } from './runContext.ts';
import { ledgerEvent } from './ledgerEvent.ts';

/**
 * Awaiting events, flat (a parallel run's worker sends them to the writing thread; a first import of a month's orders
 * can hold every order): seqs and until times in typed arrays, code and sources as an index into `labels`.
 */
export interface AwaitingRows {
  seqs: Int32Array;
  until: Float64Array;
  label: Uint16Array;
  /** `code ␟ waits_on`. */
  labels: string[];
}

export function toAwaitingRows(list: readonly DesiredAwaiting[]): AwaitingRows {
  const labels: string[] = [];
  const index = new Map<string, number>();
  const rows: AwaitingRows = { seqs: new Int32Array(list.length), until: new Float64Array(list.length), label: new Uint16Array(list.length), labels };
  list.forEach((a, i) => {
    const l = `${a.code}\u001f${a.waitsOn.join(' ')}`;
    let n = index.get(l);
    if (n === undefined) {
      n = labels.length;
      if (n > 0xffff) throw new Error('more than 65,535 distinct awaiting labels');
      labels.push(l);
      index.set(l, n);
    }
    rows.seqs[i] = ledgerEvent(a.event).seq;
    rows.until[i] = a.until;
    rows.label[i] = n;
  });
  return rows;
}

/**
 * `decided`: the (event, code) pairs an incremental run derived; their rows are replaced. null: a full run, which
 * decides every event: the table is replaced whole. Returns how many rows the run wrote.
 */
export function applyAwaiting(ctx: RunContext, rows: AwaitingRows, decided: ReadonlyArray<{ seq: number; code: string }> | null): number {
  const { db } = ctx;
  if (decided === null) db.exec('DELETE FROM awaiting');
  else {
    const del = db.prepare(
      "DELETE FROM awaiting WHERE (event_seq, code) IN (SELECT json_extract(value, '$.seq'), json_extract(value, '$.code') FROM json_each(?))",
    );
    for (let i = 0; i < decided.length; i += 5000) del.run(JSON.stringify(decided.slice(i, i + 5000)));
  }
  const insert = new BatchedInsert(db, 'awaiting', ['event_seq', 'code', 'until', 'waits_on']);
  const split = rows.labels.map((l) => l.split('\u001f') as [string, string]);
  for (let i = 0; i < rows.seqs.length; i++) {
    const [code, waitsOn] = split[rows.label[i] as number] as [string, string];
    insert.add(rows.seqs[i], code, new Date(rows.until[i] as number).toISOString(), waitsOn);
  }
  insert.flush();
  return rows.seqs.length;
}
