// Owners, SLA and queues in Debian's Chromium through the browser host (issue 13), on the demo month with owners in
// workspace.json and the SLA clock run 30 h after the exceptions opened (every live one escalated to its backup):
// the queue tabs with their counts, My queue and Escalated, the exception card (owner, backup, SLA, escalation
// history, playbook edited for the workspace, message, new-ticket link), bulk reassign with a reason, Who am I in
// Settings, the bell's escalation list and the Dashboard's operating metrics and checklist. Screenshots under
// test-results/owners-*.png (reviewed by eye).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium, screenshot, serve, type ServedApp } from './browserSession.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { openWorkspace } from '../../src/main/workspace/workspace.ts';
import { applySla } from '../../src/main/owners/slaClock.ts';

const ANA = { name: 'Ana Lopez', email: 'ana@ridge.example' };
const BEA = { name: 'Bea Park', email: 'bea@ridge.example' };
const CARLA = { name: 'Carla Diaz', email: 'carla@ridge.example' };
const JIRA = 'https://ridge.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=10000&issuetype=10002&summary={title}&description={description}';

/** The demo month with owners for payments and bank, Ana as "me", and the SLA clock run 30 h on. */
function ownedDemo(dir: string): { escalated: number } {
  createDemoWorkspace(dir, { orders: 300, actor: 'user:demo' }).workspace.close();
  const file = join(dir, 'workspace.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  settings['me'] = ANA;
  settings['owners'] = {
    payments: { assignments: [{ from: '2026-01-01', owner: ANA, backup: BEA }], escalation: CARLA, ticket_url: JIRA },
    bank: { assignments: [{ from: '2026-01-01', owner: BEA, backup: ANA }], escalation: CARLA },
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  const ws = openWorkspace(dir);
  try {
    const report = applySla(ws.db, ws.settings, new Date(Date.now() + 30 * 3_600_000).toISOString());
    return { escalated: report.escalated.length };
  } finally {
    ws.close();
  }
}

describeInBrowser('owners, SLA and queues at 1440×900', () => {
  let base: string;
  let app: ServedApp;
  let browser: Browser;
  let escalated: number;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'tieout-e2e-owners-'));
    ({ escalated } = ownedDemo(join(base, 'demo')));
    app = await serve({ configDir: join(base, 'config'), workspace: join(base, 'demo'), home: base });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  async function nav(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();
    await page.getByRole('main', { name }).waitFor();
  }

  async function queueCount(page: Page, name: RegExp): Promise<number> {
    const text = await page.getByRole('tab', { name }).locator('.queue-count').innerText();
    return Number(text.replace(/,/g, ''));
  }

  it('works the queues, the card, a bulk reassign, Who am I, the bell and the operating dashboard', async () => {
    expect(escalated).toBeGreaterThan(0);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await page.goto(app.url);
      await page.locator('.kpi').first().waitFor();
      // October: the demo's exceptions' business dates.
      await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Previous period' }).click();

      // The operating part of the Dashboard: the metrics, their series, the checklist (owners assigned here).
      const operations = page.getByRole('region', { name: /^Operations/ });
      await operations.getByRole('group', { name: 'Operating metrics' }).waitFor();
      await operations.locator('canvas').first().waitFor();
      const checklist = page.getByRole('region', { name: /Operating checklist/ });
      expect(await checklist.innerText()).toMatch(/Owners and backups/i);
      await page.waitForTimeout(500);
      await operations.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(300);
      await screenshot(page, 'owners-1-dashboard-operations');

      // The queues: counts on every tab; My queue is Ana's (payments, and bank handed to her as its backup).
      await nav(page, 'Exceptions');
      const tabs = page.getByRole('tablist', { name: 'Queues' });
      await tabs.locator('.queue-count').first().waitFor();
      const team = await queueCount(page, /^Team/);
      const mine = await queueCount(page, /^My queue/);
      const escalatedCount = await queueCount(page, /^Escalated/);
      expect(team).toBeGreaterThan(0);
      expect(mine).toBeGreaterThan(0);
      expect(escalatedCount).toBeGreaterThan(0);
      expect(await queueCount(page, /^Unassigned/)).toBeLessThan(team);

      await page.getByRole('tab', { name: /^My queue/ }).click();
      await page
        .getByRole('status', { name: 'Exceptions in the filtered set' })
        .filter({ hasText: new RegExp(`^${mine.toLocaleString('en-US')} exception`) })
        .waitFor();
      const owner = page.locator('.ag-row[row-index="0"] [col-id="owner"]');
      // Ana's own, and bank's that the 24 h step handed to her as its backup.
      await owner.filter({ hasText: /Ana Lopez|Bea Park/ }).waitFor();
      await screenshot(page, 'owners-2-my-queue');

      await page.getByRole('tab', { name: /^Escalated/ }).click();
      await page
        .getByRole('status', { name: 'Exceptions in the filtered set' })
        .filter({ hasText: new RegExp(`^${escalatedCount.toLocaleString('en-US')} exception`) })
        .waitFor();
      const sla = page.locator('.ag-row[row-index="0"] [col-id="slaDueAt"]');
      await sla.filter({ hasText: /↑/ }).waitFor();

      // The card of the first escalated exception of payments.
      await page.getByRole('button', { name: /^Domain:/ }).click();
      const domains = page.getByRole('group', { name: 'Domain' });
      await domains.getByRole('checkbox', { name: /^payments/ }).check();
      await domains.getByRole('button', { name: 'Done' }).click();
      await page.locator('.ag-row[row-index="0"] [col-id="code"]').filter({ hasText: /\S/ }).first().click();
      const detail = page.getByRole('complementary', { name: 'Exception detail' });
      const owners = detail.getByRole('region', { name: 'Owners and SLA' });
      await owners.waitFor();
      const ownersText = await owners.innerText();
      expect(ownersText).toMatch(/Owner\s+Ana Lopez/);
      expect(ownersText).toMatch(/Backup\s+Bea Park/);
      expect(ownersText).toMatch(/Escalates to\s+Carla Diaz/);
      expect(ownersText).toMatch(/Step 1: to the backup Bea Park/);
      const link = detail.getByRole('link', { name: 'Open a new ticket' });
      expect(await link.getAttribute('href')).toMatch(
        /^https:\/\/ridge\.atlassian\.net\/secure\/CreateIssueDetails!init\.jspa\?pid=10000&issuetype=10002&summary=[^{}&]+&description=/,
      );
      expect(await detail.getByRole('region', { name: 'Message' }).innerText()).toMatch(/finance template/i);
      await owners.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'owners-3-card');

      // The playbook, edited for this workspace.
      const playbook = detail.getByRole('region', { name: 'Playbook' });
      await playbook.getByRole('button', { name: 'Edit playbook…' }).click();
      const steps = playbook.getByLabel('Steps, one a line');
      await steps.fill(`${await steps.inputValue()}\nPost in #finance-ops when done`);
      await playbook.getByRole('button', { name: 'Save for this workspace' }).click();
      await playbook.getByText("(this workspace's)").waitFor();
      expect(await playbook.innerText()).toContain('Post in #finance-ops when done');
      await playbook.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'owners-4-card-playbook-ticket');
      await detail.getByRole('button', { name: 'Close detail' }).click();

      // Bulk reassign of the first two rows to Carla, with a reason; the grid's owner follows.
      await page.locator('.ag-row[row-index="0"] .ag-selection-checkbox input').check();
      await page.locator('.ag-row[row-index="1"] .ag-selection-checkbox input').check();
      await page.getByRole('button', { name: 'Reassign selected…' }).click();
      const form = page.getByRole('form', { name: 'Reassign 2 exceptions' });
      await form.getByLabel('Owner', { exact: true }).fill('Carla Diaz <carla@ridge.example>');
      await form.getByLabel(/^Reason/).fill('Ana is closing the quarter');
      await screenshot(page, 'owners-5-bulk-reassign');
      await form.getByRole('button', { name: 'Reassign 2 exceptions' }).click();
      await page.getByText('Reassigned 2 exceptions to Carla Diaz <carla@ridge.example>').waitFor();
      await page.getByRole('button', { name: /^Owner:/ }).click();
      const ownerFilter = page.getByRole('group', { name: 'Owner' });
      await ownerFilter.getByRole('checkbox', { name: /^Carla Diaz/ }).check();
      await ownerFilter.getByRole('button', { name: 'Done' }).click();
      await page
        .getByRole('status', { name: 'Exceptions in the filtered set' })
        .filter({ hasText: /^2 exceptions/ })
        .waitFor();

      // The bell: the escalation steps the clock journaled, newest first.
      await page.getByRole('button', { name: /^Notifications, \d+ new/ }).click();
      const list = page.getByRole('dialog', { name: 'Notifications' });
      expect(await list.getByRole('listitem').count()).toBeGreaterThan(0);
      await screenshot(page, 'owners-6-notifications');
      await list.getByRole('button', { name: 'Close' }).click();

      // Settings: who uses this laptop, and the domains today.
      await nav(page, 'Settings');
      const who = page.getByRole('form', { name: 'Who am I' });
      await who.waitFor();
      expect(await who.getByLabel('You').inputValue()).toBe('Ana Lopez <ana@ridge.example>');
      const panel = page.getByRole('region', { name: 'Owners' });
      await panel.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'owners-7-settings');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);
});
