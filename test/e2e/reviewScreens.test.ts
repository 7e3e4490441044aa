// The review screens of the demo month in Debian's Chromium through the browser host, at 1440×900 and 1280×800, in the
// light and the dark theme: October chosen in the period selector, the business dates and readable columns of every
// grid, no horizontal scrolling of the Exceptions grid, filters whose pop-ups and errors stay on screen, a grid's view
// exported as CSV and XLSX, and every screen saved under test-results/ (reviewed by eye: a passing test on a broken
// looking screen is not done). The README's screenshots are taken here too (readme-*.png).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { describeInBrowser, launchChromium, screenshot, serve, type ServedApp } from './browserSession.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
] as const;
const THEMES = ['light', 'dark'] as const;

describeInBrowser('review screens at 1440×900 and 1280×800, light and dark', () => {
  let base: string;
  let app: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'tieout-e2e-review-'));
    createDemoWorkspace(join(base, 'demo'), { orders: 300, actor: 'user:demo' }).workspace.close();
    app = await serve({ configDir: join(base, 'config'), workspace: join(base, 'demo'), home: base });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  async function open(size: { width: number; height: number }, theme: 'light' | 'dark'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: size, acceptDownloads: true });
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    // The theme the app reads at start (uiSlice.ts THEME_KEY), set before the page's own scripts run.
    await page.addInitScript(`window.localStorage.setItem('tieout.theme', ${JSON.stringify(theme)});`);
    await page.goto(app.url);
    await page.locator('.kpi').first().waitFor();
    return { page, errors };
  }

  async function nav(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();
    await page.getByRole('main', { name }).waitFor();
  }

  async function firstRow(page: Page, colId: string): Promise<Locator> {
    const cell = page.locator(`.ag-row[row-index="0"] [col-id="${colId}"]`).filter({ hasText: /\S/ }).first();
    await cell.waitFor();
    return cell;
  }

  /** The box of an element lies inside the window. */
  async function onScreen(page: Page, locator: Locator): Promise<boolean> {
    const box = await locator.boundingBox();
    const view = page.viewportSize();
    return (
      box !== null && view !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width + 0.5 && box.y + box.height <= view.height + 0.5
    );
  }

  for (const size of SIZES) {
    for (const theme of THEMES) {
      const tag = `${size.width}-${theme}`;
      it(`works October through at ${size.width}×${size.height} in the ${theme} theme`, async () => {
        const { page, errors } = await open(size, theme);
        try {
          // The latest month with data is the default (the demo's payouts land in November); October is one step back.
          const period = page.getByRole('group', { name: 'Period' });
          expect(await period.getByLabel('Month or range').inputValue()).toBe('2026-11');
          await period.getByRole('button', { name: 'Previous period' }).click();
          expect(await period.getByLabel('Month or range').inputValue()).toBe('2026-10');
          await page.locator('.kpi').first().waitFor();
          await page.locator('canvas').first().waitFor();
          await page.waitForTimeout(600);
          await screenshot(page, `review-${tag}-1-dashboard`);
          // The lower half: the three small charts (their labels whole at 1280 px) and the tables.
          await page
            .getByRole('heading', { name: 'Open exceptions by code, stacked by class' })
            .evaluate((h) => h.scrollIntoView({ block: 'start' }));
          await page.waitForTimeout(200);
          await screenshot(page, `review-${tag}-1b-dashboard-lower`);
          await page.getByRole('heading', { name: 'Dashboard' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));

          // Exceptions of October: business dates of October, rows read by who and what, no sideways scrolling.
          await nav(page, 'Exceptions');
          const date = await firstRow(page, 'businessDate');
          // Inside one calendar year the grid leaves the year out.
          expect(await date.innerText()).toMatch(/^Oct \d\d$/);
          expect(await page.locator('.ag-row[row-index="0"] [col-id="description"]').innerText()).not.toBe('');
          const scroll = (await page.evaluate(`(() => {
            const v = document.querySelector('.exceptions-screen .ag-body-horizontal-scroll-viewport');
            return v === null ? null : { scroll: v.scrollWidth, client: v.clientWidth };
          })()`)) as { scroll: number; client: number } | null;
          expect(scroll === null || scroll.scroll <= scroll.client + 1).toBe(true);
          await screenshot(page, `review-${tag}-2-exceptions`);

          // The Code filter's list keeps Clear and Done on screen; an unreadable bound's error stays inside the window.
          await page.getByRole('button', { name: /^Code:/ }).click();
          const codes = page.getByRole('group', { name: 'Code' });
          expect(await onScreen(page, codes.getByRole('button', { name: 'Done' }))).toBe(true);
          expect(await onScreen(page, codes.getByRole('button', { name: 'Clear' }))).toBe(true);
          await screenshot(page, `review-${tag}-3-code-filter`);
          await codes.getByRole('button', { name: 'Done' }).click();
          const ageTo = page.getByLabel('to (days)');
          await ageTo.fill('soon');
          await ageTo.press('Enter');
          const ageError = page.locator('.exceptions-filter-field .field-error').first();
          await ageError.waitFor();
          expect(await onScreen(page, ageError)).toBe(true);
          await screenshot(page, `review-${tag}-4-filter-error`);
          await page.getByRole('button', { name: 'Reset filters' }).click();

          // The detail: who, what, how much, the business date and its age apart from when it was raised; resolving asks how.
          await (await firstRow(page, 'code')).click();
          const detail = page.getByRole('complementary', { name: 'Exception detail' });
          await detail.getByRole('region', { name: 'History' }).waitFor();
          const summary = await detail.getByRole('region', { name: 'Summary' }).innerText();
          expect(summary).toMatch(/Business date\s+Oct \d\d, 2026 \(\d+ d/);
          expect(summary).toMatch(/Raised\s+/);
          await detail.getByRole('button', { name: 'Resolve…' }).click();
          await detail.getByRole('radio', { name: /Accepted difference/ }).check();
          await screenshot(page, `review-${tag}-5-exception-resolve`);
          await detail.getByRole('button', { name: 'Cancel' }).click();

          // Matches of October: a payout and the bank line that received it read as the same positive amount.
          await nav(page, 'Matches');
          await page.getByLabel('Link').selectOption('bank_payout');
          await (await firstRow(page, 'link')).click();
          const match = page.getByRole('complementary', { name: 'Match detail' });
          await match.getByRole('region', { name: 'Explanation' }).waitFor();
          const totals = await match.locator('.match-side-total').allInnerTexts();
          expect(totals).toHaveLength(2);
          expect(totals[0]?.replace(/^.*total /, '')).toBe(totals[1]?.replace(/^.*total /, ''));
          expect(totals.join(' ')).not.toContain('-');
          await screenshot(page, `review-${tag}-6-matches`);

          await nav(page, 'Payouts');
          await (await firstRow(page, 'externalId')).click();
          await page.getByRole('complementary', { name: 'Payout waterfall' }).getByRole('table', { name: 'Waterfall steps' }).waitFor();
          await screenshot(page, `review-${tag}-7-payouts`);
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      });
    }
  }

  it('exports the grid as it stands, as CSV and as XLSX', async () => {
    const { page } = await open({ width: 1440, height: 900 }, 'light');
    try {
      await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Previous period' }).click();
      await nav(page, 'Exceptions');
      await page.getByRole('button', { name: /^Code:/ }).click();
      await page
        .getByRole('group', { name: 'Code' })
        .getByLabel(/UNKNOWN_BANK_LINE/)
        .check();
      await page.getByRole('group', { name: 'Code' }).getByRole('button', { name: 'Done' }).click();
      await firstRow(page, 'code');
      const total = Number((await page.getByRole('status', { name: 'Exceptions in the filtered set' }).innerText()).replace(/\D/g, ''));
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
      expect(csv.suggestedFilename()).toBe('tieout-exceptions-2026-10.csv');
      const bytes = readFileSync((await csv.path()) as string);
      // A byte-order mark first, so Excel reads the UTF-8 file as UTF-8.
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^\uFEFFBusiness date,Code,Class,State,Counterparty \/ customer,Description,Order,At stake,/);
      expect(lines).toHaveLength(total + 1);
      expect(lines.slice(1).every((l) => /^2026-10-\d\d,UNKNOWN_BANK_LINE,/.test(l))).toBe(true);
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export XLSX' }).click()]);
      expect(xlsx.suggestedFilename()).toBe('tieout-exceptions-2026-10.xlsx');
      expect(
        readFileSync((await xlsx.path()) as string)
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
      await page
        .getByRole('status')
        .filter({ hasText: /Exported \d+ rows? to tieout-exceptions-2026-10\.xlsx/ })
        .or(page.locator('.notice.success').filter({ hasText: 'Exported' }))
        .first()
        .waitFor();
    } finally {
      await page.close();
    }
  });

  it('takes the README’s screenshots', async () => {
    const { page } = await open({ width: 1440, height: 900 }, 'light');
    try {
      await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Previous period' }).click();
      await page.locator('canvas').first().waitFor();
      await page.waitForTimeout(800);
      await screenshot(page, 'readme-dashboard');
      await nav(page, 'Exceptions');
      await (await firstRow(page, 'code')).click();
      await page.getByRole('complementary', { name: 'Exception detail' }).getByRole('region', { name: 'History' }).waitFor();
      await screenshot(page, 'readme-exceptions');
    } finally {
      await page.close();
    }
  });
});
