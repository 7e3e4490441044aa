// The Growth screen of the demo month (issue 15) in Debian's Chromium through the browser host, at 1440×900 in the light
// and 1280×800 in the dark theme: October's day × platform rows, a row opened into its gap breakdown whose parts add up
// to its gap, the events behind a part listed, the campaign-ready figure, claimed vs real revenue drawn, and the
// Fulfillment queue of the Exceptions screen. Screenshots under test-results/ (growth-*.png, readme-growth.png), reviewed by eye.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium, screenshot, serve, type ServedApp } from './browserSession.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { FULFILLMENT_CODES } from '../../src/shared/growth/growthCodes.ts';

const CASES = [
  { width: 1440, height: 900, theme: 'light' },
  { width: 1280, height: 800, theme: 'dark' },
] as const;

/** "1,234.56" or "-12.00" (the table's money, without a currency code) as minor units. */
const minor = (text: string): number =>
  Math.round(
    Number(
      text
        .replace(/\u2212/g, '-')
        .replace(/[^\d.-]/g, '')
        .replace(/^-?$/, '0'),
    ) * 100,
  );

describeInBrowser('the Growth screen of the demo month', () => {
  let base: string;
  let app: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'tieout-e2e-growth-'));
    createDemoWorkspace(join(base, 'demo'), { orders: 600, actor: 'user:demo' }).workspace.close();
    app = await serve({ configDir: join(base, 'config'), workspace: join(base, 'demo'), home: base });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  async function open(size: { width: number; height: number }, theme: 'light' | 'dark'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: size });
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.addInitScript(`window.localStorage.setItem('tieout.theme', ${JSON.stringify(theme)});`);
    await page.goto(app.url);
    await page.locator('.kpi').first().waitFor();
    return { page, errors };
  }

  for (const c of CASES) {
    const tag = `${c.width}-${c.theme}`;
    it(`shows October's growth tie-out at ${c.width}×${c.height} in the ${c.theme} theme`, async () => {
      const { page, errors } = await open(c, c.theme);
      try {
        await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Growth' }).click();
        await page.getByRole('main', { name: 'Growth' }).waitFor();
        const period = page.getByRole('group', { name: 'Period' });
        if ((await period.getByLabel('Month or range').inputValue()) !== '2026-10')
          await period.getByRole('button', { name: 'Previous period' }).click();
        expect(await period.getByLabel('Month or range').inputValue()).toBe('2026-10');

        const table = page.getByRole('table', { name: 'Day × platform' });
        await table.locator('tbody tr').first().waitFor();
        await page.locator('.growth-chart canvas').waitFor();
        // Every day of October has a Meta and a Google row, and the not-attributable bucket.
        const platforms = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
        expect(platforms.filter((p) => p === 'Meta').length).toBeGreaterThanOrEqual(28);
        expect(platforms.filter((p) => p === 'Google').length).toBeGreaterThanOrEqual(28);
        expect(platforms).toContain('Not attributable');
        expect(await page.getByLabel('Campaign-ready share').innerText()).toMatch(/^\d+(\.\d)?%$/);
        await page.waitForTimeout(500);
        await screenshot(page, `growth-${tag}-1-screen`);

        // The first Meta row opens into its breakdown; its parts add up to its gap.
        const metaRow = table
          .locator('tbody tr')
          .filter({ has: page.locator('td:nth-child(3)', { hasText: /^Meta$/ }) })
          .first();
        const gap = minor(await metaRow.locator('td:nth-child(10)').innerText());
        await metaRow.getByRole('button', { name: /Open the gap breakdown of Meta/ }).click();
        const breakdown = page.getByRole('region', { name: /Gap breakdown of Meta/ });
        await breakdown.waitFor();
        const parts = await breakdown.locator('.growth-part > .num').allInnerTexts();
        expect(parts).toHaveLength(6);
        expect(parts.reduce((s, p) => s + minor(p), 0)).toBe(gap);
        // The residual's events are the platform's own claim rows; a part with money has its events to show.
        const eventsButton = breakdown.getByRole('button', { name: /events?$/ }).first();
        await eventsButton.click();
        const events = breakdown.locator('table.growth-events tbody tr');
        await events.first().waitFor();
        expect(await events.count()).toBeGreaterThan(0);
        await breakdown.evaluate((el) => el.scrollIntoView({ block: 'center' }));
        await page.waitForTimeout(200);
        await screenshot(page, `growth-${tag}-2-breakdown`);
        if (c.theme === 'light') {
          // The README's screenshot (docs/screenshots/growth.png): the table with the open row's breakdown and events.
          await page.getByRole('heading', { name: 'Day × platform' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
          await page.waitForTimeout(200);
          await screenshot(page, 'readme-growth');
        }

        // Spend ↔ billing ↔ cash and orders ↔ shipments, then the fulfillment queue they lead to.
        await page.getByRole('heading', { name: 'Spend ↔ billing ↔ cash' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
        await page.waitForTimeout(200);
        await screenshot(page, `growth-${tag}-3-billing-shipments`);
        await page.getByRole('button', { name: 'Open the fulfillment queue' }).click();
        await page.getByRole('main', { name: 'Exceptions' }).waitFor();
        expect(await page.getByLabel('Code group').inputValue()).toBe('fulfillment');
        await page.locator('.ag-row[row-index="0"] [col-id="code"]').filter({ hasText: /\S/ }).first().waitFor();
        await page.waitForTimeout(300);
        const codes = (await page.locator('.ag-row [col-id="code"]').allInnerTexts()).filter((t) => t.trim() !== '');
        const labels = FULFILLMENT_CODES.map((k) => k.toLowerCase().replace(/_/g, ' '));
        expect(codes.length).toBeGreaterThan(0);
        expect(
          codes.filter(
            (text) =>
              !labels.some((l) =>
                text
                  .toLowerCase()
                  .replace(/[\s_]+/g, ' ')
                  .includes(l),
              ),
          ),
        ).toEqual([]);
        await screenshot(page, `growth-${tag}-4-fulfillment-queue`);
        // A fulfillment exception's detail: its explanation in words and its events, no matching candidates to offer.
        await page.locator('.ag-row[row-index="0"] [col-id="code"]').click();
        const detail = page.getByRole('complementary', { name: 'Exception detail' });
        await detail.getByRole('region', { name: 'History' }).waitFor();
        expect(await detail.innerText()).toMatch(/order \S+:/);
        await screenshot(page, `growth-${tag}-5-fulfillment-detail`);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 90_000);
  }
});
