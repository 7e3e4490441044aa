// Owners and SLA when exceptions open, and the SLA clock's escalations, on the shipped samples imported and reconciled
// for real, with the wall clock fixed (Date faked) so openings, rotations and escalation steps fall on known instants.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { createWorkspace, openWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importSamples } from '../support/matchingFixtures.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { applySla } from '../../src/main/owners/slaClock.ts';
import { setDomainOwners } from '../../src/main/owners/ownersService.ts';
import { assignException, resolveException, DecisionError } from '../../src/main/matching/decisions.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-owners-');
let n = 0;
let ws: Workspace;

const ana = { name: 'Ana Lopez', email: 'ana@ridge.test' };
const ben = { name: 'Ben Okafor', email: 'ben@ridge.test' };
const cy = { name: 'Cy Park', email: 'cy@ridge.test' };
const dee = { name: 'Dee Finance', email: 'cfo@ridge.test' };
const OPENED = '2026-11-02T09:00:00.000Z';

function workspaceWith(extra: Record<string, unknown>): Workspace {
  const dir = join(root, `ws${n++}`);
  createWorkspace(dir, { name: 'Ridge', reportingCurrency: 'USD', timeZone: 'America/New_York' }).close();
  const path = join(dir, 'workspace.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...extra }, null, 2));
  return openWorkspace(dir);
}

/** The README's three sample imports, then a full run: the run opens the exceptions at the faked wall clock. */
function importAndRun(): void {
  importSamples(ws);
  reconcile(ws.db, ws.settings, { mode: 'full' });
}

const rows = (): Array<Record<string, unknown>> =>
  ws.db
    .prepare(
      `SELECT code, amount_minor, state, domain, owner, backup, sla_tier, sla_due_at, opened_at, escalation_level FROM exceptions
       WHERE ended_at IS NULL ORDER BY code, amount_minor`,
    )
    .all() as Array<Record<string, unknown>>;
const journal = (type: string): Array<{ subject_id: string; reason: string; payload: Record<string, unknown> }> =>
  (
    ws.db.prepare('SELECT subject_id, reason, payload FROM journal WHERE entry_type = ? ORDER BY seq').all(type) as Array<{
      subject_id: string;
      reason: string;
      payload: string;
    }>
  ).map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(OPENED));
});
afterEach(() => {
  ws.close();
  vi.useRealTimers();
});

describe('an exception opening', () => {
  it('gets its domain, the owner and backup of that domain on the opening day, the SLA tier and due time, journaled', () => {
    ws = workspaceWith({
      owners: {
        bank: { rotation: { every: 'quarter', starting: '2026-10-01', people: [ana, ben] }, escalation: dee },
        payments: { assignments: [{ from: '2026-01-01', owner: cy, backup: ana }] },
      },
    });
    importAndRun();
    // The samples leave two bank lines nobody explains: a 1,250.00 wire (above the 1,000 policy gate) and the rent.
    expect(rows()).toEqual([
      {
        code: 'UNKNOWN_BANK_LINE',
        amount_minor: -240000,
        state: 'open',
        domain: 'bank',
        owner: 'Ana Lopez <ana@ridge.test>',
        backup: 'Ben Okafor <ben@ridge.test>',
        sla_tier: 'HIGH',
        sla_due_at: '2026-11-05T09:00:00.000Z',
        opened_at: OPENED,
        escalation_level: 0,
      },
      {
        code: 'UNKNOWN_BANK_LINE',
        amount_minor: 125000,
        state: 'open',
        domain: 'bank',
        owner: 'Ana Lopez <ana@ridge.test>',
        backup: 'Ben Okafor <ben@ridge.test>',
        sla_tier: 'HIGH',
        sla_due_at: '2026-11-05T09:00:00.000Z',
        opened_at: OPENED,
        escalation_level: 0,
      },
    ]);
    const opened = journal('exception.opened');
    expect(opened).toHaveLength(2);
    expect(opened[0]?.payload).toMatchObject({
      domain: 'bank',
      owner: 'Ana Lopez <ana@ridge.test>',
      backup: 'Ben Okafor <ben@ridge.test>',
      sla_tier: 'HIGH',
      sla_due_at: '2026-11-05T09:00:00.000Z',
    });
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('with nobody owning its domain: unassigned, still with a tier and a due time; a hand-over later gives it the new owner', () => {
    ws = workspaceWith({
      sla: {
        tiers: [
          { tier: 'CRITICAL', due_hours: 4, min_amount_minor: 200000 },
          { tier: 'LOW', due_hours: 100 },
        ],
      },
    });
    importAndRun();
    expect(rows().map((r) => [r.amount_minor, r.owner, r.sla_tier, r.sla_due_at])).toEqual([
      [-240000, null, 'CRITICAL', '2026-11-02T13:00:00.000Z'],
      [125000, null, 'LOW', '2026-11-06T13:00:00.000Z'],
    ]);
    vi.setSystemTime(new Date('2026-11-03T15:00:00.000Z'));
    expect(setDomainOwners(ws, { domain: 'bank', owner: ben, backup: cy }, 'user:lead')).toEqual({ from: '2026-11-03', assigned: 2 });
    expect(rows().map((r) => [r.owner, r.backup, r.sla_due_at, r.opened_at])).toEqual([
      ['Ben Okafor <ben@ridge.test>', 'Cy Park <cy@ridge.test>', '2026-11-02T13:00:00.000Z', OPENED],
      ['Ben Okafor <ben@ridge.test>', 'Cy Park <cy@ridge.test>', '2026-11-06T13:00:00.000Z', OPENED],
    ]);
    expect(journal('owners.changed')[0]?.payload).toMatchObject({ domain: 'bank', from: '2026-11-03', owner: 'Ben Okafor <ben@ridge.test>' });
    expect(journal('exception.sla_assigned')).toHaveLength(2);
    const file = JSON.parse(readFileSync(join(ws.dir, 'workspace.json'), 'utf8')) as { owners: { bank: unknown } };
    expect(file.owners.bank).toEqual({ assignments: [{ from: '2026-11-03', owner: ben, backup: cy }] });
    expect(ws.settings.owners?.['bank']?.assignments).toHaveLength(1);
  });
});

describe('the SLA clock', () => {
  beforeEach(() => {
    ws = workspaceWith({
      owners: { bank: { assignments: [{ from: '2026-01-01', owner: ana, backup: ben }], escalation: dee } },
    });
    importAndRun();
  });

  const levels = (): number[] => rows().map((r) => r.escalation_level as number);

  it('escalates to the backup after 24 h and to the escalation contact after 72 h, each step journaled once', () => {
    expect(applySla(ws.db, ws.settings, '2026-11-03T08:59:00.000Z').escalated).toEqual([]);
    expect(levels()).toEqual([0, 0]);

    const first = applySla(ws.db, ws.settings, '2026-11-03T09:00:00.000Z');
    expect(first.escalated.map((s) => [s.level, s.role, s.to, s.hoursOpen])).toEqual([
      [1, 'backup', 'Ben Okafor <ben@ridge.test>', 24],
      [1, 'backup', 'Ben Okafor <ben@ridge.test>', 24],
    ]);
    expect(levels()).toEqual([1, 1]);
    expect(applySla(ws.db, ws.settings, '2026-11-04T09:00:00.000Z').escalated).toEqual([]);

    const second = applySla(ws.db, ws.settings, '2026-11-05T09:00:00.000Z');
    expect(second.escalated.map((s) => [s.level, s.role, s.to])).toEqual([
      [2, 'escalation contact', 'Dee Finance <cfo@ridge.test>'],
      [2, 'escalation contact', 'Dee Finance <cfo@ridge.test>'],
    ]);
    expect(second.overdue).toBe(2);
    expect(applySla(ws.db, ws.settings, '2026-12-31T00:00:00.000Z').escalated).toEqual([]);

    const entries = journal('exception.sla_escalated');
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ reason: 'unresolved 24 h: escalated to the backup Ben Okafor <ben@ridge.test>' });
    expect(entries[3]?.payload).toMatchObject({
      as_of: '2026-11-05T09:00:00.000Z',
      level: 2,
      role: 'escalation contact',
      to: 'Dee Finance <cfo@ridge.test>',
      hours_open: 72,
    });
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('a clock that jumps past both steps takes both, in order; resolved exceptions never escalate', () => {
    const [rent] = ws.db.prepare('SELECT exception_id FROM exceptions WHERE amount_minor = -240000').pluck().all() as string[];
    resolveException(ws.db, { exceptionId: rent as string, actor: 'user:ana', reason: 'office rent, booked' });
    const r = applySla(ws.db, ws.settings, '2026-11-10T00:00:00.000Z');
    expect(r.escalated.map((s) => [s.level, s.amountMinor])).toEqual([
      [1, 125000],
      [2, 125000],
    ]);
    expect(r.escalatedTotal).toBe(1);
  });

  it('reassignment needs a reason, is journaled with it, and does not restart the clock', () => {
    const [wire] = ws.db.prepare('SELECT exception_id FROM exceptions WHERE amount_minor = 125000').pluck().all() as string[];
    const id = wire as string;
    expect(() => assignException(ws.db, { exceptionId: id, actor: 'user:ana', owner: 'Cy Park <cy@ridge.test>' })).toThrow(DecisionError);
    assignException(ws.db, { exceptionId: id, actor: 'user:ana', owner: 'Cy Park <cy@ridge.test>', reason: 'Cy knows the payer' });
    const entry = journal('exception.assigned')[0];
    expect(entry?.reason).toBe('Cy knows the payer');
    expect(entry?.payload).toMatchObject({ owner: 'Cy Park <cy@ridge.test>', previous_owner: 'Ana Lopez <ana@ridge.test>', from_state: 'open' });
    expect(applySla(ws.db, ws.settings, '2026-11-03T10:00:00.000Z').escalated.map((s) => [s.exceptionId, s.owner])).toContainEqual([
      id,
      'Cy Park <cy@ridge.test>',
    ]);
  });
});
