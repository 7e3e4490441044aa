// Writes a synthetic month to a folder: Shopify orders CSV, Stripe itemized balance CSV, truth JSONL and a camt.053 statement.
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { STRIPE_BALANCE_HEADER } from './stripeBalanceCsvWriter.ts';
import { generateMonth } from './monthGenerator.ts';
import type { MonthOptions, MonthSummary, SyntheticBankLine, SyntheticMonthStripeRow } from './monthGenerator.ts';
import { BufferedTextFile, ShopifyOrdersWriter, csvField } from './shopifyOrdersWriter.ts';
import { camtChunks } from './camtWriter.ts';
import type { CamtWriterEntry } from './camtWriter.ts';
import { GrowthMonth, GROWTH_FILES, type GrowthTruth } from './growthMonth.ts';

/** The stripeBalanceCsvWriter columns with the id columns the Stripe parser reads inserted before the metadata. */
export const MONTH_STRIPE_HEADER: readonly string[] = [
  ...STRIPE_BALANCE_HEADER.filter((c) => !c.includes('metadata[')),
  'payment_intent_id',
  'charge_id',
  'customer_id',
  ...STRIPE_BALANCE_HEADER.filter((c) => c.includes('metadata[')),
];

export const SHOPIFY_FILE = 'shopify-orders.csv';
export const STRIPE_FILE = 'stripe-balance.csv';
export const TRUTH_FILE = 'truth.jsonl';
export const CAMT_FILE = 'bank.camt053.xml';
/** The synthetic store's bank account (the textbook valid IBAN; nothing real). */
export const BANK_ACCOUNT = 'DE89370400440532013000';

export interface MonthFiles {
  shopifyCsv: string;
  stripeCsv: string;
  truthPath: string;
  camtPath: string;
  /** The bank statement's entries in booking order; payouts are few, so they are kept. */
  bankEntries: SyntheticBankLine[];
  summary: MonthSummary;
  /** With `growth`: the ad exports, ad billing and shipments (growthMonth.ts), their paths and injected truth. */
  growth: { paths: Record<keyof typeof GROWTH_FILES, string>; truth: GrowthTruth } | null;
}

/** Stripe writes plain major units with two decimals ("-12.34"). */
function major(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One CSV line in MONTH_STRIPE_HEADER order; net = gross − fee, as the parser checks. */
export function monthStripeRowCsv(r: SyntheticMonthStripeRow): string {
  const cells = [
    r.id,
    r.created,
    r.available,
    r.currency,
    major(r.grossMinor),
    major(r.feeMinor),
    major(r.grossMinor - r.feeMinor),
    r.category,
    r.sourceId,
    r.description,
    r.email,
    r.payoutId,
    r.paymentIntentId,
    r.chargeId,
    r.customerId,
    r.orderId,
  ];
  return cells.map(csvField).join(',');
}

/**
 * Generates the month into `dir` (created if needed), streaming every large file; same options, same bytes. With
 * `growth` it also writes the growth side (ad exports, billing, shipments; orders get their attribution), which keeps
 * every order in memory, so the million-order bench leaves it off.
 */
export function writeMonthFiles(dir: string, options: MonthOptions, extras: { growth?: boolean } = {}): MonthFiles {
  mkdirSync(dir, { recursive: true });
  const paths = {
    shopifyCsv: join(dir, SHOPIFY_FILE),
    stripeCsv: join(dir, STRIPE_FILE),
    truthPath: join(dir, TRUTH_FILE),
    camtPath: join(dir, CAMT_FILE),
  };
  const shopify = new ShopifyOrdersWriter(paths.shopifyCsv);
  const stripe = new BufferedTextFile(paths.stripeCsv);
  const truth = new BufferedTextFile(paths.truthPath);
  const bankEntries: SyntheticBankLine[] = [];
  const growth = extras.growth === true ? new GrowthMonth(options.seed, options.startDate ?? '2026-10-01') : null;
  let summary: MonthSummary;
  try {
    stripe.write(`${MONTH_STRIPE_HEADER.join(',')}\n`);
    summary = generateMonth(options, {
      order: (o) => {
        growth?.observe(o);
        shopify.write(o);
      },
      stripeRow: (r) => stripe.write(`${monthStripeRowCsv(r)}\n`),
      bankLine: (b) => bankEntries.push(b),
      truth: (t) => truth.write(`${JSON.stringify(t)}\n`),
    });
  } finally {
    shopify.close();
    stripe.close();
    truth.close();
  }
  writeBankStatement(paths.camtPath, bankEntries, summary);
  const growthFiles =
    growth === null
      ? null
      : {
          truth: growth.finish(dir),
          paths: Object.fromEntries(Object.entries(GROWTH_FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof GROWTH_FILES, string>,
        };
  return { ...paths, bankEntries, summary, growth: growthFiles };
}

/** One camt.053 statement over the whole range: opening 0, closing = the sum of the entries. */
export function writeBankStatement(path: string, lines: readonly SyntheticBankLine[], summary: MonthSummary): void {
  const closing = lines.reduce((s, l) => s + l.amountMinor, 0);
  const entries = lines.map((l): CamtWriterEntry => ({
    amountMinor: l.amountMinor,
    bookingDate: l.bookingDate,
    valueDate: l.valueDate,
    reference: l.bankReference,
    counterpartyName: l.counterpartyName,
    remittance: l.remittance,
    transactionCode: l.amountMinor >= 0 ? 'PMNT-RCDT-DMCT' : 'PMNT-IDDT-ESDD',
  }));
  const statement = {
    id: `STMT-${summary.dateRange.from}-${summary.seed}`,
    account: BANK_ACCOUNT,
    currency: summary.currency,
    openingMinor: 0,
    closingMinor: closing,
    entries,
  };
  const fd = openSync(path, 'w');
  try {
    const options = { messageId: `TIEOUT-SYNTHETIC-${summary.seed}`, createdAt: `${summary.dateRange.to}T18:00:00+00:00` };
    for (const chunk of camtChunks([statement], options)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
