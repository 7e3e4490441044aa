// The Exceptions screen's queues and owner/domain/SLA filters, in SQL over a workspace whose exceptions opened on
// 1 November 2026 12:00 UTC: two unknown bank lines (bank: Ana owns, Ben backs up and is "me", Dee escalates) and a
// missing Stripe feed nobody owns (payments has no owner).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { parseRequest, type RequestOf } from '../../src/shared/api/contract.ts';
import { queryExceptions, exceptionFacets } from '../../src/main/review/exceptionsQuery.ts';
import { queueContext } from '../../src/main/owners/queues.ts';
import { applySla } from '../../src/main/owners/slaClock.ts';
import { ownersWorkspace } from '../support/ownersWorkspace.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-queues-');
let ws: Workspace;

beforeAll(() => {
  const path = ownersWorkspace(join(root, 'books'), '2026-11-01T12:00:00Z', { feeds: { 'stripe:main': { expected_every_hours: 24 } } });
  ws = openWorkspace(path);
});
afterAll(() => ws.close());

function query(at: string, filter: RequestOf<'exceptions.query'>['filter'], sort: RequestOf<'exceptions.query'>['sort'] = []) {
  const now = new Date(at);
  const r = queryExceptions(
    ws.db,
    parseRequest('exceptions.query', { startRow: 0, endRow: 100, filter, sort }),
    now,
    ws.settings.time_zone,
    queueContext(ws.settings, now),
  );
  return r.rows.map((x) => `${x.code} ${x.amountMinor} ${x.owner ?? '-'} ${x.slaTier ?? '-'} ${x.slaState} L${x.escalationLevel}`);
}

describe('queues', () => {
  it('before any escalation: nothing is mine (Ben only backs up), the feed is unassigned, everything is the team’s', () => {
    const at = '2026-11-02T11:00:00Z';
    expect(query(at, { queue: 'mine' })).toEqual([]);
    expect(query(at, { queue: 'unassigned' })).toEqual(['FEED_MISSING 0 - MEDIUM on_track L0']);
    expect(
      query(at, { queue: 'team' }, [
        { field: 'slaTier', dir: 'asc' },
        { field: 'amountMinor', dir: 'asc' },
      ]),
    ).toEqual([
      'UNKNOWN_BANK_LINE 125000 Ana Lopez <ana@ridge.test> HIGH on_track L0',
      'UNKNOWN_BANK_LINE -240000 Ana Lopez <ana@ridge.test> HIGH on_track L0',
      'FEED_MISSING 0 - MEDIUM on_track L0',
    ]);
    expect(query(at, { queue: 'escalated' })).toEqual([]);
  });

  it('after 24 h the bank lines are handed to Ben: in my queue and escalated; due today once their day comes', () => {
    applySla(ws.db, ws.settings, '2026-11-02T12:00:00Z');
    const at = '2026-11-04T09:00:00Z';
    expect(query(at, { queue: 'mine' }, [{ field: 'amountMinor', dir: 'desc' }])).toEqual([
      'UNKNOWN_BANK_LINE -240000 Ana Lopez <ana@ridge.test> HIGH due_today L1',
      'UNKNOWN_BANK_LINE 125000 Ana Lopez <ana@ridge.test> HIGH due_today L1',
    ]);
    expect(query(at, { queue: 'escalated' })).toHaveLength(3);
    expect(query(at, { queue: 'due_today' })).toHaveLength(2);
    expect(query('2026-11-04T13:00:00Z', { slaStates: ['overdue'] })).toHaveLength(2);
    expect(query('2026-11-04T13:00:00Z', { slaStates: ['on_track'] })).toEqual(['FEED_MISSING 0 - MEDIUM on_track L1']);
  });

  it('filters by owner (or none), domain and SLA state, and the facets count every queue', () => {
    const at = '2026-11-04T09:00:00Z';
    expect(query(at, { owners: ['Ana Lopez <ana@ridge.test>'] })).toHaveLength(2);
    expect(query(at, { owners: [''] })).toEqual(['FEED_MISSING 0 - MEDIUM on_track L1']);
    expect(query(at, { domains: ['payments'] })).toEqual(['FEED_MISSING 0 - MEDIUM on_track L1']);
    expect(query(at, { domains: ['bank'], slaStates: ['none'] })).toEqual([]);
    const f = exceptionFacets(ws.db, undefined, ws.settings.time_zone, queueContext(ws.settings, new Date(at)));
    expect(f.queues).toEqual({ mine: 2, team: 3, unassigned: 1, escalated: 3, due_today: 2 });
    expect(f.owners).toEqual([{ owner: 'Ana Lopez <ana@ridge.test>', open: 2 }]);
    expect(f.domains).toEqual([
      { domain: 'bank', open: 2 },
      { domain: 'payments', open: 1 },
    ]);
    expect(f.me).toBe('Ben Okafor <ben@ridge.test>');
  });

  it('after 72 h the escalation contact’s domains are theirs too', () => {
    applySla(ws.db, ws.settings, '2026-11-04T12:00:00Z');
    const dee = { ...ws.settings, me: { name: 'Dee Finance', email: 'cfo@ridge.test' } };
    const now = new Date('2026-11-04T13:00:00Z');
    const r = queryExceptions(
      ws.db,
      parseRequest('exceptions.query', { startRow: 0, endRow: 100, filter: { queue: 'mine' } }),
      now,
      dee.time_zone,
      queueContext(dee, now),
    );
    expect(r.rows.map((x) => x.code)).toEqual(['UNKNOWN_BANK_LINE', 'UNKNOWN_BANK_LINE']);
  });
});
