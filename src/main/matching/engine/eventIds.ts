// A full run's event ids as a table of 16-byte values by seq, with each event's rank in event-id order.
//
// Event ids are `ev_` + 32 hex digits (eventStore.ts eventIdFor). Held as JavaScript strings, two million of them cost
// ~180 MB (a string per event); as bytes in one buffer, 32 MB. The buffers are shared (SharedArrayBuffer), so the
// thread that writes a parallel run (parallelOutcome.ts) reads the table while the worker that computes reads the
// same bytes: ids and match ids are made from it on either side without copying. A ledger holding an id of another
// shape cannot use the table (readEventIds answers null) and keeps its ids as strings.
import { createHash } from 'node:crypto';
import type { LedgerDb } from '../../ledger/database.ts';

const ID_BYTES = 16;
const ID_PATTERN = /^ev_[0-9a-f]{32}$/;

/** The shared memory of a table, as it crosses to another thread. */
export interface EventIdBuffers {
  ids: SharedArrayBuffer;
  ranks: SharedArrayBuffer;
}

/** Where a full run's events find their ids and ranks by seq. */
export interface EventIdSource {
  readonly ranks: Int32Array;
  id(seq: number): string;
}

/** Ids kept as strings, for a ledger whose ids are not all of the eventIdFor shape. */
export class StringEventIds implements EventIdSource {
  readonly ranks: Int32Array;
  private readonly ids: string[];

  constructor(db: LedgerDb) {
    const maxSeq = maxEventSeq(db);
    this.ranks = new Int32Array(maxSeq + 1).fill(-1);
    this.ids = new Array<string>(maxSeq + 1);
    let rank = 0;
    for (const [seq, id] of db.prepare('SELECT seq, event_id FROM events ORDER BY event_id').raw().iterate() as IterableIterator<[number, string]>) {
      this.ids[seq] = id;
      this.ranks[seq] = rank++;
    }
  }

  id(seq: number): string {
    return this.ids[seq] as string;
  }
}

export class EventIdTable implements EventIdSource {
  readonly buffers: EventIdBuffers;
  private readonly bytes: Buffer;
  /** By seq: the event's place in event-id order (-1: no event of that seq). */
  readonly ranks: Int32Array;
  /** Reused for match ids: link, rule and ids joined, hashed without a string per id. */
  private scratch = Buffer.alloc(4096);

  constructor(buffers: EventIdBuffers) {
    this.buffers = buffers;
    this.bytes = Buffer.from(buffers.ids);
    this.ranks = new Int32Array(buffers.ranks);
  }

  /** Shared buffers for seqs up to `maxSeq`, empty (ranks -1). */
  static allocate(maxSeq: number): EventIdTable {
    const table = new EventIdTable({ ids: new SharedArrayBuffer((maxSeq + 1) * ID_BYTES), ranks: new SharedArrayBuffer((maxSeq + 1) * 4) });
    table.ranks.fill(-1);
    return table;
  }

  id(seq: number): string {
    return `ev_${this.bytes.toString('hex', seq * ID_BYTES, (seq + 1) * ID_BYTES)}`;
  }

  /**
   * outcomes.ts matchIdFor, from the members' seqs: `m_` + the first 32 hex digits of sha256(link ␟ rule ␟ the
   * members' ids in id order, joined by commas).
   */
  matchId(link: string, ruleId: string, seqs: ArrayLike<number>, from: number, count: number): string {
    const members: number[] = [];
    for (let i = from; i < from + count; i++) members.push(seqs[i] as number);
    members.sort((a, b) => (this.ranks[a] as number) - (this.ranks[b] as number));
    const size = Buffer.byteLength(link) + Buffer.byteLength(ruleId) + 2 + count * 36;
    if (this.scratch.length < size) this.scratch = Buffer.alloc(size * 2);
    const b = this.scratch;
    let at = b.write(link, 0);
    b[at++] = 0x1f;
    at += b.write(ruleId, at);
    b[at++] = 0x1f;
    members.forEach((seq, i) => {
      if (i > 0) b[at++] = 0x2c;
      at += b.write('ev_', at, 'latin1');
      at += b.write(this.bytes.toString('hex', seq * ID_BYTES, (seq + 1) * ID_BYTES), at, 'latin1');
    });
    return `m_${createHash('sha256').update(b.subarray(0, at)).digest('hex').slice(0, 32)}`;
  }
}

/**
 * Fills `table` from the ledger (one pass over the event-id index: ids in order give the ranks). False, with the
 * table left incomplete, when an id is not of the eventIdFor shape: the caller then keeps ids as strings.
 */
export function fillEventIds(db: LedgerDb, table: EventIdTable): boolean {
  const bytes = Buffer.from(table.buffers.ids);
  let rank = 0;
  for (const [seq, id] of db.prepare('SELECT seq, event_id FROM events ORDER BY event_id').raw().iterate() as IterableIterator<[number, string]>) {
    if (!ID_PATTERN.test(id) || seq >= table.ranks.length) return false;
    bytes.write(id.slice(3), seq * ID_BYTES, ID_BYTES, 'hex');
    table.ranks[seq] = rank++;
  }
  return true;
}

export function maxEventSeq(db: LedgerDb): number {
  return (db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0;
}

/** The table of a ledger's events, or null when an id is not of the eventIdFor shape. */
export function readEventIds(db: LedgerDb): EventIdTable | null {
  const table = EventIdTable.allocate(maxEventSeq(db));
  return fillEventIds(db, table) ? table : null;
}
