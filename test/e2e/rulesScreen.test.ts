// The Rules screen in Debian's Chromium through the browser host, on the demo month: a tolerance edited in the form
// (a wrong value shown at its field first, the JSON view beside it), tried on an exception before saving, saved in
// shadow with a reason (nothing live changes), its differences seen and one opened with both explanations side by side,
// promotion refused for its observation window, overridden with a reason, and rolled back to identical results. Every
// step is saved under test-results/rules-*.png (reviewed by eye).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium, screenshot, serve, type ServedApp } from './browserSession.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { projection, type Projection } from '../ruleVersions/ruleVersionSupport.ts';

describeInBrowser('the Rules screen: edit, shadow, compare, refused promotion, override, rollback', () => {
  let base: string;
  let ledgerPath: string;
  let app: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'tieout-e2e-rules-'));
    const demo = createDemoWorkspace(join(base, 'demo'), { orders: 300, actor: 'user:demo' });
    ledgerPath = demo.workspace.db.name;
    demo.workspace.close();
    app = await serve({ configDir: join(base, 'config'), workspace: join(base, 'demo'), home: base });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  /** The live results as the ledger holds them, read on a connection of the test's own. */
  function live(): Projection & { roundingException: string } {
    const db = new Database(ledgerPath, { readonly: true });
    try {
      const roundingException = db
        .prepare("SELECT exception_id FROM exceptions WHERE code = 'ROUNDING_DIFF' AND ended_at IS NULL ORDER BY exception_id LIMIT 1")
        .pluck()
        .get() as string;
      return { ...projection(db), roundingException };
    } finally {
      db.close();
    }
  }

  async function notice(page: Page, text: string | RegExp): Promise<void> {
    await page.locator('.notice.success').filter({ hasText: text }).first().waitFor();
  }

  it('edits a tolerance, sees the differences, is refused promotion, overrides with a reason and rolls back to identical results', async () => {
    const before = live();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(app.url);
      await page.locator('.kpi').first().waitFor();
      // The demo's differences fall in October; the latest month (November) is the default period.
      await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Previous period' }).click();
      expect(await page.getByRole('group', { name: 'Period' }).getByLabel('Month or range').inputValue()).toBe('2026-10');
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Rules' }).click();
      const main = page.getByRole('main', { name: 'Rules' });
      await main.getByRole('table', { name: 'Rule set versions' }).getByText('default@4').waitFor();
      await screenshot(page, 'rules-1-versions');

      // The editor starts from the rules in force; a wrong value is shown at its field, live.
      await main.getByRole('button', { name: 'Edit a new version' }).click();
      const editor = main.getByRole('region', { name: 'Edit the rules' });
      await editor
        .getByRole('navigation', { name: 'Rules' })
        .getByRole('button', { name: /order-payment\.exact-key/ })
        .click();
      const rule = editor.getByRole('group', { name: 'Rule order-payment.exact-key' });
      await rule.getByLabel('Rounding (minor units)').fill('-1');
      const fieldError = rule.locator('.field-error').first();
      await fieldError.waitFor();
      expect(await fieldError.textContent()).toMatch(/>=\s*0|greater than or equal to 0|too small/i);
      expect(await editor.getByRole('button', { name: 'Save as a shadow version' }).isDisabled()).toBe(true);
      await screenshot(page, 'rules-2-field-error');
      await rule.getByLabel('Rounding (minor units)').fill('0');
      await expect.poll(() => rule.locator('.field-error').count()).toBe(0);

      // The JSON view holds the same edit.
      await editor.getByRole('radio', { name: 'JSON' }).check();
      const json = await editor.getByLabel('Rule set JSON').inputValue();
      expect(json).toContain('"rounding_minor": 0');
      await screenshot(page, 'rules-3-json');
      await editor.getByRole('radio', { name: 'Form' }).check();

      // Tried on a rounding exception before saving: the edited rules make it an amount mismatch.
      const example = main.getByRole('region', { name: 'Try on an example' });
      await example.getByLabel('Event, exception or match id').fill(before.roundingException);
      await example.getByRole('button', { name: 'Try the edited rules' }).click();
      await example
        .getByRole('region', { name: 'With the edited rules' })
        .getByText(/AMOUNT_MISMATCH/)
        .first()
        .waitFor();
      expect(await example.getByRole('region', { name: 'Live now' }).textContent()).toContain('ROUNDING_DIFF');
      await example.scrollIntoViewIfNeeded();
      await screenshot(page, 'rules-4-example');

      // Saved in shadow with a reason: nothing live changed.
      await editor.getByLabel('Reason for the new version').fill('The processor charges card amounts to the cent.');
      await editor.getByRole('button', { name: 'Save as a shadow version' }).click();
      await notice(page, 'Saved as workspace@1, in shadow');
      expect(live()).toEqual(before);
      const comparison = main.getByRole('region', { name: 'Comparison' });
      await comparison.getByText(/workspace@1 against the live results \(default@4\): \d+ events? differs? in the whole ledger/).waitFor();
      await main.locator('.ag-row[row-index="0"] [col-id="category"]').filter({ hasText: /\S/ }).first().waitFor();
      expect(
        await main
          .getByRole('status')
          .filter({ hasText: /differences? in the period$/ })
          .textContent(),
      ).toMatch(/^[1-9]\d* differences? in the period$/);

      // A difference opens both explanations side by side.
      await main.locator('.ag-row[row-index="0"] [col-id="category"]').first().click();
      const pane = main.getByRole('complementary', { name: 'Difference' });
      await pane.getByRole('region', { name: 'Live' }).locator('.explanation, dl').first().waitFor();
      await pane
        .getByRole('region', { name: 'This version (workspace@1)' })
        .getByText(/AMOUNT_MISMATCH/)
        .first()
        .waitFor();
      await screenshot(page, 'rules-5-difference');
      await pane.getByRole('button', { name: 'Close the difference' }).click();

      // Promotion is refused: the version has not been observed for its window.
      const promote = comparison.getByRole('form', { name: 'Promote' });
      await promote.getByLabel('Reason').fill('Month-end close needs it now.');
      await promote.getByRole('button', { name: 'Promote' }).click();
      const refusal = promote.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(
        /^Promotion of workspace@1 refused: observed 0 of the 14 days of business time .* or override the observation window with a reason\.$/,
      );
      expect(live()).toEqual(before);
      await comparison.scrollIntoViewIfNeeded();
      await screenshot(page, 'rules-6-refused');

      // Overridden with the reason: the version is active and the results change.
      await promote.getByLabel('Override the observation window (journaled)').check();
      await promote.getByRole('button', { name: 'Promote' }).click();
      await notice(page, /workspace@1 is active \(default@4 retired\); the observation window was overridden/);
      expect(live()).not.toEqual(before);
      const versions = main.getByRole('table', { name: 'Rule set versions' });
      await versions.getByRole('row', { name: /workspace@1.*active.*in force/ }).waitFor();
      await screenshot(page, 'rules-7-promoted');

      // One step back: the results are exactly what they were.
      const rollback = main.getByRole('form', { name: 'Roll back to default@4' });
      await rollback.getByLabel('Reason').fill('Finance wants the cent rounding back.');
      await rollback.getByRole('button', { name: 'Roll back to default@4' }).click();
      await notice(page, 'Rolled back workspace@1: default@4 is in force again');
      expect(live()).toEqual(before);
      await versions.getByRole('row', { name: /workspace@1.*retired/ }).waitFor();
      expect(await main.getByRole('form', { name: /^Roll back to/ }).count()).toBe(0);
      await screenshot(page, 'rules-8-rolled-back');
      // The one refused call (the promotion without its window) is the only failed request.
      expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await page.close();
    }
  }, 180_000);
});
