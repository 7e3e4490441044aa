// The saved mapping (a JSON file) that tells the generic CSV importer how to read one source's CSV.
//
// Rules a mapping must satisfy, each reported with the JSON path it concerns:
//   - the kind comes from exactly one of: `kind` (fixed for every row), `kind_column` + `kind_values`
//     (a cell value → kind table, matched after trimming, case-insensitively), or `kind_by_sign`
//     (one kind for amounts ≥ 0, another for amounts < 0: bank statements have no type column);
//   - money comes from exactly one of `columns.amount` or `columns.debit` and/or `columns.credit`
//     (amount = credit − debit; see genericCsv.ts for how the cells are read); a fixed `kind: "fulfillment"`
//     (a 3PL's shipments) may map none: a shipment without a cost column costs 0;
//   - the currency comes from exactly one of `columns.currency` or a fixed `currency`;
//   - `decimal` ≠ `thousands`;
//   - `external_id_strategy: "column"` needs `columns.external_id`; `"row_hash"` forbids it, so
//     a mapping never silently ignores a column it names (with `"row_hash"`, a mapped
//     `columns.bank_reference` is the id where a row has one; the row hash is the fallback);
//   - the account comes from at most one of `columns.account` or a fixed `account`;
//   - `balance_order` needs `columns.balance` (without it the parser detects the order);
//   - `columns.original_amount` and `columns.original_currency` come together;
//   - `skip_footer_matching` and `skip_rows_where.pattern` must be valid regular expressions.
import { z } from 'zod';
import { EventKindSchema } from '../events/canonicalEvent.ts';
import { isCurrencyCode } from '../money/currencies.ts';
import { isValidTimeZone, parseLocalDate } from '../time/dateText.ts';

import { TEXT_ENCODINGS } from './textEncoding.ts';

/** A zod error function: a missing field says so; a wrong one gets `message`. */
function errorFor(message: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? 'is required' : message);
}

const columnName = z
  .string({ error: errorFor('must be a column name (text)') })
  .trim()
  .min(1, 'must name a column of the header');

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: errorFor(`must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`) });
}

const kindSchema = z.enum(EventKindSchema.options, {
  error: errorFor(`must be an event kind: ${EventKindSchema.options.join(', ')}`),
});

const ColumnsSchema = z.strictObject({
  external_id: columnName.optional(),
  amount: columnName.optional(),
  debit: columnName.optional(),
  credit: columnName.optional(),
  currency: columnName.optional(),
  occurred_at: columnName,
  order_ref: columnName.optional(),
  customer_ref: columnName.optional(),
  payout_ref: columnName.optional(),
  trace_id: columnName.optional(),
  state: columnName.optional(),
  channel: columnName.optional(),
  fee: columnName.optional(),
  net: columnName.optional(),
  description: columnName.optional(),
  // Bank statement columns (see genericCsv.ts for how each is read).
  /** The account's running balance after the row; every row is checked against it. */
  balance: columnName.optional(),
  /** Amount in the currency the card/transfer was made in, before conversion. */
  original_amount: columnName.optional(),
  original_currency: columnName.optional(),
  /** The statement's own account (IBAN, account number, or the product name a bank gives). */
  account: columnName.optional(),
  value_date: columnName.optional(),
  counterparty_name: columnName.optional(),
  counterparty_account: columnName.optional(),
  /** The bank's own id for the line; the event's external id where present. */
  bank_reference: columnName.optional(),
  /** The bank's transaction type text (e.g. "ACH_DEBIT", "Lastschrift"). */
  transaction_code: columnName.optional(),
  // Shipment columns (a 3PL's shipments as `fulfillment` events).
  tracking_number: columnName.optional(),
  carrier: columnName.optional(),
  sku: columnName.optional(),
  /** Units shipped on the row (whole number). */
  quantity: columnName.optional(),
});

/** A regular expression from the mapping file; compiled case-insensitively, as the parser does. */
const regexText = z
  .string({ error: errorFor('must be a regular expression (text)') })
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  .superRefine((text, ctx) => {
    const problem = regexProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

function regexProblem(text: string): string | undefined {
  try {
    new RegExp(text, 'i');
    return undefined;
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message})`;
  }
}

/** Why a date format cannot be used, or undefined when it can. */
function dateFormatProblem(format: string): string | undefined {
  if (format === 'iso' || format === 'unix') return undefined;
  // dateText exports no format validator; an empty cell makes it compile the format first and
  // report "invalid date format …" before it looks at the text, which is what we want here.
  const probe = parseLocalDate('', format);
  if (!probe.ok && probe.error.startsWith('invalid date format')) return probe.error;
  return undefined;
}

export const CsvMappingSchema = z
  .strictObject({
    version: z.literal(1, { error: errorFor('must be 1') }),
    name: z.string().trim().min(1).max(200).optional(),
    kind: kindSchema.optional(),
    kind_column: columnName.optional(),
    kind_values: z.record(z.string(), kindSchema).optional(),
    kind_by_sign: z.strictObject({ positive: kindSchema, negative: kindSchema }).optional(),
    columns: ColumnsSchema,
    currency: z
      .string()
      .trim()
      .transform((c) => c.toUpperCase())
      .refine(isCurrencyCode, 'must be an ISO 4217 currency code such as EUR or USD')
      .optional(),
    date_format: z.string({ error: errorFor('must be a date format such as "DD.MM.YYYY", or "iso" or "unix"') }).min(1),
    time_zone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    decimal: oneOf(['.', ',']),
    thousands: oneOf([',', '.', ' ', "'", '']),
    sign: oneOf(['as_is', 'inverted']),
    encoding: oneOf(TEXT_ENCODINGS).optional(),
    delimiter: oneOf([',', ';', '\t', '|']).optional(),
    header_row: z
      .number({ error: errorFor('must be a line number') })
      .int('must be a whole line number')
      .min(1, 'must be 1 or more')
      .optional(),
    external_id_strategy: oneOf(['column', 'row_hash']),
    /** A fixed account for every row, when the file does not name it. */
    account: z
      .string({ error: errorFor('must be an account name or number (text)') })
      .trim()
      .min(1, 'must not be empty')
      .max(64, 'must be at most 64 characters')
      .optional(),
    /** How rows run against `columns.balance`; detected from the dates when absent. */
    balance_order: oneOf(['oldest_first', 'newest_first']).optional(),
    /** Rows whose first cell matches (trimmed, case-insensitive) are not records: closing-balance and disclaimer lines. */
    skip_footer_matching: regexText.optional(),
    /** Rows whose cell in `column` matches `pattern` (trimmed, case-insensitive) are not records: pending or declined lines. */
    skip_rows_where: z.strictObject({ column: columnName, pattern: regexText }).optional(),
  })
  // Runs even when a field failed (`when`), so one pass reports every problem; hence it reads
  // the value defensively instead of trusting the parsed types.
  .superRefine((value, ctx) => crossFieldChecks(value as unknown as Loose, ctx), { when: (payload) => isRecord(payload.value) });

type Loose = Record<string, unknown>;

function isRecord(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function crossFieldChecks(m: Loose, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  const has = (v: unknown): boolean => v !== undefined;

  const kindSources = [has(m.kind), has(m.kind_column), has(m.kind_by_sign)].filter(Boolean).length;
  if (kindSources === 0) issue(['kind'], 'set a fixed kind, or kind_column with kind_values, or kind_by_sign');
  if (kindSources > 1) issue(['kind'], 'use only one of kind, kind_column and kind_by_sign');
  if (has(m.kind_column) && !has(m.kind_values)) {
    issue(['kind_values'], 'kind_column needs kind_values, e.g. {"Sale": "payment", "Refund": "refund"}');
  }
  if (has(m.kind_values)) {
    if (!has(m.kind_column)) issue(['kind_values'], 'kind_values needs kind_column (the column holding these values)');
    if (isRecord(m.kind_values)) {
      const keys = Object.keys(m.kind_values);
      if (keys.length === 0) issue(['kind_values'], 'must list at least one value');
      const seen = new Map<string, string>();
      for (const key of keys) {
        // Values are matched trimmed and case-insensitively, so two keys that fold together would be a coin toss.
        const folded = key.trim().toLowerCase();
        const other = seen.get(folded);
        if (other !== undefined) {
          issue(['kind_values', key], `is the same value as ${JSON.stringify(other)} (values are matched ignoring case and surrounding spaces)`);
        } else seen.set(folded, key);
      }
    }
  }

  const columns = isRecord(m.columns) ? m.columns : {};
  const hasDebitCredit = has(columns.debit) || has(columns.credit);
  if (has(columns.amount) && hasDebitCredit) {
    issue(['columns', 'amount'], 'use either amount or debit/credit columns, not both');
  } else if (!has(columns.amount) && !hasDebitCredit && m.kind !== 'fulfillment') {
    issue(['columns', 'amount'], 'map the amount column, or debit and/or credit columns');
  }
  if (has(columns.debit) && columns.debit === columns.credit) {
    issue(['columns', 'credit'], 'must be a different column from columns.debit');
  }

  if (has(columns.currency) && has(m.currency)) {
    issue(['currency'], 'use either a fixed currency or columns.currency, not both');
  } else if (!has(columns.currency) && !has(m.currency)) {
    issue(['currency'], 'set a fixed currency (e.g. "EUR") or map columns.currency');
  }

  if (typeof m.decimal === 'string' && m.decimal === m.thousands) issue(['thousands'], `must differ from decimal ("${m.decimal}")`);

  if (m.external_id_strategy === 'column' && !has(columns.external_id)) {
    issue(['columns', 'external_id'], 'is required when external_id_strategy is "column"');
  }
  if (m.external_id_strategy === 'row_hash' && has(columns.external_id)) {
    issue(['external_id_strategy'], 'is "row_hash" but columns.external_id is set; use "column" to take ids from it');
  }

  if (has(columns.account) && has(m.account)) issue(['account'], 'use either a fixed account or columns.account, not both');
  if (has(m.balance_order) && !has(columns.balance)) issue(['balance_order'], 'needs columns.balance (the running balance column)');
  if (has(columns.original_amount) !== has(columns.original_currency)) {
    issue(
      ['columns', has(columns.original_amount) ? 'original_currency' : 'original_amount'],
      'columns.original_amount and columns.original_currency go together',
    );
  }

  if (typeof m.date_format === 'string') {
    const formatProblem = dateFormatProblem(m.date_format);
    if (formatProblem !== undefined) issue(['date_format'], formatProblem);
  }
}

export type CsvMapping = z.output<typeof CsvMappingSchema>;

export type CsvMappingParseResult = { ok: true; mapping: CsvMapping } | { ok: false; errors: string[] };

/** `columns.amount`, `kind_values["Card payment"]`; the whole document is `mapping`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    const k = String(key);
    if (typeof key === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out += out === '' ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out === '' ? 'mapping' : out;
}

/** Validates a parsed JSON mapping; every error starts with the JSON path it is about. */
export function parseCsvMapping(json: unknown): CsvMappingParseResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, errors: ['mapping: must be a JSON object'] };
  }
  const result = CsvMappingSchema.safeParse(json);
  if (result.success) return { ok: true, mapping: result.data };
  const errors: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // Name each unknown key at its own path: a typo such as "ammount" should point at itself.
      for (const key of issue.keys) errors.push(`${formatPath([...issue.path, key])}: unknown field`);
      continue;
    }
    errors.push(`${formatPath(issue.path)}: ${issue.message}`);
  }
  return { ok: false, errors };
}
