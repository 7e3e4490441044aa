import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tieout, PROJECT_ROOT } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { stripeCsv, stripeRow, stripeCsvRange } from '../support/stripeCsv.ts';

const root = makeTempDir();
const samples = join(PROJECT_ROOT, 'resources/samples');

describe('tieout CLI', () => {
  it('prints usage with --help and exits 2 on an unknown command', () => {
    const help = tieout('--help');
    expect(help.status).toBe(0);
    for (const cmd of ['init', 'import', 'export', 'verify']) expect(help.stdout).toContain(`tieout ${cmd}`);
    const bad = tieout('frobnicate');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
    expect(tieout('import', '--help').stdout).toContain('--skip-invalid');
  });

  it('has detailed help for every command the usage lists', async () => {
    const { USAGE, COMMAND_HELP } = await import('../../src/main/cli/usage.ts');
    const listed = [...USAGE.matchAll(/^ {2}tieout ([\w-]+)/gm)].map((m) => m[1] as string);
    expect(listed.length).toBeGreaterThanOrEqual(15);
    for (const cmd of listed) expect(COMMAND_HELP[cmd], cmd).toMatch(new RegExp(`^tieout ${cmd}`));
  });

  it('runs the README worked example on the shipped samples', () => {
    const ws = join(root, 'books');
    expect(tieout('init', ws, '--name', 'Ridge Outfitters', '--currency', 'USD', '--time-zone', 'America/New_York').status).toBe(0);
    const stripe = tieout('import', ws, '--source', 'stripe:main', join(samples, 'stripe-balance-2026-10.csv'));
    expect(stripe.stderr).toBe('');
    expect(stripe.status).toBe(0);
    expect(stripe.stdout).toMatch(/stripe-balance-csv \(utf-8\), 8 rows read, 8 events created, 0 duplicates skipped, 0 rows rejected/);
    const shopify = tieout('import', ws, '--source', 'shopify:store', join(samples, 'shopify-orders-2026-10.csv'));
    expect(shopify.status).toBe(0);
    expect(shopify.stdout).toMatch(/shopify-orders-csv \(utf-8\), 6 rows read, 6 events created/);
    const bank = tieout(
      'import',
      ws,
      '--source',
      'bank:ridge-usd',
      '--format',
      'generic-csv',
      '--mapping',
      join(samples, 'bank-statement-mapping.json'),
      join(samples, 'bank-statement-2026-10.csv'),
    );
    expect(bank.stderr).toBe('');
    expect(bank.status).toBe(0);
    expect(bank.stdout).toMatch(/generic-csv \(windows-1252\), 3 rows read, 3 events created/);
    const again = tieout('import', ws, '--source', 'stripe:main', join(samples, 'stripe-balance-2026-10.csv'));
    expect(again.stdout).toMatch(/0 events created, 8 duplicates skipped/);

    const verify = tieout('verify', ws);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain('verify passed');

    const exported = tieout('export', ws, '--what', 'events', '--format', 'json');
    expect(exported.status).toBe(0);
    const events = JSON.parse(exported.stdout) as Array<{ kind: string; source: string; amount_minor: number; currency: string }>;
    expect(events).toHaveLength(17);
    const kinds = events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ payment: 5, refund: 1, fee: 1, payout: 1, order: 6, bank_credit: 2, bank_debit: 1 });
    const payout = events.find((e) => e.kind === 'payout');
    const deposit = events.find((e) => e.kind === 'bank_credit' && e.amount_minor === 70911);
    expect(payout?.amount_minor).toBe(-70911);
    expect(deposit?.currency).toBe('USD');

    const csvOut = join(root, 'events.csv');
    expect(tieout('export', ws, '--what', 'events', '--format', 'csv', '--out', csvOut).status).toBe(0);
    expect(readFileSync(csvOut, 'utf8')).toContain(",'=cmd|evil@example.com,");
  });

  it('exits 2 with FILE:LINE:COLUMN on a bad row and writes nothing', () => {
    const ws = join(root, 'bad');
    tieout('init', ws);
    const f = join(root, 'bad.csv');
    writeFileSync(f, stripeCsv([stripeRow(1), stripeRow(2).replace('12.00', '12.0.0')]));
    const r = tieout('import', ws, '--source', 'stripe:main', f);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: `));
    const db = new Database(join(ws, 'ledger.sqlite'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(0);
    db.close();
    const skipped = tieout('import', ws, '--source', 'stripe:main', '--skip-invalid', f);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toMatch(/1 events created, 0 duplicates skipped, 1 rows rejected/);
    expect(skipped.stdout).toMatch(/rejected .*bad\.csv:3:5: /);
  });

  it('exits 2 for usage errors and a missing workspace', () => {
    expect(tieout('import', join(root, 'nope'), '--source', 'stripe', 'x.csv').status).toBe(2);
    expect(tieout('import', join(root, 'nope')).status).toBe(2);
    expect(tieout('export', join(root, 'nope'), '--format', 'xml').status).toBe(2);
    expect(tieout('init', join(root, 'cur'), '--currency', 'ABC').stderr).toMatch(/reporting_currency/);
  });

  it('verify exits 1 and names the first bad journal entry after tampering', () => {
    const ws = join(root, 'tamper');
    tieout('init', ws);
    const a = join(root, 'a.csv');
    const b = join(root, 'b.csv');
    writeFileSync(a, stripeCsvRange(1, 3));
    writeFileSync(b, stripeCsvRange(4, 6));
    tieout('import', ws, '--source', 'stripe:main', a);
    tieout('import', ws, '--source', 'stripe:main', b);
    const db = new Database(join(ws, 'ledger.sqlite'));
    db.exec('DROP TRIGGER journal_no_update');
    db.exec("UPDATE journal SET actor = 'user:mallory' WHERE seq = 2");
    db.close();
    const r = tieout('verify', ws);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('first bad journal entry is 2');
    expect(r.stdout).toMatch(/FAIL append-only triggers: missing: journal_no_update/);
  });
});
