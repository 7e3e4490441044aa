// The Close screen in Debian's Chromium through the browser host: October of the demo month chosen in the period
// selector, its checklist and rollforward, a sign-off refused until the open class C exceptions are carried forward,
// the month closed, and its audit pack exported from the screen, byte for byte the pack stored at the close and passing
// verify. Screens saved under test-results/close-*.png (reviewed by eye).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import Database from 'better-sqlite3';
import { describeInBrowser, launchChromium, screenshot, serve, type ServedApp } from './browserSession.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { verifyPack } from '../../src/main/close/pack/packVerify.ts';

describeInBrowser('Close screen', () => {
  let base: string;
  let app: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'tieout-e2e-close-'));
    createDemoWorkspace(join(base, 'demo'), { orders: 300, actor: 'user:demo' }).workspace.close();
    app = await serve({ configDir: join(base, 'config'), workspace: join(base, 'demo'), home: base });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('closes October and exports its audit pack', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.addInitScript(`window.localStorage.setItem('tieout.theme', 'light');`);
    await page.goto(app.url);
    await page.locator('.kpi').first().waitFor();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('main', { name: 'Close' }).waitFor();
    const period = page.getByRole('group', { name: 'Period' });
    await period.getByRole('button', { name: 'Previous period' }).click();
    await page.getByRole('heading', { name: /Close October 2026/ }).waitFor();
    // October's own status, not November's (the month the app opened on) under October's title.
    await page.getByText('2026-10-01 to 2026-10-31, America/New_York').waitFor();
    const checklist = page.getByRole('region', { name: 'Checklist' });
    await checklist.getByText('No open class C exception of the month').waitFor();
    await checklist.getByText('Blocks the close').waitFor();
    await page.getByRole('region', { name: 'Rollforward' }).getByText('Processor clearing accounts').waitFor();
    await screenshot(page, 'close-1-open');

    const form = page.getByRole('form', { name: 'Sign off the month' });
    await form.getByLabel('Signed off by').fill('Dana Reyes');
    await form.getByLabel('Reason').fill('October books reconciled');
    const submit = form.getByRole('button', { name: 'Close 2026-10' });
    expect(await submit.isDisabled()).toBe(true);
    await form.getByLabel(/Carry the \d+ open class C exceptions forward/).check();
    await screenshot(page, 'close-2-sign-off');
    await submit.click();
    await page.locator('.badge.close-state.closed').waitFor();
    await page.getByText(/Closed by Dana Reyes/).waitFor();
    await screenshot(page, 'close-3-closed');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export audit pack' }).click()]);
    expect(download.suggestedFilename()).toBe('tieout-pack-2026-10.zip');
    const path = join(base, 'pack.zip');
    await download.saveAs(path);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    const db = new Database(join(base, 'demo', 'ledger.sqlite'), { readonly: true });
    const stored = JSON.parse(db.prepare("SELECT payload FROM journal WHERE entry_type = 'period.closed'").pluck().get() as string).pack.sha256;
    db.close();
    expect(sha).toBe(stored);
    expect(verifyPack(path).ok).toBe(true);
    await screenshot(page, 'close-4-exported');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
