// Damaged provider exports: every outcome is a record, a rejection with a position, or a FormatError — never a crash —
// and every event a parser yields is a valid canonical draft.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amazonSettlementTsvParser } from '../../src/main/import/parsers/amazonSettlementTsv.ts';
import { paypalActivityCsvParser } from '../../src/main/import/parsers/paypalActivityCsv.ts';
import { shopifyPaymentsCsvParser } from '../../src/main/import/parsers/shopifyPaymentsCsv.ts';
import { shopifyTransactionsCsvParser } from '../../src/main/import/parsers/shopifyTransactionsCsv.ts';
import { stripePaymentsCsvParser } from '../../src/main/import/parsers/stripePaymentsCsv.ts';
import { stripePayoutsCsvParser } from '../../src/main/import/parsers/stripePayoutsCsv.ts';
import { stripeApiJsonParser } from '../../src/main/import/parsers/stripeApiJson.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { FormatParser } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';

const FILES = join(import.meta.dirname, 'files');

const CASES: Array<[FormatParser, string]> = [
  [stripePayoutsCsvParser, 'stripe/Itemised_payouts_USD_2024-03-01_to_2024-04-01_America-New_York.csv'],
  [stripePaymentsCsvParser, 'stripe/unified_payments.csv'],
  [stripeApiJsonParser, 'stripe/dispute_won_with_balance_transactions.json'],
  [shopifyPaymentsCsvParser, 'shopify/payment_transactions_export_1.csv'],
  [shopifyTransactionsCsvParser, 'shopify/transactions_export_1.csv'],
  [paypalActivityCsvParser, 'paypal/Download_DE.CSV'],
  [paypalActivityCsvParser, 'paypal/History_2008.csv'],
  [amazonSettlementTsvParser, 'amazon/settlement_11872360011_v2.txt'],
  [amazonSettlementTsvParser, 'amazon/settlement_6016502941_v1.txt'],
];

interface Mutation {
  op: 'truncate' | 'delete' | 'insert' | 'duplicate';
  at: number;
  len: number;
  text: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('truncate' as const, 'delete' as const, 'insert' as const, 'duplicate' as const),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 300 }),
  text: fc.string({
    unit: fc.constantFrom('"', ',', '\t', '\n', '\r', '.', '-', '1', '9', 'E', '+', '/', ':', 'x', ' ', 'é', '{', '}', '[', ']'),
    maxLength: 8,
  }),
});

function apply(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  if (m.op === 'truncate') return text.slice(0, at);
  if (m.op === 'delete') return text.slice(0, at) + text.slice(at + m.len);
  if (m.op === 'insert') return text.slice(0, at) + m.text + text.slice(at);
  return text.slice(0, at) + text.slice(at, at + m.len) + text.slice(at);
}

describe('provider exports under damage', () => {
  for (const [parser, file] of CASES) {
    it(`${parser.format}: ${file}`, () => {
      const original = readFileSync(join(FILES, file), 'utf8');
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4000 }), (ms, chunk) => {
          const text = ms.reduce(apply, original);
          try {
            for (const r of parser.parse({ chunks: textChunks(text, chunk), fileName: file, timeZone: 'UTC', locale: 'en-US' })) {
              if (r.ok) {
                for (const e of r.events) expect(EventDraftSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
              } else {
                expect(r.position.line).toBeGreaterThanOrEqual(1);
                expect(r.position.column).toBeGreaterThanOrEqual(1);
                expect(r.message.length).toBeGreaterThan(0);
              }
            }
          } catch (err) {
            expect(err).toBeInstanceOf(FormatError);
          }
        }),
        { numRuns: 150, seed: 20240314 },
      );
    });
  }
});
