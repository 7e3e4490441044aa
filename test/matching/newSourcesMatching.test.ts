// What the default rules (v4: processor source kinds `shopify-payments` and `amazon` beside `stripe` and `paypal`)
// make of the new sources' events, and what v3, which knew only stripe and paypal, made of them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { RuleSetSchema, type RuleSet } from '../../src/shared/rules/ruleSet.ts';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { makeTempDir } from '../support/tempDir.ts';

const FILES = join(import.meta.dirname, '..', 'import', 'files');
const root = makeTempDir();
let n = 0;
let ws: Workspace | null = null;
afterEach(() => ws?.close());

/** The default rules as v3 listed processors: stripe and paypal only. */
function stripeAndPayPalOnly(): RuleSet {
  const narrow = <S extends { sources?: string[] | undefined }>(side: S): S =>
    side.sources?.includes('stripe') === true ? { ...side, sources: ['stripe', 'paypal'] } : side;
  return RuleSetSchema.parse({
    ...DEFAULT_RULE_SET,
    rule_set_id: 'default-stripe-paypal-only',
    rules: DEFAULT_RULE_SET.rules.map((r) => ({ ...r, left: narrow(r.left), right: narrow(r.right) })),
  });
}

function file(name: string, text: string): string {
  const path = join(root, `${n}-${name}`);
  writeFileSync(path, text);
  return path;
}

function workspace(): Workspace {
  ws = createWorkspace(join(root, `ws${n++}`));
  return ws;
}

/** Each file covers its month (the exports here end within March 2024): missing counterparts are missing, not awaiting. */
function load(w: Workspace, source: string, path: string): void {
  importFiles(w.db, w.settings, { source, files: [path], actor: 'user:test', periodEnd: '2024-04-30' });
}

/** Active matches as `link: LEFT-ids = RIGHT-ids` (external ids, sorted), for reading at a glance. */
function matches(w: Workspace): string[] {
  const rows = w.db
    .prepare(
      `SELECT m.match_id, m.link, me.side, e.external_id FROM matches m JOIN match_event_ids me ON me.match_id = m.match_id
       JOIN events e ON e.event_id = me.event_id WHERE m.ended_at IS NULL ORDER BY m.match_id, me.side, e.external_id`,
    )
    .all() as Array<{ match_id: string; link: string; side: string; external_id: string }>;
  const byMatch = new Map<string, { link: string; left: string[]; right: string[] }>();
  for (const r of rows) {
    const m = byMatch.get(r.match_id) ?? { link: r.link, left: [], right: [] };
    (r.side === 'left' ? m.left : m.right).push(r.external_id);
    byMatch.set(r.match_id, m);
  }
  return [...byMatch.values()]
    .map((m) => `${m.link}: ${m.left.join(',')} = ${m.right.length > 3 ? `${m.right.length} items` : m.right.join(',')}`)
    .sort();
}

function awaitingCodes(w: Workspace): string[] {
  return w.db.prepare('SELECT code FROM awaiting ORDER BY code').pluck().all() as string[];
}

function openCodes(w: Workspace): string[] {
  return w.db.prepare('SELECT code FROM exceptions WHERE ended_at IS NULL AND state <> ? ORDER BY code').pluck().all('resolved') as string[];
}

const SHOPIFY_ORDERS = [
  'Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Id',
  '#1042,lena@example.de,paid,2024-03-04 18:22:07 +0100,EUR,64.90,64.90,2024-03-04 18:21:50 +0100,1,Lamp,5375181234567',
  '#1039,max@example.de,paid,2024-03-02 11:17:48 +0100,EUR,18.50,18.50,2024-03-02 11:17:30 +0100,1,Mug,5375100000001',
  '#1038,eva@example.de,paid,2024-03-01 07:12:31 +0100,EUR,1249.00,1249.00,2024-03-01 07:12:00 +0100,1,Chair,5375100000002',
].join('\n');

/** An MT940 statement holding the given credits (YYMMDD, amount text, remittance). */
function mt940(currency: string, credits: Array<[string, string, string]>): string {
  const toMinor = (a: string): number => Math.round(Number(a.replace(',', '.')) * 100);
  const closing = credits.reduce((s, [, a]) => s + toMinor(a), 100000);
  const money = (minor: number): string => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
  return [
    ':20:STMT1',
    ':25:DE89370400440532013000',
    ':28C:1/1',
    `:60F:C240101${currency}1000,00`,
    ...credits.flatMap(([d, a, text]) => [`:61:${d}${d.slice(2)}C${a}NTRFNONREF`, `:86:${text}`]),
    `:62F:C${credits.at(-1)?.[0] ?? '240101'}${currency}${money(closing)}`,
    '-',
    '',
  ].join('\r\n');
}

describe('Shopify Payments payments ↔ Shopify orders, by order name', () => {
  it('were not paired by rules whose processors are only stripe and paypal (v3)', () => {
    const w = workspace();
    load(w, 'shopify:store', file('orders.csv', SHOPIFY_ORDERS));
    load(w, 'shopify-payments:store', join(FILES, 'shopify', 'payment_transactions_export_1.csv'));
    reconcile(w.db, w.settings, { mode: 'full', ruleSet: stripeAndPayPalOnly() });
    expect(matches(w).filter((m) => m.startsWith('order_payment'))).toEqual([]);
    // No source those rules take payments from has delivered: the orders await one, forever.
    expect(awaitingCodes(w)).toEqual(['MISSING_PAYMENT', 'MISSING_PAYMENT', 'MISSING_PAYMENT']);
  });

  it('pair under the default rules, where shopify-payments is a processor source', () => {
    const w = workspace();
    load(w, 'shopify:store', file('orders.csv', SHOPIFY_ORDERS));
    load(w, 'shopify-payments:store', join(FILES, 'shopify', 'payment_transactions_export_1.csv'));
    reconcile(w.db, w.settings, { mode: 'full', ruleSet: DEFAULT_RULE_SET });
    expect(matches(w).filter((m) => m.startsWith('order_payment'))).toEqual([
      'order_payment: 5375100000001 = charge #1039 2024-03-02T10:17:48Z 1850EUR',
      'order_payment: 5375100000002 = charge #1038 2024-03-01T06:12:31Z 124900EUR',
      'order_payment: 5375181234567 = charge #1042 2024-03-04T17:22:07Z 6490EUR',
    ]);
    expect(openCodes(w)).not.toContain('MISSING_PAYMENT');
  });
});

describe('an Amazon settlement: its items, and its payout ↔ the bank credit', () => {
  const bank = (): string => file('amazon-bank.sta', mt940('USD', [['240319', '61,72', 'AMAZON.COM SERVICES LLC SETTLEMENT 11872360011']]));

  it('netted its items to the payout but left the deposit unpaired when only stripe and paypal were processors (v3)', () => {
    const w = workspace();
    load(w, 'amazon:us', join(FILES, 'amazon', 'settlement_11872360011_v2.txt'));
    load(w, 'bank:operating', bank());
    reconcile(w.db, w.settings, { mode: 'full', ruleSet: stripeAndPayPalOnly() });
    expect(matches(w)).toContain('payout_items: 11872360011 = 9 items');
    expect(matches(w).some((m) => m.startsWith('bank_payout'))).toBe(false);
    // The Amazon payout is on no bank rule's side; the deposit waits for a stripe or paypal payout that never comes.
    expect(openCodes(w)).not.toContain('PAYOUT_NOT_IN_BANK');
    expect(awaitingCodes(w)).toEqual(['UNKNOWN_BANK_LINE']);
  });

  it('pairs the deposit with the settlement under the default rules, where amazon is a processor source', () => {
    const w = workspace();
    load(w, 'amazon:us', join(FILES, 'amazon', 'settlement_11872360011_v2.txt'));
    load(w, 'bank:operating', bank());
    reconcile(w.db, w.settings, { mode: 'full', ruleSet: DEFAULT_RULE_SET });
    const bankLine = w.db.prepare("SELECT external_id FROM events WHERE kind = 'bank_credit'").pluck().get() as string;
    expect(matches(w)).toEqual(expect.arrayContaining(['payout_items: 11872360011 = 9 items', `bank_payout: 11872360011 = ${bankLine}`]));
    expect(openCodes(w)).not.toContain('PAYOUT_NOT_IN_BANK');
  });
});

describe('Stripe Itemised payouts ↔ bank credits', () => {
  it('pair under the default rules (stripe is already a processor)', () => {
    const w = workspace();
    load(w, 'stripe:main', join(FILES, 'stripe', 'Itemised_payouts_USD_2024-03-01_to_2024-04-01_America-New_York.csv'));
    load(
      w,
      'bank:operating',
      file(
        'stripe-bank.sta',
        mt940('USD', [
          ['240305', '1523,40', 'STRIPE TRANSFER ST-K7Q1 021000021867530'],
          ['240326', '2004,17', 'STRIPE po_1OuEf7LkdIwHu7ixR9sT1wXy'],
        ]),
      ),
    );
    reconcile(w.db, w.settings, { mode: 'full', ruleSet: DEFAULT_RULE_SET });
    const bankPayout = matches(w).filter((m) => m.startsWith('bank_payout'));
    expect(bankPayout).toHaveLength(2);
    expect(bankPayout.join(' ')).toContain('txn_1OpAq2LkdIwHu7ixq0bWcD3e');
    expect(bankPayout.join(' ')).toContain('txn_1OuEf7LkdIwHu7ixL4kP8jFz');
  });
});
