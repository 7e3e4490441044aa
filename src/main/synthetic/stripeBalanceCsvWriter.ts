// Writes synthetic Stripe itemized balance CSVs (the real column layout), for benchmarks, demos and samples.
import { openSync, writeSync, closeSync } from 'node:fs';

export const STRIPE_BALANCE_HEADER = [
  'balance_transaction_id',
  'created_utc',
  'available_on_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
  'source_id',
  'description',
  'customer_email',
  'automatic_payout_id',
  'payment_metadata[order_id]',
];

export interface SyntheticStripeRow {
  id: string;
  created: string;
  available: string;
  currency: string;
  grossMinor: number;
  feeMinor: number;
  category: string;
  sourceId: string;
  description: string;
  email: string;
  payoutId: string;
  orderId: string;
}

/** Deterministic pseudo-random numbers (mulberry32), so the same seed writes the same file. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function major(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Yields `count` charge rows with fees, a refund every 20th row and a payout every 500th, in time order. */
export function* syntheticStripeRows(count: number, seed = 1, startMs = Date.UTC(2026, 9, 1)): Generator<SyntheticStripeRow> {
  const rnd = seededRandom(seed);
  const stepMs = Math.max(1, Math.floor((30 * 86_400_000) / Math.max(count, 1)));
  for (let i = 0; i < count; i++) {
    const t = startMs + i * stepMs;
    const payoutId = `po_${String(Math.floor(i / 500)).padStart(8, '0')}`;
    const id = `txn_${String(i).padStart(10, '0')}`;
    if (i % 500 === 499) {
      yield {
        id,
        created: utc(t),
        available: utc(t),
        currency: 'usd',
        grossMinor: -Math.floor(rnd() * 5_000_000),
        feeMinor: 0,
        category: 'payout',
        sourceId: payoutId,
        description: 'STRIPE PAYOUT',
        email: '',
        payoutId,
        orderId: '',
      };
      continue;
    }
    const order = 1000 + i;
    const amount = 500 + Math.floor(rnd() * 50_000);
    if (i % 20 === 19) {
      yield {
        id,
        created: utc(t),
        available: utc(t),
        currency: 'usd',
        grossMinor: -amount,
        feeMinor: 0,
        category: 'refund',
        sourceId: `re_${i}`,
        description: `Refund for order #${order - 19}`,
        email: `buyer${i % 997}@example.com`,
        payoutId,
        orderId: String(order - 19),
      };
      continue;
    }
    const fee = Math.round(amount * 0.029) + 30;
    yield {
      id,
      created: utc(t),
      available: utc(t + 2 * 86_400_000),
      currency: 'usd',
      grossMinor: amount,
      feeMinor: fee,
      category: 'charge',
      sourceId: `ch_${i}`,
      description: `Order #${order}`,
      email: `buyer${i % 997}@example.com`,
      payoutId,
      orderId: String(order),
    };
  }
}

export function stripeRowCsv(r: SyntheticStripeRow): string {
  return [
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
    r.orderId,
  ].join(',');
}

/** Streams the CSV to `path`; memory stays flat whatever `count` is. */
export function writeSyntheticStripeCsv(path: string, count: number, seed = 1): void {
  const fd = openSync(path, 'w');
  try {
    let buf = `${STRIPE_BALANCE_HEADER.join(',')}\n`;
    for (const row of syntheticStripeRows(count, seed)) {
      buf += `${stripeRowCsv(row)}\n`;
      if (buf.length > 1 << 16) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}
