// One exception in detail over a real reconciled month: raw source lines, explanation, history after decisions,
// counterparts proposed for a manual match, and not_found.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { exceptionDetail } from '../../src/main/review/exceptionDetail.ts';
import { eventDetails, eventLines, historyEntries, toExplanation, RAW_MAX_BYTES, RAW_MAX_LINES } from '../../src/main/review/eventDetails.ts';
import { ruleSetInForce } from '../../src/main/matching/engine/ruleSetInForce.ts';
import { commentExceptions, resolveExceptions } from '../../src/main/matching/decisions.ts';
import { unpackExplanation } from '../../src/main/matching/engine/explanationText.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { matchByHand } from '../../src/main/workflows/matchDecisions.ts';
import { DEMO_SOURCE_DIR } from '../../src/main/workflows/demoMonth.ts';
import { ApiError, ExceptionDetailSchema, EventDetailSchema, type ExceptionDetail } from '../../src/shared/api/contract.ts';
import { useDemo, ids, count, DEMO_ACTOR } from './reviewDemo.ts';

const demo = useDemo('tieout-review-detail-');
const db = () => demo.current.workspace.db;
const now = new Date('2026-12-01T00:00:00.000Z');
const detail = (id: string): ExceptionDetail =>
  ExceptionDetailSchema.parse(exceptionDetail(db(), ruleSetInForce(db()), id, now, demo.current.workspace.settings.time_zone));
const sourceLines = (file: string): string[] => readFileSync(join(demo.current.workspace.dir, DEMO_SOURCE_DIR, file), 'utf8').split(/\r\n|\r|\n/);

const STRIPE_HEADER =
  'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email,automatic_payout_id,payment_intent_id,charge_id,customer_id,payment_metadata[order_id]';

interface Order {
  event_id: string;
  amount_minor: number;
  occurred_at: string;
  customer_ref: string;
}

let order1179: Order;
let latePayment: string;
let manyLines: string;
let longLine: string;
let extraFile: string;

/**
 * A second Stripe file: the payment of order #1179 (whose intent never reached Stripe) arriving 12 days late with no
 * key, so the engine leaves both apart (MISSING_PAYMENT and MISSING_ORDER); a charge whose description spans 25
 * lines, and one whose description is 10,000 bytes.
 */
beforeAll(() => {
  order1179 = db()
    .prepare("SELECT event_id, amount_minor, occurred_at, customer_ref FROM events WHERE kind = 'order' AND order_ref = '1179'")
    .get() as Order;
  const late = new Date(Date.parse(order1179.occurred_at) + 12 * 86_400_000).toISOString().replace('T', ' ').slice(0, 19);
  const gross = (order1179.amount_minor / 100).toFixed(2);
  const description = Array.from({ length: 25 }, (_, i) => `note line ${i + 1}`).join('\n');
  const rows = [
    `txn_late0001,${late},,usd,${gross},0.00,${gross},charge,ch_late0001,Card payment,${order1179.customer_ref},,,ch_late0001,cus_late,`,
    `txn_lines0001,2026-11-02 10:00:00,,usd,3.33,0.00,3.33,charge,ch_lines0001,"${description}",lines@example.com,,,ch_lines0001,cus_lines,`,
    `txn_long0001,2026-11-02 11:00:00,,usd,4.44,0.00,4.44,charge,ch_long0001,${'é'.repeat(5000)},long@example.com,,,ch_long0001,cus_long,`,
  ];
  extraFile = join(demo.root, 'stripe-late.csv');
  writeFileSync(extraFile, `${[STRIPE_HEADER, ...rows].join('\n')}\n`);
  importAndReconcile(demo.current.workspace, { source: 'stripe:demo', files: [extraFile], actor: DEMO_ACTOR });
  const id = (externalId: string): string =>
    ids(db(), "SELECT event_id FROM events WHERE source = 'stripe:demo' AND external_id = ?", externalId)[0] as string;
  latePayment = id('txn_late0001');
  manyLines = id('txn_lines0001');
  longLine = id('txn_long0001');
});

function liveExceptionOf(code: string, eventId: string): string {
  const found = ids(
    db(),
    `SELECT x.exception_id FROM exceptions x JOIN exception_event_ids xe USING (exception_id) WHERE x.code = ? AND xe.event_id = ? AND x.ended_at IS NULL`,
    code,
    eventId,
  );
  expect(found).toHaveLength(1);
  return found[0] as string;
}

describe('event details', () => {
  it('gives every canonical field and the raw lines, equal to the source file’s lines, in the order asked', () => {
    const multiLine = db()
      .prepare("SELECT event_id, raw_line_start, raw_line_end FROM events WHERE kind = 'order' AND raw_line_end > raw_line_start LIMIT 1")
      .get() as { event_id: string; raw_line_start: number; raw_line_end: number };
    const bankLine = ids(db(), "SELECT event_id FROM events WHERE kind = 'bank_credit' ORDER BY seq LIMIT 1")[0] as string;
    const payout = ids(db(), "SELECT event_id FROM events WHERE kind = 'payout' ORDER BY seq LIMIT 1")[0] as string;
    const details = eventDetails(db(), [bankLine, multiLine.event_id, payout]);
    expect(details.map((d) => d.eventId)).toEqual([bankLine, multiLine.event_id, payout]);
    const files: Record<string, string[]> = {
      'shopify-orders.csv': sourceLines('shopify-orders.csv'),
      'stripe-balance.csv': sourceLines('stripe-balance.csv'),
      'bank.camt053.xml': sourceLines('bank.camt053.xml'),
    };
    for (const d of details) {
      EventDetailSchema.parse(d);
      const row = db()
        .prepare('SELECT e.*, b.file_name FROM events e JOIN import_batches b USING (batch_id) WHERE event_id = ?')
        .get(d.eventId) as Record<string, unknown>;
      expect(d).toMatchObject({
        source: row.source,
        kind: row.kind,
        externalId: row.external_id,
        amountMinor: row.amount_minor,
        currency: row.currency,
        occurredAt: row.occurred_at,
        feeMinor: row.fee_minor,
        netMinor: row.net_minor,
        orderRef: row.order_ref,
        customerRef: row.customer_ref,
        payoutRef: row.payout_ref,
        traceId: row.trace_id,
        state: row.state,
        channel: row.channel,
        localDate: row.local_date,
        receivedAt: row.received_at,
        batchId: row.batch_id,
        mappingVersion: row.mapping_version,
      });
      expect(d.attributes).toEqual(JSON.parse(row.attributes as string));
      expect(d.raw).toMatchObject({
        fileName: row.file_name,
        artifactId: row.raw_artifact_id,
        lineStart: row.raw_line_start,
        lineEnd: row.raw_line_end,
        truncated: false,
      });
      const lines = files[d.raw.fileName] as string[];
      expect(d.raw.text).toBe(lines.slice(d.raw.lineStart - 1, d.raw.lineEnd).join('\n'));
    }
    expect(details[1]?.raw.text.split('\n')).toHaveLength(multiLine.raw_line_end - multiLine.raw_line_start + 1);
    expect(details[0]?.raw.text).toContain('<Ntry>');
  });

  it('cuts a record to 20 lines and 8 KiB and says so', () => {
    const file = readFileSync(extraFile, 'utf8').split('\n');
    const [lines, long] = eventDetails(db(), [manyLines, longLine]) as [
      ReturnType<typeof eventDetails>[number],
      ReturnType<typeof eventDetails>[number],
    ];
    expect(lines.raw.lineEnd - lines.raw.lineStart + 1).toBe(25);
    expect(lines.raw.truncated).toBe(true);
    expect(lines.raw.text).toBe(file.slice(lines.raw.lineStart - 1, lines.raw.lineStart - 1 + RAW_MAX_LINES).join('\n'));
    expect(long.raw.truncated).toBe(true);
    expect(Buffer.byteLength(long.raw.text)).toBeLessThanOrEqual(RAW_MAX_BYTES);
    expect(Buffer.byteLength(long.raw.text)).toBeGreaterThan(RAW_MAX_BYTES - 2);
    expect((file[long.raw.lineStart - 1] as string).startsWith(long.raw.text)).toBe(true);
  });

  it('gives event lines by id and refuses an unknown event', () => {
    const lines = eventLines(db(), [latePayment, 'ev_missing']);
    expect([...lines.keys()]).toEqual([latePayment]);
    expect(lines.get(latePayment)).toMatchObject({ kind: 'payment', externalId: 'txn_late0001', amountMinor: order1179.amount_minor });
    expect(() => eventDetails(db(), [latePayment, 'ev_missing'])).toThrow(
      expect.objectContaining({ kind: 'not_found', message: 'event ev_missing does not exist' }) as Error,
    );
  });
});

describe('exceptions.detail', () => {
  it('shows the row, its events with raw lines, and the explanation converted field by field', () => {
    const id = ids(
      db(),
      "SELECT exception_id FROM exceptions WHERE code = 'PAYOUT_MISMATCH' AND ended_at IS NULL ORDER BY exception_id",
    )[0] as string;
    const d = detail(id);
    const stored = db().prepare('SELECT * FROM exceptions WHERE exception_id = ?').get(id) as {
      explanation: string;
      rule_id: string | null;
      rule_set_id: string | null;
      rule_version: number | null;
      default_class: string;
      origin: string;
    };
    expect(d.exception).toMatchObject({
      exceptionId: id,
      code: 'PAYOUT_MISMATCH',
      defaultClass: stored.default_class,
      origin: stored.origin,
      resolution: null,
      resolvedBy: null,
    });
    expect(d.events.map((e) => e.eventId).sort()).toEqual(
      ids(db(), 'SELECT event_id FROM exception_event_ids WHERE exception_id = ? ORDER BY event_id', id),
    );
    expect(d.events.every((e) => e.raw.fileName === 'stripe-balance.csv' && e.raw.text.startsWith(e.externalId))).toBe(true);
    const e = unpackExplanation(stored.explanation, stored);
    expect(d.explanation).toEqual({
      ruleId: 'payout-items.payout-ref',
      ruleSetId: 'default',
      ruleVersion: 4,
      strategy: 'payout_items',
      link: 'payout_items',
      // The engine's "payout -51535 ≠ −(sum of 8 item nets 47015): off by 4520 minor units", in words and currency.
      summary: expect.stringMatching(/^payout [\d,.]+ USD ≠ its \d+ items' net [\d,.]+ USD: off by [\d,.]+ USD$/) as unknown as string,
      keys: e.keys.map((k) => ({
        leftField: k.left_field,
        rightField: k.right_field,
        leftValue: k.left_value,
        rightValue: k.right_value,
        compare: k.compare,
        value: k.value,
        agreed: k.agreed,
      })),
      amountDeltaMinor: e.amount_delta_minor,
      timeDeltaHours: e.time_delta_hours,
      score: null,
      runnersUp: [],
      policy: e.policy,
    });
    expect(d.explanation.keys[0]).toMatchObject({ leftField: 'payout_ref', rightField: 'payout_ref', agreed: true });
    expect(e.summary).toMatch(/minor units/);
  });

  it('turns runner-ups into event lines', () => {
    const id = ids(
      db(),
      "SELECT exception_id FROM exceptions WHERE code = 'AMBIGUOUS_MATCH' AND ended_at IS NULL ORDER BY exception_id",
    )[0] as string;
    const stored = db().prepare('SELECT explanation FROM exceptions WHERE exception_id = ?').pluck().get(id) as string;
    const runners = unpackExplanation(stored, { rule_id: null, rule_set_id: null, rule_version: null }).runners_up;
    expect(runners.length).toBe(2);
    const x = toExplanation(db(), stored);
    expect(x.runnersUp.map((r) => [r.event.eventId, r.score, r.reason])).toEqual(runners.map((r) => [r.event_id, r.score, r.reason]));
    expect(x.runnersUp.every((r) => r.event.kind === 'payout')).toBe(true);
  });

  it('reads the history from the journal: escalation, then a resolution and a comment', () => {
    const id = liveExceptionOf('MISSING_PAYMENT', order1179.event_id);
    const before = detail(id);
    expect(before.history.map((h) => h.type)).toContain('exception.escalated');
    expect(before.history.find((h) => h.type === 'exception.escalated')?.summary).toMatch(
      /^escalated to class C \(open\): remediation window ended \(due /,
    );

    const bank = liveExceptionOf(
      'UNKNOWN_BANK_LINE',
      ids(db(), "SELECT event_id FROM events WHERE external_id LIKE '%BKCTOMJN000000707'")[0] as string,
    );
    resolveExceptions(db(), { exceptionIds: [bank], actor: DEMO_ACTOR, reason: 'paid by cheque' });
    commentExceptions(db(), { exceptionIds: [bank], actor: 'user:olaf', text: 'cheque scanned into the binder' });
    const after = detail(bank);
    expect(after.exception).toMatchObject({
      state: 'resolved',
      resolution: { category: null, account: null, reason: 'paid by cheque', text: 'paid by cheque' },
      resolvedBy: DEMO_ACTOR,
      resolvedHow: `resolved by ${DEMO_ACTOR}`,
    });
    expect(after.history.slice(-2)).toEqual([
      expect.objectContaining({ type: 'exception.resolved', actor: DEMO_ACTOR, reason: 'paid by cheque', summary: 'resolved: paid by cheque' }),
      expect.objectContaining({ type: 'exception.commented', actor: 'user:olaf', reason: null, summary: 'comment: cheque scanned into the binder' }),
    ]);
    expect(after.history.map((h) => h.seq)).toEqual([...after.history.map((h) => h.seq)].sort((a, b) => a - b));
    // The exceptions store journals every opening: the history starts with it, naming the run that derived it.
    const runId = db().prepare('SELECT created_run_id FROM exceptions WHERE exception_id = ?').pluck().get(bank) as string;
    expect(after.history[0]).toMatchObject({
      type: 'exception.opened',
      actor: 'system:engine',
      summary: 'opened: UNKNOWN_BANK_LINE: class C, open',
      payload: expect.objectContaining({ run_id: runId }),
    });
    expect(after.candidates).toEqual([]);
  });

  it('proposes the late payment for the order’s MISSING_PAYMENT, best first, with reasons', () => {
    const d = detail(liveExceptionOf('MISSING_PAYMENT', order1179.event_id));
    expect(d.exception.state).not.toBe('resolved');
    const best = d.candidates[0];
    expect(best).toMatchObject({ link: 'order_payment', side: 'right', event: { eventId: latePayment, kind: 'payment' } });
    const amount = `${(order1179.amount_minor / 100).toFixed(2)} USD`;
    expect(best?.reasons).toEqual([
      `same amount ${amount}`,
      '12 days after',
      'different trace id (pi_3cTomJN00000000hi / ch_late0001)',
      'trace id pi_3cTomJN00000000hi ≠ external id txn_late0001',
      `same customer ${order1179.customer_ref}`,
    ]);
    // Scored as the engine scores it (rules/strategies/candidates.ts), under the rule that scores it best: the
    // customer rule (keys 1: the same e-mail; amount 1; 12 days is past its 10-day reach, time 0): 0.5 + 0.3 + 0.
    expect(best?.score).toBeCloseTo(0.5 * 1 + 0.3 * 1 + 0.2 * 0, 6);
  });

  it('proposes the order for the late payment’s MISSING_ORDER, on the left side', () => {
    const d = detail(liveExceptionOf('MISSING_ORDER', latePayment));
    expect(d.candidates[0]).toMatchObject({ link: 'order_payment', side: 'left', event: { eventId: order1179.event_id, kind: 'order' } });
    expect(d.candidates[0]?.reasons).toContain('12 days before');
  });

  it('proposes the other bank credit for an ambiguous payout pair', () => {
    const id = ids(
      db(),
      "SELECT exception_id FROM exceptions WHERE code = 'AMBIGUOUS_MATCH' AND ended_at IS NULL ORDER BY exception_id",
    )[0] as string;
    const own = new Set(ids(db(), 'SELECT event_id FROM exception_event_ids WHERE exception_id = ?', id));
    const d = detail(id);
    expect(d.candidates.length).toBeGreaterThan(0);
    for (const c of d.candidates) {
      expect(c).toMatchObject({ link: 'bank_payout', side: 'right', event: { kind: 'bank_credit' } });
      expect(own.has(c.event.eventId)).toBe(false);
      expect(c.reasons).toContain('same amount 409.34 USD');
    }
  });

  it('never proposes an event an active match of the link holds, nor one of the exception’s own', () => {
    const unresolved = ids(db(), "SELECT exception_id FROM exceptions WHERE ended_at IS NULL AND state <> 'resolved'");
    let proposed = 0;
    for (const id of unresolved) {
      const d = detail(id);
      const own = new Set(d.events.map((e) => e.eventId));
      expect(d.candidates.length).toBeLessThanOrEqual(10);
      d.candidates.forEach((c, i) => {
        proposed++;
        expect(own.has(c.event.eventId)).toBe(false);
        expect(
          count(
            db(),
            'SELECT count(*) FROM match_event_ids me JOIN matches m USING (match_id) WHERE me.event_id = ? AND m.link = ? AND m.ended_at IS NULL',
            c.event.eventId,
            c.link,
          ),
        ).toBe(0);
        if (i > 0) expect((d.candidates[i - 1] as { score: number }).score).toBeGreaterThanOrEqual(c.score);
      });
    }
    expect(proposed).toBeGreaterThan(2);
  });

  it('names the links an unknown bank line can be matched in by hand, with the kinds and sources to search', () => {
    const credit = ids(
      db(),
      "SELECT x.exception_id FROM exceptions x WHERE x.code = 'UNKNOWN_BANK_LINE' AND x.ended_at IS NULL AND x.state <> 'resolved' ORDER BY x.exception_id",
    )[0] as string;
    const d = detail(credit);
    expect(d.matchLinks).toEqual([
      { link: 'bank_payout', left: { kinds: ['payout'], sources: ['stripe:demo'] }, right: { kinds: ['bank_credit', 'bank_debit'], sources: [] } },
    ]);
  });

  it('says a tie settled by a manual match was closed by the run that followed that person’s match, not by system:engine', () => {
    const tie = ids(db(), "SELECT exception_id FROM exceptions WHERE code = 'AMBIGUOUS_MATCH' AND ended_at IS NULL ORDER BY exception_id");
    const [first] = tie as [string];
    const own = detail(first);
    const payout = own.events.find((e) => e.kind === 'payout');
    const credit = own.candidates.find((c) => c.link === 'bank_payout')?.event ?? own.events.find((e) => e.kind === 'bank_credit');
    expect(payout).toBeDefined();
    expect(credit).toBeDefined();
    const { matchId } = matchByHand(demo.current.workspace, {
      link: 'bank_payout',
      leftEventIds: [payout?.eventId as string],
      rightEventIds: [credit?.eventId as string],
      actor: DEMO_ACTOR,
      reason: 'remittance names the payout',
    });
    const hows = tie.map((id) => detail(id).exception.resolvedHow);
    // Neither exception's events all sit in the new match, so the engine's follow-up run closes both ("resolved by
    // new data", by system:engine): what a person reads is whose match settled them.
    expect(hows).toEqual(tie.map(() => `closed by the matching run that followed ${DEMO_ACTOR}'s manual match ${matchId}`));
  });

  it('answers not_found for an unknown exception', () => {
    let error: unknown;
    try {
      exceptionDetail(db(), ruleSetInForce(db()), 'x_0000', now, demo.current.workspace.settings.time_zone);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).toBody()).toEqual({ kind: 'not_found', message: 'exception x_0000 does not exist', field: null });
  });
});

describe('history entries', () => {
  it('reads every engine and decision entry type as one line, and an unknown type by its type and reason', () => {
    const at = '2026-11-01T00:00:00.000Z';
    const entry = (type: string, payload: Record<string, unknown>, reason: string | null = null) => ({
      seq: 1,
      type,
      actor: 'system:engine',
      reason,
      at,
      payload,
    });
    const summaries = historyEntries([
      entry('exception.opened', {}, 'FEED_MISSING: stripe:main missed 2 heartbeat(s)'),
      entry('exception.auto_resolved', { code: 'ROUNDING_DIFF' }, 'class A: ROUNDING_DIFF'),
      entry('exception.reclassified', {
        from_class: 'B',
        to_class: 'C',
        from_state: 'in_remediation',
        to_state: 'open',
        from_amount_minor: 100,
        to_amount_minor: 250,
        currency: 'USD',
      }),
      entry('exception.escalated', { to_class: 'C', to_state: 'open' }, 'remediation window ended (due 2026-10-08T00:00:00.000Z)'),
      entry('exception.resolved_by_new_data', { why: 'the source delivered newer data' }, 'resolved by new data'),
      entry('exception.ended', {}, 'the match it documented no longer holds'),
      entry('exception.reopened', {}, 'cheque bounced'),
      entry('exception.assigned', { owner: 'user:maria', previous_owner: 'user:olaf' }),
      entry(
        'match.manual',
        { link: 'order_payment', left: ['a'], right: ['b', 'c'], superseded_matches: ['m1'], resolved_exceptions: ['x1', 'x2'] },
        'split payment',
      ),
      entry('match.broken', {}, 'wrong customer'),
      entry('period.closed', {}, 'October'),
    ]).map((h) => h.summary);
    expect(summaries).toEqual([
      'opened: FEED_MISSING: stripe:main missed 2 heartbeat(s)',
      'auto-resolved (class A): ROUNDING_DIFF',
      'reclassified: class B → C, in_remediation → open, at stake 1.00 USD → 2.50 USD',
      'escalated to class C (open): remediation window ended (due 2026-10-08T00:00:00.000Z)',
      'resolved by new data: the source delivered newer data',
      'ended: the match it documented no longer holds',
      'reopened: cheque bounced',
      'assigned to user:maria (was user:olaf)',
      'matched by hand in order_payment (1 ↔ 2 events; superseded 1 engine match, resolved 2 exceptions): split payment',
      'unmatched: wrong customer',
      'period.closed: October',
    ]);
  });
});
