// The stable match/exception export contract: exact JSON shape, CSV one row per (record, event), formula-escaped text.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { exportMatches } from '../../src/main/export/matchesExport.ts';
import { exportExceptions, ExportFilterError, type ExceptionFilter } from '../../src/main/export/exceptionsExport.ts';
import type { ExportFormat } from '../../src/main/export/eventsExport.ts';
import { FdWriter } from '../../src/main/export/tableWriter.ts';
import { manualMatch, resolveException } from '../../src/main/matching/decisions.ts';
import { makeTempDir } from '../support/tempDir.ts';
import {
  importSamples,
  importSampleEmailsAsIds,
  sampleIds,
  eventIdOf,
  insertEngineMatch,
  insertEngineException,
} from '../support/matchingFixtures.ts';

const root = makeTempDir('tieout-export-mx-');
let ws: Workspace;
let ids: ReturnType<typeof sampleIds>;
let evil: string;
let manualId: string;
let fileNo = 0;

beforeAll(() => {
  ws = createWorkspace(join(root, 'ws'));
  importSamples(ws);
  importSampleEmailsAsIds(ws, root);
  ids = sampleIds(ws.db);
  evil = eventIdOf(ws.db, 'stripe:emails', '=cmd|evil@example.com');
  insertEngineMatch(ws.db, {
    matchId: 'm_a',
    link: 'order_payment',
    left: [ids.order(1)],
    right: [ids.payment(1)],
    ruleId: 'order-payment.exact',
    ruleVersion: 3,
  });
  insertEngineMatch(ws.db, {
    matchId: 'm_b',
    link: 'payout_items',
    left: [ids.payout],
    right: [ids.payment(2), ids.refund],
    status: 'auto_resolved',
    ruleVersion: 3,
  });
  insertEngineMatch(ws.db, {
    matchId: 'm_gone',
    link: 'order_payment',
    left: [ids.order(4)],
    right: [ids.payment(4)],
    endedAt: '2026-11-02T00:00:00.000Z',
  });
  manualId = manualMatch(ws.db, {
    link: 'order_payment',
    leftEventIds: [ids.order(5)],
    rightEventIds: [ids.payment(5)],
    actor: 'user:alice',
    reason: 'same tent',
  });
  insertEngineException(ws.db, {
    exceptionId: 'x_evil',
    code: 'MISSING_ORDER',
    amountMinor: 31000,
    eventIds: [evil],
    createdAt: '2026-11-01T10:00:00.000Z',
  });
  insertEngineException(ws.db, { exceptionId: 'x_feed', code: 'FEED_MISSING', amountMinor: 0, eventIds: [], createdAt: '2026-11-01T11:00:00.000Z' });
  insertEngineException(ws.db, {
    exceptionId: 'x_round',
    code: 'ROUNDING_DIFF',
    state: 'resolved',
    amountMinor: -1,
    eventIds: [ids.order(2), ids.payment(2)],
    createdAt: '2026-11-01T09:00:00.000Z',
  });
  insertEngineException(ws.db, {
    exceptionId: 'x_gone',
    code: 'TIMING_DIFF',
    amountMinor: 5,
    eventIds: [ids.payment(1)],
    endedAt: '2026-11-02T00:00:00.000Z',
  });
  insertEngineException(ws.db, {
    exceptionId: 'x_bank',
    code: 'UNKNOWN_BANK_LINE',
    amountMinor: 125000,
    eventIds: [ids.bankUnknown],
    createdAt: '2026-11-01T12:00:00.000Z',
  });
  // Owners and SLA as an opening under owners would give them (the fixture rows are written without a store).
  ws.db
    .prepare(
      `UPDATE exceptions SET owner = 'Ana Lopez <ana@ridge.test>', backup = 'Ben Okafor <ben@ridge.test>', sla_due_at = '2026-11-08T10:00:00.000Z',
       sla_tier = 'LOW', escalation_level = 1 WHERE exception_id = 'x_evil'`,
    )
    .run();
  resolveException(ws.db, { exceptionId: 'x_bank', actor: 'user:alice', reason: 'owner loan' });
});
afterAll(() => ws.close());

function capture(write: (out: FdWriter) => number): { text: string; count: number } {
  const path = join(root, `out${fileNo++}`);
  const fd = openSync(path, 'w');
  try {
    const count = write(new FdWriter(fd));
    return { text: readFileSync(path, 'utf8'), count };
  } finally {
    closeSync(fd);
  }
}

const matches = (format: ExportFormat) => capture((out) => exportMatches(ws.db, format, out));
const exceptions = (format: ExportFormat, filter: ExceptionFilter = {}) => capture((out) => exportExceptions(ws.db, format, out, filter));

function ev(eventId: string) {
  const r = ws.db.prepare('SELECT event_id, source, kind, external_id, amount_minor, currency FROM events WHERE event_id = ?').get(eventId);
  return r as Record<string, unknown>;
}

describe('matches export', () => {
  it('JSON: active matches ordered by match_id, exact contract shape, left events before right', () => {
    const { text, count } = matches('json');
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(count).toBe(3);
    expect(parsed).toEqual([
      { match_id: 'm_a', status: 'matched', rule_id: 'order-payment.exact', rule_version: 3, events: [ev(ids.order(1)), ev(ids.payment(1))] },
      {
        match_id: 'm_b',
        status: 'auto_resolved',
        rule_id: 'payout-items.exact',
        rule_version: 3,
        events: [ev(ids.payout), ev(ids.payment(2)), ev(ids.refund)],
      },
      { match_id: manualId, status: 'manual', rule_id: null, rule_version: null, events: [ev(ids.order(5)), ev(ids.payment(5))] },
    ]);
    for (const m of parsed) expect(Object.keys(m)).toEqual(['match_id', 'status', 'rule_id', 'rule_version', 'events']);
    expect(Object.keys((parsed[0]?.['events'] as object[])[0] ?? {})).toEqual([
      'event_id',
      'source',
      'kind',
      'external_id',
      'amount_minor',
      'currency',
    ]);
    expect(parsed[1]?.['events']).toContainEqual({
      event_id: ids.refund,
      source: 'stripe:main',
      kind: 'refund',
      external_id: 'txn_1Sa1006',
      amount_minor: -4000,
      currency: 'USD',
    });
  });

  it('CSV: one row per (match, event) with flattened event columns', () => {
    const { text, count } = matches('csv');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'match_id,status,rule_id,rule_version,event_id,event_source,event_kind,event_external_id,event_amount_minor,event_currency',
    );
    expect(count).toBe(7);
    expect(lines[1]).toBe(`m_a,matched,order-payment.exact,3,${ids.order(1)},shopify:store,order,7301001,8400,USD`);
    // A negative amount stays a bare number: it is not a formula.
    expect(lines).toContain(`m_b,auto_resolved,payout-items.exact,3,${ids.payout},stripe:main,payout,txn_1Sa1008,-70911,USD`);
    expect(lines).toContain(`${manualId},manual,,,${ids.payment(5)},stripe:main,payment,txn_1Sa1005,31000,USD`);
    expect(text).not.toContain('m_gone');
  });
});

describe('exceptions export', () => {
  it('JSON: exact contract shape, an exception without events has an empty list, ended ones are left out', () => {
    const { text } = exceptions('json');
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    const bankResolvedAt = ws.db.prepare("SELECT resolved_at FROM exceptions WHERE exception_id = 'x_bank'").pluck().get() as string;
    expect(parsed).toEqual([
      {
        exception_id: 'x_bank',
        code: 'UNKNOWN_BANK_LINE',
        class: 'C',
        state: 'resolved',
        amount_minor: 125000,
        currency: 'USD',
        events: [ev(ids.bankUnknown)],
        created_at: '2026-11-01T12:00:00.000Z',
        resolved_at: bankResolvedAt,
        owner: null,
        backup: null,
        sla_due_at: null,
        sla_tier: null,
        escalation_level: 0,
      },
      {
        exception_id: 'x_evil',
        code: 'MISSING_ORDER',
        class: 'B',
        state: 'open',
        amount_minor: 31000,
        currency: 'USD',
        events: [ev(evil)],
        created_at: '2026-11-01T10:00:00.000Z',
        resolved_at: null,
        owner: 'Ana Lopez <ana@ridge.test>',
        backup: 'Ben Okafor <ben@ridge.test>',
        sla_due_at: '2026-11-08T10:00:00.000Z',
        sla_tier: 'LOW',
        escalation_level: 1,
      },
      {
        exception_id: 'x_feed',
        code: 'FEED_MISSING',
        class: 'C',
        state: 'open',
        amount_minor: 0,
        currency: 'USD',
        events: [],
        created_at: '2026-11-01T11:00:00.000Z',
        resolved_at: null,
        owner: null,
        backup: null,
        sla_due_at: null,
        sla_tier: null,
        escalation_level: 0,
      },
      {
        exception_id: 'x_round',
        code: 'ROUNDING_DIFF',
        class: 'A',
        state: 'resolved',
        amount_minor: -1,
        currency: 'USD',
        events: [ev(ids.payment(2)), ev(ids.order(2))],
        created_at: '2026-11-01T09:00:00.000Z',
        resolved_at: '2026-11-01T09:00:00.000Z',
        owner: null,
        backup: null,
        sla_due_at: null,
        sla_tier: null,
        escalation_level: 0,
      },
    ]);
    for (const x of parsed) {
      expect(Object.keys(x)).toEqual([
        'exception_id',
        'code',
        'class',
        'state',
        'amount_minor',
        'currency',
        'events',
        'created_at',
        'resolved_at',
        'owner',
        'backup',
        'sla_due_at',
        'sla_tier',
        'escalation_level',
      ]);
    }
    expect((parsed[1]?.['events'] as Array<Record<string, unknown>>)[0]?.['external_id']).toBe('=cmd|evil@example.com');
  });

  it('filters by code, class, state and open only; includeEnded brings back ended ones; unknown values are refused', () => {
    const idsOf = (filter: ExceptionFilter): string[] =>
      (JSON.parse(exceptions('json', filter).text) as Array<{ exception_id: string }>).map((x) => x.exception_id);
    expect(idsOf({ openOnly: true })).toEqual(['x_evil', 'x_feed']);
    expect(idsOf({ code: 'ROUNDING_DIFF' })).toEqual(['x_round']);
    expect(idsOf({ class: 'C' })).toEqual(['x_bank', 'x_feed']);
    expect(idsOf({ state: 'resolved', class: 'A' })).toEqual(['x_round']);
    expect(idsOf({ includeEnded: true })).toEqual(['x_bank', 'x_evil', 'x_feed', 'x_gone', 'x_round']);
    expect(() => exceptions('json', { code: 'NOPE' })).toThrow(ExportFilterError);
    expect(() => exceptions('csv', { class: 'D' })).toThrow(/unknown exception class "D"; expected one of A, B, C/);
    expect(() => exceptions('csv', { state: 'closed' })).toThrow(/unknown exception state/);
  });

  it('CSV: one row per (exception, event), formula-looking text escaped, numbers bare', () => {
    const { text, count } = exceptions('csv', { openOnly: true });
    expect(text.split('\r\n')).toEqual([
      'exception_id,code,class,state,amount_minor,currency,event_id,event_source,event_kind,event_external_id,event_amount_minor,event_currency,created_at,resolved_at,' +
        'owner,backup,sla_due_at,sla_tier,escalation_level',
      `x_evil,MISSING_ORDER,B,open,31000,USD,${evil},stripe:emails,payment,'=cmd|evil@example.com,31000,USD,2026-11-01T10:00:00.000Z,,` +
        'Ana Lopez <ana@ridge.test>,Ben Okafor <ben@ridge.test>,2026-11-08T10:00:00.000Z,LOW,1',
      'x_feed,FEED_MISSING,C,open,0,USD,,,,,,,2026-11-01T11:00:00.000Z,,,,,,0',
      '',
    ]);
    expect(count).toBe(2);
    const all = exceptions('csv');
    expect(all.count).toBe(5);
    expect(all.text).toContain(`x_round,ROUNDING_DIFF,A,resolved,-1,USD,${ids.payment(2)},`);
  });
});
