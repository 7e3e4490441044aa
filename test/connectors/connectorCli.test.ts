import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import { MONTH_STRIPE_HEADER, monthStripeRowCsv } from '../../src/main/synthetic/monthFiles.ts';
import { createWorkspace, openWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { FakeStripe, stripeDataFromRows } from './support/fakeStripe.ts';
import { latestEvents } from './support/eventCompare.ts';
import { tieoutAsync, tieoutChild, waitFor } from './support/cliChild.ts';
import { stripeMonthRows } from './support/stripeMonth.ts';

const KEY = 'sk_test_51NcliKeyNeverPrinted0042';

describe('tieout connect and tieout sync', () => {
  const dir = makeTempDir('tieout-connect-cli-');
  const rows = stripeMonthRows(250, 23);
  const stripe = new FakeStripe(stripeDataFromRows(rows), KEY);
  const env = { STRIPE_KEY: KEY, TIEOUT_CONFIG_DIR: join(dir, 'config') };
  let url = '';
  beforeAll(async () => {
    url = await stripe.start();
    // The provider's clock a few days after the month: the first sync's 90 days cover it whenever the test runs.
    const last = Math.max(...stripe.data.balanceTransactions.map((b) => b.created as number));
    stripe.server.skewMs = (last + 3 * 86_400) * 1000 - Date.now();
  });
  afterAll(() => stripe.close());

  it('connects with the key from the environment (sealed, never shown) and refuses what cannot work', async () => {
    const ws = join(dir, 'books');
    expect((await tieoutAsync(['init', ws, '--currency', 'USD', '--time-zone', 'UTC'], env)).status).toBe(0);
    const missing = await tieoutAsync(['connect', ws, '--source', 'stripe:main', '--api-key-env', 'NO_SUCH_VAR'], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/environment variable NO_SUCH_VAR is not set/);
    const wrongFlag = await tieoutAsync(['connect', ws, '--source', 'stripe:main', '--token-env', 'STRIPE_KEY'], env);
    expect(wrongFlag.status).toBe(2);
    expect(wrongFlag.stderr).toMatch(/--token-env is not a stripe option/);
    const insecure = await tieoutAsync(
      ['connect', ws, '--source', 'stripe:main', '--api-key-env', 'STRIPE_KEY', '--base-url', 'http://api.example.com'],
      env,
    );
    expect(insecure.status).toBe(2);
    expect(insecure.stderr).toMatch(/only over https/);

    const connected = await tieoutAsync(['connect', ws, '--source', 'stripe:main', '--api-key-env', 'STRIPE_KEY', '--base-url', url], env);
    expect(connected.stderr).toBe('');
    expect(connected.status).toBe(0);
    expect(connected.stdout).toMatch(/connected stripe:main/);
    expect(connected.stdout).toMatch(/file-key fallback|key file/i);
    expect(`${connected.stdout}${connected.stderr}`).not.toContain(KEY);
    const secrets = readFileSync(join(ws, 'connector-secrets.json'), 'utf8');
    expect(secrets).not.toContain(KEY);
    expect(JSON.parse(readFileSync(join(ws, 'workspace.json'), 'utf8')).feeds['stripe:main']).toEqual({ expected_every_hours: 1, grace_hours: 1 });
  });

  it('syncs with per-page progress, then a second sync adds nothing', async () => {
    const ws = join(dir, 'books');
    const first = await tieoutAsync(['sync', ws, '--progress'], env);
    expect(first.stderr).toMatch(/progress: stripe:main balance_transactions \d+ pages/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`stripe:main: synced, \\d+ pages, ${rows.length} events created`));
    expect(first.stdout).toMatch(/reconcile \(incremental/);
    expect(`${first.stdout}${first.stderr}`).not.toContain(KEY);
    const again = await tieoutAsync(['sync', ws, '--source', 'stripe:main'], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/stripe:main: synced, \d+ pages, 0 events created/);
    const notConnected = await tieoutAsync(['sync', ws, '--source', 'stripe:other'], env);
    expect(notConnected.status).toBe(2);
    expect(notConnected.stderr).toMatch(/stripe:other is not connected/);
  });

  it('fails with exit 1 and the reason when the key is refused, without the key', async () => {
    const ws = join(dir, 'refused');
    await tieoutAsync(['init', ws, '--currency', 'USD', '--time-zone', 'UTC'], env);
    await tieoutAsync(['connect', ws, '--source', 'stripe:main', '--api-key-env', 'STRIPE_KEY', '--base-url', url], {
      ...env,
      STRIPE_KEY: 'sk_test_51NwrongKey0000000000',
    });
    const refused = await tieoutAsync(['sync', ws], env);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/stripe:main: FAILED.*\n.*refused the API key/);
    expect(refused.stdout).not.toContain('sk_test_51NwrongKey0000000000');
  });

  it('killed with SIGKILL mid-sync, again and again, resumes with no record twice and none missed', async () => {
    const ws = join(dir, 'killed');
    await tieoutAsync(['init', ws, '--currency', 'USD', '--time-zone', 'UTC'], env);
    await tieoutAsync(['connect', ws, '--source', 'stripe:main', '--api-key-env', 'STRIPE_KEY', '--base-url', url], env);
    // Deterministic: killed while it waits for the balance history's second page (pages before it landed).
    const bt = (r: { path: string; query: URLSearchParams }) => r.path === '/v1/balance_transactions' && r.query.get('payout') === null;
    stripe.server.inject({ when: (r) => bt(r) && r.query.get('starting_after') !== null, fault: { kind: 'hang' } });
    const seen = stripe.server.requests.length;
    const first = tieoutChild(['sync', ws], env);
    await waitFor(
      () => stripe.server.requests.slice(seen).some((r) => bt(r) && r.query.get('starting_after') !== null),
      30_000,
      'the second balance page',
    );
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    {
      const w = openWorkspace(ws);
      expect(w.db.prepare("SELECT count(*) FROM sync_pages WHERE step = 'balance_transactions'").pluck().get()).toBe(1);
      expect(w.db.prepare('SELECT state FROM sync_runs').pluck().all()).toEqual(['running']);
      w.close();
    }
    // Then killed wherever it is a moment after its Nth request (landing a page, reading one, reconciling).
    for (const [n, ms] of [
      [1, 5],
      [3, 40],
      [5, 0],
    ] as const) {
      const from = stripe.server.requests.length;
      const run = tieoutChild(['sync', ws], env);
      await waitFor(() => stripe.server.requests.length - from >= n, 30_000, `request ${n}`).catch(() => undefined);
      await new Promise((r) => setTimeout(r, ms));
      run.child.kill('SIGKILL');
      await run.done;
    }
    const last = await tieoutAsync(['sync', ws], env);
    expect(last.status).toBe(0);

    const csv = join(dir, 'stripe-balance.csv');
    writeFileSync(csv, `${MONTH_STRIPE_HEADER.join(',')}\n${rows.map((r) => `${monthStripeRowCsv(r)}\n`).join('')}`);
    const byFile = createWorkspace(join(dir, 'by-file'), { timeZone: 'UTC' });
    importFiles(byFile.db, byFile.settings, { source: 'stripe:main', files: [csv], actor: 'user:test' });
    const w = openWorkspace(ws);
    const fromApi = latestEvents(w.db, 'stripe:main');
    expect([...fromApi.keys()]).toEqual([...latestEvents(byFile.db, 'stripe:main').keys()]);
    expect(w.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(rows.length);
    expect(w.db.prepare('SELECT count(*) FROM superseded_events').pluck().get()).toBe(0);
    const states = w.db.prepare('SELECT state FROM sync_runs ORDER BY started_at').pluck().all() as string[];
    expect(states[0]).toBe('interrupted');
    expect(states.at(-1)).toBe('ok');
    // Every landed page is a whole batch: its events and its cursor, or neither.
    expect(w.db.prepare('SELECT count(*) FROM sync_pages WHERE batch_id NOT IN (SELECT batch_id FROM import_batches)').pluck().get()).toBe(0);
    expect(verifyLedger(w.db).ok).toBe(true);
    w.close();
    byFile.close();
  });
});
