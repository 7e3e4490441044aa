// The DuckDB baseline for the user path: DuckDB loads the month's three files as they are (Shopify orders CSV, Stripe
// balance CSV, the camt.053 XML read as text) and runs the chain's joins: order ↔ payment by order number or payment
// intent and amount, payout ↔ its items by payout id (nets summed), bank credit ↔ payout by amount within 2 days
// before to 7 days after. No ties, explanations, exceptions, leftovers, journal or persistence (what the ledger adds).
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckMonthResult {
  loadS: number;
  joinS: number;
  orders: number;
  payments: number;
  orderPayment: number;
  payoutItems: number;
  bankPayout: number;
}

const q = (p: string): string => `'${p.replace(/'/g, "''")}'`;

export async function duckDbMonth(files: { shopify: string; stripe: string; bank: string }): Promise<DuckMonthResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const count = async (sql: string): Promise<number> => Number((await (await c.runAndReadAll(sql)).getRows())[0]?.[0] ?? 0);
  const t0 = performance.now();
  await c.run(`CREATE TABLE orders AS SELECT "Name" AS name, replace("Name", '#', '') AS order_no, CAST("Total" AS DECIMAL(18, 2)) AS total, "Currency" AS currency,
      strptime("Created at", '%Y-%m-%d %H:%M:%S %z') AS created, "Payment Reference" AS payment_ref
    FROM read_csv(${q(files.shopify)}, header = true, all_varchar = true) WHERE "Financial Status" <> ''`);
  await c.run(`CREATE TABLE stripe AS SELECT balance_transaction_id AS id, CAST(created_utc AS TIMESTAMP) AS created, upper(currency) AS currency,
      CAST(gross AS DECIMAL(18, 2)) AS gross, CAST(net AS DECIMAL(18, 2)) AS net, reporting_category AS category, source_id, automatic_payout_id AS payout_id,
      payment_intent_id AS intent, "payment_metadata[order_id]" AS order_no
    FROM read_csv(${q(files.stripe)}, header = true, all_varchar = true)`);
  await c.run(`CREATE TABLE bank AS SELECT CAST(regexp_extract(e, '<Amt Ccy="[A-Z]{3}">([0-9.]+)</Amt>', 1) AS DECIMAL(18, 2))
        * CASE WHEN e LIKE '%<CdtDbtInd>CRDT</CdtDbtInd>%' THEN 1 ELSE -1 END AS amount,
      CAST(regexp_extract(e, '<BookgDt>\\s*<Dt>([0-9-]+)</Dt>', 1) AS DATE) AS booked, regexp_extract(e, '<Ustrd>([^<]*)</Ustrd>', 1) AS text
    FROM (SELECT unnest(regexp_extract_all(content, '<Ntry>.*?</Ntry>')) AS e FROM read_text(${q(files.bank)}))`);
  const loadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await c.run(`CREATE TEMP TABLE op AS SELECT DISTINCT ON (o.name) o.name, p.id FROM orders o JOIN stripe p
      ON p.category = 'charge' AND (p.order_no = o.order_no OR (o.payment_ref <> '' AND p.intent = o.payment_ref)) AND p.gross = o.total
     ORDER BY o.name, abs(epoch(p.created) - epoch(o.created)), p.id`);
  await c.run(`CREATE TEMP TABLE pi AS SELECT po.id, po.gross, sum(i.net) AS items FROM stripe po JOIN stripe i ON i.payout_id = po.source_id AND i.category <> 'payout'
     WHERE po.category = 'payout' GROUP BY po.id, po.gross HAVING sum(i.net) = -po.gross`);
  await c.run(`CREATE TEMP TABLE bp AS SELECT DISTINCT ON (po.id) po.id, b.text FROM stripe po JOIN bank b
      ON b.amount = -po.gross AND b.booked BETWEEN CAST(po.created AS DATE) - INTERVAL 2 DAY AND CAST(po.created AS DATE) + INTERVAL 7 DAY
     WHERE po.category = 'payout' ORDER BY po.id, abs(epoch(CAST(b.booked AS TIMESTAMP)) - epoch(po.created))`);
  const joinS = (performance.now() - t1) / 1000;
  const result: DuckMonthResult = {
    loadS: +loadS.toFixed(2),
    joinS: +joinS.toFixed(2),
    orders: await count('SELECT count(*) FROM orders'),
    payments: await count("SELECT count(*) FROM stripe WHERE category = 'charge'"),
    orderPayment: await count('SELECT count(*) FROM op'),
    payoutItems: await count('SELECT count(*) FROM pi'),
    bankPayout: await count('SELECT count(*) FROM bp'),
  };
  c.closeSync();
  instance.closeSync();
  return result;
}
