// Parses PayPal activity downloads and their "statement" CSV variant (English, Spanish, French, German or Portuguese
// headers), and the pre-2010 English layout, into event drafts.
//
// One row is one PayPal transaction, so one event. Mapping decisions:
//   language      decided once from the header (names in English, Spanish, French, German or Portuguese,
//                 accents, apostrophes and case ignored). It fixes the number style: English '.' decimal
//                 with ',' thousands; Spanish, German and Portuguese ',' decimal with '.' thousands; French
//                 ',' decimal with space thousands. Values are never guessed one by one: "12.50" in a
//                 Spanish file is rejected, "1.234" in a Spanish file is 1234.
//   layout        `activity` (Gross, Fee, Net, Transaction ID) or, English only, the pre-2010 `legacy` download
//                 `Date, Time, Time Zone, Name, Type, Status, Currency, Amount, Receipt ID, Balance,` (a space
//                 after every comma, a trailing comma): Amount is the gross, there is no fee or net (null),
//                 and no transaction id: the id is built from the row (`DATE TIME ZONE TYPE AMOUNT+CURRENCY
//                 BALANCE`, `#2`… for an identical later row), the running Balance keeping same-second rows apart.
//   Excel damage  a download opened and saved in a spreadsheet is refused, naming the line and why: an id
//                 rewritten in scientific notation ("1,23E+021": the id is lost), or a row that splits into
//                 more fields than the header where an unquoted decimal comma ("12,50") shifted the columns.
//   dates         "D/M/YYYY" or "M/D/YYYY" (also with '.' or '-'), or ISO "YYYY-MM-DD". The order is
//                 decided per file: the first date whose first number is > 12 means day-first, whose
//                 second number is > 12 means month-first. Rows are held back (at most
//                 DATE_LOOKAHEAD_ROWS, so memory stays bounded) until a date decides; when none does,
//                 the header language's convention applies: English month-first (PayPal US), the
//                 others day-first. A later date impossible in the chosen order is rejected.
//   time zone     the TimeZone column: PayPal abbreviations (PST, PDT, CET, CEST, GMT, …) become the
//                 fixed offsets of PAYPAL_TIME_ZONE_OFFSETS (CET is +01:00 even in summer: PayPal
//                 writes CEST then); IANA names (America/Los_Angeles) are used as zones; anything
//                 else is rejected. An empty or absent column means the workspace time zone.
//   kind          from the Type (activity) or Description (statement) text, see paypalKindForType.
//   amount_minor  = Gross as PayPal signs it (money in positive, money out negative: the canonical sign).
//   fee_minor     = −Fee: PayPal writes a fee as a negative number, the canonical fee is a positive cost.
//   net_minor     = Net; a row where Gross + Fee (as written) ≠ Net is rejected naming the three.
//   external_id   = Transaction ID (legacy layout: see above); source_revision = Status, so a Pending withdrawal that a later
//                 download shows Completed is a new revision, not a silent duplicate.
//   trace_id      = Reference Txn ID (conversion legs, refunds, holds point at their original).
//   customer_ref  = From Email when money comes in, To Email when it goes out, lowercased.
//   order_ref     = Invoice Number (Invoice ID); payout_ref = the Transaction ID of a withdrawal.
//   local_date    = the date as PayPal wrote it, in the file's time zone.
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import type { NumberStyle } from '../../../shared/money/amountText.ts';
import { isValidTimeZone, parseDateTimeToUtc, parseLocalDate } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { RowProblem, rowRecord } from './csvRecords.ts';
import { ContentIds, isExcelScientific } from './csvCells.ts';

export type PaypalLanguage = 'en' | 'es' | 'fr' | 'de' | 'pt';
export type PaypalLayout = 'activity' | 'legacy';
export type PaypalDateOrder = 'DMY' | 'MDY';

type Field =
  | 'date'
  | 'time'
  | 'timeZone'
  | 'name'
  | 'type'
  | 'status'
  | 'currency'
  | 'gross'
  | 'fee'
  | 'net'
  | 'amount'
  | 'fromEmail'
  | 'toEmail'
  | 'txnId'
  | 'refTxnId'
  | 'invoice'
  | 'receiptId'
  | 'balance'
  | 'balanceImpact'
  | 'subject'
  | 'note'
  | 'bankName'
  | 'bankAccount'
  | 'shipping'
  | 'salesTax'
  | 'addressStatus';

// Header names after headerKey(); for a field with several names the first present one wins
// (an activity download's "Type" before a statement's "Description").
const ALIASES: Record<PaypalLanguage, Partial<Record<Field, readonly string[]>>> = {
  en: {
    date: ['date'],
    time: ['time'],
    timeZone: ['timezone', 'time zone'],
    name: ['name'],
    type: ['type', 'description'],
    status: ['status'],
    currency: ['currency'],
    gross: ['gross'],
    fee: ['fee'],
    net: ['net'],
    fromEmail: ['from email address'],
    toEmail: ['to email address'],
    txnId: ['transaction id'],
    refTxnId: ['reference txn id'],
    invoice: ['invoice number', 'invoice id'],
    receiptId: ['receipt id'],
    balance: ['balance'],
    balanceImpact: ['balance impact'],
    subject: ['subject'],
    note: ['note'],
    bankName: ['bank name'],
    bankAccount: ['bank account'],
    shipping: ['shipping and handling amount'],
    salesTax: ['sales tax'],
    addressStatus: ['address status'],
    amount: ['amount'],
  },
  es: {
    date: ['fecha'],
    time: ['hora'],
    timeZone: ['zona horaria'],
    name: ['nombre'],
    type: ['tipo', 'descripcion'],
    status: ['estado'],
    currency: ['divisa', 'moneda'],
    gross: ['bruto'],
    fee: ['comision', 'tarifa'],
    net: ['neto'],
    fromEmail: ['correo electronico del remitente', 'de la direccion de correo electronico', 'direccion de correo electronico del remitente'],
    toEmail: ['correo electronico del destinatario', 'a la direccion de correo electronico', 'direccion de correo electronico del destinatario'],
    txnId: ['id. de transaccion', 'id de transaccion', 'numero de transaccion'],
    refTxnId: [
      'id. de referencia de trans.',
      'numero de transaccion de referencia',
      'id. de transaccion de referencia',
      'id. de referencia de transaccion',
    ],
    invoice: ['numero de factura', 'id. de factura'],
    receiptId: ['id. de recibo', 'numero de recibo', 'id. del recibo'],
    balance: ['saldo'],
    balanceImpact: ['impacto en el saldo', 'efecto en el saldo'],
    subject: ['asunto'],
    note: ['nota'],
    bankName: ['nombre del banco'],
    bankAccount: ['cuenta bancaria'],
    shipping: ['importe de envio y manipulacion'],
    salesTax: ['impuesto de ventas', 'impuesto sobre las ventas', 'impuesto sobre ventas'],
    addressStatus: ['estado de la direccion'],
  },
  fr: {
    date: ['date'],
    time: ['heure'],
    timeZone: ['fuseau horaire'],
    name: ['nom'],
    type: ['type', 'description'],
    status: ['etat', 'statut'],
    currency: ['devise'],
    gross: ['avant commission', 'brut'],
    fee: ['commission', 'frais'],
    net: ['net'],
    fromEmail: ["de l'adresse email", "de l'adresse e-mail", "adresse email de l'expediteur"],
    toEmail: ["a l'adresse email", "a l'adresse e-mail", 'adresse email du destinataire'],
    txnId: ['numero de transaction', 'id de transaction'],
    refTxnId: ['numero de la transaction de reference', 'numero de transaction de reference'],
    invoice: ['numero de facture', 'identifiant de facture'],
    receiptId: ['numero de recu'],
    balance: ['solde'],
    balanceImpact: ['impact sur le solde', 'balance impact'],
    subject: ['objet'],
    note: ['remarque'],
    bankName: ['nom de la banque'],
    bankAccount: ['compte bancaire'],
    shipping: ['montant des frais de livraison et de traitement', "montant des frais d'expedition et de traitement"],
    salesTax: ['tva'],
    addressStatus: ["etat de l'adresse", "statut de l'adresse"],
  },
  de: {
    date: ['datum'],
    time: ['uhrzeit', 'zeit'],
    timeZone: ['zeitzone'],
    name: ['name'],
    type: ['typ', 'beschreibung'],
    status: ['status'],
    currency: ['wahrung'],
    gross: ['brutto'],
    fee: ['gebuhr', 'entgelt'],
    net: ['netto'],
    fromEmail: ['absender e-mail-adresse', 'von e-mail-adresse'],
    toEmail: ['empfanger e-mail-adresse', 'an e-mail-adresse'],
    txnId: ['transaktionscode'],
    refTxnId: ['zugehoriger transaktionscode'],
    invoice: ['rechnungsnummer'],
    receiptId: ['empfangsnummer', 'belegnummer'],
    balance: ['guthaben', 'saldo'],
    balanceImpact: ['auswirkung auf guthaben'],
    subject: ['betreff'],
    note: ['hinweis'],
    bankName: ['name der bank'],
    bankAccount: ['bankkonto'],
    shipping: ['versand- und bearbeitungsgebuhr'],
    salesTax: ['umsatzsteuer'],
    addressStatus: ['adress-status', 'adressstatus'],
  },
  pt: {
    date: ['data'],
    time: ['horario', 'hora'],
    timeZone: ['fuso horario'],
    name: ['nome'],
    type: ['tipo', 'descricao'],
    status: ['status', 'estado'],
    currency: ['moeda'],
    gross: ['bruto', 'valor bruto'],
    fee: ['tarifa', 'taxa'],
    net: ['liquido', 'valor liquido'],
    fromEmail: ['do e-mail', 'de e-mail', 'endereco de e-mail do remetente', 'e-mail do remetente'],
    toEmail: ['para o e-mail', 'para e-mail', 'endereco de e-mail do destinatario', 'e-mail do destinatario'],
    txnId: ['codigo da transacao', 'id da transacao', 'numero da transacao'],
    refTxnId: ['codigo da transacao de referencia', 'id da transacao de referencia', 'numero da transacao de referencia'],
    invoice: ['numero da fatura', 'id da fatura'],
    receiptId: ['codigo do recibo', 'numero do recibo', 'id do recibo'],
    balance: ['saldo'],
    balanceImpact: ['impacto no saldo'],
    subject: ['assunto'],
    note: ['observacao', 'mensagem'],
    bankName: ['nome do banco'],
    bankAccount: ['conta bancaria'],
    shipping: ['valor do frete e manuseio', 'valor do envio e manuseio', 'valor de envio e manuseio'],
    salesTax: ['imposto sobre vendas'],
    addressStatus: ['status do endereco'],
  },
};

const REQUIRED: readonly Field[] = ['date', 'type', 'currency', 'gross', 'fee', 'net', 'txnId'];
/** The pre-2010 English download: Amount instead of Gross/Fee/Net, no Transaction ID. */
const REQUIRED_LEGACY: readonly Field[] = ['date', 'time', 'type', 'currency', 'amount'];
const LANGUAGES: readonly PaypalLanguage[] = ['en', 'es', 'fr', 'de', 'pt'];

const NUMBER_STYLE: Record<PaypalLanguage, NumberStyle> = {
  en: { decimal: '.', group: ',' },
  es: { decimal: ',', group: '.' },
  fr: { decimal: ',', group: ' ' },
  de: { decimal: ',', group: '.' },
  pt: { decimal: ',', group: '.' },
};

const STYLE_NAME: Record<PaypalLanguage, string> = {
  en: "English ('.' decimal, ',' thousands)",
  es: "Spanish (',' decimal, '.' thousands)",
  fr: "French (',' decimal, space thousands)",
  de: "German (',' decimal, '.' thousands)",
  pt: "Portuguese (',' decimal, '.' thousands)",
};

const DEFAULT_DATE_ORDER: Record<PaypalLanguage, PaypalDateOrder> = { en: 'MDY', es: 'DMY', fr: 'DMY', de: 'DMY', pt: 'DMY' };

/** Rows held back while the file's date order is undecided; beyond this the language default applies. */
export const DATE_LOOKAHEAD_ROWS = 10_000;

/**
 * Minutes east of UTC for the zone abbreviations PayPal writes. Fixed offsets on purpose: PayPal
 * already switches the abbreviation with daylight saving (PST/PDT). CST is US Central, IST is not
 * listed (India, Ireland and Israel all use it).
 */
export const PAYPAL_TIME_ZONE_OFFSETS: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  // German and Brazilian downloads write their own abbreviations.
  WEZ: 0,
  WESZ: 60,
  MEZ: 60,
  MESZ: 120,
  OEZ: 120,
  OESZ: 180,
  BRT: -180,
  BRST: -120,
  MSK: 180,
  HST: -600,
  AKST: -540,
  AKDT: -480,
  PST: -480,
  PDT: -420,
  MST: -420,
  MDT: -360,
  CST: -360,
  CDT: -300,
  EST: -300,
  EDT: -240,
  AST: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};

const LIMITS: Partial<Record<Field, number>> = { txnId: 512, refTxnId: 512, invoice: 512, status: 64, fromEmail: 512, toEmail: 512 };

type Attributes = Record<string, string | number | boolean | null>;

interface Header {
  language: PaypalLanguage;
  layout: PaypalLayout;
  columns: Partial<Record<Field, number>>;
  /** The header names as written, for messages. */
  names: string[];
  width: number;
}

/** Lowercase, no accents, single spaces, no quotes: "Comisión" and "comision" are one name. */
function headerKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/[\u2018\u2019]/g, "'")
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function mapColumns(keys: readonly string[], language: PaypalLanguage): Partial<Record<Field, number>> {
  const columns: Partial<Record<Field, number>> = {};
  for (const [field, names] of Object.entries(ALIASES[language]) as Array<[Field, readonly string[]]>) {
    for (const name of names) {
      const i = keys.indexOf(name);
      if (i >= 0) {
        columns[field] = i;
        break;
      }
    }
  }
  return columns;
}

function hasAll(columns: Partial<Record<Field, number>>, required: readonly Field[]): boolean {
  return required.every((f) => columns[f] !== undefined);
}

/** The header's language and layout when it has every required PayPal column in it, else undefined. */
function recognize(fields: readonly string[]): Header | undefined {
  const keys = fields.map(headerKey);
  const names = fields.map((f) => f.trim());
  for (const language of LANGUAGES) {
    const columns = mapColumns(keys, language);
    if (hasAll(columns, REQUIRED)) return { language, layout: 'activity', columns, names, width: fields.length };
  }
  const en = mapColumns(keys, 'en');
  const modern = en.gross !== undefined || en.net !== undefined || en.txnId !== undefined;
  if (!modern && hasAll(en, REQUIRED_LEGACY)) return { language: 'en', layout: 'legacy', columns: en, names, width: fields.length };
  return undefined;
}

function readHeader(row: CsvRow): Header {
  const header = recognize(row.fields);
  if (header !== undefined) return header;
  throw new FormatError(
    'not a PayPal activity download: the header needs the columns "Date", "Type" (or "Description"), "Currency", "Gross", "Fee", "Net", ' +
      '"Transaction ID" (in English, Spanish, French, German or Portuguese), or the pre-2010 "Date, Time, Time Zone, Name, Type, Status, Currency, Amount"',
    { line: row.line, column: 1 },
  );
}

export interface PaypalTypeMapping {
  kind: EventKind;
  /** Set on balance holds and their releases. */
  hold?: 'hold' | 'release';
  /** A currency conversion leg: linked to its other leg(s) by the Reference Txn ID. */
  conversion?: true;
  /** A payment type with money going out: the merchant paid someone (kind adjustment). */
  sent?: true;
}

/** Type text without accents or case, so "Conversión de divisa" and "conversion de divisa" agree. */
function typeKey(type: string): string {
  return type.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

// English and Spanish, then French, German and Portuguese, on the type text without accents or case.
const CONVERSION_RE = /currency conversion|conversion de (divisas?|monedas?)|conversion de devises?|wahrungsumrechnung|conversao de moedas?/;
const RELEASE_RE = new RegExp(
  'release|reversal of .*hold|cancellation of hold|liberacion|(cancelacion|anulacion|reversion) de (la )?retencion' +
    '|deblocage|levee (du|de) blocage|annulation (du |de la |de )?(blocage|retenue|reserve)|liberation' +
    '|freigabe|aufhebung|ruckbuchung (der|einer) .*einbehalt' +
    '|liberacao|cancelamento (do |de )?(bloqueio|retencao)|desbloqueio',
);
const HOLD_RE = /\bhold\b|retencion|retenido|blocage|retenue|\breserve\b|einbehalt|bloqueio|retencao/;
const DISPUTE_RE = new RegExp(
  'chargeback|dispute|disputa|contracargo|^payment reversal|^reversal$|^reversion de pago' +
    '|litige|retrofacturation|opposition|reclamation|contestation|^annulation de paiement' +
    '|ruckbuchung|konflikt|ruckbelastung|kauferschutz' +
    '|estorno|contestacao|reclamacao|^reversao de pagamento',
);
const REFUND_RE = /refund|reembolso|devolucion|remboursement|ruckzahlung|ruckerstattung|erstattung|devolucao/;
const PAYOUT_RE = new RegExp(
  'withdraw|retiro|retirada|transferencia (a|hacia) (la |su |una )?cuenta bancaria' +
    '|retrait|virement (standard )?(vers|sur) (un |le |votre )?compte bancaire' +
    '|abbuchung|auszahlung|uberweisung auf (das |ihr )?bankkonto' +
    '|saque|transferencia para (a |sua )?conta bancaria',
);
const FEE_RE = /\bfees?\b|comision|tarifa|cargo por|\bfrais\b|commission|gebuhr|entgelt|\btaxa\b/;
const PAYMENT_RE =
  /payment|pago|donation|donacion|subscription|suscripcion|cobro|paiement|\bdon\b|abonnement|zahlung|spende|pagamento|doacao|assinatura|cobranca/;

/**
 * Kind for a PayPal Type (activity) or Description (statement) text, in any of the header languages.
 * Order matters: conversions first (their text never names anything else), then holds and
 * releases (adjustments, or disputes when the hold is for a dispute or chargeback), then
 * disputes, refunds, withdrawals (payouts, pending ones too), fees. A payment type is a
 * payment only when money comes in; a payment the merchant sends is an adjustment, because
 * "payment" in the ledger means customer money received. Unknown types are adjustments.
 */
export function paypalKindForType(type: string, grossMinor: number): PaypalTypeMapping {
  const t = typeKey(type);
  if (CONVERSION_RE.test(t)) return { kind: 'adjustment', conversion: true };
  const hold = RELEASE_RE.test(t) ? 'release' : HOLD_RE.test(t) ? 'hold' : undefined;
  const dispute = DISPUTE_RE.test(t);
  if (hold !== undefined) return { kind: dispute ? 'dispute' : 'adjustment', hold };
  if (dispute) return { kind: 'dispute' };
  if (REFUND_RE.test(t)) return { kind: 'refund' };
  if (PAYOUT_RE.test(t)) return { kind: 'payout' };
  if (FEE_RE.test(t)) return { kind: 'fee' };
  if (PAYMENT_RE.test(t)) return grossMinor > 0 ? { kind: 'payment' } : { kind: 'adjustment', sent: true };
  return { kind: 'adjustment' };
}

/** Which order a "a/b/yyyy" date proves, if any: a number above 12 can only be the day. */
export function dateOrderEvidence(text: string): PaypalDateOrder | undefined {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}\s*$/.exec(text);
  if (m === null) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (a > 12 && b <= 12) return 'DMY';
  if (b > 12 && a <= 12) return 'MDY';
  return undefined;
}

function dateFormat(text: string, order: PaypalDateOrder): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'YYYY-MM-DD';
  const m = /^\d{1,2}([/.-])\d{1,2}([/.-])\d{4}$/.exec(text);
  if (m === null || m[1] !== m[2]) return undefined;
  const sep = m[1] ?? '/';
  return order === 'DMY' ? `D${sep}M${sep}YYYY` : `M${sep}D${sep}YYYY`;
}

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

interface RowContext {
  header: Header;
  order: PaypalDateOrder;
  /** Workspace time zone, for rows whose TimeZone is empty or absent. */
  defaultZone: string;
  /** Ids of legacy rows, which have no transaction id. */
  ids: ContentIds;
}

/** Reads one row's cells by field, and names columns as the file's header writes them. */
class RowCells {
  readonly row: CsvRow;
  readonly header: Header;
  constructor(row: CsvRow, header: Header) {
    this.row = row;
    this.header = header;
  }
  has(field: Field): boolean {
    return this.header.columns[field] !== undefined;
  }
  get(field: Field): string {
    const i = this.header.columns[field];
    const value = i === undefined ? '' : (this.row.fields[i] ?? '').trim();
    const limit = LIMITS[field];
    if (limit !== undefined && value.length > limit) {
      throw new RowProblem(`column "${this.name(field)}" is longer than ${limit} characters`, this.column(field));
    }
    return value;
  }
  required(field: Field): string {
    const v = this.get(field);
    if (v === '') throw new RowProblem(`column "${this.name(field)}" is empty`, this.column(field));
    return v;
  }
  column(field: Field): number {
    return (this.header.columns[field] ?? 0) + 1;
  }
  name(field: Field): string {
    const i = this.header.columns[field];
    return i === undefined ? field : (this.header.names[i] ?? field);
  }
  problem(field: Field, message: string): RowProblem {
    return new RowProblem(`column "${this.name(field)}": ${message}`, this.column(field));
  }
}

interface Money {
  currency: string;
  gross: number;
  /** null in the legacy layout, which has no fee or net. */
  fee: number | null;
  net: number | null;
}

function readAmount(cells: RowCells, field: Field, currency: string): number {
  const text = cells.get(field);
  const style = NUMBER_STYLE[cells.header.language];
  const parsed = parseAmount(text, currency, style);
  if (!parsed.ok) throw cells.problem(field, `"${text}" is not an amount in the file's ${STYLE_NAME[cells.header.language]} style (${parsed.error})`);
  return parsed.minor;
}

function readMoney(cells: RowCells): Money {
  const currencyText = cells.required('currency');
  const currency = currencyText.toUpperCase();
  if (!isCurrencyCode(currency)) throw cells.problem('currency', `"${currencyText}" is not a known currency`);
  if (cells.header.layout === 'legacy') {
    cells.required('amount');
    return { currency, gross: readAmount(cells, 'amount', currency), fee: null, net: null };
  }
  cells.required('gross');
  cells.required('net');
  const gross = readAmount(cells, 'gross', currency);
  // An empty Fee means no fee; PayPal itself always writes 0.00.
  const fee = cells.get('fee') === '' ? 0 : readAmount(cells, 'fee', currency);
  const net = readAmount(cells, 'net', currency);
  const sum = gross + fee;
  if (!Number.isSafeInteger(sum) || sum !== net) {
    const [g, f, n] = (['gross', 'fee', 'net'] as const).map((x) => `${cells.name(x)} ${cells.get(x) || '0'}`);
    throw new RowProblem(`${g} + ${f} ≠ ${n}: the row does not add up`, cells.column('net'));
  }
  return { currency, gross, fee, net };
}

/** The time zone of a row as parseDateTimeToUtc needs it: a fixed offset or an IANA zone. */
function readZone(cells: RowCells, defaultZone: string): { offset: string } | { zone: string } {
  const text = cells.get('timeZone');
  if (text === '') {
    if (!isValidTimeZone(defaultZone)) throw cells.problem('timeZone', `is empty and the workspace time zone "${defaultZone}" is unknown`);
    return { zone: defaultZone };
  }
  const minutes = PAYPAL_TIME_ZONE_OFFSETS[text.toUpperCase()];
  if (minutes !== undefined) return { offset: offsetText(minutes) };
  if (text.includes('/') && isValidTimeZone(text)) return { zone: text };
  throw cells.problem('timeZone', `"${text}" is not a time zone PayPal writes (PST, PDT, CET, CEST, GMT, … or an IANA name)`);
}

function readWhen(cells: RowCells, ctx: RowContext): { occurredAt: string; localDate: string } {
  const dateText = cells.required('date');
  const format = dateFormat(dateText, ctx.order);
  const convention = ctx.order === 'DMY' ? 'day/month/year' : 'month/day/year';
  if (format === undefined) throw cells.problem('date', `"${dateText}" is not a date (expected ${convention} or YYYY-MM-DD)`);
  const local = parseLocalDate(dateText, format);
  if (!local.ok) throw cells.problem('date', `"${dateText}" is not a valid date in this file's ${convention} order`);
  let timeText = '00:00:00';
  if (cells.has('time')) {
    timeText = cells.required('time');
    if (!/^\d{1,2}:\d{2}(:\d{2})?$/.test(timeText)) throw cells.problem('time', `"${timeText}" is not a time (expected HH:mm:ss)`);
  }
  const timeFormat = timeText.length > 5 ? 'H:mm:ss' : 'H:mm';
  const zone = readZone(cells, ctx.defaultZone);
  const parsed =
    'offset' in zone
      ? parseDateTimeToUtc(`${dateText} ${timeText} ${zone.offset}`, `${format} ${timeFormat} Z`, 'UTC')
      : parseDateTimeToUtc(`${dateText} ${timeText}`, `${format} ${timeFormat}`, zone.zone);
  if (!parsed.ok) throw cells.problem('time', `"${timeText}" is not a valid time (${parsed.error})`);
  return { occurredAt: parsed.iso, localDate: local.date };
}

const TEXT_ATTRIBUTES: ReadonlyArray<[Field, string]> = [
  ['name', 'name'],
  ['balanceImpact', 'balance_impact'],
  ['subject', 'subject'],
  ['note', 'note'],
  ['receiptId', 'receipt_id'],
  ['timeZone', 'time_zone'],
  ['addressStatus', 'address_status'],
  ['bankName', 'bank_name'],
  ['bankAccount', 'bank_account'],
];

const AMOUNT_ATTRIBUTES: ReadonlyArray<[Field, string]> = [
  ['balance', 'balance'],
  ['salesTax', 'sales_tax'],
  ['shipping', 'shipping_and_handling'],
];

function readAttributes(cells: RowCells, type: string, mapping: PaypalTypeMapping, currency: string): Attributes {
  const attrs: Attributes = { type };
  for (const [field, key] of TEXT_ATTRIBUTES) {
    const v = cells.get(field);
    if (v !== '') attrs[key] = v;
  }
  // Balances and taxes are in the row's currency and in minor units, like every amount in the ledger.
  for (const [field, key] of AMOUNT_ATTRIBUTES) {
    if (cells.get(field) !== '') attrs[key] = readAmount(cells, field, currency);
  }
  if (mapping.hold !== undefined) attrs.hold = mapping.hold;
  if (mapping.sent === true) attrs.payment_direction = 'sent';
  const reference = cells.get('refTxnId');
  if (mapping.conversion === true && reference !== '') attrs.conversion_group = reference;
  return attrs;
}

/** Columns PayPal fills with its own ids: Excel rewrites a long numeric one in scientific notation. */
const ID_FIELDS: readonly Field[] = ['txnId', 'refTxnId', 'receiptId'];

const RESAVED =
  'the file was opened and saved in a spreadsheet, which rewrites ids, amounts and dates; download it from PayPal again and import it without opening it';

/**
 * Refuses a download a spreadsheet has damaged (a FormatError: the file, not the row, is wrong): an id in scientific
 * notation, or a row split into more fields than the header by an unquoted decimal comma ("12,50" → "12" | "50").
 */
function refuseExcelDamage(row: CsvRow, cells: RowCells): void {
  const { header } = cells;
  for (const field of ID_FIELDS) {
    const v = cells.has(field) ? (row.fields[header.columns[field] ?? 0] ?? '').trim() : '';
    if (isExcelScientific(v)) {
      throw new FormatError(`column "${cells.name(field)}": "${v}" is a number in scientific notation, so the id is lost: ${RESAVED}`, {
        line: row.line,
        column: cells.column(field),
      });
    }
  }
  if (row.fields.length <= header.width) return;
  const split = row.fields.findIndex((f, i) => i > 0 && /^\d{2}$/.test(f.trim()) && /^-?\d[\d.\s]*$/.test((row.fields[i - 1] ?? '').trim()));
  if (split < 0) return;
  throw new FormatError(
    `the row has ${row.fields.length} fields but the header has ${header.width}: "${(row.fields[split - 1] ?? '').trim()},${(row.fields[split] ?? '').trim()}" ` +
      `looks like an amount whose decimal comma is not quoted, shifting every column after it; ${RESAVED}`,
    { line: row.line, column: split },
  );
}

function legacyId(cells: RowCells, money: Money, ctx: RowContext): string {
  const parts = [
    cells.get('date'),
    cells.get('time'),
    cells.get('timeZone'),
    cells.get('type'),
    `${money.gross}${money.currency}`,
    cells.get('balance'),
  ];
  return ctx.ids.idFor(parts.filter((p) => p !== '').join(' '));
}

function mapRow(row: CsvRow, ctx: RowContext): EventDraftInput {
  const { header } = ctx;
  const cells = new RowCells(row, header);
  refuseExcelDamage(row, cells);
  const extra = row.fields.findIndex((f, i) => i >= header.width && f.trim() !== '');
  if (extra >= 0) throw new RowProblem(`the row has a value in field ${extra + 1} but the header has ${header.width} columns`, extra + 1);
  const legacy = header.layout === 'legacy';
  const txnId = legacy ? '' : cells.required('txnId');
  const type = cells.required('type');
  const money = readMoney(cells);
  const when = readWhen(cells, ctx);
  const id = legacy ? legacyId(cells, money, ctx) : txnId;
  const mapping = paypalKindForType(type, money.gross);
  const email = money.gross >= 0 ? cells.get('fromEmail') : cells.get('toEmail');
  const status = cells.get('status');
  return {
    kind: mapping.kind,
    external_id: id,
    source_revision: status,
    order_ref: normalizeRef(cells.get('invoice')),
    customer_ref: normalizeRef(email.toLowerCase()),
    payout_ref: mapping.kind === 'payout' ? normalizeRef(id) : null,
    trace_id: normalizeRef(cells.get('refTxnId')),
    amount_minor: money.gross,
    currency: money.currency,
    fee_minor: money.fee === null ? null : money.fee === 0 ? 0 : -money.fee,
    net_minor: money.net,
    state: status === '' ? null : status,
    channel: null,
    occurred_at: when.occurredAt,
    local_date: when.localDate,
    attributes: readAttributes(cells, type, mapping, money.currency),
  };
}

function toResult(row: CsvRow, ctx: RowContext): RecordResult {
  return rowRecord(row, (r) => mapRow(r, ctx));
}

function dateText(row: CsvRow, header: Header): string {
  const i = header.columns.date;
  return i === undefined ? '' : (row.fields[i] ?? '');
}

// Rows wait in `held` only until a date decides the file's day/month order (bounded, see DATE_LOOKAHEAD_ROWS).
function* parsePaypalActivityCsv(input: ParseInput): Generator<RecordResult> {
  let header: Header | null = null;
  let order: PaypalDateOrder | null = null;
  let held: CsvRow[] = [];
  const ids = new ContentIds();
  const context = (h: Header, o: PaypalDateOrder): RowContext => ({ header: h, order: o, defaultZone: input.timeZone, ids });
  for (const row of readCsvRows(input.chunks, { delimiter: ',', skipSpaceBeforeQuote: true })) {
    if (header === null) {
      header = readHeader(row);
      continue;
    }
    if (order === null) {
      const evidence = dateOrderEvidence(dateText(row, header));
      held.push(row);
      if (evidence === undefined && held.length < DATE_LOOKAHEAD_ROWS) continue;
      order = evidence ?? DEFAULT_DATE_ORDER[header.language];
      const ctx = context(header, order);
      for (const h of held) yield toResult(h, ctx);
      held = [];
      continue;
    }
    yield toResult(row, context(header, order));
  }
  if (header === null) throw new FormatError('the file is empty: expected a PayPal activity download header', { line: 1, column: 1 });
  if (order === null) {
    const ctx = context(header, DEFAULT_DATE_ORDER[header.language]);
    for (const h of held) yield toResult(h, ctx);
  }
}

function firstLine(head: string): string {
  const text = head.replace(/^\uFEFF/, '');
  const end = text.search(/[\r\n]/);
  return end === -1 ? text : text.slice(0, end);
}

export const paypalActivityCsvParser: FormatParser = {
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  format: 'paypal-activity-csv',
  // 2: French, German and Portuguese headers, the pre-2010 layout, Excel-damaged files refused.
  version: 2,
  description: 'PayPal activity download or statement CSV (English, Spanish, French, German or Portuguese headers; the pre-2010 layout)',
  detect(head: string): boolean {
    const line = firstLine(head);
    if (line.trim() === '') return false;
    for (const row of readCsvRows([line], { delimiter: ',', skipSpaceBeforeQuote: true })) return recognize(row.fields) !== undefined;
    return false;
  },
  parse: parsePaypalActivityCsv,
};
