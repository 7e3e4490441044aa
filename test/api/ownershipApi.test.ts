// Owners, SLA, notifications, metrics, checklist and the exception card through the service host (the API every
// front door uses), over a workspace whose exceptions opened on 1 November 2026.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { ApiEvent, ResponseOf } from '../../src/shared/api/contract.ts';
import { ServiceHost, type Envelope } from '../../src/main/api/serviceHost.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { ownersWorkspace } from '../support/ownersWorkspace.ts';

const root = makeTempDir('tieout-owners-api-');
let host: ServiceHost;
const events: ApiEvent[] = [];
let n = 0;

function result<T>(envelope: Envelope): T {
  if (!envelope.ok) throw new Error(`call failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}
const call = async <T>(method: string, request: unknown): Promise<T> => result<T>(await host.call(method, request, `c${++n}`));

let workspace = '';
beforeAll(async () => {
  workspace = ownersWorkspace(join(root, 'books'), '2026-11-01T12:00:00Z');
  host = await ServiceHost.start({ configDir: join(root, 'config'), host: 'browser', actor: 'user:ben', workspacePath: workspace });
  host.onEvent((e) => events.push(e));
});
afterAll(async () => {
  await host.close();
});

describe('owners through the API', () => {
  it('lists owners, me and everyone named; a hand-over is written to workspace.json', async () => {
    const list = await call<ResponseOf<'owners.list'>>('owners.list', {});
    expect(list.me).toBe('Ben Okafor <ben@ridge.test>');
    expect(list.people).toEqual(['Ana Lopez <ana@ridge.test>', 'Ben Okafor <ben@ridge.test>', 'Dee Finance <cfo@ridge.test>']);
    expect(list.domains.find((d) => d.domain === 'bank')).toMatchObject({
      owner: 'Ana Lopez <ana@ridge.test>',
      escalation: 'Dee Finance <cfo@ridge.test>',
    });
    await call('owners.set', {
      domain: 'payments',
      owner: { name: 'Cy Park', email: 'cy@ridge.test' },
      backup: { name: 'Ana Lopez', email: 'ana@ridge.test' },
      from: '2026-01-01',
    });
    const file = JSON.parse(readFileSync(join(workspace, 'workspace.json'), 'utf8')) as { owners: Record<string, unknown> };
    expect(Object.keys(file.owners)).toEqual(['bank', 'payments']);
    expect(events).toContainEqual({ type: 'changed', what: ['settings', 'exceptions'] });
    const bad = await host.call(
      'owners.set',
      { domain: 'Bank!', owner: { name: 'A', email: 'a@x.test' }, backup: { name: 'B', email: 'b@x.test' } },
      'bad',
    );
    expect(bad).toMatchObject({ ok: false, error: { kind: 'bad_input' } });
  });

  it('sla.check takes the steps due on the wall clock, once; notifications.list reads them back, marked for me', async () => {
    const check = await call<ResponseOf<'sla.check'>>('sla.check', {});
    expect(check.notifications.map((s) => [s.level, s.role, s.to])).toEqual([
      [2, 'escalation contact', 'Dee Finance <cfo@ridge.test>'],
      [1, 'backup', 'Ben Okafor <ben@ridge.test>'],
      [2, 'escalation contact', 'Dee Finance <cfo@ridge.test>'],
      [1, 'backup', 'Ben Okafor <ben@ridge.test>'],
    ]);
    // Ben ("me") is the backup: the steps to him are his, those to Dee are not.
    expect(check.notifications.map((s) => s.forMe)).toEqual([false, true, false, true]);
    expect(check.escalatedTotal).toBe(2);
    expect((await call<ResponseOf<'sla.check'>>('sla.check', {})).notifications).toEqual([]);
    const listed = await call<ResponseOf<'notifications.list'>>('notifications.list', { limit: 3 });
    expect(listed.notifications).toHaveLength(3);
    expect(listed.notifications[0]).toMatchObject({ code: 'UNKNOWN_BANK_LINE', title: 'UNKNOWN_BANK_LINE escalated to the escalation contact' });
  });

  it('the card: owner, SLA, escalations, playbook, the filled message and the ticket link; playbooks are editable', async () => {
    const id = await wireId();
    const card = await call<ResponseOf<'exceptions.card'>>('exceptions.card', { exceptionId: id });
    expect(card).toMatchObject({
      domain: 'bank',
      owner: 'Ana Lopez <ana@ridge.test>',
      backup: 'Ben Okafor <ben@ridge.test>',
      escalationContact: 'Dee Finance <cfo@ridge.test>',
      slaTier: 'HIGH',
      slaDueAt: '2026-11-04T12:00:00.000Z',
      slaState: 'overdue',
      escalationLevel: 2,
      escalatedTo: 'escalation contact',
      family: 'finance',
      playbook: { title: 'A bank line has no counterpart', origin: 'default' },
    });
    expect(card.escalations.map((e) => [e.level, e.to])).toEqual([
      [1, 'Ben Okafor <ben@ridge.test>'],
      [2, 'Dee Finance <cfo@ridge.test>'],
    ]);
    expect(card.message).toContain('Subject: [Ridge] UNKNOWN_BANK_LINE – 1,250.00 USD to clear by 2026-11-04 07:00 (America/New_York)');
    expect(card.message).toContain('Hi Ana Lopez,');
    expect(card.message).not.toMatch(/\{[a-z_]+\}/);
    expect(card.ticketUrl).toMatch(
      /^https:\/\/ridge\.atlassian\.net\/secure\/CreateIssueDetails!init\.jspa\?pid=10000&issuetype=10002&summary=UNKNOWN_BANK_LINE%3A%20A%20bank%20line/,
    );
    expect(decodeURIComponent(new URL(card.ticketUrl as string).searchParams.get('description') ?? '')).toContain(
      'Owner: Ana Lopez <ana@ridge.test>.',
    );

    await call('playbooks.set', { code: 'UNKNOWN_BANK_LINE', playbook: { title: 'Unknown money on the account', steps: ['Call the bank.'] } });
    const edited = await call<ResponseOf<'exceptions.card'>>('exceptions.card', { exceptionId: id });
    expect(edited.playbook).toEqual({ title: 'Unknown money on the account', steps: ['Call the bank.'], origin: 'workspace' });
    expect(edited.ticketText).toContain('Playbook (this workspace):\n1. Call the bank.');
    const missing = await host.call('exceptions.card', { exceptionId: 'x_nope' }, 'missing');
    expect(missing).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });

  it('reassign: a reason is required to take an exception from its owner; names resolve to people', async () => {
    const id = await wireId();
    const refused = await host.call('exceptions.reassign', { exceptionIds: [id], owner: 'Ben' }, 'r1');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'bad_input' } });
    expect(await call('exceptions.reassign', { exceptionIds: [id], owner: 'Ben', reason: 'Ben is back' })).toEqual({
      assigned: 1,
      owner: 'Ben Okafor <ben@ridge.test>',
    });
    const card = await call<ResponseOf<'exceptions.card'>>('exceptions.card', { exceptionId: id });
    expect(card.owner).toBe('Ben Okafor <ben@ridge.test>');
  });

  it('metrics and the checklist answer', async () => {
    const m = await call<ResponseOf<'metrics.get'>>('metrics.get', { from: '2026-11-01', to: '2026-11-30' });
    expect(m.summary.top_exceptions.map((t) => t.code)).toEqual(['UNKNOWN_BANK_LINE']);
    expect(m.days).toHaveLength(30);
    const c = await call<ResponseOf<'checklist.get'>>('checklist.get', {});
    expect(c.items.map((i) => [i.id, i.ok])).toEqual([
      ['sources', false],
      ['owners', true],
      ['thresholds', false],
      ['playbooks', true],
      ['shadow', true],
      ['raw_files', true],
    ]);
  });
});

async function wireId(): Promise<string> {
  const page = await call<{ rows: Array<{ exceptionId: string; amountMinor: number }> }>('exceptions.query', {
    startRow: 0,
    endRow: 10,
    filter: { codes: ['UNKNOWN_BANK_LINE'] },
  });
  return page.rows.find((r) => r.amountMinor === 125000)?.exceptionId as string;
}
