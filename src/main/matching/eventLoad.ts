// How events are read from the ledger into the engine: the SELECT lists, full runs' events (keys as integers, ids from
// the shared table), events made from single rows, and the human decisions every run respects.
import type { LedgerDb } from '../ledger/database.ts';
import type { EventRow as LedgerEventRow } from '../ledger/eventStore.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import type { MEvent } from './model.ts';
import type { HumanDecisions } from './plan.ts';
import { comparesKeys } from './strategies/candidates.ts';
import { KeyDictionary, type KeyColumn } from './eventKeys.ts';
import { readEventIds, StringEventIds, type EventIdSource } from './eventIds.ts';

/** Sets each event's rank from its id source (for computeOutcome's `ranked`). */
export function rankEvents(events: readonly MEvent[], ids: EventIdSource): void {
  for (const e of events) e.rank = ids.ranks[e.seq] as number;
}

/**
 * occurred_at as epoch ms, computed by SQLite: the stored instants are UTC ISO 8601 with at most milliseconds
 * (CanonicalEventSchema), which unixepoch reads exactly as Date.parse does, without a 24-character string per event.
 */
const OCCURRED_MS = "CAST(round(unixepoch(e.occurred_at, 'subsec') * 1000) AS INTEGER)";

const sqlKinds = (kinds: Set<string>): string => [...kinds].sort().map((k) => `'${k.replace(/'/g, "''")}'`).join(', ');

/** `column` for events of `kinds`, NULL for the others (nothing is read or built for a value no rule looks at). */
function onlyFor(column: string, kinds: Set<string> | undefined): string {
  return kinds === undefined || kinds.size === 0 ? 'NULL' : `CASE WHEN e.kind IN (${sqlKinds(kinds)}) THEN ${column} END`;
}

/** The kinds whose events a rule reads each key column of by `equal` (the comparisons answered by key integers). */
function equalKeyKinds(ruleSet: RuleSet): Map<KeyColumn, Set<string>> {
  const out = new Map<KeyColumn, Set<string>>();
  const add = (column: string, kinds: readonly string[]): void => {
    const set = out.get(column as KeyColumn) ?? new Set<string>();
    kinds.forEach((k) => set.add(k));
    out.set(column as KeyColumn, set);
  };
  for (const r of ruleSet.rules) {
    for (const k of r.keys) {
      if (!comparesKeys(k)) continue;
      add(k.left, r.left.kinds);
      add(k.right, r.right.kinds);
    }
  }
  return out;
}

/** How the SELECT list reads key columns: every value with its text (`all`: small scopes), or only those a rule compares by `equal` (`used`). */
export type KeyColumns = 'all' | 'used';

/**
 * The SELECT list: attributes (JSON, the bulk of a row) are read only for the kinds a rule compares an
 * `attributes.*` field of (the default rules: bank credits' remittance text); they are parsed on first use. A full
 * run reads a key column only for the kinds whose events a rule compares it on with `equal` (the comparisons answered
 * by key integers); every other comparison reads its texts from the ledger when it runs.
 */
export function eventColumns(ruleSet: RuleSet, keys: KeyColumns = 'all', withIds = true): string {
  const attributeKinds = new Set<string>();
  for (const r of ruleSet.rules) {
    for (const k of r.keys) {
      if (k.left.startsWith('attributes.')) r.left.kinds.forEach((x) => attributeKinds.add(x));
      if (k.right.startsWith('attributes.')) r.right.kinds.forEach((x) => attributeKinds.add(x));
    }
  }
  const used = equalKeyKinds(ruleSet);
  const keyColumn = (column: KeyColumn): string => (keys === 'all' ? `e.${column}` : onlyFor(`e.${column}`, used.get(column)));
  return `${withIds ? 'e.event_id' : 'NULL'}, e.kind, e.source, ${keyColumn('external_id')}, ${keyColumn('order_ref')}, ${keyColumn('customer_ref')}, ${keyColumn('payout_ref')},
    ${keyColumn('trace_id')}, e.amount_minor, e.currency, e.fee_minor, e.net_minor, e.state, ${OCCURRED_MS}, e.seq, ${onlyFor('e.attributes', attributeKinds)}`;
}

export type RawRow = [string | null, string, string, string | null, string | null, string | null, string | null, string | null, number, string, number | null, number | null, string | null, number, number, string | null];

/**
 * Builds MEvents from raw rows. A full run holds every event of the ledger in memory (two million on a
 * 1M-order month), so: the few distinct kinds, sources, currencies and states are shared strings, not one
 * copy per row, occurred_at is kept only as epoch ms (t), and the join keys are integers from one KeyDictionary
 * (eventKeys.ts) that goes with the builder. `withTexts` also keeps the keys' text on each event (small scopes).
 */
export function eventBuilder(withTexts: boolean): (r: RawRow) => MEvent {
  const shared = new Map<string, string>();
  const one = (v: string): string => {
    const s = shared.get(v);
    if (s !== undefined) return s;
    shared.set(v, v);
    return v;
  };
  const keys = new KeyDictionary();
  const build = (r: RawRow): MEvent => ({
    id: r[0] as string,
    seq: r[14],
    ix: -1,
    rank: -1,
    kind: one(r[1]),
    source: one(r[2]),
    externalId: keys.id(r[3]),
    orderRef: keys.id(r[4]),
    customerRef: keys.id(r[5]),
    payoutRef: keys.id(r[6]),
    traceId: keys.id(r[7]),
    amount: r[8],
    currency: one(r[9]),
    fee: r[10],
    net: r[11],
    state: r[12] === null ? null : one(r[12]),
    t: r[13],
    attributesJson: r[15],
  });
  if (!withTexts) return build;
  return (r) => {
    const e = build(r);
    e.texts = { external_id: r[3], order_ref: r[4], customer_ref: r[5], payout_ref: r[6], trace_id: r[7] };
    return e;
  };
}

/** An event row as an engine event is made from it (EVENT_ROW_COLUMNS, `FROM events e`). */
export type EventRow = { seq: number } & Pick<
  LedgerEventRow,
  | 'event_id' | 'source' | 'kind' | 'external_id' | 'order_ref' | 'customer_ref' | 'payout_ref' | 'trace_id'
  | 'amount_minor' | 'currency' | 'fee_minor' | 'net_minor' | 'state' | 'occurred_at' | 'attributes'
>;

export const EVENT_ROW_COLUMNS = `e.seq, e.event_id, e.source, e.kind, e.external_id, e.order_ref, e.customer_ref, e.payout_ref, e.trace_id, e.amount_minor,
  e.currency, e.fee_minor, e.net_minor, e.state, e.occurred_at, e.attributes`;

/** An engine event from a row, its keys numbered in `keys` (one dictionary per search) and their texts kept. */
export function eventFromRow(r: EventRow, keys: KeyDictionary): MEvent {
  return {
    id: r.event_id,
    seq: r.seq,
    ix: -1,
    rank: -1,
    kind: r.kind,
    source: r.source,
    externalId: keys.id(r.external_id) as number,
    orderRef: keys.id(r.order_ref),
    customerRef: keys.id(r.customer_ref),
    payoutRef: keys.id(r.payout_ref),
    traceId: keys.id(r.trace_id),
    texts: { external_id: r.external_id, order_ref: r.order_ref, customer_ref: r.customer_ref, payout_ref: r.payout_ref, trace_id: r.trace_id },
    amount: r.amount_minor,
    currency: r.currency,
    fee: r.fee_minor,
    net: r.net_minor,
    state: r.state,
    t: Date.parse(r.occurred_at),
    attributesJson: r.attributes,
  };
}

/** The decisions people made that every run respects: events they matched (per link) and pairs they unmatched. */
export function loadHumanDecisions(db: LedgerDb): HumanDecisions {
  const pinned = new Map<string, Set<string>>();
  const rows = db
    .prepare(
      `SELECT event_id, link FROM pinned_events
       UNION SELECT e.event_id, m.link FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.origin = 'human' AND m.ended_at IS NULL`,
    )
    .all() as { event_id: string; link: string }[];
  for (const r of rows) pinned.set(r.link, (pinned.get(r.link) ?? new Set()).add(r.event_id));
  const blocked = new Set(
    (db.prepare('SELECT link, left_event_id, right_event_id FROM blocked_pairs').all() as { link: string; left_event_id: string; right_event_id: string }[]).map(
      (b) => `${b.link}\u001f${b.left_event_id}\u001f${b.right_event_id}`,
    ),
  );
  return { pinned, blocked };
}

/**
 * A full run's event: its id read from the run's shared table (eventIds.ts) instead of a string each, its rank set
 * afterwards (rankEvents), its join keys numbered by one KeyDictionary for the load. One class per table, so the id
 * getter needs no reference per event.
 */
function tableEventBuilder(table: EventIdSource): (r: RawRow) => MEvent {
  const shared = new Map<string, string>();
  const one = (v: string): string => {
    const s = shared.get(v);
    if (s !== undefined) return s;
    shared.set(v, v);
    return v;
  };
  const keys = new KeyDictionary();
  class LedgerEvent implements MEvent {
    seq: number;
    ix = -1;
    rank = -1;
    kind: string;
    source: string;
    externalId: number | null;
    orderRef: number | null;
    customerRef: number | null;
    payoutRef: number | null;
    traceId: number | null;
    amount: number;
    currency: string;
    fee: number | null;
    net: number | null;
    state: string | null;
    t: number;
    attributesJson: string | null;
    declare attributes?: Record<string, unknown>;
    declare texts?: MEvent['texts'];

    constructor(r: RawRow) {
      this.seq = r[14];
      this.kind = one(r[1]);
      this.source = one(r[2]);
      this.externalId = keys.id(r[3]);
      this.orderRef = keys.id(r[4]);
      this.customerRef = keys.id(r[5]);
      this.payoutRef = keys.id(r[6]);
      this.traceId = keys.id(r[7]);
      this.amount = r[8];
      this.currency = one(r[9]);
      this.fee = r[10];
      this.net = r[11];
      this.state = r[12] === null ? null : one(r[12]);
      this.t = r[13];
      this.attributesJson = r[15];
    }

    get id(): string {
      return table.id(this.seq);
    }
  }
  return (r) => new LedgerEvent(r);
}

/**
 * Full run: one streaming SELECT over the events table; key texts stay in the ledger (LedgerTexts). The events carry
 * no id string: their ids come from the run's id source (eventIds.ts), their ranks once it is filled (rankEvents).
 */
export function loadAllEvents(db: LedgerDb, ruleSet: RuleSet, ids: EventIdSource): MEvent[] {
  const out: MEvent[] = [];
  const toEvent = tableEventBuilder(ids);
  for (const r of db.prepare(`SELECT ${eventColumns(ruleSet, 'used', false)} FROM events e`).raw().iterate() as IterableIterator<RawRow>) out.push(toEvent(r));
  return out;
}

/** A full run's events read on one thread, ranked (computeOutcome's `ranked`). */
export function loadFullRun(db: LedgerDb, ruleSet: RuleSet): MEvent[] {
  const ids = readEventIds(db) ?? new StringEventIds(db);
  const events = loadAllEvents(db, ruleSet, ids);
  rankEvents(events, ids);
  return events;
}
