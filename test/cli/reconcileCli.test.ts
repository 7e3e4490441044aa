import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { tieout, PROJECT_ROOT, TIEOUT_BIN } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import type { ExportedException } from '../../src/main/export/exceptionsExport.ts';

const root = makeTempDir();
const samples = join(PROJECT_ROOT, 'resources/samples');

describe('tieout matching commands on the sample month', () => {
  it('matches continuously on import, explains, reports status, and takes human decisions', () => {
    const ws = join(root, 'books');
    expect(tieout('init', ws, '--currency', 'USD', '--time-zone', 'America/New_York').status).toBe(0);
    const shopify = tieout('import', ws, '--source', 'shopify:store', '--period-end', '2026-10-31', join(samples, 'shopify-orders-2026-10.csv'));
    expect(shopify.stdout).toMatch(/reconcile \(incremental, rules default v4\)/);
    // No payment feed has delivered yet: the five paid orders await their payments, #1003 (refunded in the store) its
    // processor refund; none is an exception.
    const early = JSON.parse(tieout('status', ws, '--json').stdout) as {
      open_exceptions_total: number;
      awaiting_total: number;
      awaiting: Array<{ summary: string }>;
    };
    expect(early).toMatchObject({ open_exceptions_total: 0, awaiting_total: 6 });
    expect(early.awaiting.map((g) => g.summary)).toEqual([
      '5 orders awaiting payments: no source of payments has delivered yet',
      '1 order awaiting refunds: no source of refunds has delivered yet',
    ]);
    const stripe = tieout('import', ws, '--source', 'stripe:main', '--period-end', '2026-10-31', join(samples, 'stripe-balance-2026-10.csv'));
    expect(stripe.status).toBe(0);
    expect(stripe.stdout).toMatch(/reconcile \(incremental.*[1-9]\d* matches created/);
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
    expect(bank.status).toBe(0);

    const matches = JSON.parse(tieout('export', ws, '--what', 'matches', '--format', 'json').stdout) as Array<{
      match_id: string;
      status: string;
      rule_id: string;
      events: Array<{ kind: string; external_id: string; amount_minor: number }>;
    }>;
    const bankMatch = matches.find((m) => m.events.some((e) => e.kind === 'bank_credit'));
    expect(bankMatch?.events.map((e) => [e.kind, e.amount_minor]).sort()).toEqual([
      ['bank_credit', 70911],
      ['payout', -70911],
    ]);
    const orderMatch = matches.find((m) => m.events.some((e) => e.external_id === '7301001'));
    expect(orderMatch?.events.map((e) => e.external_id).sort()).toEqual(['7301001', 'txn_1Sa1001']);

    const exceptions = JSON.parse(tieout('exceptions', ws, '--format', 'json').stdout) as ExportedException[];
    const wire = exceptions.find((x) => x.code === 'UNKNOWN_BANK_LINE' && x.amount_minor === 125000);
    expect(wire).toMatchObject({ class: 'C', state: 'open' });

    const explained = tieout('explain', ws, orderMatch?.match_id as string);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toContain('order-payment.exact-key');

    const status = tieout('status', ws, '--json');
    const before = JSON.parse(status.stdout) as { open_exceptions_total: number };

    expect(tieout('resolve', ws, wire?.exception_id as string).status).toBe(2);
    const resolved = tieout('resolve', ws, wire?.exception_id as string, '--reason', 'Customer prepayment, see email 2026-10-15');
    expect(resolved.status).toBe(0);
    expect(tieout('comment', ws, wire?.exception_id as string, '--text', 'Booked to deferred revenue').status).toBe(0);
    const after = JSON.parse(tieout('status', ws, '--json').stdout) as { open_exceptions_total: number };
    expect(after.open_exceptions_total).toBe(before.open_exceptions_total - 1);

    // A later full run never overrides the person's decision.
    expect(tieout('reconcile', ws).status).toBe(0);
    const again = JSON.parse(tieout('exceptions', ws, '--all', '--format', 'json').stdout) as ExportedException[];
    expect(again.find((x) => x.exception_id === wire?.exception_id)?.state).toBe('resolved');

    const unmatched = tieout('unmatch', ws, orderMatch?.match_id as string, '--reason', 'wrong customer');
    expect(unmatched.status).toBe(0);
    expect(tieout('reconcile', ws).status).toBe(0);
    const rematched = JSON.parse(tieout('export', ws, '--what', 'matches', '--format', 'json').stdout) as Array<{ match_id: string }>;
    expect(rematched.some((m) => m.match_id === orderMatch?.match_id)).toBe(false);
    expect(tieout('verify', ws).status).toBe(0);
  });

  it('tieout demo builds a reconciled month through the normal import path', () => {
    const ws = join(root, 'demo');
    const r = tieout('demo', ws, '--orders', '200', '--seed', '7');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/imported .*shopify-orders\.csv: shopify-orders-csv, \d{3} events/);
    expect(r.stdout).toMatch(/imported .*bank\.camt053\.xml: camt, \d+ events/);
    expect(r.stdout).toMatch(/unmatched rate/);
    const matches = JSON.parse(tieout('export', ws, '--what', 'matches', '--format', 'json').stdout) as unknown[];
    expect(matches.length).toBeGreaterThan(200);
    expect(tieout('verify', ws).status).toBe(0);

    // Explain names each event by kind, source/external id, amount and date, not only by its hash id.
    const first = matches[0] as { match_id: string };
    expect(tieout('explain', ws, first.match_id).stdout).toMatch(
      /event ev_[0-9a-f]{32} \(\w+ [\w:.-]+\/\S+, -?[\d,]+\.\d{2} USD, \d{4}-\d{2}-\d{2}\)/,
    );
  });

  it('exports whole through a pipe whose reader is slow (a full pipe is waited for, not an error)', async () => {
    const ws = join(root, 'demo');
    const child = spawn(process.execPath, [TIEOUT_BIN, 'export', ws, '--what', 'events', '--format', 'json'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 700));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.length).toBeGreaterThan(200_000);
    expect((JSON.parse(text) as unknown[]).length).toBeGreaterThan(400);
  });

  it('reports where a long run is with --progress: events loaded, each rule, rows written (stderr; stdout unchanged)', () => {
    const ws = join(root, 'progress');
    expect(tieout('init', ws, '--currency', 'USD', '--time-zone', 'America/New_York').status).toBe(0);
    const imported = tieout('import', ws, '--source', 'stripe:main', '--progress', join(samples, 'stripe-balance-2026-10.csv'));
    expect(imported.status).toBe(0);
    expect(imported.stderr).toMatch(/^progress: \S*stripe-balance-2026-10\.csv 100% \d+ rows$/m);
    expect(imported.stderr).toMatch(/^progress: reconcile loaded [1-9]\d* events$/m);
    const run = tieout('reconcile', ws, '--progress');
    expect(run.status).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe('progress: reconcile loading events');
    expect(lines[1]).toMatch(/^progress: reconcile loaded [1-9]\d* events$/);
    // Every rule of the default set in priority order, then leftovers, then the writes.
    const rules = lines.filter((l) => l.startsWith('progress: reconcile matching ')).map((l) => l.split(' ').slice(3).join(' '));
    expect(rules[0]).toBe('0/10 order-payment.exact-key');
    expect(rules.at(-1)).toBe('10/10 leftovers');
    expect(rules).toHaveLength(11);
    expect(lines.at(-1)).toMatch(/^progress: reconcile writing exceptions (\d+)\/\1$/);
    expect(lines).toContain('progress: reconcile writing matches 0/0');
    expect(run.stdout).toMatch(/^reconcile \(full, rules default v4\)/);
    expect(tieout('reconcile', ws).stderr).toBe('');
  });
});
