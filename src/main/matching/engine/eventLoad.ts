// How events are read from the ledger into the engine: the SELECT lists, full runs' events (keys as integers, ids from
// the shared table), events made from single rows, and the human decisions every run respects.
import type { LedgerDb } from '../../ledger/database.ts';
import type { EventRow as LedgerEventRow } from '../../ledger/eventStore.ts';
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { MatchEvent } from '../rules/model.ts';
import type { LedgerEvent } from './ledgerEvent.ts';
import type { HumanDecisions } from '../rules/plan.ts';
import { comparesKeys } from '../rules/strategies/candidates.ts';
import { KeyDictionary } from './eventKeys.ts';
import { maxEventSeq, readEventIds, StringEventIds, type EventIdSource } from './eventIds.ts';
import { type KeyColumn } from '../rules/eventFields.ts';

/** Sets each event's rank from its id source (for computeOutcome's `ranked`). */
export function rankEvents(events: readonly LedgerEvent[], ids: EventIdSource): void {
  for (const e of events) e.rank = ids.ranks[e.seq] as number;
}

/**
 * occurred_at as epoch ms, computed by SQLite: the stored instants are UTC ISO 8601 with at most milliseconds
 * (CanonicalEventSchema), which unixepoch reads exactly as Date.parse does, without a 24-character string per event.
 */
const OCCURRED_MS = "CAST(round(unixepoch(e.occurred_at, 'subsec') * 1000) AS INTEGER)";

const sqlKinds = (kinds: Set<string>): string =>
  [...kinds]
    .sort()
    .map((k) => `'${k.replace(/'/g, "''")}'`)
    .join(', ');

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

/** Positions of the SELECT list (eventColumns) in a raw row. */
export const COL = {
  id: 0,
  kind: 1,
  source: 2,
  externalId: 3,
  orderRef: 4,
  customerRef: 5,
  payoutRef: 6,
  traceId: 7,
  amount: 8,
  currency: 9,
  fee: 10,
  net: 11,
  state: 12,
  t: 13,
  seq: 14,
  attributes: 15,
} as const;

const nullOr = (v: string | null, f: (v: string) => string): string | null => (v === null ? null : f(v));

export type RawRow = [
  string | null,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  number,
  string,
  number | null,
  number | null,
  string | null,
  number,
  number,
  string | null,
];

/**
 * Builds MEvents from raw rows. A full run holds every event of the ledger in memory (two million on a
 * 1M-order month), so: the few distinct kinds, sources, currencies and states are shared strings, not one
 * copy per row, occurred_at is kept only as epoch ms (t), and the join keys are integers from one KeyDictionary
 * (eventKeys.ts) that goes with the builder. `withTexts` also keeps the keys' text on each event (small scopes).
 */
export function eventBuilder(withTexts: boolean): (r: RawRow) => LedgerEvent {
  const shared = new Map<string, string>();
  const one = (v: string): string => {
    const s = shared.get(v);
    if (s !== undefined) return s;
    shared.set(v, v);
    return v;
  };
  const keys = new KeyDictionary();
  const build = (r: RawRow): LedgerEvent => ({
    id: r[COL.id] as string,
    seq: r[COL.seq],
    slot: -1,
    rank: -1,
    kind: one(r[COL.kind]),
    source: one(r[COL.source]),
    externalId: keys.id(r[COL.externalId]),
    orderRef: keys.id(r[COL.orderRef]),
    customerRef: keys.id(r[COL.customerRef]),
    payoutRef: keys.id(r[COL.payoutRef]),
    traceId: keys.id(r[COL.traceId]),
    amount: r[COL.amount],
    currency: one(r[COL.currency]),
    fee: r[COL.fee],
    net: r[COL.net],
    state: nullOr(r[COL.state], one),
    t: r[COL.t],
    attributesJson: r[COL.attributes],
  });
  if (!withTexts) return build;
  return (r) => {
    const e = build(r);
    e.texts = {
      external_id: r[COL.externalId],
      order_ref: r[COL.orderRef],
      customer_ref: r[COL.customerRef],
      payout_ref: r[COL.payoutRef],
      trace_id: r[COL.traceId],
    };
    return e;
  };
}

/** An event row as an engine event is made from it (EVENT_ROW_COLUMNS, `FROM events e`). */
export type EventRow = { seq: number } & Pick<
  LedgerEventRow,
  | 'event_id'
  | 'source'
  | 'kind'
  | 'external_id'
  | 'order_ref'
  | 'customer_ref'
  | 'payout_ref'
  | 'trace_id'
  | 'amount_minor'
  | 'currency'
  | 'fee_minor'
  | 'net_minor'
  | 'state'
  | 'occurred_at'
  | 'attributes'
>;

export const EVENT_ROW_COLUMNS = `e.seq, e.event_id, e.source, e.kind, e.external_id, e.order_ref, e.customer_ref, e.payout_ref, e.trace_id, e.amount_minor,
  e.currency, e.fee_minor, e.net_minor, e.state, e.occurred_at, e.attributes`;

/** An engine event from a row, its keys numbered in `keys` (one dictionary per search) and their texts kept. */
export function eventFromRow(r: EventRow, keys: KeyDictionary): LedgerEvent {
  return {
    id: r.event_id,
    seq: r.seq,
    slot: -1,
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
    (
      db.prepare('SELECT link, left_event_id, right_event_id FROM blocked_pairs').all() as {
        link: string;
        left_event_id: string;
        right_event_id: string;
      }[]
    ).map((b) => `${b.link}\u001f${b.left_event_id}\u001f${b.right_event_id}`),
  );
  return { pinned, blocked };
}

/**
 * A full run's events, column by column: two million events as objects of seventeen fields cost ~360 MB; as typed
 * arrays indexed by load order, with each event an object holding only that index, ~110 MB. The few distinct kinds,
 * sources, currencies and states are numbered; a null fee or net is NaN; join keys are KeyDictionary integers (-1:
 * none); ids come from the run's id source (eventIds.ts), ranks once it is filled (rankEvents).
 */
class EventColumns {
  readonly seq: Int32Array;
  readonly rank: Int32Array;
  readonly slot: Int32Array;
  readonly kind: Uint16Array;
  readonly source: Uint16Array;
  readonly currency: Uint16Array;
  readonly state: Uint16Array;
  readonly keys: Int32Array[];
  readonly amount: Float64Array;
  readonly fee: Float64Array;
  readonly net: Float64Array;
  readonly t: Float64Array;
  /** Number → kind, source, currency or state text (0: null). */
  readonly texts: Array<string | null> = [null];
  private readonly numbers = new Map<string, number>();
  /** By index: attributes JSON, for the kinds a rule compares an attribute of. */
  readonly attributes = new Map<number, string>();

  constructor(capacity: number) {
    this.seq = new Int32Array(capacity);
    this.rank = new Int32Array(capacity).fill(-1);
    this.slot = new Int32Array(capacity).fill(-1);
    this.kind = new Uint16Array(capacity);
    this.source = new Uint16Array(capacity);
    this.currency = new Uint16Array(capacity);
    this.state = new Uint16Array(capacity);
    this.keys = Array.from({ length: 5 }, () => new Int32Array(capacity).fill(-1));
    this.amount = new Float64Array(capacity);
    this.fee = new Float64Array(capacity);
    this.net = new Float64Array(capacity);
    this.t = new Float64Array(capacity);
  }

  number(text: string | null): number {
    if (text === null) return 0;
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.texts.length;
      if (n > 0xffff) throw new Error('more than 65,535 distinct kinds, sources, currencies and states');
      this.texts.push(text);
      this.numbers.set(text, n);
    }
    return n;
  }
}

const key = (v: number | undefined): number | null => (v === undefined || v < 0 ? null : v);
const orNull = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

function columnarEvents(table: EventIdSource, capacity: number): { add(r: RawRow): LedgerEvent } {
  const c = new EventColumns(capacity);
  const dictionary = new KeyDictionary();
  const [ext, ord, cus, pay, tra] = c.keys as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  let n = 0;
  class ColumnEvent implements LedgerEvent {
    private readonly i: number;
    declare attributes?: Record<string, unknown>;
    declare texts?: MatchEvent['texts'];

    constructor(i: number) {
      this.i = i;
    }

    get id(): string {
      return table.id(c.seq[this.i] as number);
    }
    get seq(): number {
      return c.seq[this.i] as number;
    }
    get rank(): number {
      return c.rank[this.i] as number;
    }
    set rank(v: number) {
      c.rank[this.i] = v;
    }
    get slot(): number {
      return c.slot[this.i] as number;
    }
    set slot(v: number) {
      c.slot[this.i] = v;
    }
    get kind(): string {
      return c.texts[c.kind[this.i] as number] as string;
    }
    get source(): string {
      return c.texts[c.source[this.i] as number] as string;
    }
    get currency(): string {
      return c.texts[c.currency[this.i] as number] as string;
    }
    get state(): string | null {
      return c.texts[c.state[this.i] as number] ?? null;
    }
    get externalId(): number | null {
      return key(ext[this.i]);
    }
    get orderRef(): number | null {
      return key(ord[this.i]);
    }
    get customerRef(): number | null {
      return key(cus[this.i]);
    }
    get payoutRef(): number | null {
      return key(pay[this.i]);
    }
    get traceId(): number | null {
      return key(tra[this.i]);
    }
    get amount(): number {
      return c.amount[this.i] as number;
    }
    get fee(): number | null {
      return orNull(c.fee[this.i]);
    }
    get net(): number | null {
      return orNull(c.net[this.i]);
    }
    get t(): number {
      return c.t[this.i] as number;
    }
    get attributesJson(): string | null {
      return c.attributes.get(this.i) ?? null;
    }
  }
  return {
    add(r) {
      if (n === capacity) throw new Error(`more events than the ${capacity} the ledger's highest seq allows`);
      const i = n++;
      c.seq[i] = r[COL.seq];
      c.kind[i] = c.number(r[COL.kind]);
      c.source[i] = c.number(r[COL.source]);
      ext[i] = dictionary.id(r[COL.externalId]) ?? -1;
      ord[i] = dictionary.id(r[COL.orderRef]) ?? -1;
      cus[i] = dictionary.id(r[COL.customerRef]) ?? -1;
      pay[i] = dictionary.id(r[COL.payoutRef]) ?? -1;
      tra[i] = dictionary.id(r[COL.traceId]) ?? -1;
      c.amount[i] = r[COL.amount];
      c.currency[i] = c.number(r[COL.currency]);
      c.fee[i] = r[COL.fee] ?? Number.NaN;
      c.net[i] = r[COL.net] ?? Number.NaN;
      c.state[i] = c.number(r[COL.state]);
      c.t[i] = r[COL.t];
      const attributes = r[COL.attributes];
      if (attributes !== null) c.attributes.set(i, attributes);
      return new ColumnEvent(i);
    },
  };
}

/**
 * Full run: one streaming SELECT over the events table, into columns (EventColumns); key texts stay in the ledger
 * (LedgerTexts).
 */
export function loadAllEvents(db: LedgerDb, ruleSet: RuleSet, ids: EventIdSource): LedgerEvent[] {
  const out: LedgerEvent[] = [];
  const events = columnarEvents(ids, maxEventSeq(db) + 1);
  // Only a record's latest revision takes part (src/main/import/revisions.ts).
  const sql = `SELECT ${eventColumns(ruleSet, 'used', false)} FROM events e WHERE e.kind IN (${sqlKinds(kindsRead(ruleSet))})
    AND e.seq NOT IN (SELECT event_seq FROM superseded_events)`;
  for (const r of db.prepare(sql).raw().iterate() as IterableIterator<RawRow>) out.push(events.add(r));
  return out;
}

/**
 * The kinds a run reads: those on a side of some rule, and disputes (DISPUTE_OPEN is raised whatever the rule set).
 * Events of other kinds (ad spend, fulfillment: a Shopify export brings one per fulfilled order) are never compared.
 */
export function kindsRead(ruleSet: RuleSet): Set<string> {
  const kinds = new Set<string>(['dispute']);
  for (const r of ruleSet.rules) for (const k of [...r.left.kinds, ...r.right.kinds]) kinds.add(k);
  return kinds;
}

/** A full run's events read on one thread, ranked (computeOutcome's `ranked`). */
export function loadFullRun(db: LedgerDb, ruleSet: RuleSet): LedgerEvent[] {
  const ids = readEventIds(db) ?? new StringEventIds(db);
  const events = loadAllEvents(db, ruleSet, ids);
  rankEvents(events, ids);
  return events;
}
