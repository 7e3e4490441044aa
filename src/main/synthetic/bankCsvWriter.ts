// Writes synthetic bank statement CSVs in the layouts of the built-in bank presets, for round-trip tests and demos.
import { formatAmount } from '../../shared/money/amountText.ts';
import type { NumberStyle } from '../../shared/money/amountText.ts';

/** One statement line, in chronological order; amounts are signed minor units (credit positive). */
export interface SyntheticBankEntry {
  /** Booking date, YYYY-MM-DD. */
  date: string;
  /** Wall-clock time HH:mm:ss, for layouts that carry one (Revolut); default 12:00:00. */
  time?: string;
  amountMinor: number;
  /** A fee the bank charges on top (Revolut's Fee column); the balance moves by amount − fee. */
  feeMinor?: number;
  description: string;
  /** The bank's id for the line (Wise's "TransferWise ID"); default derived from the position. */
  reference?: string;
  counterparty?: string;
  original?: { amountMinor: number; currency: string };
}

export interface BankCsvWriteOptions {
  currency: string;
  /** Balance before the first entry, minor units. */
  openingMinor: number;
  account?: string;
}

/** The presets this writer knows, by the names of BANK_CSV_PRESETS. */
export const WRITABLE_BANK_PRESETS = [
  'chase-checking',
  'bank-of-america',
  'barclays-uk',
  'n26',
  'revolut',
  'wise',
  'sparkasse-camt-csv',
  'generic-debit-credit-eu',
] as const;
export type WritableBankPreset = (typeof WRITABLE_BANK_PRESETS)[number];

const DOT: NumberStyle = { decimal: '.', group: '' };
const DOT_COMMA: NumberStyle = { decimal: '.', group: ',' };
const COMMA_DOT: NumberStyle = { decimal: ',', group: '.' };

function amount(minor: number, currency: string, style: NumberStyle = DOT): string {
  return formatAmount(minor, currency, { style, grouping: style.group !== '' });
}

/** Reformats YYYY-MM-DD with the tokens the presets use (YYYY, YY, MM, DD). */
function date(iso: string, format: string): string {
  const [y = '', m = '', d = ''] = iso.split('-');
  return format.replace('YYYY', y).replace('YY', y.slice(2)).replace('MM', m).replace('DD', d);
}

function quote(cell: string, delimiter: string, always: boolean): string {
  if (always || cell.includes(delimiter) || /["\r\n]/.test(cell)) return `"${cell.replace(/"/g, '""')}"`;
  return cell;
}

interface Line {
  entry: SyntheticBankEntry;
  index: number;
  /** Balance after this entry. */
  balance: number;
}

/** Writes `entries` (chronological) as the named bank would export them, CRLF line ends. */
export function writeBankCsv(preset: WritableBankPreset, entries: readonly SyntheticBankEntry[], options: BankCsvWriteOptions): string {
  const cur = options.currency;
  let running = options.openingMinor;
  const lines: Line[] = entries.map((entry, index) => {
    running += entry.amountMinor - (entry.feeMinor ?? 0);
    return { entry, index, balance: running };
  });
  const newestFirst = [...lines].reverse();
  const first = entries[0]?.date ?? '2025-01-01';
  const last = entries[entries.length - 1]?.date ?? first;
  const out: string[] = [];
  const row = (cells: readonly string[], delimiter = ',', always = false): void => {
    out.push(cells.map((c) => quote(c, delimiter, always)).join(delimiter));
  };

  switch (preset) {
    case 'chase-checking':
      out.push('Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #');
      for (const { entry, balance } of newestFirst) {
        const credit = entry.amountMinor >= 0;
        // Chase ends every data row with a comma: one more (empty) field than the header.
        row([
          credit ? 'CREDIT' : 'DEBIT',
          date(entry.date, 'MM/DD/YYYY'),
          entry.description,
          amount(entry.amountMinor, cur),
          credit ? 'ACH_CREDIT' : 'DEBIT_CARD',
          amount(balance, cur),
          '',
          '',
        ]);
      }
      break;
    case 'bank-of-america': {
      const credits = entries.filter((e) => e.amountMinor > 0).reduce((s, e) => s + e.amountMinor, 0);
      const debits = entries.filter((e) => e.amountMinor < 0).reduce((s, e) => s + e.amountMinor, 0);
      row(['Description', '', 'Summary Amt.']);
      row([`Beginning balance as of ${date(first, 'MM/DD/YYYY')}`, '', amount(options.openingMinor, cur, DOT_COMMA)]);
      row(['Total credits', '', amount(credits, cur, DOT_COMMA)]);
      row(['Total debits', '', amount(debits, cur, DOT_COMMA)]);
      row([`Ending balance as of ${date(last, 'MM/DD/YYYY')}`, '', amount(running, cur, DOT_COMMA)]);
      out.push('');
      out.push('Date,Description,Amount,Running Bal.');
      row([date(first, 'MM/DD/YYYY'), `Beginning balance as of ${date(first, 'MM/DD/YYYY')}`, '', amount(options.openingMinor, cur, DOT_COMMA)]);
      for (const { entry, balance } of lines) {
        row([date(entry.date, 'MM/DD/YYYY'), entry.description, amount(entry.amountMinor, cur, DOT_COMMA), amount(balance, cur, DOT_COMMA)]);
      }
      break;
    }
    case 'barclays-uk':
      out.push('Number,Date,Account,Amount,Subcategory,Memo');
      for (const { entry } of lines) {
        row([
          '',
          date(entry.date, 'DD/MM/YYYY'),
          options.account ?? '20-32-06 13152170',
          amount(entry.amountMinor, cur),
          entry.amountMinor >= 0 ? 'Counter Credit' : 'Debit',
          entry.description,
        ]);
      }
      break;
    case 'n26':
      row(
        [
          'Date',
          'Payee',
          'Account number',
          'Transaction type',
          'Payment reference',
          'Amount (EUR)',
          'Amount (Foreign Currency)',
          'Type Foreign Currency',
          'Exchange Rate',
        ],
        ',',
        true,
      );
      for (const { entry } of lines) {
        const o = entry.original;
        row(
          [
            date(entry.date, 'YYYY-MM-DD'),
            entry.counterparty ?? 'Payee',
            '',
            entry.amountMinor >= 0 ? 'Income' : 'MasterCard Payment',
            entry.description,
            amount(entry.amountMinor, cur),
            o === undefined ? '' : amount(o.amountMinor, o.currency),
            o === undefined ? '' : o.currency,
            o === undefined ? '' : '1.0',
          ],
          ',',
          true,
        );
      }
      break;
    case 'revolut':
      out.push('Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance');
      for (const { entry, balance } of lines) {
        const when = `${entry.date} ${entry.time ?? '12:00:00'}`;
        row([
          entry.amountMinor >= 0 ? 'TOPUP' : 'CARD_PAYMENT',
          options.account ?? 'Current',
          when,
          when,
          entry.description,
          amount(entry.amountMinor, cur),
          amount(entry.feeMinor ?? 0, cur),
          cur,
          'COMPLETED',
          amount(balance, cur),
        ]);
      }
      break;
    case 'wise':
      out.push(
        '"TransferWise ID",Date,Amount,Currency,Description,"Payment Reference","Running Balance","Exchange From","Exchange To","Exchange Rate","Payer Name","Payee Name","Payee Account Number",Merchant,"Card Last Four Digits","Card Holder Full Name",Attachment,Note,"Total fees"',
      );
      for (const { entry, index, balance } of newestFirst) {
        row([
          entry.reference ?? `TRANSFER-${100000 + index}`,
          date(entry.date, 'DD-MM-YYYY'),
          amount(entry.amountMinor, cur),
          cur,
          entry.description,
          '',
          amount(balance, cur),
          '',
          '',
          '',
          '',
          entry.counterparty ?? '',
          '',
          '',
          '',
          '',
          '',
          '',
          '0.00',
        ]);
      }
      break;
    case 'sparkasse-camt-csv':
      row(
        [
          'Auftragskonto',
          'Buchungstag',
          'Valutadatum',
          'Buchungstext',
          'Verwendungszweck',
          'Glaeubiger ID',
          'Mandatsreferenz',
          'Kundenreferenz (End-to-End)',
          'Sammlerreferenz',
          'Lastschrift Ursprungsbetrag',
          'Auslagenersatz Ruecklastschrift',
          'Beguenstigter/Zahlungspflichtiger',
          'Kontonummer/IBAN',
          'BIC (SWIFT-Code)',
          'Betrag',
          'Waehrung',
          'Info',
        ],
        ';',
        true,
      );
      for (const { entry } of newestFirst) {
        const d = date(entry.date, 'DD.MM.YY');
        row(
          [
            options.account ?? 'DE12500105170648489890',
            d,
            d,
            entry.amountMinor >= 0 ? 'GUTSCHR. UEBERWEISUNG' : 'FOLGELASTSCHRIFT',
            entry.description,
            '',
            '',
            'NOTPROVIDED',
            '',
            '',
            '',
            entry.counterparty ?? '',
            'DE02120300000000202051',
            'BYLADEM1001',
            amount(entry.amountMinor, cur, COMMA_DOT),
            cur,
            'Umsatz gebucht',
          ],
          ';',
          true,
        );
      }
      break;
    case 'generic-debit-credit-eu':
      out.push(`Kontoauszug;${options.account ?? 'DE89 3704 0044 0532 0130 00'}`);
      out.push(`Zeitraum;${date(first, 'DD.MM.YYYY')} - ${date(last, 'DD.MM.YYYY')}`);
      out.push(`Anfangssaldo;${amount(options.openingMinor, cur, COMMA_DOT)}`);
      out.push('');
      out.push('Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Soll;Haben;Saldo');
      for (const { entry, balance } of lines) {
        const d = date(entry.date, 'DD.MM.YYYY');
        const magnitude = amount(Math.abs(entry.amountMinor), cur, COMMA_DOT);
        row(
          [
            d,
            d,
            entry.counterparty ?? '',
            entry.description,
            entry.amountMinor < 0 ? magnitude : '',
            entry.amountMinor >= 0 ? magnitude : '',
            amount(balance, cur, COMMA_DOT),
          ],
          ';',
        );
      }
      out.push(`Kontostand am ${date(last, 'DD.MM.YYYY')};;;;;;${amount(running, cur, COMMA_DOT)}`);
      break;
  }
  return `${out.join('\r\n')}\r\n`;
}
