// Which parsers exist, how a file's format is detected from its content, and how --format picks one.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FormatParser } from './parserTypes.ts';
import { stripeBalanceCsvParser } from './parsers/stripeBalanceCsv.ts';
import { stripeApiJsonParser } from './parsers/stripeApiJson.ts';
import { stripePayoutsCsvParser } from './parsers/stripePayoutsCsv.ts';
import { stripePaymentsCsvParser } from './parsers/stripePaymentsCsv.ts';
import { shopifyOrdersCsvParser } from './parsers/shopifyOrdersCsv.ts';
import { shopifyPaymentsCsvParser } from './parsers/shopifyPaymentsCsv.ts';
import { shopifyTransactionsCsvParser } from './parsers/shopifyTransactionsCsv.ts';
import { mt940Parser } from './parsers/mt940.ts';
import { ofxParser } from './parsers/ofx.ts';
import { camtParser } from './parsers/camt.ts';
import { paypalActivityCsvParser } from './parsers/paypalActivityCsv.ts';
import { amazonSettlementTsvParser } from './parsers/amazonSettlementTsv.ts';
import { createGenericCsvParser } from './parsers/genericCsv.ts';
import { metaAdsCsvParser, metaAdsXlsxParser } from './parsers/metaAdsExport.ts';
import { googleAdsReportParser } from './parsers/googleAdsReport.ts';
import { metaBillingParser } from './parsers/metaBilling.ts';
import { googleAdsBillingParser } from './parsers/googleAdsBilling.ts';
import { shipstationShipmentsParser } from './parsers/shipstationShipments.ts';
import { parseCsvMapping } from '../../shared/import/csvMapping.ts';
import { resolvePreset, listPresets } from './presets/bankCsvPresets.ts';
import { canonicalJson } from '../ledger/canonicalJson.ts';
import { UserError } from '../../shared/errors/userError.ts';

/** Parsers chosen by content detection, in the order they are asked. */
export const DETECTABLE_PARSERS: readonly FormatParser[] = [
  stripeBalanceCsvParser,
  stripePayoutsCsvParser,
  stripePaymentsCsvParser,
  stripeApiJsonParser,
  shopifyOrdersCsvParser,
  shopifyPaymentsCsvParser,
  shopifyTransactionsCsvParser,
  paypalActivityCsvParser,
  amazonSettlementTsvParser,
  mt940Parser,
  ofxParser,
  camtParser,
  metaAdsCsvParser,
  metaAdsXlsxParser,
  googleAdsReportParser,
  metaBillingParser,
  googleAdsBillingParser,
  shipstationShipmentsParser,
];

export const GENERIC_CSV_FORMAT = 'generic-csv';

export interface FormatInfo {
  format: string;
  description: string;
}

export function listFormats(): FormatInfo[] {
  return [
    ...DETECTABLE_PARSERS.map((p) => ({ format: p.format, description: p.description })),
    {
      format: GENERIC_CSV_FORMAT,
      description: 'Any CSV, read through a saved JSON mapping (--mapping FILE) or a bank preset (--mapping preset:NAME)',
    },
  ];
}

/** A file whose format cannot be determined or used; the message says what to do. */
export class FormatSelectionError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/**
 * Detects the format from the file's first bytes and decoded head. Exactly
 * one parser must claim it: none or several is an error, never a guess.
 */
export function detectParser(head: string, firstBytes: Uint8Array): FormatParser {
  if (firstBytes[0] === 0x50 && firstBytes[1] === 0x4b && firstBytes[2] === 0x03 && firstBytes[3] === 0x04) {
    throw new FormatSelectionError('this is a ZIP archive; no importer in this build reads ZIP files (unpack it and import the files inside)');
  }
  const claims = DETECTABLE_PARSERS.filter((p) => p.input !== 'xlsx' && p.detect(head));
  if (claims.length === 1) return claims[0] as FormatParser;
  if (claims.length > 1) {
    throw new FormatSelectionError(`content matches several formats (${claims.map((p) => p.format).join(', ')}); choose one with --format`);
  }
  const xmlRoot = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.:-]*)/.exec(head);
  const what = xmlRoot ? `an XML document with root <${xmlRoot[1]}>` : 'a file';
  throw new FormatSelectionError(
    `${what} of no recognised format; give --format (one of: ${listFormats()
      .map((f) => f.format)
      .join(', ')}), and for a CSV without a preset, --format generic-csv --mapping MAPPING.json`,
  );
}

/**
 * Detects the format of an XLSX workbook from its first sheet's first rows (`head`, as CSV text): exactly one
 * spreadsheet parser must claim it.
 */
export function detectWorkbookParser(head: string): FormatParser {
  const claims = DETECTABLE_PARSERS.filter((p) => p.input === 'xlsx' && p.detect(head));
  if (claims.length === 1) return claims[0] as FormatParser;
  if (claims.length > 1) {
    throw new FormatSelectionError(`the workbook matches several formats (${claims.map((p) => p.format).join(', ')}); choose one with --format`);
  }
  const spreadsheet = DETECTABLE_PARSERS.filter((p) => p.input === 'xlsx').map((p) => p.format);
  throw new FormatSelectionError(
    `an XLSX workbook whose first sheet is of no recognised format; workbooks are read as: ${spreadsheet.join(', ')} (export other sources as CSV)`,
  );
}

/** The parser for an explicit --format; generic CSV needs its mapping file. */
export function parserForFormat(format: string, mappingPath?: string): FormatParser {
  if (format === GENERIC_CSV_FORMAT) {
    if (mappingPath === undefined) throw new FormatSelectionError('--format generic-csv needs --mapping MAPPING.json');
    return loadGenericCsvParser(mappingPath);
  }
  const parser = DETECTABLE_PARSERS.find((p) => p.format === format);
  if (parser === undefined) {
    throw new FormatSelectionError(
      `unknown format "${format}"; known formats: ${listFormats()
        .map((f) => f.format)
        .join(', ')}`,
    );
  }
  return parser;
}

export const PRESET_PREFIX = 'preset:';

function loadGenericCsvParser(mappingPath: string): FormatParser {
  if (mappingPath.startsWith(PRESET_PREFIX)) {
    const name = mappingPath.slice(PRESET_PREFIX.length);
    const preset = resolvePreset(name);
    if (preset === undefined) {
      throw new FormatSelectionError(
        `unknown preset "${name}"; presets: ${listPresets()
          .map((p) => p.name)
          .join(', ')}`,
      );
    }
    // Hash the preset's canonical JSON, so editing a preset changes the mapping version its events record.
    return createGenericCsvParser(preset, createHash('sha256').update(canonicalJson(preset)).digest('hex'));
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(mappingPath);
  } catch (err) {
    throw new FormatSelectionError(`${mappingPath}: cannot read mapping (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FormatSelectionError(`${mappingPath}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseCsvMapping(json);
  if (!parsed.ok) throw new FormatSelectionError(`${mappingPath}: ${parsed.errors.join('; ')}`);
  return createGenericCsvParser(parsed.mapping, createHash('sha256').update(bytes).digest('hex'));
}
