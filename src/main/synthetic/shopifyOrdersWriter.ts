// Writes synthetic orders as Shopify's Orders export CSV (the real 79-column layout), streamed to a file.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { SyntheticOrder } from './monthGenerator.ts';
import { CUSTOMER_ADDRESSES, STORE_UTC_OFFSET } from './monthGenerator.ts';

/** The header Shopify writes (Admin → Orders → Export), column for column. */
export const SHOPIFY_ORDERS_HEADER = [
  'Name',
  'Email',
  'Financial Status',
  'Paid at',
  'Fulfillment Status',
  'Fulfilled at',
  'Accepts Marketing',
  'Currency',
  'Subtotal',
  'Shipping',
  'Taxes',
  'Total',
  'Discount Code',
  'Discount Amount',
  'Shipping Method',
  'Created at',
  'Lineitem quantity',
  'Lineitem name',
  'Lineitem price',
  'Lineitem compare at price',
  'Lineitem sku',
  'Lineitem requires shipping',
  'Lineitem taxable',
  'Lineitem fulfillment status',
  'Billing Name',
  'Billing Street',
  'Billing Address1',
  'Billing Address2',
  'Billing Company',
  'Billing City',
  'Billing Zip',
  'Billing Province',
  'Billing Country',
  'Billing Phone',
  'Shipping Name',
  'Shipping Street',
  'Shipping Address1',
  'Shipping Address2',
  'Shipping Company',
  'Shipping City',
  'Shipping Zip',
  'Shipping Province',
  'Shipping Country',
  'Shipping Phone',
  'Notes',
  'Note Attributes',
  'Cancelled at',
  'Payment Method',
  'Payment Reference',
  'Refunded Amount',
  'Vendor',
  'Outstanding Balance',
  'Employee',
  'Location',
  'Device ID',
  'Id',
  'Tags',
  'Risk Level',
  'Source',
  'Lineitem discount',
  'Tax 1 Name',
  'Tax 1 Value',
  'Tax 2 Name',
  'Tax 2 Value',
  'Tax 3 Name',
  'Tax 3 Value',
  'Tax 4 Name',
  'Tax 4 Value',
  'Tax 5 Name',
  'Tax 5 Value',
  'Phone',
  'Receipt Number',
  'Duties',
  'Billing Province Name',
  'Shipping Province Name',
  'Payment ID',
  'Payment Terms Name',
  'Next Payment Due At',
  'Payment References',
] as const;

type Column = (typeof SHOPIFY_ORDERS_HEADER)[number];
const COLUMN_INDEX = new Map<string, number>(SHOPIFY_ORDERS_HEADER.map((name, i) => [name, i]));

/** Minor units as Shopify writes them: plain major units with two decimals ("1659.95"). */
export function shopifyAmount(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Shopify's store-local timestamp, e.g. `2026-10-01 09:12:44 -0400`. */
export function shopifyTime(ms: number): string {
  const sign = STORE_UTC_OFFSET.startsWith('-') ? -1 : 1;
  const offsetMs = sign * (Number(STORE_UTC_OFFSET.slice(1, 3)) * 60 + Number(STORE_UTC_OFFSET.slice(3))) * 60_000;
  return `${new Date(ms + offsetMs).toISOString().slice(0, 19).replace('T', ' ')} ${STORE_UTC_OFFSET}`;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function row(cells: Partial<Record<Column, string>>): string {
  const out = new Array<string>(SHOPIFY_ORDERS_HEADER.length).fill('');
  for (const [name, value] of Object.entries(cells)) out[COLUMN_INDEX.get(name) as number] = csvField(value);
  return out.join(',');
}

/** The order's CSV lines: the first carries the order-level columns and line 1; others continue with one line item each. */
export function shopifyOrderLines(o: SyntheticOrder): string[] {
  const fulfilled = o.fulfilledMs !== null;
  const lines = o.lineItems.map((item) =>
    row({
      Name: o.name,
      'Created at': shopifyTime(o.createdMs),
      'Lineitem quantity': String(item.quantity),
      'Lineitem name': item.name,
      'Lineitem price': shopifyAmount(item.priceMinor),
      'Lineitem sku': item.sku,
      'Lineitem requires shipping': item.sku.startsWith('GIFT') ? 'false' : 'true',
      'Lineitem taxable': item.sku.startsWith('GIFT') ? 'false' : 'true',
      'Lineitem fulfillment status': fulfilled ? 'fulfilled' : 'pending',
      Vendor: item.vendor,
      'Lineitem discount': '0.00',
    }),
  );
  lines[0] = row({ ...orderColumns(o), ...firstItemColumns(o) });
  return lines;
}

function orderColumns(o: SyntheticOrder): Partial<Record<Column, string>> {
  const [street, city, zip, province, provinceName, taxBps] = CUSTOMER_ADDRESSES[o.addressIndex] as readonly [
    string,
    string,
    string,
    string,
    string,
    number,
  ];
  return {
    Name: o.name,
    Email: o.email,
    'Financial Status': o.financialStatus,
    'Paid at': shopifyTime(o.paidMs),
    'Fulfillment Status': o.fulfilledMs === null ? 'unfulfilled' : 'fulfilled',
    'Fulfilled at': o.fulfilledMs === null ? '' : shopifyTime(o.fulfilledMs),
    'Accepts Marketing': o.orderNumber % 3 === 0 ? 'yes' : 'no',
    Currency: o.currency,
    Subtotal: shopifyAmount(o.subtotalMinor),
    Shipping: shopifyAmount(o.shippingMinor),
    Taxes: shopifyAmount(o.taxesMinor),
    Total: shopifyAmount(o.totalMinor),
    'Discount Code': o.discountCode,
    'Discount Amount': shopifyAmount(o.discountMinor),
    'Shipping Method': o.shippingMinor === 0 ? 'Free Shipping' : 'Standard',
    'Created at': shopifyTime(o.createdMs),
    'Billing Name': o.customerName,
    'Billing Street': street,
    'Billing Address1': street,
    'Billing City': city,
    'Billing Zip': zip,
    'Billing Province': province,
    'Billing Country': 'US',
    'Shipping Name': o.customerName,
    'Shipping Street': street,
    'Shipping Address1': street,
    'Shipping City': city,
    'Shipping Zip': zip,
    'Shipping Province': province,
    'Shipping Country': 'US',
    'Payment Method': 'Stripe',
    'Note Attributes': o.noteAttributes ?? '',
    Tags: o.tags ?? '',
    'Payment Reference': o.paymentReference,
    'Refunded Amount': shopifyAmount(o.refundedMinor),
    'Outstanding Balance': '0.00',
    Id: o.id,
    'Risk Level': 'Low',
    Source: 'web',
    'Tax 1 Name': taxBps === 0 ? '' : `${province} State Tax ${taxBps / 100}%`,
    'Tax 1 Value': taxBps === 0 ? '' : shopifyAmount(o.taxesMinor),
    'Billing Province Name': provinceName,
    'Shipping Province Name': provinceName,
    'Payment ID': o.paymentReference,
    'Payment References': o.paymentReference,
  };
}

function firstItemColumns(o: SyntheticOrder): Partial<Record<Column, string>> {
  const item = o.lineItems[0];
  if (item === undefined) return {};
  const gift = item.sku.startsWith('GIFT');
  return {
    'Lineitem quantity': String(item.quantity),
    'Lineitem name': item.name,
    'Lineitem price': shopifyAmount(item.priceMinor),
    'Lineitem sku': item.sku,
    'Lineitem requires shipping': gift ? 'false' : 'true',
    'Lineitem taxable': gift ? 'false' : 'true',
    'Lineitem fulfillment status': o.fulfilledMs === null ? 'pending' : 'fulfilled',
    Vendor: item.vendor,
    'Lineitem discount': '0.00',
  };
}

/** Text written through a 64 KiB buffer so a million-row file never sits in memory. */
export class BufferedTextFile {
  private readonly fd: number;
  private buf = '';

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.buf += text;
    if (this.buf.length > 1 << 16) {
      writeSync(this.fd, this.buf);
      this.buf = '';
    }
  }

  close(): void {
    if (this.buf !== '') writeSync(this.fd, this.buf);
    this.buf = '';
    closeSync(this.fd);
  }
}

/** Streams orders into a Shopify export file; call close() once done. Lines end with \n, no BOM. */
export class ShopifyOrdersWriter {
  private readonly file: BufferedTextFile;
  rows = 0;

  constructor(path: string) {
    this.file = new BufferedTextFile(path);
    this.file.write(`${SHOPIFY_ORDERS_HEADER.join(',')}\n`);
  }

  write(order: SyntheticOrder): void {
    for (const line of shopifyOrderLines(order)) {
      this.file.write(`${line}\n`);
      this.rows++;
    }
  }

  close(): void {
    this.file.close();
  }
}
