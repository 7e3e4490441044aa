// `tieout formats` lists every format the registry reads, one per line with its description.
import { describe, expect, it } from 'vitest';
import { listFormats } from '../../src/main/import/formatRegistry.ts';
import { tieout } from '../support/cli.ts';

describe('tieout formats', () => {
  it('lists every format with its description, the new provider exports included', () => {
    const run = tieout('formats');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    for (const f of listFormats()) expect(lines, f.format).toContain(`${f.format.padEnd(26)} ${f.description}`);
    for (const format of ['stripe-payouts-csv', 'stripe-payments-csv', 'shopify-payments-csv', 'shopify-transactions-csv', 'amazon-settlement-tsv']) {
      expect(run.stdout).toMatch(new RegExp(`^${format} +\\S`, 'm'));
    }
  });
});
