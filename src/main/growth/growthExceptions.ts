// The growth tie-out's exceptions, raised for real: after every reconcile run (so after every import that brought
// events), in the run's transaction, the ledger's ad, billing, order and shipment events are tied out again and each
// finding (growthFindings.ts) is opened, re-derived or ended through the exceptions store, the one place that writes
// exceptions and their journal entries. A finding keeps its id from run to run (its code and what identifies it: a
// platform's month, a platform's day, an order, a shipment), so running again never duplicates it, and one that no
// longer holds ends, resolved by new data. Exceptions a person touched are left alone, as the engine does.
import type { LedgerDb } from '../ledger/database.ts';
import type { JournalWriter } from '../ledger/journal.ts';
import { sha256Hex } from '../ledger/canonicalJson.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { ExceptionClass, RuleSet } from '../../shared/rules/ruleSet.ts';
import { GROWTH_CODES } from '../../shared/growth/growthCodes.ts';
import { addDays } from '../../shared/time/period.ts';
import { DAY_MS } from '../../shared/time/duration.ts';
import { ExceptionStore, type StoreContext } from '../exceptions/exceptionStore.ts';
import { classify, policyGateMinor } from '../matching/rules/classification.ts';
import type { Explanation } from '../matching/rules/explanation.ts';
import { AD_STATES, startOfDay } from '../import/ads/adRecords.ts';
import { latestEvents, num, type LedgerEvent } from './growthEvents.ts';
import { readGrowthFeeds, type GrowthFeeds } from './growthFeeds.ts';
import { adDay, monthPositions } from './billingClose.ts';
import { spendBillingByPlatform } from './spendBilling.ts';
import { dayIn, orderFacts } from './orderFacts.ts';
import { tieOrdersToShipments } from './orderShipments.ts';
import { knownOrderKeys, paidNotShippedDays, platformZones } from './growthReport.ts';
import { billingFindings, cardChargeFindings, conversionFindings, shipmentFindings, type GrowthFinding, type PlatformDay } from './growthFindings.ts';

/** Default days after a month's end a platform's month-end charge may take (workspace.json growth.billing_grace_days). */
export const DEFAULT_BILLING_GRACE_DAYS = 7;
/** Orders placed this many days before the shipment feeds' first label are read, for the labels of older orders. */
const ORDERS_BEFORE_SHIPMENTS_DAYS = 30;

const ALL_TIME = ['', '\uffff'] as const;
const CODES_SQL = GROWTH_CODES.map((c) => `'${c}'`).join(', ');

export interface GrowthStepReport {
  opened: number;
  changed: number;
  closed: number;
  /** `+x` / `~x` / `-x` lines for the run's digest. */
  log: string[];
}

export interface GrowthStepContext {
  actor: string;
  now: string;
  runId: string | null;
  journal: JournalWriter;
  /** The rule set in force: its remediation window is a class B finding's too. */
  ruleSet: RuleSet;
}

/** `x_` + sha256(code, what identifies the finding)[0..32]. */
export function growthExceptionId(code: string, key: string): string {
  return `x_${sha256Hex(`${code}\u001f${key}`).slice(0, 32)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Ad codes: spend ↔ billing at each closed month, card debits without a charge, conversions without orders. */
function adFindings(db: LedgerDb, settings: WorkspaceSettings, feeds: GrowthFeeds): GrowthFinding[] {
  const adEvents = latestEvents(db, 'ad_spend', ...ALL_TIME);
  if (adEvents.length === 0) return [];
  const zones = platformZones(settings, adEvents);
  const graceDays = settings.growth?.billing_grace_days ?? DEFAULT_BILLING_GRACE_DAYS;
  const positions = monthPositions({
    adEvents,
    graceDays,
    platformTimeZones: zones,
    billingThrough: feeds.billingThrough,
    spendThrough: feeds.spendThrough,
  });
  const out = billingFindings(positions, zones);

  const days = adEvents.map(adDay).sort();
  const from = startOfDay(addDays(days[0] as string, -2), 'UTC');
  const to = startOfDay(addDays(days[days.length - 1] as string, 8), 'UTC');
  const platforms = [...new Set(adEvents.map((e) => e.channel ?? '').filter((p) => p !== ''))].sort();
  const debits = latestEvents(db, 'bank_debit', from, to);
  const debitTimes = new Map(
    debits.map((d) => [d.eventId, { key: `${d.source}\u0000${d.externalId}`, at: d.occurredAt, amountMinor: d.amountMinor }]),
  );
  out.push(...cardChargeFindings(spendBillingByPlatform({ platforms, adEvents, debits }), feeds.billingThrough, debitTimes));

  const claims = platformDays(adEvents, zones);
  if (claims.some((c) => c.conversions > 0)) out.push(...conversionFindings(claims, claimableDays(db, claims, zones), feeds.ordersThrough));
  return out;
}

/** The platforms' claims per day, from their spend rows (period totals have no day). */
function platformDays(adEvents: readonly LedgerEvent[], zones: Readonly<Record<string, string>>): PlatformDay[] {
  const byDay = new Map<string, PlatformDay>();
  for (const e of adEvents) {
    if (e.state !== AD_STATES.spent || e.attrs.period_total === true || e.channel === null || e.localDate === null) continue;
    const key = `${e.channel}\u0000${e.localDate}\u0000${e.currency}`;
    let d = byDay.get(key);
    if (d === undefined) {
      d = {
        platform: e.channel,
        date: e.localDate,
        conversions: 0,
        valueMinor: 0,
        currency: e.currency,
        eventIds: [],
        start: startOfDay(e.localDate, zones[e.channel] ?? 'UTC'),
      };
      byDay.set(key, d);
    }
    d.conversions = Math.round((d.conversions + (num(e.attrs, 'conversions') ?? 0)) * 100) / 100;
    d.valueMinor += num(e.attrs, 'conversion_value_minor') ?? 0;
    d.eventIds.push(e.eventId);
  }
  return [...byDay.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.platform < b.platform ? -1 : 1));
}

/** Per platform, its days (in its zone) on which the store has an order it could be claiming. */
function claimableDays(db: LedgerDb, claims: readonly PlatformDay[], zones: Readonly<Record<string, string>>): Map<string, Set<string>> {
  const first = claims[0] as PlatformDay;
  const last = claims[claims.length - 1] as PlatformDay;
  const orders = latestEvents(db, 'order', iso(Date.parse(first.start) - 2 * DAY_MS), iso(Date.parse(last.start) + 3 * DAY_MS)).map(orderFacts);
  const out = new Map<string, Set<string>>();
  for (const o of orders) {
    if (o.excluded !== null) continue;
    const claimers = new Set([...(o.attribution.platform === null ? [] : [o.attribution.platform]), ...o.clicks]);
    for (const p of claimers) {
      const set = out.get(p) ?? new Set<string>();
      set.add(dayIn(o.placedAt, zones[p] ?? 'UTC'));
      out.set(p, set);
    }
  }
  return out;
}

/** Fulfillment codes: the orders from a little before the shipment feeds began through their watermark. */
function fulfillmentFindings(db: LedgerDb, settings: WorkspaceSettings, feeds: GrowthFeeds): GrowthFinding[] {
  if (feeds.shipmentsThrough === null || feeds.shipmentsFrom === null) return [];
  const zone = settings.time_zone;
  const fromDay = addDays(dayIn(iso(feeds.shipmentsFrom), zone), -ORDERS_BEFORE_SHIPMENTS_DAYS);
  const toDay = dayIn(iso(feeds.shipmentsThrough), zone);
  const days = new Set<string>();
  for (let d = fromDay; d <= toDay; d = addDays(d, 1)) days.add(d);
  const from = startOfDay(addDays(fromDay, -1), 'UTC');
  const to = startOfDay(addDays(toDay, 2), 'UTC');
  const orders = latestEvents(db, 'order', from, to).map(orderFacts);
  const fulfillments = latestEvents(db, 'fulfillment', from, to);
  const shipments = tieOrdersToShipments({
    orders,
    fulfillments,
    storeTimeZone: zone,
    asOf: iso(feeds.shipmentsThrough),
    paidNotShippedDays: paidNotShippedDays(settings),
    days,
    knownOrderKeys: knownOrderKeys(db),
    problemsKept: Number.POSITIVE_INFINITY,
  });
  const byId = new Map(orders.map((o) => [o.event.eventId, { key: `${o.event.source}\u0000${o.event.externalId}`, placedAt: o.placedAt }]));
  const shipmentTimes = new Map(fulfillments.map((f) => [f.eventId, { key: `${f.source}\u0000${f.externalId}`, at: f.occurredAt }]));
  return shipmentFindings({
    shipments,
    orderOf: (id) => byId.get(id) as { key: string; placedAt: string },
    shipmentsFrom: feeds.shipmentsFrom,
    ordersThrough: feeds.ordersThrough,
    shipmentTimes,
  });
}

interface ActiveRow {
  exception_id: string;
  class: ExceptionClass;
  state: string;
  touched: number;
}

/**
 * Ties out the ledger's growth side and makes the exceptions table agree with it: opens what newly holds, re-derives
 * what changed (its amount, its events, its class once a remediation window ended), ends what no longer holds. Runs in
 * the caller's transaction (the engine's run). A ledger with no ad events, no shipment feed and no open growth
 * exception costs one read of batch_coverage and one of the exceptions index.
 */
export function deriveGrowthExceptions(db: LedgerDb, settings: WorkspaceSettings, ctx: GrowthStepContext): GrowthStepReport {
  const report: GrowthStepReport = { opened: 0, changed: 0, closed: 0, log: [] };
  // Nothing it reads has changed since this process last derived them: the same findings, so nothing to do (a run
  // after a manual match, or a second run, costs a few index reads instead of the whole tie-out). A person's decisions
  // need no new derivation: the step leaves what a person touched alone.
  const inputs = derivationInputs(db, settings, ctx.ruleSet);
  if (lastDerived.get(db) === inputs) return report;
  const active = db
    .prepare(
      `SELECT x.exception_id, x.class, x.state,
              (x.state IN ('assigned', 'reopened') OR EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id
                 AND j.entry_type LIKE 'exception.%' AND j.actor NOT LIKE 'system:%')) AS touched
         FROM exceptions x WHERE x.code IN (${CODES_SQL}) AND x.ended_at IS NULL AND x.origin = 'engine' ORDER BY x.exception_id`,
    )
    .all() as ActiveRow[];
  const feeds = readGrowthFeeds(db);
  if (!feeds.hasAds && feeds.shipmentSources.length === 0 && active.length === 0) return report;

  const desired = new Map<string, GrowthFinding>();
  for (const f of [...adFindings(db, settings, feeds), ...fulfillmentFindings(db, settings, feeds)]) desired.set(growthExceptionId(f.code, f.key), f);

  // With the settings, each opening gets its domain's owner, backup and SLA like every other exception (DESIGN §7).
  const store = new ExceptionStore(db, ctx.journal, settings);
  const sc: StoreContext = { actor: ctx.actor, now: ctx.now, runId: ctx.runId };
  const activeById = new Map(active.map((r) => [r.exception_id, r]));
  for (const row of active) {
    if (desired.has(row.exception_id) || row.touched === 1) continue;
    report.log.push(store.end(row, sc, { extra: { why: 'the growth tie-out no longer finds it' } }).logLine as string);
    report.closed++;
  }

  const touchedEnded = db
    .prepare(
      `SELECT 1 FROM exceptions x WHERE x.exception_id = ? AND (x.origin = 'human' OR EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id
         AND j.entry_type LIKE 'exception.%' AND j.actor NOT LIKE 'system:%'))`,
    )
    .pluck();
  const eventSeq = db.prepare('SELECT seq FROM events WHERE event_id = ?').pluck();
  const gate = policyGateMinor(settings);
  const asOf = db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
  const asOfMs = asOf === null ? 0 : Date.parse(asOf);
  for (const [id, f] of [...desired].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const act = activeById.get(id);
    if (act !== undefined && act.touched === 1) continue;
    const stored = act === undefined ? (store.find(id) ?? null) : undefined;
    if (stored !== null && stored !== undefined && touchedEnded.get(id) !== undefined) continue;
    const classified = classify(
      { code: f.code, currency: f.currency, amount: f.amountMinor, t: Date.parse(f.since) },
      ctx.ruleSet,
      settings.reporting_currency,
      gate,
      asOfMs,
    );
    const explanation: Explanation = {
      rule_id: null,
      rule_set_id: null,
      rule_version: null,
      strategy: null,
      link: null,
      summary: f.summary,
      keys: [],
      amount_delta_minor: null,
      time_delta_hours: null,
      score: null,
      runners_up: [],
      policy: classified.policy,
    };
    const outcome = store.put(
      {
        exceptionId: id,
        code: f.code,
        amount: f.amountMinor,
        currency: f.currency,
        eventSeqs: [...new Set(f.eventIds)].map((e) => eventSeq.get(e) as number).filter((s) => s !== undefined),
        explanation,
        classified,
        rule: null,
        journalExtra: f.facts,
        membersMayChange: true,
      },
      sc,
      stored,
    );
    if (outcome.logLine !== null) report.log.push(outcome.logLine);
    if (outcome.kind === 'opened') report.opened++;
    else if (outcome.kind === 'changed') report.changed++;
  }
  // Recorded once the run commits (growthDerivationCommitted): a rolled-back run leaves nothing derived behind.
  pendingDerived.set(db, inputs);
  return report;
}

/** Per open ledger, what the last committed derivation read (derivationInputs); a new process derives again. */
const lastDerived = new WeakMap<LedgerDb, string>();
const pendingDerived = new WeakMap<LedgerDb, string>();

/** Call after the run that derived has committed: its inputs become the ones to compare the next run's with. */
export function growthDerivationCommitted(db: LedgerDb): void {
  const inputs = pendingDerived.get(db);
  if (inputs !== undefined) lastDerived.set(db, inputs);
  pendingDerived.delete(db);
}

/**
 * Everything the findings depend on: the ledger's events (a new or superseding event raises the latest seq), the
 * feeds' watermarks (a file may state coverage without new events), the open growth exceptions (ended or reopened
 * outside a run), the settings it reads and the rule set's windows.
 */
function derivationInputs(db: LedgerDb, settings: WorkspaceSettings, ruleSet: RuleSet): string {
  const ledger = db
    .prepare(
      `SELECT (SELECT max(seq) FROM event_rows) AS events, (SELECT max(seq) FROM batch_coverage) AS coverage,
              (SELECT count(*) FROM exceptions x WHERE x.code IN (${CODES_SQL}) AND x.ended_at IS NULL) AS open`,
    )
    .get();
  const read = [settings.time_zone, settings.reporting_currency, settings.policy_gate_minor, settings.growth, settings.source_time_zones];
  return JSON.stringify([ledger, read, ruleSet.rule_set_id, ruleSet.version]);
}
