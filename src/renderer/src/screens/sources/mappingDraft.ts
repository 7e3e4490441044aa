// The mapping editor's form state and its translation to and from the shared CsvMapping: the form keeps
// every field as text or a choice, and `mappingFromDraft` builds the object the shared schema validates,
// leaving out what the chosen modes do not use (a mapping never names a column it ignores).
import { CsvMappingSchema, type CsvMapping } from '../../../../shared/import/csvMapping.ts';
import type { EventKind } from '../../../../shared/events/canonicalEvent.ts';
import type { TextEncoding } from '../../../../shared/import/textEncoding.ts';

/** The columns a mapping may name, in the order the editor shows them. */
export const MAPPING_COLUMNS = [
  { key: 'occurred_at', label: 'Date / time', group: 'core' },
  { key: 'external_id', label: 'External id', group: 'core' },
  { key: 'amount', label: 'Amount', group: 'core' },
  { key: 'debit', label: 'Debit', group: 'core' },
  { key: 'credit', label: 'Credit', group: 'core' },
  { key: 'currency', label: 'Currency', group: 'core' },
  { key: 'order_ref', label: 'Order ref', group: 'refs' },
  { key: 'customer_ref', label: 'Customer ref', group: 'refs' },
  { key: 'payout_ref', label: 'Payout ref', group: 'refs' },
  { key: 'trace_id', label: 'Trace id', group: 'refs' },
  { key: 'state', label: 'State', group: 'refs' },
  { key: 'channel', label: 'Channel', group: 'refs' },
  { key: 'fee', label: 'Fee', group: 'refs' },
  { key: 'net', label: 'Net', group: 'refs' },
  { key: 'description', label: 'Description', group: 'refs' },
  { key: 'balance', label: 'Running balance', group: 'bank' },
  { key: 'original_amount', label: 'Original amount', group: 'bank' },
  { key: 'original_currency', label: 'Original currency', group: 'bank' },
  { key: 'account', label: 'Account', group: 'bank' },
  { key: 'value_date', label: 'Value date', group: 'bank' },
  { key: 'counterparty_name', label: 'Counterparty name', group: 'bank' },
  { key: 'counterparty_account', label: 'Counterparty account', group: 'bank' },
  { key: 'bank_reference', label: 'Bank reference', group: 'bank' },
  { key: 'transaction_code', label: 'Transaction code', group: 'bank' },
] as const;

export type MappingColumn = (typeof MAPPING_COLUMNS)[number]['key'];

export type KindMode = 'fixed' | 'column' | 'sign';
export type AmountMode = 'amount' | 'debit_credit';
export type CurrencyMode = 'column' | 'fixed';
export type Decimal = CsvMapping['decimal'];
export type Thousands = CsvMapping['thousands'];
export type Delimiter = NonNullable<CsvMapping['delimiter']>;

export const DATE_FORMAT_SUGGESTIONS = [
  'iso',
  'unix',
  'YYYY-MM-DD',
  'DD.MM.YYYY',
  'DD/MM/YYYY',
  'MM/DD/YYYY',
  'YYYY-MM-DD HH:mm:ss',
  'DD.MM.YYYY HH:mm',
  'DD MMM YYYY',
];

export interface MappingDraft {
  name: string;
  kindMode: KindMode;
  kind: EventKind;
  kindColumn: string;
  kindValues: { value: string; kind: EventKind }[];
  kindPositive: EventKind;
  kindNegative: EventKind;
  /** Column per mapping field; '' = not mapped. */
  columns: Record<MappingColumn, string>;
  amountMode: AmountMode;
  currencyMode: CurrencyMode;
  currency: string;
  dateFormat: string;
  /** '' = the workspace time zone. */
  timeZone: string;
  decimal: Decimal;
  thousands: Thousands;
  sign: CsvMapping['sign'];
  externalIdStrategy: CsvMapping['external_id_strategy'];
  /** '' = detected. */
  encoding: TextEncoding | '';
  delimiter: Delimiter | '';
  headerRow: string;
  account: string;
  balanceOrder: NonNullable<CsvMapping['balance_order']> | '';
  skipFooterMatching: string;
  skipRowsColumn: string;
  skipRowsPattern: string;
}

export interface MappingIssue {
  /** The mapping's JSON path, e.g. `columns.amount`, `kind_values`, `mapping` for the whole document. */
  path: string;
  message: string;
}

export type MappingCheck = { ok: true; mapping: CsvMapping } | { ok: false; issues: MappingIssue[] };

function noColumns(): Record<MappingColumn, string> {
  return Object.fromEntries(MAPPING_COLUMNS.map((c) => [c.key, ''])) as Record<MappingColumn, string>;
}

export function emptyDraft(): MappingDraft {
  return {
    name: '',
    kindMode: 'sign',
    kind: 'payment',
    kindColumn: '',
    kindValues: [],
    kindPositive: 'bank_credit',
    kindNegative: 'bank_debit',
    columns: noColumns(),
    amountMode: 'amount',
    currencyMode: 'fixed',
    currency: '',
    dateFormat: 'iso',
    timeZone: '',
    decimal: '.',
    thousands: '',
    sign: 'as_is',
    externalIdStrategy: 'row_hash',
    encoding: '',
    delimiter: '',
    headerRow: '',
    account: '',
    balanceOrder: '',
    skipFooterMatching: '',
    skipRowsColumn: '',
    skipRowsPattern: '',
  };
}

// Header names that usually carry a field, so a new mapping starts close to right.
const HEADER_GUESSES: [MappingColumn, RegExp][] = [
  ['occurred_at', /^(date|booking ?date|posting ?date|transaction ?date|created|created_at|datum|buchungstag)$/i],
  ['external_id', /^(id|transaction ?id|reference|ref|txn ?id)$/i],
  ['amount', /^(amount|betrag|value|sum)$/i],
  ['debit', /^(debit|soll|withdrawal|paid out)$/i],
  ['credit', /^(credit|haben|deposit|paid in)$/i],
  ['currency', /^(currency|ccy|waehrung|währung)$/i],
  ['balance', /^(balance|running ?balance|saldo)$/i],
  ['description', /^(description|details|memo|verwendungszweck|narrative)$/i],
];

/** A first draft for a file with this header: obvious columns mapped, the rest left for the user. */
export function guessDraft(header: readonly string[]): MappingDraft {
  const draft = emptyDraft();
  for (const [key, pattern] of HEADER_GUESSES) {
    const hit = header.find((h) => pattern.test(h.trim()));
    if (hit !== undefined) draft.columns[key] = hit;
  }
  if (draft.columns.amount === '' && (draft.columns.debit !== '' || draft.columns.credit !== '')) draft.amountMode = 'debit_credit';
  if (draft.columns.currency !== '') draft.currencyMode = 'column';
  if (draft.columns.external_id !== '') draft.externalIdStrategy = 'column';
  return draft;
}

/** The form for a saved (already valid) mapping. */
export function draftFromMapping(mapping: CsvMapping): MappingDraft {
  const draft = emptyDraft();
  const columns = noColumns();
  for (const { key } of MAPPING_COLUMNS) columns[key] = mapping.columns[key] ?? '';
  draft.name = mapping.name ?? '';
  if (mapping.kind_column !== undefined) {
    draft.kindMode = 'column';
    draft.kindColumn = mapping.kind_column;
    draft.kindValues = Object.entries(mapping.kind_values ?? {}).map(([value, kind]) => ({ value, kind }));
  } else if (mapping.kind_by_sign !== undefined) {
    draft.kindMode = 'sign';
    draft.kindPositive = mapping.kind_by_sign.positive;
    draft.kindNegative = mapping.kind_by_sign.negative;
  } else {
    draft.kindMode = 'fixed';
    draft.kind = mapping.kind ?? draft.kind;
  }
  draft.columns = columns;
  draft.amountMode =
    mapping.columns.amount === undefined && (mapping.columns.debit !== undefined || mapping.columns.credit !== undefined) ? 'debit_credit' : 'amount';
  draft.currencyMode = mapping.columns.currency !== undefined ? 'column' : 'fixed';
  draft.currency = mapping.currency ?? '';
  draft.dateFormat = mapping.date_format;
  draft.timeZone = mapping.time_zone ?? '';
  draft.decimal = mapping.decimal;
  draft.thousands = mapping.thousands;
  draft.sign = mapping.sign;
  draft.externalIdStrategy = mapping.external_id_strategy;
  draft.encoding = mapping.encoding ?? '';
  draft.delimiter = mapping.delimiter ?? '';
  draft.headerRow = mapping.header_row === undefined ? '' : String(mapping.header_row);
  draft.account = mapping.account ?? '';
  draft.balanceOrder = mapping.balance_order ?? '';
  draft.skipFooterMatching = mapping.skip_footer_matching ?? '';
  draft.skipRowsColumn = mapping.skip_rows_where?.column ?? '';
  draft.skipRowsPattern = mapping.skip_rows_where?.pattern ?? '';
  return draft;
}

/** Whether a column field is in use under the draft's modes (the editor hides the others). */
export function columnInUse(draft: MappingDraft, key: MappingColumn): boolean {
  switch (key) {
    case 'external_id':
      return draft.externalIdStrategy === 'column';
    case 'amount':
      return draft.amountMode === 'amount';
    case 'debit':
    case 'credit':
      return draft.amountMode === 'debit_credit';
    case 'currency':
      return draft.currencyMode === 'column';
    default:
      return true;
  }
}

/** The mapping document the draft describes (not yet validated). */
export function mappingFromDraft(draft: MappingDraft): Record<string, unknown> {
  const columns: Partial<Record<MappingColumn, string>> = {};
  for (const { key } of MAPPING_COLUMNS) {
    const value = draft.columns[key];
    if (value !== '' && columnInUse(draft, key)) columns[key] = value;
  }
  const out: Record<string, unknown> = { version: 1 };
  if (draft.name.trim() !== '') out['name'] = draft.name.trim();
  if (draft.kindMode === 'fixed') out['kind'] = draft.kind;
  if (draft.kindMode === 'column') {
    out['kind_column'] = draft.kindColumn;
    out['kind_values'] = Object.fromEntries(draft.kindValues.filter((v) => v.value.trim() !== '').map((v) => [v.value, v.kind]));
  }
  if (draft.kindMode === 'sign') out['kind_by_sign'] = { positive: draft.kindPositive, negative: draft.kindNegative };
  out['columns'] = columns;
  if (draft.currencyMode === 'fixed') out['currency'] = draft.currency;
  out['date_format'] = draft.dateFormat;
  if (draft.timeZone.trim() !== '') out['time_zone'] = draft.timeZone.trim();
  out['decimal'] = draft.decimal;
  out['thousands'] = draft.thousands;
  out['sign'] = draft.sign;
  if (draft.encoding !== '') out['encoding'] = draft.encoding;
  if (draft.delimiter !== '') out['delimiter'] = draft.delimiter;
  if (draft.headerRow.trim() !== '') out['header_row'] = Number(draft.headerRow);
  out['external_id_strategy'] = draft.externalIdStrategy;
  if (draft.account.trim() !== '') out['account'] = draft.account;
  if (draft.balanceOrder !== '') out['balance_order'] = draft.balanceOrder;
  if (draft.skipFooterMatching !== '') out['skip_footer_matching'] = draft.skipFooterMatching;
  if (draft.skipRowsColumn !== '' || draft.skipRowsPattern !== '') {
    out['skip_rows_where'] = { column: draft.skipRowsColumn, pattern: draft.skipRowsPattern };
  }
  return out;
}

/** Validates the draft with the shared schema; every issue names the mapping path it is about. */
export function checkDraft(draft: MappingDraft): MappingCheck {
  const parsed = CsvMappingSchema.safeParse(mappingFromDraft(draft));
  if (parsed.success) return { ok: true, mapping: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? 'mapping' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
  return { ok: false, issues };
}

/** The issues about one field of the form (`kind_values.Sale` belongs to `kind_values`). */
export function issuesAt(issues: readonly MappingIssue[], path: string): string[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => i.message);
}
