// Tests the saved generic-CSV mapping schema: what it accepts, and the JSON path every error names.
import { describe, expect, it } from 'vitest';
import { parseCsvMapping } from '../../src/shared/import/csvMapping.ts';
import type { CsvMapping } from '../../src/shared/import/csvMapping.ts';

const BANK = {
  version: 1,
  name: 'Sparkasse Girokonto',
  kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' },
  columns: { occurred_at: 'Buchungstag', debit: 'Soll', credit: 'Haben', description: 'Verwendungszweck' },
  currency: 'eur',
  date_format: 'DD.MM.YYYY',
  time_zone: 'Europe/Berlin',
  decimal: ',',
  thousands: '.',
  sign: 'as_is',
  encoding: 'windows-1252',
  delimiter: ';',
  header_row: 5,
  external_id_strategy: 'row_hash',
};

const SALES = {
  version: 1,
  kind_column: 'Type',
  kind_values: { Sale: 'payment', Refund: 'refund' },
  columns: { external_id: 'Transaction ID', amount: 'Amount', currency: 'Currency', occurred_at: 'Date', fee: 'Fee', net: 'Net', order_ref: 'Order' },
  date_format: 'MM/DD/YYYY',
  decimal: '.',
  thousands: ',',
  sign: 'as_is',
  external_id_strategy: 'column',
};

function errorsOf(json: unknown): string[] {
  const r = parseCsvMapping(json);
  if (r.ok) throw new Error('expected the mapping to be rejected');
  return r.errors;
}

function mappingOf(json: unknown): CsvMapping {
  const r = parseCsvMapping(json);
  if (!r.ok) throw new Error(`expected a valid mapping, got ${r.errors.join('; ')}`);
  return r.mapping;
}

describe('parseCsvMapping', () => {
  it('accepts a bank mapping with debit/credit, kind by sign and a fixed currency (uppercased)', () => {
    const m = mappingOf(BANK);
    expect(m.currency).toBe('EUR');
    expect(m.header_row).toBe(5);
    expect(m.kind_by_sign).toEqual({ positive: 'bank_credit', negative: 'bank_debit' });
    expect(m.columns.debit).toBe('Soll');
  });

  it('accepts a sales mapping with a kind column and a currency column', () => {
    const m = mappingOf(SALES);
    expect(m.kind_values).toEqual({ Sale: 'payment', Refund: 'refund' });
    expect(m.columns.currency).toBe('Currency');
    expect(m.currency).toBeUndefined();
  });

  it('accepts a fixed kind, ISO dates and row hashes', () => {
    expect(mappingOf({ ...SALES, kind_column: undefined, kind_values: undefined, kind: 'ad_spend', date_format: 'iso' }).kind).toBe('ad_spend');
  });

  it('rejects what is not an object', () => {
    expect(errorsOf(null)).toEqual(['mapping: must be a JSON object']);
    expect(errorsOf([BANK])).toEqual(['mapping: must be a JSON object']);
    expect(errorsOf('x')).toEqual(['mapping: must be a JSON object']);
  });

  it('names missing required fields by path', () => {
    const errors = errorsOf({ version: 1, kind: 'payment', currency: 'USD', columns: { amount: 'Amount' } });
    expect(errors).toEqual(
      expect.arrayContaining([
        'columns.occurred_at: is required',
        'date_format: is required',
        'decimal: is required',
        'thousands: is required',
        'sign: is required',
        'external_id_strategy: is required',
      ]),
    );
  });

  it('names unknown fields (typos) at their own path', () => {
    expect(errorsOf({ ...SALES, columns: { ...SALES.columns, ammount: 'Amount' } })).toContain('columns.ammount: unknown field');
    expect(errorsOf({ ...SALES, seperator: ';' })).toContain('seperator: unknown field');
  });

  it('checks enumerations and versions', () => {
    expect(errorsOf({ ...SALES, version: 2 })).toEqual(['version: must be 1']);
    expect(errorsOf({ ...SALES, decimal: ';' })).toEqual(['decimal: must be one of ".", ","']);
    expect(errorsOf({ ...SALES, sign: 'negative' })).toEqual(['sign: must be one of "as_is", "inverted"']);
    expect(errorsOf({ ...BANK, delimiter: ':' })).toEqual(['delimiter: must be one of ",", ";", "\\t", "|"']);
    expect(errorsOf({ ...BANK, encoding: 'latin1' })[0]).toMatch(/^encoding: must be one of "utf-8"/);
    expect(errorsOf({ ...SALES, kind_values: { Sale: 'sale' } })[0]).toMatch(/^kind_values\.Sale: must be an event kind: order, payment/);
    expect(errorsOf({ ...SALES, kind_values: { 'Card sale': 'sale' } })[0]).toMatch(/^kind_values\["Card sale"\]: must be an event kind/);
    expect(errorsOf({ ...BANK, header_row: 0 })).toEqual(['header_row: must be 1 or more']);
    expect(errorsOf({ ...BANK, header_row: 2.5 })).toEqual(['header_row: must be a whole line number']);
    expect(errorsOf({ ...SALES, columns: { ...SALES.columns, amount: '  ' } })).toEqual(['columns.amount: must name a column of the header']);
  });

  it('requires exactly one source of money', () => {
    expect(errorsOf({ ...SALES, columns: { ...SALES.columns, debit: 'Debit' } })).toEqual([
      'columns.amount: use either amount or debit/credit columns, not both',
    ]);
    const { amount: _amount, ...noAmount } = SALES.columns;
    expect(errorsOf({ ...SALES, columns: noAmount })).toEqual(['columns.amount: map the amount column, or debit and/or credit columns']);
    expect(mappingOf({ ...SALES, columns: { ...noAmount, credit: 'Paid in' } }).columns.credit).toBe('Paid in');
    expect(errorsOf({ ...BANK, columns: { ...BANK.columns, credit: 'Soll' } })).toEqual([
      'columns.credit: must be a different column from columns.debit',
    ]);
  });

  it('requires exactly one source of currency, and a real one', () => {
    expect(errorsOf({ ...SALES, currency: 'USD' })).toEqual(['currency: use either a fixed currency or columns.currency, not both']);
    const { currency: _c, ...noCurrencyColumn } = SALES.columns;
    expect(errorsOf({ ...SALES, columns: noCurrencyColumn })).toEqual(['currency: set a fixed currency (e.g. "EUR") or map columns.currency']);
    expect(errorsOf({ ...BANK, currency: 'EUX' })).toEqual(['currency: must be an ISO 4217 currency code such as EUR or USD']);
  });

  it('requires exactly one source of kind, with kind_values for a kind column', () => {
    expect(errorsOf({ ...SALES, kind: 'payment' })).toEqual(['kind: use only one of kind, kind_column and kind_by_sign']);
    expect(errorsOf({ ...SALES, kind_column: undefined, kind_values: undefined })).toEqual([
      'kind: set a fixed kind, or kind_column with kind_values, or kind_by_sign',
    ]);
    expect(errorsOf({ ...SALES, kind_values: undefined })).toEqual([
      'kind_values: kind_column needs kind_values, e.g. {"Sale": "payment", "Refund": "refund"}',
    ]);
    expect(errorsOf({ ...SALES, kind_values: {} })).toEqual(['kind_values: must list at least one value']);
    expect(errorsOf({ ...SALES, kind_values: { Sale: 'payment', ' SALE': 'refund' } })).toEqual([
      'kind_values[" SALE"]: is the same value as "Sale" (values are matched ignoring case and surrounding spaces)',
    ]);
  });

  it('requires decimal and thousands separators to differ', () => {
    expect(errorsOf({ ...BANK, thousands: ',' })).toEqual(['thousands: must differ from decimal (",")']);
  });

  it('ties external_id_strategy to columns.external_id', () => {
    const { external_id: _id, ...noId } = SALES.columns;
    expect(errorsOf({ ...SALES, columns: noId })).toEqual(['columns.external_id: is required when external_id_strategy is "column"']);
    expect(errorsOf({ ...SALES, external_id_strategy: 'row_hash' })).toEqual([
      'external_id_strategy: is "row_hash" but columns.external_id is set; use "column" to take ids from it',
    ]);
  });

  it('validates the date format and the time zone', () => {
    expect(errorsOf({ ...BANK, date_format: 'DD.MM.YYY' })).toEqual(['date_format: invalid date format "DD.MM.YYY": "YYY" is not a format token']);
    expect(errorsOf({ ...BANK, date_format: 'HH:mm' })[0]).toMatch(/^date_format: invalid date format "HH:mm"/);
    expect(mappingOf({ ...BANK, date_format: 'unix' }).date_format).toBe('unix');
    expect(errorsOf({ ...BANK, time_zone: 'Europe/Bonn' })).toEqual(['time_zone: must be an IANA time zone such as Europe/Berlin']);
  });

  it('reports several problems at once', () => {
    const errors = errorsOf({ ...BANK, thousands: ',', currency: 'EUX', kind: 'payment', columns: { ...BANK.columns, amount: 'Betrag' } });
    expect(errors).toEqual(
      expect.arrayContaining([
        'currency: must be an ISO 4217 currency code such as EUR or USD',
        'kind: use only one of kind, kind_column and kind_by_sign',
        'columns.amount: use either amount or debit/credit columns, not both',
        'thousands: must differ from decimal (",")',
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it('accepts the bank statement fields', () => {
    const m = mappingOf({
      ...BANK,
      columns: {
        ...BANK.columns,
        balance: 'Saldo',
        original_amount: 'Betrag (Fremdwährung)',
        original_currency: 'Fremdwährung',
        value_date: 'Valuta',
        counterparty_name: 'Empfänger',
        counterparty_account: 'IBAN',
        bank_reference: 'Referenz',
        transaction_code: 'Buchungstext',
      },
      account: ' DE12 3456 ',
      balance_order: 'newest_first',
      skip_footer_matching: '^(Kontostand|Summe)',
      skip_rows_where: { column: 'Status', pattern: '^vorgemerkt$' },
    });
    expect(m.account).toBe('DE12 3456');
    expect(m.balance_order).toBe('newest_first');
    expect(m.columns.balance).toBe('Saldo');
  });

  it('checks the bank statement fields', () => {
    expect(errorsOf({ ...BANK, account: 'X', columns: { ...BANK.columns, account: 'Konto' } })).toEqual([
      'account: use either a fixed account or columns.account, not both',
    ]);
    expect(errorsOf({ ...BANK, balance_order: 'newest_first' })).toEqual(['balance_order: needs columns.balance (the running balance column)']);
    expect(errorsOf({ ...BANK, balance_order: 'sideways', columns: { ...BANK.columns, balance: 'Saldo' } })).toEqual([
      'balance_order: must be one of "oldest_first", "newest_first"',
    ]);
    expect(errorsOf({ ...BANK, columns: { ...BANK.columns, original_amount: 'Orig' } })).toEqual([
      'columns.original_currency: columns.original_amount and columns.original_currency go together',
    ]);
    expect(errorsOf({ ...BANK, skip_footer_matching: '(' })[0]).toMatch(/^skip_footer_matching: is not a valid regular expression/);
    expect(errorsOf({ ...BANK, skip_rows_where: { column: 'Status' } })).toEqual(['skip_rows_where.pattern: is required']);
    expect(errorsOf({ ...BANK, skip_rows_where: { column: 'Status', pattern: '[' } })[0]).toMatch(
      /^skip_rows_where\.pattern: is not a valid regular expression/,
    );
  });
});
