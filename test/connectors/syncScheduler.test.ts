import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { makeTempDir } from '../support/tempDir.ts';
import { SyncScheduler } from '../../src/main/connectors/syncScheduler.ts';
import { SecretKeeper } from '../../src/main/connectors/secrets/secretCipher.ts';
import { FileKeyCipher } from '../../src/main/connectors/secrets/fileKeyCipher.ts';
import { FakeStripe, stripeDataFromRows } from './support/fakeStripe.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { stripeMonthRows } from './support/stripeMonth.ts';

const KEY = 'sk_test_51NschedulerKey000000077';

describe('background sync: cadence, single flight, state for the Sources screen', () => {
  const dir = makeTempDir('tieout-scheduler-');
  const rows = stripeMonthRows(60, 3);
  const stripe = new FakeStripe(stripeDataFromRows(rows), KEY);
  let url = '';
  beforeAll(async () => {
    url = await stripe.start();
  });
  afterAll(() => stripe.close());

  it('syncs a never-synced source at once, one sync at a time, then waits for its cadence', async () => {
    const ws = await connectedWorkspace(join(dir, 'cadence'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
    const keeper = new SecretKeeper(new FileKeyCipher(join(dir, 'stripe-main-test.key')));
    let clock = Date.now();
    const changes: string[] = [];
    const scheduler = new SyncScheduler({ workspace: () => ws, keeper, onChange: (w) => changes.push(w), now: () => clock, http: FAST_HTTP });
    expect(scheduler.statuses()[0]).toMatchObject({ source: 'stripe:main', state: 'never', lastSyncAt: null, cadenceHours: 1 });

    scheduler.tick();
    const first = scheduler.running('stripe:main');
    expect(first).toBeDefined();
    expect(scheduler.statuses()[0]?.state).toBe('syncing');
    // Single flight: neither the schedule nor "Sync now" starts a second sync of the source.
    scheduler.tick();
    expect(scheduler.running('stripe:main')).toBe(first);
    expect(scheduler.syncNow('stripe:main')).toEqual({ started: false, message: 'stripe:main is syncing already.' });
    const report = await first;
    expect(report?.state).toBe('ok');
    expect(report?.eventsCreated).toBe(rows.length);
    expect(changes.at(-1)).toBe('landed');

    const status = scheduler.statuses()[0];
    expect(status).toMatchObject({ state: 'ok', error: null, eventsCreated: rows.length });
    expect(status?.lastSyncAt).not.toBeNull();
    const started = ws.db.prepare('SELECT started_at FROM sync_runs').pluck().get() as string;
    expect(status?.nextRunAt).toBe(new Date(Date.parse(started) + 3_600_000).toISOString());

    clock += 30 * 60_000;
    scheduler.tick();
    expect(scheduler.running('stripe:main')).toBeUndefined();
    clock += 31 * 60_000;
    scheduler.tick();
    const second = scheduler.running('stripe:main');
    expect(second).toBeDefined();
    expect((await second)?.eventsCreated).toBe(0);
    expect(ws.db.prepare('SELECT trigger FROM sync_runs ORDER BY started_at').pluck().all()).toEqual(['schedule', 'schedule']);

    expect(scheduler.syncNow('stripe:main').started).toBe(true);
    await scheduler.running('stripe:main');
    expect(scheduler.syncNow('stripe:other')).toEqual({ started: false, message: 'stripe:other is not connected.' });
    await scheduler.stop();
    ws.close();
  });

  it('shows a failure with its reason and tries again 15 minutes later, not at once', async () => {
    const ws = await connectedWorkspace(
      join(dir, 'failed'),
      { source: 'stripe:main', baseUrl: url, backfillDays: 120 },
      { api_key: 'sk_test_51Nrefused0000000000' },
    );
    const keeper = new SecretKeeper(new FileKeyCipher(join(dir, 'stripe-main-test.key')));
    let clock = Date.now();
    const scheduler = new SyncScheduler({ workspace: () => ws, keeper, onChange: () => {}, now: () => clock, http: FAST_HTTP });
    scheduler.tick();
    expect((await scheduler.running('stripe:main'))?.state).toBe('failed');
    const status = scheduler.statuses()[0];
    expect(status?.state).toBe('failed');
    expect(status?.error).toMatch(/refused the API key/);
    expect(status?.error).not.toContain('sk_test_51Nrefused0000000000');
    const finished = ws.db.prepare('SELECT finished_at FROM sync_runs').pluck().get() as string;
    expect(status?.nextRunAt).toBe(new Date(Date.parse(finished) + 15 * 60_000).toISOString());
    clock = Date.parse(finished) + 14 * 60_000;
    scheduler.tick();
    expect(scheduler.running('stripe:main')).toBeUndefined();
    await scheduler.stop();
    ws.close();
  });

  it('a secret that does not open here is shown as the reason, without syncing', async () => {
    const ws = await connectedWorkspace(join(dir, 'sealed-elsewhere'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
    const otherKey = new SecretKeeper(new FileKeyCipher(join(dir, 'another.key')));
    await otherKey.seal({ x: 'y' });
    const scheduler = new SyncScheduler({ workspace: () => ws, keeper: otherKey, onChange: () => {}, http: FAST_HTTP });
    scheduler.tick();
    await scheduler.running('stripe:main');
    expect(scheduler.statuses()[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/another key file/) });
    expect(ws.db.prepare('SELECT count(*) FROM sync_runs').pluck().get()).toBe(0);
    await scheduler.stop();
    ws.close();
  });
});
