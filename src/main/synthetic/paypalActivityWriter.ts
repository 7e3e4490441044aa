// Writes PayPal activity download CSVs (English, Spanish, French, German or Portuguese layout) from typed entries, for tests, benchmarks and demos.
import { formatAmount } from '../../shared/money/amountText.ts';
import { PAYPAL_TIME_ZONE_OFFSETS } from '../import/parsers/paypalActivityCsv.ts';
import type { PaypalDateOrder, PaypalLanguage } from '../import/parsers/paypalActivityCsv.ts';

/** One activity row, with money in minor units signed exactly as PayPal writes it. */
export interface PaypalActivityEntry {
  transactionId: string;
  /** UTC instant `YYYY-MM-DDTHH:mm:ssZ`; written as wall time in `timeZone`. */
  occurredAt: string;
  /** A PayPal zone abbreviation (a key of PAYPAL_TIME_ZONE_OFFSETS), e.g. PDT. */
  timeZone: string;
  name: string;
  type: string;
  status: string;
  currency: string;
  grossMinor: number;
  /** PayPal's sign: a fee the merchant pays is negative. Net is written as gross + fee. */
  feeMinor: number;
  fromEmail: string;
  toEmail: string;
  referenceTxnId: string;
  invoiceNumber: string;
  receiptId: string;
  balanceMinor: number | null;
  subject: string;
  note: string;
}

export interface PaypalWriterOptions {
  language: PaypalLanguage;
  /** Defaults to the language's convention: month-first in English, day-first in the others. */
  dateOrder?: PaypalDateOrder;
}

export const PAYPAL_ACTIVITY_HEADERS: Record<PaypalLanguage, readonly string[]> = {
  en: [
    'Date',
    'Time',
    'TimeZone',
    'Name',
    'Type',
    'Status',
    'Currency',
    'Gross',
    'Fee',
    'Net',
    'From Email Address',
    'To Email Address',
    'Transaction ID',
    'Address Status',
    'Sales Tax',
    'Reference Txn ID',
    'Invoice Number',
    'Receipt ID',
    'Balance',
    'Contact Phone Number',
    'Subject',
    'Note',
  ],
  es: [
    'Fecha',
    'Hora',
    'Zona horaria',
    'Nombre',
    'Tipo',
    'Estado',
    'Divisa',
    'Bruto',
    'Comisión',
    'Neto',
    'De la dirección de correo electrónico',
    'A la dirección de correo electrónico',
    'Id. de transacción',
    'Estado de la dirección',
    'Impuesto de ventas',
    'Id. de referencia de trans.',
    'Número de factura',
    'Id. de recibo',
    'Saldo',
    'Número de teléfono de contacto',
    'Asunto',
    'Nota',
  ],
  fr: [
    'Date',
    'Heure',
    'Fuseau horaire',
    'Nom',
    'Type',
    'État',
    'Devise',
    'Avant commission',
    'Commission',
    'Net',
    "De l'adresse email",
    "À l'adresse email",
    'Numéro de transaction',
    "État de l'adresse",
    'TVA',
    'Numéro de la transaction de référence',
    'Numéro de facture',
    'Numéro de reçu',
    'Solde',
    'Numéro de téléphone du contact',
    'Objet',
    'Remarque',
  ],
  de: [
    'Datum',
    'Uhrzeit',
    'Zeitzone',
    'Name',
    'Typ',
    'Status',
    'Währung',
    'Brutto',
    'Gebühr',
    'Netto',
    'Absender E-Mail-Adresse',
    'Empfänger E-Mail-Adresse',
    'Transaktionscode',
    'Adress-Status',
    'Umsatzsteuer',
    'Zugehöriger Transaktionscode',
    'Rechnungsnummer',
    'Empfangsnummer',
    'Guthaben',
    'Telefonnummer der Kontaktperson',
    'Betreff',
    'Hinweis',
  ],
  pt: [
    'Data',
    'Horário',
    'Fuso horário',
    'Nome',
    'Tipo',
    'Status',
    'Moeda',
    'Bruto',
    'Tarifa',
    'Líquido',
    'Do e-mail',
    'Para o e-mail',
    'Código da transação',
    'Status do endereço',
    'Imposto sobre vendas',
    'Código da transação de referência',
    'Número da fatura',
    'Código do recibo',
    'Saldo',
    'Número de telefone para contato',
    'Assunto',
    'Observação',
  ],
};

const STYLE = {
  en: { decimal: '.', group: ',' },
  es: { decimal: ',', group: '.' },
  fr: { decimal: ',', group: ' ' },
  de: { decimal: ',', group: '.' },
  pt: { decimal: ',', group: '.' },
} as const;

/** PayPal Germany writes 31.12.2024; the others 31/12/2024 (or 12/31/2024 in English). */
const DATE_SEPARATOR: Record<PaypalLanguage, string> = { en: '/', es: '/', fr: '/', de: '.', pt: '/' };

// PayPal quotes every field; a quote inside a field is doubled.
function csvLine(fields: readonly string[]): string {
  return fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Date and time text of an instant as PayPal writes it in a fixed-offset zone. */
export function paypalWallTime(occurredAt: string, timeZone: string, order: PaypalDateOrder, separator = '/'): { date: string; time: string } {
  const offset = PAYPAL_TIME_ZONE_OFFSETS[timeZone];
  if (offset === undefined) throw new RangeError(`unknown PayPal time zone abbreviation "${timeZone}"`);
  const ms = Date.parse(occurredAt);
  if (Number.isNaN(ms)) throw new RangeError(`"${occurredAt}" is not an ISO instant`);
  const d = new Date(ms + offset * 60_000);
  const [day, month, year] = [pad2(d.getUTCDate()), pad2(d.getUTCMonth() + 1), String(d.getUTCFullYear()).padStart(4, '0')];
  const date = order === 'DMY' ? [day, month, year].join(separator) : [month, day, year].join(separator);
  return { date, time: `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` };
}

export function paypalActivityRow(entry: PaypalActivityEntry, options: PaypalWriterOptions): string {
  const order = options.dateOrder ?? (options.language === 'en' ? 'MDY' : 'DMY');
  const style = STYLE[options.language];
  const money = (minor: number): string => formatAmount(minor, entry.currency, { style });
  const { date, time } = paypalWallTime(entry.occurredAt, entry.timeZone, order, DATE_SEPARATOR[options.language]);
  return csvLine([
    date,
    time,
    entry.timeZone,
    entry.name,
    entry.type,
    entry.status,
    entry.currency,
    money(entry.grossMinor),
    money(entry.feeMinor),
    money(entry.grossMinor + entry.feeMinor),
    entry.fromEmail,
    entry.toEmail,
    entry.transactionId,
    '',
    '',
    entry.referenceTxnId,
    entry.invoiceNumber,
    entry.receiptId,
    entry.balanceMinor === null ? '' : money(entry.balanceMinor),
    '',
    entry.subject,
    entry.note,
  ]);
}

/** Yields the header and then one line per entry, each ending in CRLF; memory stays flat for any number of entries. */
export function* paypalActivityLines(entries: Iterable<PaypalActivityEntry>, options: PaypalWriterOptions): Generator<string> {
  yield `${csvLine(PAYPAL_ACTIVITY_HEADERS[options.language])}\r\n`;
  for (const entry of entries) yield `${paypalActivityRow(entry, options)}\r\n`;
}

/** Groups lines into chunks of about `size` characters, the way a file reader hands text to a parser. */
export function* paypalActivityChunks(entries: Iterable<PaypalActivityEntry>, options: PaypalWriterOptions, size = 65_536): Generator<string> {
  let buf = '';
  for (const line of paypalActivityLines(entries, options)) {
    buf += line;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

export function writePaypalActivityCsv(entries: Iterable<PaypalActivityEntry>, options: PaypalWriterOptions): string {
  return [...paypalActivityLines(entries, options)].join('');
}
