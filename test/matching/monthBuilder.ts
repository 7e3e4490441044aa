// Writes small synthetic months as real provider files (Stripe balance CSV, Shopify orders CSV, bank CSV) and imports them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import type { MonthFiles as GeneratedMonth } from '../../src/main/synthetic/monthFiles.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

const SAMPLES = join(PROJECT_ROOT, 'resources/samples');
const shopifyLines = readFileSync(join(SAMPLES, 'shopify-orders-2026-10.csv'), 'utf8').split(/\r?\n/);
const SHOPIFY_HEADER = shopifyLines[0] as string;
const SHOPIFY_TEMPLATE = (shopifyLines[1] as string).split(',');
const col = (name: string): number => SHOPIFY_HEADER.split(',').indexOf(name);

export interface Order {
  name: string;
  email: string;
  status: string;
  total: string;
  ref: string;
  at: string;
  id: number;
  currency?: string;
  refunded?: string;
}
export interface Txn {
  id: string;
  at: string;
  gross: string;
  fee: string;
  category: string;
  source: string;
  po: string;
  pi: string;
  order: string;
  email?: string;
  currency?: string;
  /** Stripe's customer_facing_amount / _currency: what the customer paid, in their currency. */
  customerFacing?: { amount: string; currency: string };
}
export interface BankLine {
  date: string;
  text: string;
  credit: string;
  debit?: string;
}

export function shopifyCsv(orders: Order[]): string {
  const rows = orders.map((o) => {
    const r = [...SHOPIFY_TEMPLATE];
    const set = (c: string, v: string): void => {
      r[col(c)] = v;
    };
    set('Name', o.name);
    set('Email', o.email);
    set('Financial Status', o.status);
    set('Paid at', o.status === 'pending' ? '' : o.at);
    set('Created at', o.at);
    set('Subtotal', o.total);
    set('Total', o.total);
    set('Lineitem price', o.total);
    set('Lineitem quantity', '1');
    set('Payment Reference', o.ref);
    set('Payment References', o.ref);
    set('Payment ID', o.ref);
    set('Id', String(o.id));
    set('Outstanding Balance', '0.00');
    if (o.currency !== undefined) set('Currency', o.currency);
    set('Refunded Amount', o.refunded ?? '0.00');
    return r.join(',');
  });
  return `${SHOPIFY_HEADER}\n${rows.join('\n')}\n`;
}

const cents = (s: string): number => Math.round(Number(s) * 100);
export function stripeCsv(txns: Txn[]): string {
  const head =
    'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email,automatic_payout_id,payment_intent_id,payment_metadata[order_id],customer_facing_amount,customer_facing_currency';
  const rows = txns.map((t) => {
    const net = ((cents(t.gross) - cents(t.fee)) / 100).toFixed(2);
    const facing = t.customerFacing ?? { amount: '', currency: '' };
    return [
      t.id,
      t.at,
      t.at,
      t.currency ?? 'usd',
      t.gross,
      t.fee,
      net,
      t.category,
      t.source,
      `Txn ${t.id}`,
      t.email ?? '',
      t.po,
      t.pi,
      t.order,
      facing.amount,
      facing.currency,
    ].join(',');
  });
  return `${head}\n${rows.join('\n')}\n`;
}

export function bankCsv(lines: BankLine[]): string {
  const rows = lines.map((l) => `${l.date};${l.date};${l.text};${l.debit ?? ''};${l.credit}`);
  return `Account statement;Test\nAccount;DE1\nPeriod;x\n\nBooking date;Value date;Description;Debit;Credit;Balance\n${rows.map((r) => `${r};0,00`).join('\n')}\n`;
}

export interface MonthFiles {
  orders?: Order[];
  txns?: Txn[];
  bank?: BankLine[];
}

let counter = 0;
/**
 * Stated as the last day every file of a test month covers, unless a test says otherwise: the sources' watermarks are
 * then past every event's window, so what a test month lacks is missing, not awaiting (rules/awaiting.ts; the
 * awaiting tests pass `periodEnd: null`).
 */
export const MONTH_COMPLETE_THROUGH = '2026-12-31';

/** Imports each non-empty part through the real pipeline; returns the ids of the events created. */
export function importMonth(ws: Workspace, dir: string, m: MonthFiles, options: { periodEnd?: string | null } = {}): string[] {
  const periodEnd = options.periodEnd === null ? undefined : (options.periodEnd ?? MONTH_COMPLETE_THROUGH);
  const before = new Set(ws.db.prepare('SELECT event_id FROM events').pluck().all() as string[]);
  const f = (name: string, text: string): string => {
    const p = join(dir, `${++counter}-${name}`);
    writeFileSync(p, text, 'latin1');
    return p;
  };
  if (m.orders !== undefined)
    importFiles(ws.db, ws.settings, { source: 'shopify:store', files: [f('orders.csv', shopifyCsv(m.orders))], actor: 'user:test', periodEnd });
  if (m.txns !== undefined)
    importFiles(ws.db, ws.settings, { source: 'stripe:main', files: [f('stripe.csv', stripeCsv(m.txns))], actor: 'user:test', periodEnd });
  if (m.bank !== undefined) {
    importFiles(ws.db, ws.settings, {
      source: 'bank:main',
      format: 'generic-csv',
      mappingPath: join(SAMPLES, 'bank-statement-mapping.json'),
      files: [f('bank.csv', bankCsv(m.bank))],
      actor: 'user:test',
      periodEnd,
    });
  }
  return (ws.db.prepare('SELECT event_id FROM events').pluck().all() as string[]).filter((id) => !before.has(id));
}

/** A generated month's three files (writeMonthFiles: Shopify orders, Stripe balance, camt.053), one import each, under these sources. */
export function importGeneratedMonth(
  ws: Workspace,
  month: GeneratedMonth,
  sources: { shopify: string; stripe: string; bank: string } = { shopify: 'shopify:store', stripe: 'stripe:main', bank: 'bank:main' },
  actor = 'user:test',
): void {
  for (const [source, file] of [
    [sources.shopify, month.shopifyCsv],
    [sources.stripe, month.stripeCsv],
    [sources.bank, month.camtPath],
  ] as const) {
    importFiles(ws.db, ws.settings, { source, files: [file], actor, periodEnd: month.summary.dateRange.to });
  }
}

export function newWorkspace(dir: string, name: string, gate?: number): Workspace {
  const ws = createWorkspace(join(dir, name), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  if (gate !== undefined) ws.settings = { ...ws.settings, policy_gate_minor: gate };
  return ws;
}

export function order(n: number, total: string, at: string, opts: Partial<Order> = {}): Order {
  return { name: `#${n}`, email: `c${n}@example.com`, status: 'paid', total, ref: `pi_${n}`, at: `${at} -0400`, id: 9000 + n, ...opts };
}
export function charge(n: number, gross: string, at: string, opts: Partial<Txn> = {}): Txn {
  return { id: `txn_c${n}`, at, gross, fee: '0.00', category: 'charge', source: `ch_${n}`, po: '', pi: `pi_${n}`, order: String(n), ...opts };
}

export interface Snapshot {
  matches: string[];
  exceptions: string[];
  awaiting: string[];
}
/**
 * Active matches as `LABEL: external ids` (ids sorted), one line each, sorted; LABEL is an SQL expression over `m`
 * (the matches row), e.g. `m.rule_id || ' ' || m.status`.
 */
export function activeMatchLines(ws: Workspace, label: string): string[] {
  return ws.db
    .prepare(
      `SELECT ${label} || ': ' || group_concat(e.external_id, ' ') FROM matches m
       JOIN (SELECT me.match_id, e.external_id FROM match_event_ids me JOIN events e USING (event_id) ORDER BY e.external_id) e USING (match_id)
       WHERE m.ended_at IS NULL GROUP BY m.match_id ORDER BY 1`,
    )
    .pluck()
    .all() as string[];
}

/** Active exceptions as `LABEL: external ids`, as activeMatchLines; LABEL is an SQL expression over `x` (the exceptions row). */
export function activeExceptionLines(ws: Workspace, label: string): string[] {
  return ws.db
    .prepare(
      `SELECT ${label} || ': ' || group_concat(e.external_id, ' ') FROM exceptions x
       JOIN (SELECT xe.exception_id, e.external_id FROM exception_event_ids xe JOIN events e USING (event_id) ORDER BY e.external_id) e USING (exception_id)
       WHERE x.ended_at IS NULL GROUP BY x.exception_id ORDER BY 1`,
    )
    .pluck()
    .all() as string[];
}

/**
 * The engine's result: active matches and exceptions. DUPLICATE_RECORD rows are left out: they record deliveries
 * (which file brought a record again, one row per delivering batch), so one import and the same records split over
 * several imports differ there by construction, not by matching.
 */
export function snapshot(ws: Workspace): Snapshot {
  return {
    matches: ws.db.prepare("SELECT match_id || ' ' || status FROM matches WHERE ended_at IS NULL ORDER BY match_id").pluck().all() as string[],
    exceptions: ws.db
      .prepare(
        "SELECT exception_id || ' ' || code || ' ' || class || ' ' || state FROM exceptions WHERE ended_at IS NULL AND code <> 'DUPLICATE_RECORD' ORDER BY exception_id",
      )
      .pluck()
      .all() as string[],
    awaiting: ws.db
      .prepare(
        "SELECT e.event_id || ' ' || a.code || ' ' || a.until || ' [' || a.waits_on || ']' FROM awaiting a JOIN events e ON e.seq = a.event_seq ORDER BY 1",
      )
      .pluck()
      .all() as string[],
  };
}
export function activeCodes(ws: Workspace): string[] {
  return ws.db.prepare('SELECT code FROM exceptions WHERE ended_at IS NULL ORDER BY code').pluck().all() as string[];
}
