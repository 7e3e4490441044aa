// A workspace whose exceptions opened in the past: the shipped samples imported and reconciled with Date faked to
// `openedAt`, bank owned by Ana with Ben as backup (and "me"), Dee as escalation contact, a Jira ticket link for bank.
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { vi } from 'vitest';
import { createWorkspace, openWorkspace } from '../../src/main/workspace/workspace.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { importSamples } from './matchingFixtures.ts';

export const ANA = { name: 'Ana Lopez', email: 'ana@ridge.test' };
export const BEN = { name: 'Ben Okafor', email: 'ben@ridge.test' };
export const DEE = { name: 'Dee Finance', email: 'cfo@ridge.test' };
export const JIRA =
  'https://ridge.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=10000&issuetype=10002&summary={title}&description={description}';

export function ownersWorkspace(path: string, openedAt: string, extra: Record<string, unknown> = {}): string {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(openedAt));
  try {
    createWorkspace(path, { name: 'Ridge', timeZone: 'America/New_York' }).close();
    const file = join(path, 'workspace.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const owners = { bank: { assignments: [{ from: '2026-01-01', owner: ANA, backup: BEN }], escalation: DEE, ticket_url: JIRA } };
    writeFileSync(file, JSON.stringify({ ...settings, me: BEN, owners, ...extra }, null, 2));
    const ws = openWorkspace(path);
    importSamples(ws);
    reconcile(ws.db, ws.settings, { mode: 'full' });
    ws.close();
  } finally {
    vi.useRealTimers();
  }
  return path;
}
