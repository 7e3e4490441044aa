// The Sources screen with sources connected by API, in Debian's Chromium through the browser host (`tieout serve`):
// a Stripe source the services sync in the background from a local Stripe on 127.0.0.1, one whose key is refused
// (failed, with the reason and the batch fallback), "Sync now". Screenshots under test-results/connectors-*.png.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium, screenshot, serve, type ServedApp } from './browserSession.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { connectorConfig, storeConnection } from '../../src/main/connectors/connectSource.ts';
import { SecretKeeper } from '../../src/main/connectors/secrets/secretCipher.ts';
import { FileKeyCipher, fileKeyPath } from '../../src/main/connectors/secrets/fileKeyCipher.ts';
import { FakeStripe, stripeDataFromRows } from '../connectors/support/fakeStripe.ts';
import { stripeMonthRows } from '../connectors/support/stripeMonth.ts';

const KEY = 'sk_test_51Ne2eKeyNeverShown00000099';

describeInBrowser('Sources screen: connected sources synced in the background', () => {
  let base: string;
  let app: ServedApp;
  let browser: Browser;
  const stripe = new FakeStripe(stripeDataFromRows(stripeMonthRows(150, 8)), KEY);

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'tieout-e2e-connectors-'));
    const url = await stripe.start();
    const last = Math.max(...stripe.data.balanceTransactions.map((b) => b.created as number));
    stripe.server.skewMs = (last + 3 * 86_400) * 1000 - Date.now();
    const configDir = join(base, 'config');
    const ws = createWorkspace(join(base, 'books'), { name: 'Ridge Outfitters', timeZone: 'UTC' });
    const keeper = new SecretKeeper(new FileKeyCipher(fileKeyPath(configDir)));
    storeConnection(ws, 'stripe:main', connectorConfig({ source: 'stripe:main', baseUrl: url }), await keeper.seal({ api_key: KEY }), 'user:test');
    storeConnection(
      ws,
      'stripe:eu',
      connectorConfig({ source: 'stripe:eu', baseUrl: url }),
      await keeper.seal({ api_key: 'sk_test_51Nrevoked000000000000' }),
      'user:test',
    );
    ws.close();
    app = await serve({ configDir, workspace: join(base, 'books'), home: base });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await stripe.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('shows each connection with its state, last sync, next run and error; Sync now syncs again', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Sources' }).click();
    const panel = page.getByRole('region', { name: 'Connected sources' });
    await panel.waitFor();
    const main = panel.getByRole('row').filter({ hasText: 'stripe:main' });
    const eu = panel.getByRole('row').filter({ hasText: 'stripe:eu' }).first();
    // Synced at start, without anyone asking: the background loop.
    await main.getByText('Up to date').waitFor({ timeout: 60_000 });
    await eu.getByText('Failed').waitFor();
    await panel.getByText(/refused the API key/).waitFor();
    expect(await panel.innerText()).not.toContain('sk_test_51Nrevoked');
    expect(await main.innerText()).toMatch(/every 1 h/);
    await page.getByRole('table', { name: 'Import history' }).getByText('stripe:main').first().waitFor();
    await screenshot(page, 'connectors-1-synced');

    const before = stripe.server.requests.length;
    await main.getByRole('button', { name: 'Sync now' }).click();
    await panel.getByText(/Syncing stripe:main\.|stripe:main is syncing already\./).waitFor();
    await main.getByText('Up to date').waitFor({ timeout: 60_000 });
    expect(stripe.server.requests.length).toBeGreaterThan(before);
    await screenshot(page, 'connectors-2-sync-now');

    // The batch fallback of a source that fails: the import wizard, preset to it.
    await eu.getByRole('button', { name: 'Import a file instead' }).click();
    await page.getByRole('region', { name: 'Import files' }).waitFor();
    await screenshot(page, 'connectors-3-fallback');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
