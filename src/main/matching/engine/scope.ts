// Which events a run looks at: everything (full), or per link the new events closed under every relation that link's rules could use (incremental).
import type { LedgerDb } from '../../ledger/database.ts';
import type { Rule, RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { MatchEvent } from '../rules/model.ts';
import { byTimeThenId, NO_EVENTS } from '../rules/model.ts';
import { orderedRules } from '../rules/plan.ts';
import { comparable, reachMs, sideMatches, tolerance } from '../rules/strategies/candidates.ts';
import { LedgerTexts } from './eventKeys.ts';
import { eventBuilder, eventColumns, type RawRow } from './eventLoad.ts';
import { isKeyedRule, keyTiedEvents } from '../rules/strategies/keyClaims.ts';
import { EVENT_TEXTS, type TextSource } from '../rules/eventFields.ts';
import { type LedgerEvent } from './ledgerEvent.ts';

export interface Scope {
  /** Every event some link looks at, in (occurred_at, event_id) order (superseded revisions left out: they match nothing). */
  events: LedgerEvent[];
  /** Superseded revisions the links looked at, by id (their stored matches, exceptions and awaiting rows end; incremental runs only). */
  superseded?: Map<string, LedgerEvent>;
  /** link → the events that link's rules look at in this run; null = every event (a full run). */
  links: Map<string, Set<string>> | null;
  /** Where the events' key texts come from. */
  texts: TextSource;
}

const CHUNK = 5000;

export { isKeyedRule };

/**
 * Incremental scope, computed per link (links never share state: `used`, `accounted` and pending findings
 * are per link). For a link, the closure of the new events under "could be a candidate of" for the link's
 * rules: events sharing an exactly-equal indexed key (keyed rules); same-currency events inside the rule's
 * reach whose compared amount is within tolerance (amount_window, fuzzy); any same-currency event inside
 * the reach (bank_payout, non-indexable keys); plus every event of an active match or exception of the
 * link touching the closure. Only events on the other side of the rule are followed.
 *
 * One pruning keeps amount classes (hundreds of orders of the same basket total) from pulling in the whole
 * month: an event reached only through an amount/window relation of rule R is skipped when it is held by
 * an active engine match of the link made by a rule of the link's keyed prefix (the leading keyed,
 * consuming rules, which run before R). Such an event's keyed-prefix outcome depends only on its key
 * component; that component does not meet the closure (the closure is key-closed, so it would contain
 * the event), so the stored match still holds, the event is used before R runs, and R cannot pair it.
 * The matcher's fixed order then gives on each link's closure exactly the full run's result restricted to it.
 */
export function incrementalScope(
  db: LedgerDb,
  ruleSet: RuleSet,
  newIds: string[],
  linkSeeds: ReadonlyMap<string, readonly string[]> = new Map(),
): Scope {
  const cols = eventColumns(ruleSet);
  const byIds = db.prepare(`SELECT ${cols} FROM events e WHERE e.event_id IN (SELECT value FROM json_each(?))`).raw();
  const toEvent = eventBuilder(true);
  const cache = new Map<string, LedgerEvent>();
  const load = (ids: Iterable<string>): void => {
    const missing = [...ids].filter((id) => !cache.has(id));
    for (let i = 0; i < missing.length; i += CHUNK) {
      for (const r of byIds.iterate(JSON.stringify(missing.slice(i, i + CHUNK))) as IterableIterator<RawRow>) cache.set(r[0] as string, toEvent(r));
    }
  };
  const seeds = [...new Set(newIds)].sort();
  load(seeds);
  for (const ids of linkSeeds.values()) load(ids);
  const q = prepareScopeQueries(db);
  const byLink = new Map<string, Rule[]>();
  for (const r of orderedRules(ruleSet)) byLink.set(r.link, [...(byLink.get(r.link) ?? []), r]);
  const links = new Map<string, Set<string>>();
  for (const [link, rules] of byLink) {
    const prefix: string[] = [];
    for (const r of rules) {
      if (!isKeyedRule(r) || r.cardinality === 'many_to_one') break;
      prefix.push(r.id);
    }
    const ctx: LinkCtx = {
      link,
      rules,
      ruleIds: JSON.stringify(rules.map((r) => r.id)),
      prefix: JSON.stringify(prefix),
      prefixIds: prefix,
      hasPrefix: prefix.length > 0,
      ruleSet,
      asked: new Map(),
      keyReach: [],
      tied: new Map(),
    };
    const onSide = (e: MatchEvent): boolean => rules.some((r) => sideMatches(r.left, e) || sideMatches(r.right, e));
    const scope = new Set<string>();
    const own = linkSeeds.get(link) ?? [];
    const start = own.length === 0 ? seeds : [...new Set([...seeds, ...own])].sort();
    let frontier = start.filter((id) => cache.has(id) && onSide(cache.get(id) as MatchEvent));
    while (frontier.length > 0) {
      for (const id of frontier) scope.add(id);
      const found = new Set<string>();
      const followed = new Set<string>();
      for (let i = 0; i < frontier.length; i += CHUNK) {
        const chunk = frontier.slice(i, i + CHUNK);
        for (const id of q.partners.all({ ids: JSON.stringify(chunk), link, rules: ctx.ruleIds }) as string[]) found.add(id);
      }
      const events = frontier.map((id) => cache.get(id) as MatchEvent);
      const follow = (rule: Rule): void => {
        for (const side of ['left', 'right'] as const) {
          const mine = events.filter((e) => sideMatches(side === 'left' ? rule.left : rule.right, e));
          if (mine.length > 0) neighbours(q, ctx, rule, side, mine, (id) => followed.add(`${rule.id}\u001f${side}\u001f${id}`));
        }
      };
      // Key relations first: an event they show to have a key counterpart is key-tied, and the link's amount-only
      // rules never see it (keyClaims.ts), so no amount relation is followed from it. On a large month that skips
      // scanning whole amount classes (thousands of same-total orders) for events a key settles anyway. The key
      // relations reach every event carrying a frontier event's key value, so keyTiedEvents over the frontier and
      // what they reached decides ties exactly as over the whole ledger.
      for (const rule of rules) if (isKeyedRule(rule)) follow(rule);
      const reached = [...followed].map((f) => f.slice(f.lastIndexOf('\u001f') + 1));
      load(reached);
      ctx.keyReach = [...events, ...reached.map((id) => cache.get(id)).filter((e) => e !== undefined)];
      ctx.tied.clear();
      for (const rule of rules) if (!isKeyedRule(rule)) follow(rule);
      // Neighbours count only if they sit on the other side of the rule that found them.
      const viaRule = new Map<string, { rule: Rule; side: 'left' | 'right' }[]>();
      for (const f of followed) {
        const [ruleId, side, id] = f.split('\u001f') as [string, 'left' | 'right', string];
        const rule = rules.find((r) => r.id === ruleId) as Rule;
        const list = viaRule.get(id) ?? [];
        list.push({ rule, side });
        viaRule.set(id, list);
      }
      const candidates = [...found, ...viaRule.keys()].filter((id) => !scope.has(id));
      load(candidates);
      const next = new Set<string>();
      for (const id of candidates) {
        const e = cache.get(id);
        if (e === undefined) continue;
        if (found.has(id)) next.add(id);
        else if ((viaRule.get(id) ?? []).some(({ rule, side }) => sideMatches(side === 'left' ? rule.right : rule.left, e))) next.add(id);
      }
      frontier = [...next].sort();
    }
    links.set(link, scope);
  }
  const all = new Set<string>(seeds.filter((id) => cache.has(id)));
  for (const ids of linkSeeds.values()) for (const id of ids) if (cache.has(id)) all.add(id);
  for (const s of links.values()) for (const id of s) all.add(id);
  // Superseded revisions take part in the closure (their stored partners are looked at again) but match nothing.
  const superseded = supersededAmong(
    db,
    [...all].map((id) => (cache.get(id) as LedgerEvent).seq),
    cache,
  );
  const events = [...all]
    .filter((id) => !superseded.has(id))
    .map((id) => cache.get(id) as LedgerEvent)
    .sort(byTimeThenId);
  return { events, links, texts: new LedgerTexts(db), superseded };
}

/** The ids of these events (by seq) that a later revision superseded. */
function supersededAmong(db: LedgerDb, seqs: number[], cache: Map<string, LedgerEvent>): Map<string, LedgerEvent> {
  const bySeq = new Map([...cache.values()].map((e) => [e.seq, e]));
  const q = db.prepare('SELECT event_seq FROM superseded_events WHERE event_seq IN (SELECT value FROM json_each(?))').pluck();
  const out = new Map<string, LedgerEvent>();
  for (let i = 0; i < seqs.length; i += CHUNK) {
    for (const seq of q.all(JSON.stringify(seqs.slice(i, i + CHUNK))) as number[]) {
      const e = bySeq.get(seq) as LedgerEvent;
      out.set(e.id, e);
    }
  }
  return out;
}

interface LinkCtx {
  link: string;
  rules: Rule[];
  ruleIds: string;
  prefix: string;
  prefixIds: string[];
  hasPrefix: boolean;
  /** Answers already fetched for this link. */
  asked: Map<string, string[]>;
  ruleSet: RuleSet;
  /** The current step's frontier and every event its key relations reached: what key ties are decided over. */
  keyReach: MatchEvent[];
  /** Per non-keyed rule, the key-tied events of keyReach (computed on first use in a step). */
  tied: Map<string, Set<MatchEvent>>;
}

type ScopeQueries = ReturnType<typeof prepareScopeQueries>;

function prepareScopeQueries(db: LedgerDb) {
  const byField = (col: string) => db.prepare(`SELECT event_id FROM events WHERE ${col} IN (SELECT value FROM json_each(?))`).pluck();
  const held = `NOT EXISTS (SELECT 1 FROM match_members mm CROSS JOIN matches m ON m.seq = mm.match_seq
      WHERE mm.event_seq = e.seq AND m.ended_at IS NULL AND m.origin = 'engine' AND m.link = @link
        AND m.rule_set_id = @rs AND m.rule_version = @rv AND m.rule_id IN (SELECT value FROM json_each(@prefix)))`;
  // Narrow amount ranges are asked value by value (@amounts, a JSON list), so the index bounds occurred_at too.
  const amountTerms = (list: boolean): string => `e.kind = @kind AND e.currency = @currency AND e.occurred_at BETWEEN @from AND @to AND
    ${list ? 'e.amount_minor IN (SELECT value FROM json_each(@amounts))' : 'e.amount_minor BETWEEN @lo AND @hi'}`;
  const amountQuery = (pruned: boolean) => {
    const prep = (list: boolean) => db.prepare(`SELECT e.event_id FROM events e WHERE ${amountTerms(list)}${pruned ? ` AND ${held}` : ''}`).pluck();
    const byList = prep(true);
    const byRange = prep(false);
    return { all: (p: Record<string, unknown>): unknown[] => (p['amounts'] !== null ? byList : byRange).all(p) };
  };
  return {
    // Distinct rows first, then their events: a payout's items would otherwise come back once per item in the frontier.
    partners: db
      .prepare(
        `SELECT e2.event_id FROM events e2 WHERE e2.seq IN (
           SELECT mm2.event_seq FROM match_members mm2 WHERE mm2.match_seq IN (SELECT mm.match_seq FROM json_each(@ids) j
             CROSS JOIN events e ON e.event_id = j.value CROSS JOIN match_members mm ON mm.event_seq = e.seq CROSS JOIN matches m ON m.seq = mm.match_seq
             WHERE m.ended_at IS NULL AND m.link = @link)
           UNION SELECT xm2.event_seq FROM exception_members xm2 WHERE xm2.exception_seq IN (SELECT xm.exception_seq FROM json_each(@ids) j
             CROSS JOIN events e ON e.event_id = j.value CROSS JOIN exception_members xm ON xm.event_seq = e.seq
             CROSS JOIN exceptions x ON x.seq = xm.exception_seq
             WHERE x.ended_at IS NULL AND x.rule_id IN (SELECT value FROM json_each(@rules))))`,
      )
      .pluck(),
    byField: { order_ref: byField('order_ref'), trace_id: byField('trace_id'), payout_ref: byField('payout_ref') } as Record<
      string,
      ReturnType<LedgerDb['prepare']>
    >,
    byExternal: db
      .prepare(
        'SELECT event_id FROM events WHERE source IN (SELECT DISTINCT source FROM import_batches) AND external_id IN (SELECT value FROM json_each(?))',
      )
      .pluck(),
    window: db.prepare('SELECT event_id FROM events WHERE kind = ? AND currency = ? AND occurred_at BETWEEN ? AND ?').pluck(),
    amount: amountQuery(false),
    amountPruned: amountQuery(true),
  };
}

/** Events on the other side of `rule` that could be compared with `events` (all on `side`). */
function neighbours(q: ScopeQueries, ctx: LinkCtx, rule: Rule, side: 'left' | 'right', events: MatchEvent[], add: (id: string) => void): void {
  const other = side === 'left' ? rule.right : rule.left;
  if (isKeyedRule(rule)) {
    for (const k of rule.keys) {
      const values = new Set<string>();
      for (const e of events) {
        const v = EVENT_TEXTS.text(e, side === 'left' ? k.left : k.right);
        if (v !== null) values.add(v);
      }
      if (values.size === 0) continue;
      const target = side === 'left' ? k.right : k.left;
      const list = [...values];
      for (let i = 0; i < list.length; i += CHUNK) {
        const json = JSON.stringify(list.slice(i, i + CHUNK));
        const ids = (
          target === 'external_id' ? q.byExternal.all(json) : (q.byField[target] as ReturnType<LedgerDb['prepare']>).all(json)
        ) as string[];
        ids.forEach(add);
      }
    }
    return;
  }
  // An event a key ties to a counterpart is never seen by an amount-only rule (keyClaims.ts): no relation to follow.
  let tied = ctx.tied.get(rule.id);
  if (tied === undefined) {
    tied = keyTiedEvents(rule, ctx.rules, ctx.keyReach, NO_EVENTS);
    ctx.tied.set(rule.id, tied);
  }
  const isTied = tied;
  events = events.filter((e) => !isTied.has(e));
  if (events.length === 0) return;
  const reach = reachMs(rule) + 1000;
  const amountBound = (rule.strategy === 'amount_window' || rule.strategy === 'fuzzy') && !rule.amount.net_fees && rule.amount.tolerance_bps < 5_000;
  const prune = amountBound && ctx.hasPrefix && rule.cardinality !== 'many_to_one' && !ctx.prefixIds.includes(rule.id);
  if (!amountBound) {
    for (const e of events) {
      const from = new Date(e.t - reach).toISOString();
      const to = new Date(e.t + reach).toISOString();
      for (const kind of other.kinds)
        ask(ctx, `w\u001f${kind}\u001f${e.currency}\u001f${from}\u001f${to}`, () => q.window.all(kind, e.currency, from, to) as string[], add);
    }
    return;
  }
  // Events of one currency and amount range are asked together, over the union of their windows (overlapping
  // windows merged; a superset of each event's window: still closed).
  const groups = new Map<string, { currency: string; lo: number; hi: number; times: number[] }>();
  for (const e of events) {
    const [lo, hi] = amountRange(rule, side, e);
    const key = `${e.currency}\u001f${lo}\u001f${hi}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { currency: e.currency, lo, hi, times: [e.t] });
    else g.times.push(e.t);
  }
  for (const g of groups.values()) {
    // A narrow amount range is asked value by value, so the index's occurred_at column bounds the rows read.
    const amounts = g.hi - g.lo <= 64 ? JSON.stringify(Array.from({ length: g.hi - g.lo + 1 }, (_, i) => g.lo + i)) : null;
    for (const [min, max] of mergedWindows(g.times, reach)) {
      const from = new Date(min - reach).toISOString();
      const to = new Date(max + reach).toISOString();
      for (const kind of other.kinds) {
        const params = { kind, currency: g.currency, lo: g.lo, hi: g.hi, from, to, amounts };
        ask(
          ctx,
          `a\u001f${prune ? 1 : 0}\u001f${kind}\u001f${g.currency}\u001f${g.lo}\u001f${g.hi}\u001f${from}\u001f${to}`,
          () =>
            (prune
              ? q.amountPruned.all({ ...params, link: ctx.link, rs: ctx.ruleSet.rule_set_id, rv: ctx.ruleSet.version, prefix: ctx.prefix })
              : q.amount.all(params)) as string[],
          add,
        );
      }
    }
  }
}

/** Sorted times grouped into runs whose windows (± reach) overlap: [first, last] of each run. */
function mergedWindows(times: number[], reach: number): [number, number][] {
  const sorted = [...times].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && t - reach <= last[1] + reach) last[1] = t;
    else out.push([t, t]);
  }
  return out;
}

/** Rules of a link often ask the same question (amount_window and fuzzy share window and amount): answered once per link. */
function ask(ctx: LinkCtx, key: string, run: () => string[], add: (id: string) => void): void {
  let ids = ctx.asked.get(key);
  if (ids === undefined) {
    ids = run();
    ctx.asked.set(key, ids);
  }
  ids.forEach(add);
}

/** The other side's amount_minor range that can be within tolerance of `e` (a superset; the strategy checks exactly). */
function amountRange(rule: Rule, side: 'left' | 'right', e: MatchEvent): [number, number] {
  const flip = rule.amount.sign === 'opposite' ? -1 : 1;
  if (side === 'left') {
    const reach = Math.max(tolerance(rule, e.amount), rule.amount.rounding_minor);
    const a = flip * (e.amount - reach);
    const b = flip * (e.amount + reach);
    return [Math.min(a, b), Math.max(a, b)];
  }
  const c = comparable(rule, e);
  const bps = rule.amount.tolerance_bps;
  const extra = bps > 0 ? Math.ceil((Math.abs(c) * bps) / Math.max(1, 10_000 - bps)) + 1 : 0;
  const d = Math.max(rule.amount.tolerance_minor, rule.amount.rounding_minor, extra);
  return [c - d, c + d];
}
