// Built-in generic-CSV mappings for common bank exports, chosen with `--mapping preset:NAME`.
//
// Each preset is an ordinary CsvMapping validated by the same schema as a saved mapping file, so
// anything a preset does a user can copy into a JSON file and adjust. Layouts are the ones the
// banks' own CSV downloads use as far as they are known here; where a bank varies (account
// number, time zone) the preset leaves it to the workspace default rather than guess.
import { parseCsvMapping } from '../../../shared/import/csvMapping.ts';
import type { CsvMapping } from '../../../shared/import/csvMapping.ts';

const BANK_KINDS = { positive: 'bank_credit', negative: 'bank_debit' } as const;

// Written as plain JSON-shaped data, then validated once at load: a preset that no longer fits
// the schema fails every import that names it, loudly, instead of misreading files.
const RAW_PRESETS: Record<string, unknown> = {
  'chase-checking': {
    version: 1,
    name: 'Chase US checking account activity CSV (Details, Posting Date, …, Balance; newest first)',
    kind_by_sign: BANK_KINDS,
    columns: {
      occurred_at: 'Posting Date',
      amount: 'Amount',
      description: 'Description',
      transaction_code: 'Type',
      balance: 'Balance',
    },
    currency: 'USD',
    date_format: 'MM/DD/YYYY',
    decimal: '.',
    thousands: ',',
    sign: 'as_is',
    delimiter: ',',
    // Chase lists the latest activity first; declared so a one-day file needs no guess.
    balance_order: 'newest_first',
    external_id_strategy: 'row_hash',
  },
  'bank-of-america': {
    version: 1,
    name: 'Bank of America US checking/savings CSV (summary block, then Date, Description, Amount, Running Bal.)',
    kind_by_sign: BANK_KINDS,
    // Lines 1-5 are the summary (Description,,Summary Amt. / Beginning balance / Total credits /
    // Total debits / Ending balance), line 6 is blank. The first table row, "Beginning balance as
    // of …" with no amount, is a balance line that anchors the running balance.
    header_row: 7,
    columns: { occurred_at: 'Date', amount: 'Amount', description: 'Description', balance: 'Running Bal.' },
    currency: 'USD',
    date_format: 'MM/DD/YYYY',
    decimal: '.',
    thousands: ',',
    sign: 'as_is',
    delimiter: ',',
    balance_order: 'oldest_first',
    external_id_strategy: 'row_hash',
  },
  'barclays-uk': {
    version: 1,
    name: 'Barclays UK online banking CSV export (Number, Date, Account, Amount, Subcategory, Memo)',
    kind_by_sign: BANK_KINDS,
    columns: {
      occurred_at: 'Date',
      amount: 'Amount',
      account: 'Account',
      transaction_code: 'Subcategory',
      description: 'Memo',
    },
    currency: 'GBP',
    date_format: 'DD/MM/YYYY',
    time_zone: 'Europe/London',
    decimal: '.',
    thousands: ',',
    sign: 'as_is',
    delimiter: ',',
    external_id_strategy: 'row_hash',
  },
  n26: {
    version: 1,
    name: 'N26 transactions CSV, classic layout ("Date","Payee","Account number",…,"Amount (EUR)","Amount (Foreign Currency)","Type Foreign Currency","Exchange Rate")',
    kind_by_sign: BANK_KINDS,
    columns: {
      occurred_at: 'Date',
      amount: 'Amount (EUR)',
      counterparty_name: 'Payee',
      counterparty_account: 'Account number',
      transaction_code: 'Transaction type',
      description: 'Payment reference',
      original_amount: 'Amount (Foreign Currency)',
      original_currency: 'Type Foreign Currency',
    },
    currency: 'EUR',
    date_format: 'YYYY-MM-DD',
    time_zone: 'Europe/Berlin',
    decimal: '.',
    thousands: '',
    sign: 'as_is',
    delimiter: ',',
    external_id_strategy: 'row_hash',
  },
  revolut: {
    version: 1,
    name: 'Revolut account statement CSV (Type, Product, Started Date, Completed Date, Description, Amount, Fee, Currency, State, Balance)',
    kind_by_sign: BANK_KINDS,
    columns: {
      // Completed Date is when the balance moved; pending rows have none and are skipped below.
      occurred_at: 'Completed Date',
      amount: 'Amount',
      fee: 'Fee',
      currency: 'Currency',
      description: 'Description',
      transaction_code: 'Type',
      // Current and Savings keep separate balances in one file: the product keys the balance chain.
      account: 'Product',
      state: 'State',
      balance: 'Balance',
    },
    date_format: 'YYYY-MM-DD HH:mm:ss',
    decimal: '.',
    thousands: '',
    sign: 'as_is',
    delimiter: ',',
    // Pending, declined and reverted rows never moved the balance (Revolut leaves their Balance empty).
    skip_rows_where: { column: 'State', pattern: '^(PENDING|DECLINED|REVERTED|FAILED)$' },
    external_id_strategy: 'row_hash',
  },
  wise: {
    version: 1,
    name: 'Wise (TransferWise) balance statement CSV ("TransferWise ID", Date, Amount, Currency, …, "Running Balance", …)',
    kind_by_sign: BANK_KINDS,
    columns: {
      occurred_at: 'Date',
      amount: 'Amount',
      currency: 'Currency',
      description: 'Description',
      trace_id: 'Payment Reference',
      balance: 'Running Balance',
      counterparty_name: 'Payee Name',
      counterparty_account: 'Payee Account Number',
      bank_reference: 'TransferWise ID',
    },
    date_format: 'DD-MM-YYYY',
    decimal: '.',
    thousands: '',
    sign: 'as_is',
    delimiter: ',',
    // Wise's statement order has varied between exports: detected from the dates.
    external_id_strategy: 'row_hash',
  },
  'sparkasse-camt-csv': {
    version: 1,
    name: 'Sparkasse Umsätze export "CSV-CAMT-Format" (Auftragskonto;Buchungstag;Valutadatum;…;Betrag;Waehrung;Info)',
    kind_by_sign: BANK_KINDS,
    columns: {
      account: 'Auftragskonto',
      occurred_at: 'Buchungstag',
      value_date: 'Valutadatum',
      transaction_code: 'Buchungstext',
      description: 'Verwendungszweck',
      trace_id: 'Kundenreferenz (End-to-End)',
      counterparty_name: 'Beguenstigter/Zahlungspflichtiger',
      counterparty_account: 'Kontonummer/IBAN',
      amount: 'Betrag',
      currency: 'Waehrung',
    },
    date_format: 'DD.MM.YY',
    time_zone: 'Europe/Berlin',
    decimal: ',',
    thousands: '.',
    sign: 'as_is',
    delimiter: ';',
    encoding: 'windows-1252',
    // "Umsatz vorgemerkt" lines are pending and may still change or vanish; only booked lines count.
    skip_rows_where: { column: 'Info', pattern: '^Umsatz vorgemerkt$' },
    external_id_strategy: 'row_hash',
  },
  'generic-debit-credit-eu': {
    version: 1,
    name: 'Generic European statement CSV: 4 preamble lines, ";" separated, Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Soll;Haben;Saldo, "1.234,56"',
    kind_by_sign: BANK_KINDS,
    header_row: 5,
    columns: {
      occurred_at: 'Buchungstag',
      value_date: 'Valuta',
      counterparty_name: 'Auftraggeber/Empfänger',
      description: 'Verwendungszweck',
      debit: 'Soll',
      credit: 'Haben',
      balance: 'Saldo',
    },
    currency: 'EUR',
    date_format: 'DD.MM.YYYY',
    time_zone: 'Europe/Berlin',
    decimal: ',',
    thousands: '.',
    sign: 'as_is',
    delimiter: ';',
    encoding: 'windows-1252',
    skip_footer_matching: '^(Kontostand|Endsaldo|Anfangssaldo|Closing balance|Opening balance|Summe|\\*)',
    external_id_strategy: 'row_hash',
  },
};

function validated(): Record<string, CsvMapping> {
  const out: Record<string, CsvMapping> = {};
  for (const [name, raw] of Object.entries(RAW_PRESETS)) {
    const parsed = parseCsvMapping(raw);
    if (!parsed.ok) throw new Error(`bank CSV preset "${name}" is invalid: ${parsed.errors.join('; ')}`);
    out[name] = Object.freeze(parsed.mapping);
  }
  return out;
}

export const BANK_CSV_PRESETS: Readonly<Record<string, CsvMapping>> = Object.freeze(validated());

/** The preset called `name` (the part after `preset:`), or undefined when there is none. */
export function resolvePreset(name: string): CsvMapping | undefined {
  return Object.hasOwn(BANK_CSV_PRESETS, name) ? BANK_CSV_PRESETS[name] : undefined;
}

/** Every preset's name and what export it targets, sorted by name (for `--help` and the UI). */
export function listPresets(): Array<{ name: string; description: string }> {
  return Object.keys(BANK_CSV_PRESETS)
    .sort()
    .map((name) => ({ name, description: BANK_CSV_PRESETS[name]?.name ?? name }));
}
