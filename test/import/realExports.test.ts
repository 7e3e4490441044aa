// Every real-shaped export in test/import/files through `tieout import`'s pipeline: detection claims each with exactly one
// format, events land valid in the ledger, damaged files fail naming FILE:LINE:COLUMN, and no new format claims a shared fixture.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTABLE_PARSERS, detectParser } from '../../src/main/import/formatRegistry.ts';
import { importFiles, ImportError } from '../../src/main/import/importFiles.ts';
import { inspectFile, readTextHead } from '../../src/main/import/text/fileText.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { CanonicalEventSchema } from '../../src/shared/events/canonicalEvent.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';
import { makeTempDir } from '../support/tempDir.ts';

const FILES = join(import.meta.dirname, 'files');

const NEW_FORMATS = ['stripe-payouts-csv', 'stripe-payments-csv', 'shopify-payments-csv', 'shopify-transactions-csv', 'amazon-settlement-tsv'];

type Outcome = { format: string; source: string; events: number; rejected?: number } | { format: string; source: string; error: RegExp };

const EXPECTED: Record<string, Outcome> = {
  'amazon/settlement_11872360011_v2.txt': { format: 'amazon-settlement-tsv', source: 'amazon:us', events: 10 },
  'amazon/settlement_12004519982_de_v2.txt': { format: 'amazon-settlement-tsv', source: 'amazon:de', events: 5 },
  'amazon/settlement_6016502941_v1.txt': { format: 'amazon-settlement-tsv', source: 'amazon:us', events: 5 },
  'mt940/citi_blank_entry_date.sta': { format: 'mt940', source: 'bank:citi', events: 3 },
  'paypal/Download_BR.CSV': { format: 'paypal-activity-csv', source: 'paypal:br', events: 3 },
  'paypal/Download_DE.CSV': { format: 'paypal-activity-csv', source: 'paypal:de', events: 6 },
  'paypal/Download_EN_excel.csv': {
    format: 'paypal-activity-csv',
    source: 'paypal:main',
    error: /:3:13: column "Transaction ID": "1\.23457E\+16" is a number in scientific notation/,
  },
  'paypal/Download_FR.CSV': { format: 'paypal-activity-csv', source: 'paypal:fr', events: 4 },
  'paypal/History_2008.csv': { format: 'paypal-activity-csv', source: 'paypal:main', events: 5 },
  'paypal/Kontoauszug_DE.CSV': { format: 'paypal-activity-csv', source: 'paypal:de', events: 3 },
  'paypal/Kontoauszug_DE_excel.csv': {
    format: 'paypal-activity-csv',
    source: 'paypal:de',
    error: /:2:8: the row has 22 fields but the header has 18: "-1,37" looks like an amount/,
  },
  'shopify/payment_transactions_export_1.csv': { format: 'shopify-payments-csv', source: 'shopify-payments:store', events: 7 },
  'shopify/payment_transactions_export_2019.csv': { format: 'shopify-payments-csv', source: 'shopify-payments:store', events: 3 },
  'shopify/transactions_export_1.csv': { format: 'shopify-transactions-csv', source: 'shopify-transactions:store', events: 6 },
  'stripe/Itemised_payouts_USD_2024-03-01_to_2024-04-01_America-New_York.csv': { format: 'stripe-payouts-csv', source: 'stripe:main', events: 5 },
  'stripe/balance_transactions_2014.json': { format: 'stripe-api-json', source: 'stripe:main', events: 2 },
  'stripe/dispute_won_with_balance_transactions.json': { format: 'stripe-api-json', source: 'stripe:main', events: 2 },
  'stripe/unified_payments.csv': { format: 'stripe-payments-csv', source: 'stripe:main', events: 7 },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function claims(path: string): string[] {
  const facts = inspectFile(path);
  const head = readTextHead(path, facts);
  return DETECTABLE_PARSERS.filter((p) => p.detect(head)).map((p) => p.format);
}

describe('real-shaped exports through the import pipeline', () => {
  const root = makeTempDir();

  it('covers every file in test/import/files', () => {
    expect(
      filesUnder(FILES)
        .map((p) => relative(FILES, p))
        .sort(),
    ).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(file, () => {
      const path = join(FILES, file);
      expect(claims(path)).toEqual([expected.format]);
      const facts = inspectFile(path);
      expect(detectParser(readTextHead(path, facts), new Uint8Array()).format).toBe(expected.format);
      const ws = createWorkspace(join(root, file.replace(/[/.]/g, '_')));
      try {
        const request = { source: expected.source, files: [path], actor: 'user:test' };
        if ('error' in expected) {
          let error: unknown;
          try {
            importFiles(ws.db, ws.settings, { ...request, skipInvalid: true });
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(ImportError);
          expect((error as ImportError).message.startsWith(`${path}:`)).toBe(true);
          expect((error as ImportError).message).toMatch(expected.error);
          expect(ws.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
          return;
        }
        const r = importFiles(ws.db, ws.settings, request);
        expect(r.files[0]?.format).toBe(expected.format);
        expect(r.eventsCreated).toBe(expected.events);
        expect(r.rowsRejected).toBe(0);
        for (const s of r.files[0]?.statements ?? []) expect(s.differenceMinor ?? 0).toBe(0);
        const rows = ws.db.prepare('SELECT * FROM events').all() as Array<Record<string, unknown>>;
        for (const row of rows) {
          const parsed = CanonicalEventSchema.safeParse({ ...row, attributes: JSON.parse(row.attributes as string) as unknown });
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }
        expect(importFiles(ws.db, ws.settings, request).eventsCreated).toBe(0);
        expect(verifyLedger(ws.db).ok).toBe(true);
      } finally {
        ws.close();
      }
    });
  }

  it('fails an Amazon settlement whose rows do not add up to its total, unless accepted', () => {
    // A download cut short: the last rows of the settlement are missing.
    const lines = readFileSync(join(FILES, 'amazon/settlement_11872360011_v2.txt'), 'utf8').split('\r\n');
    const path = join(root, 'settlement_cut.txt');
    writeFileSync(path, lines.slice(0, 20).join('\r\n') + '\r\n');
    const ws = createWorkspace(join(root, 'amazon-unbalanced'));
    try {
      const request = { source: 'amazon:us', files: [path], actor: 'user:test' };
      expect(() => importFiles(ws.db, ws.settings, request)).toThrow(
        `${path}:2:1: statement settlement 11872360011 (account Amazon seller account, USD) does not balance: opening 0 + 6 entries 10610 = 10610, but the closing balance is 6172 (difference -4438;`,
      );
      expect(ws.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
      const r = importFiles(ws.db, ws.settings, { ...request, acceptUnbalanced: true });
      expect(r.files[0]?.statements[0]).toMatchObject({ differenceMinor: -4438 });
      expect(ws.db.prepare("SELECT count(*) FROM journal WHERE entry_type = 'import.statement_unbalanced'").pluck().get()).toBe(1);
    } finally {
      ws.close();
    }
  });
});

describeWithFixtures('the new formats claim no shared fixture', () => {
  it('leaves every provider and bank fixture to the format that read it before', () => {
    const taken = filesUnder(FIXTURES_DIR)
      .filter((p) => !/LICENSE|SOURCE|README|\.expected\.|golden-|\.pydata$|\.yml$|\.json$/.test(p) || p.endsWith('fixtures3.json'))
      .flatMap((p) =>
        claims(p)
          .filter((f) => NEW_FORMATS.includes(f))
          .map((f) => `${relative(FIXTURES_DIR, p)} → ${f}`),
      );
    expect(taken).toEqual([]);
  });

  it('still detects the Stripe, Shopify and PayPal fixtures as before', () => {
    expect(claims(join(FIXTURES_DIR, 'providers/stripe/fixtures3.json'))).toEqual(['stripe-api-json']);
    expect(claims(join(FIXTURES_DIR, 'providers/shopify/orders_export.csv'))).toEqual(['shopify-orders-csv']);
    for (const f of ['activity_en.csv', 'statement_en.csv', 'statement_es.csv', 'empty_activity.csv']) {
      expect(claims(join(FIXTURES_DIR, 'providers/paypal', f)), f).toEqual(['paypal-activity-csv']);
    }
  });
});
