// Builds small Stripe itemized balance CSVs for pipeline tests.
export const STRIPE_HEADER =
  'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email,automatic_payout_id,payment_metadata[order_id]';

/** Row i: a charge of (10 + i).00 USD with a 0.50 fee, paid into po_1. */
export function stripeRow(i: number, description = `Order #${1000 + i}`): string {
  const gross = `${10 + i}.00`;
  const net = `${9 + i}.50`;
  const desc = /[",\n]/.test(description) ? `"${description.replace(/"/g, '""')}"` : description;
  return `txn_${i},2026-10-${String(1 + (i % 28)).padStart(2, '0')} 12:00:00,,usd,${gross},0.50,${net},charge,ch_${i},${desc},buyer${i}@example.com,po_1,${1000 + i}`;
}

export function stripeCsv(rows: string[], eol = '\n'): string {
  return [STRIPE_HEADER, ...rows].join(eol) + eol;
}

export function stripeCsvRange(from: number, to: number): string {
  const rows: string[] = [];
  for (let i = from; i <= to; i++) rows.push(stripeRow(i));
  return stripeCsv(rows);
}
