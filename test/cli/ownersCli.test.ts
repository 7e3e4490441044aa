// Owners, the SLA clock, metrics, the ticket and the export's owner columns through the real `tieout` command.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { tieout } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { SAMPLES_DIR } from '../support/matchingFixtures.ts';

const root = makeTempDir('tieout-owners-cli-');
const ws = join(root, 'books');
const HOUR = 3_600_000;

function ok(...args: string[]): string {
  const r = tieout(...args);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.status, args.join(' ')).toBe(0);
  return r.stdout;
}

let openedAt = 0;

beforeAll(() => {
  ok('init', ws, '--name', 'Ridge', '--currency', 'USD', '--time-zone', 'America/New_York');
  ok(
    'owners',
    'set',
    ws,
    '--domain',
    'bank',
    '--owner',
    'Ana Lopez <ana@ridge.test>',
    '--backup',
    'Ben Okafor <ben@ridge.test>',
    '--from',
    '2020-01-01',
  );
  openedAt = Date.now();
  ok('import', ws, '--source', 'stripe:main', '--period-end', '2026-10-31', join(SAMPLES_DIR, 'stripe-balance-2026-10.csv'));
  ok('import', ws, '--source', 'shopify:store', '--period-end', '2026-10-31', join(SAMPLES_DIR, 'shopify-orders-2026-10.csv'));
  ok(
    'import',
    ws,
    '--source',
    'bank:ridge',
    '--format',
    'generic-csv',
    '--mapping',
    join(SAMPLES_DIR, 'bank-statement-mapping.json'),
    join(SAMPLES_DIR, 'bank-statement-2026-10.csv'),
  );
}, 60_000);

describe('tieout owners', () => {
  it('list shows the bank owner by hand-over and the domains nobody owns', () => {
    const list = JSON.parse(ok('owners', 'list', ws, '--json')) as {
      domains: Array<{ domain: string; owner: string | null; backup: string | null; origin: string | null }>;
    };
    expect(list.domains.find((d) => d.domain === 'bank')).toMatchObject({
      owner: 'Ana Lopez <ana@ridge.test>',
      backup: 'Ben Okafor <ben@ridge.test>',
      origin: 'assignment',
    });
    expect(list.domains.map((d) => d.domain)).toEqual(['payments', 'bank', 'ads', 'fulfillment']);
    expect(ok('owners', 'list', ws)).toContain('bank: Ana Lopez <ana@ridge.test>, backup Ben Okafor <ben@ridge.test>, since 2020-01-01 by hand-over');
  });

  it('set refuses a malformed person, and the same person as owner and backup', () => {
    const bad = tieout('owners', 'set', ws, '--domain', 'bank', '--owner', 'Ana', '--backup', 'Ben Okafor <ben@ridge.test>');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--owner: "Ana" is not NAME <EMAIL>');
    const same = tieout('owners', 'set', ws, '--domain', 'bank', '--owner', 'Ana Lopez <ana@ridge.test>', '--backup', 'Ana L <ANA@ridge.test>');
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('the backup must be another person than the owner');
  });
});

describe('tieout sla, ticket and export', () => {
  it('the unknown bank lines opened with the bank owner; the clock escalates them at 24 h and 72 h, each step once', () => {
    const exported = JSON.parse(ok('export', ws, '--what', 'exceptions', '--format', 'json')) as Array<Record<string, unknown>>;
    const bank = exported.filter((x) => x['code'] === 'UNKNOWN_BANK_LINE');
    expect(bank).toHaveLength(2);
    for (const x of bank)
      expect(x).toMatchObject({ owner: 'Ana Lopez <ana@ridge.test>', backup: 'Ben Okafor <ben@ridge.test>', sla_tier: 'HIGH', escalation_level: 0 });

    const at = (hours: number): string => new Date(openedAt + hours * HOUR).toISOString();
    expect(JSON.parse(ok('sla', ws, '--as-of', at(23), '--json')).escalated).toEqual([]);
    const first = JSON.parse(ok('sla', ws, '--as-of', at(25), '--json')) as { escalated: Array<Record<string, unknown>>; escalated_total: number };
    expect(first.escalated.map((s) => [s['code'], s['level'], s['role'], s['to']])).toEqual([
      ['UNKNOWN_BANK_LINE', 1, 'backup', 'Ben Okafor <ben@ridge.test>'],
      ['UNKNOWN_BANK_LINE', 1, 'backup', 'Ben Okafor <ben@ridge.test>'],
    ]);
    expect(first.escalated_total).toBe(2);
    expect(JSON.parse(ok('sla', ws, '--as-of', at(30), '--json')).escalated).toEqual([]);
    const text = ok('sla', ws, '--as-of', at(73));
    expect(text).toMatch(/^SLA as of .*: 2 escalation steps taken, 0 exceptions given owners; 2 overdue, 2 escalated in all/);
    expect(text).toContain('level 2 → escalation contact (none configured) after 7');

    const bad = tieout('sla', ws, '--as-of', 'tomorrow');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--as-of: "tomorrow" is not an ISO 8601 time');
  });

  it('ticket prints the hand-off text; reassigning needs a reason', () => {
    const exported = JSON.parse(ok('export', ws, '--what', 'exceptions', '--format', 'json')) as Array<{
      exception_id: string;
      amount_minor: number;
    }>;
    const wire = exported.find((x) => x.amount_minor === 125000)?.exception_id as string;
    const ticket = ok('ticket', ws, wire);
    expect(ticket).toContain('UNKNOWN_BANK_LINE: A bank line has no counterpart (1,250.00 USD)');
    expect(ticket).toContain('Domain: bank. Owner: Ana Lopez <ana@ridge.test>. Backup: Ben Okafor <ben@ridge.test>.');
    expect(ticket).toContain('Events (1):');
    expect(ticket).toContain('exception.sla_escalated by system:sla');
    expect(ticket).toContain('1. Read the remittance text and counterparty.');

    const refused = tieout('assign', ws, wire, '--owner', 'Ben Okafor <ben@ridge.test>');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('a reason is required to reassign it');
    expect(ok('assign', ws, wire, '--owner', 'ben@ridge.test', '--reason', 'Ben knows the payer')).toBe(
      `assigned ${wire} to Ben Okafor <ben@ridge.test>\n`,
    );
  });

  it('metrics --json has exactly the issue’s keys', () => {
    const m = JSON.parse(ok('metrics', ws, '--json')) as Record<string, unknown>;
    expect(Object.keys(m)).toEqual([
      'unmatched_rate_1h',
      'mean_time_to_resolution_hours',
      'auto_resolve_rate',
      'manual_actions_per_day',
      'high_value_open',
      'top_exceptions',
    ]);
    expect(m['high_value_open']).toEqual({ count: 2, value_minor: 365000 });
    expect(ok('metrics', ws, '--from', '2020-01-01', '--to', '2020-01-31')).toContain('top exceptions                    none');
  });
});
