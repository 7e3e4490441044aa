// A small month computed by hand, shared by the report and the exceptions tests: seven orders around one Meta day, a
// Google day, Meta billing with a credit and tax against two card debits, Google billing, and a few shipments. Every
// figure the tests expect is worked out in the comments here and there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';

export const SHOPIFY = [
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Total,Created at,Lineitem quantity,Note Attributes,Cancelled at,Payment Method,Refunded Amount,Id,Tags,Source',
  // A: Meta, 100.00 on 5 Oct (10:00 New York = 07:00 Los Angeles: same day for both).
  '#1,a@example.com,paid,2026-10-05 10:00:00 -0400,fulfilled,2026-10-06 09:00:00 -0400,USD,100.00,2026-10-05 10:00:00 -0400,1,"utm_source: facebook\nfbclid: IwAR1",,Stripe,0.00,9001,,web',
  // B: Meta, 50.00 at 01:30 on 6 Oct in New York, which is 22:30 on 5 Oct in Los Angeles: Meta's 5 Oct, the store's 6 Oct.
  '#2,b@example.com,paid,2026-10-06 01:30:00 -0400,unfulfilled,,USD,50.00,2026-10-06 01:30:00 -0400,1,utm_source: facebook,,Stripe,0.00,9002,,web',
  // C: Meta, 80.00 of which 20.00 refunded: net 60.00.
  '#3,c@example.com,partially_refunded,2026-10-05 12:00:00 -0400,fulfilled,2026-10-06 09:00:00 -0400,USD,80.00,2026-10-05 12:00:00 -0400,1,utm_source: ig,,Stripe,20.00,9003,,web',
  // D: Meta, a test order (Bogus gateway): 30.00 Meta counts, the store never does.
  '#4,d@example.com,paid,2026-10-05 13:00:00 -0400,unfulfilled,,USD,30.00,2026-10-05 13:00:00 -0400,1,utm_source: facebook,,Bogus,0.00,9004,test,web',
  // E: Google (utm_source) with an fbclid too: Meta claims it as well (duplicates, 40.00).
  '#5,e@example.com,paid,2026-10-05 14:00:00 -0400,unfulfilled,,USD,40.00,2026-10-05 14:00:00 -0400,1,"utm_source: google\ngclid: Cj0K5\nfbclid: IwAR5",,Stripe,0.00,9005,,web',
  // F: no channel at all: not attributable, 25.00.
  '#6,f@example.com,paid,2026-10-05 15:00:00 -0400,unfulfilled,,USD,25.00,2026-10-05 15:00:00 -0400,1,,,Stripe,0.00,9006,,web',
  // G: Meta, 70.00, cancelled: net 0, and it still shipped.
  '#7,g@example.com,voided,2026-10-05 16:00:00 -0400,unfulfilled,,USD,70.00,2026-10-05 16:00:00 -0400,1,utm_source: facebook,2026-10-05 18:00:00 -0400,Stripe,0.00,9007,,web',
].join('\n');

// Meta's 5 Oct: 400.00 claimed for 120.00 spent.
export const META = ['Day,Campaign name,Amount spent (USD),Purchases,Purchases conversion value', '2026-10-05,Prospecting,120.00,6,400.00'].join(
  '\n',
);
// Google's 5 Oct: 45.00 claimed for 30.00; its 7 Oct: 2 conversions worth 60.00 for 12.00, a day without any store order.
export const GOOGLE = [
  'Campaign report',
  '"October 1, 2026 - October 31, 2026"',
  'Day,Campaign,Currency code,Cost,Conversions,Conv. value',
  '2026-10-05,Search,USD,30.00,1.00,45.00',
  '2026-10-07,Search,USD,12.00,2.00,60.00',
  'Total: Account, --,USD,42.00,3.00,105.00',
].join('\n');
export const META_BILLING = [
  'Currency,USD',
  'Date,Transaction ID,Payment Method,Amount,Currency',
  '2026-10-06,T-1,Visa ending in 4242,100.00,USD',
  '2026-10-20,T-2,Visa ending in 4242,50.00,USD',
  '',
  'Ad credits',
  'Date,Description,Amount,Currency',
  '2026-10-10,Ad credit,10.00,USD',
  '',
  'Tax,2.00,USD',
].join('\n');
// Google's month-end charge on 2 Nov settles 10.00 of the 42.00 spent.
export const GOOGLE_BILLING = [
  'Billing activity',
  'Demo (123-456-7890)',
  'Date,Type,Description,Amount,Currency code',
  '"Nov 2, 2026",Payment,Automatic payment: Visa ••••4242,-10.00,USD',
].join('\n');
export const BANK = ['Date,Description,Amount', '2026-10-07,FACEBK *ADS 8RT2,-100.00', '2026-10-09,GOOGLE *ADS1234567890,-75.00'].join('\n');
export const BANK_MAPPING = {
  version: 1,
  kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' },
  currency: 'USD',
  date_format: 'YYYY-MM-DD',
  decimal: '.',
  thousands: ',',
  sign: 'as_is',
  external_id_strategy: 'row_hash',
  columns: { occurred_at: 'Date', amount: 'Amount', description: 'Description' },
};
export const SHIPSTATION = [
  'Order - Number,Date - Ship Date,Shipment - Tracking Number,Amount - Shipping Cost,Shipment - Voided,Item - SKU,Item - Qty',
  '#1,10/05/2026,T1,5.00,false,S,1',
  '#3,10/06/2026,T3a,5.00,true,S,1',
  '#3,10/06/2026,T3b,5.00,false,S,1',
  '#7,10/06/2026,T7,5.00,false,S,1',
  '#99,10/06/2026,T99,5.00,false,S,1',
].join('\n');

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * The hand month imported file by file (import only, no runs). Each export states what it covers, as a person does
 * with --period-end: the store's and the shipments' through 20 Oct, the billing downloads through 7 Nov (October's
 * grace days), the spend reports through October.
 */
export function importHandMonth(root: string, options: { billingThrough?: string; name?: string } = {}): Workspace {
  const ws = createWorkspace(join(root, options.name ?? 'ws'), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  ws.settings.source_time_zones = { 'meta-ads:main': 'America/Los_Angeles' };
  const imp = (source: string, name: string, text: string, extra: Record<string, unknown> = {}): void => {
    importFiles(ws.db, ws.settings, { source, files: [writeFile(root, name, text)], actor: 'user:test', ...extra });
  };
  imp('shopify:store', 'orders.csv', SHOPIFY, { periodEnd: '2026-10-20' });
  imp('meta-ads:main', 'meta.csv', META, { periodEnd: '2026-10-31' });
  imp('google-ads:main', 'google.csv', GOOGLE, { periodEnd: '2026-10-31' });
  const billing = options.billingThrough === undefined ? { periodEnd: '2026-11-07' } : { periodEnd: options.billingThrough };
  imp('meta-ads:main', 'meta-billing.csv', META_BILLING, billing);
  imp('google-ads:main', 'google-billing.csv', GOOGLE_BILLING, billing);
  imp('bank:card', 'bank.csv', BANK, { format: 'generic-csv', mappingPath: writeFile(root, 'bank.json', JSON.stringify(BANK_MAPPING)) });
  imp('shipstation:main', 'shipments.csv', SHIPSTATION, { periodEnd: '2026-10-20' });
  return ws;
}
