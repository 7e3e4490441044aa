// Contract-shaped exception data for the Exceptions screen tests (the fake API validates every response).
import type { EventDetail, EventLine, ExceptionDetail, ExceptionRow, WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';
import { ownershipHandlers } from './ownershipFixtures.ts';

export const workspaceUsd: WorkspaceInfo = {
  path: '/books/acme',
  name: 'Acme',
  reportingCurrency: 'USD',
  timeZone: 'Europe/Berlin',
  locale: 'en-US',
  policyGateMinor: 100_000,
  eventCount: 4,
};

export function eventLine(eventId: string, kind: EventLine['kind'], externalId: string, amountMinor: number, source = 'stripe:main'): EventLine {
  return {
    eventId,
    source,
    kind,
    externalId,
    amountMinor,
    currency: 'USD',
    occurredAt: '2024-03-05T10:00:00.000Z',
    localDate: null,
    orderRef: kind === 'order' || kind === 'payment' ? '1001' : null,
    counterparty: kind === 'order' ? 'Ada Lovelace' : kind.startsWith('bank_') ? 'ACME GmbH' : null,
    description: kind === 'payment' ? 'Card payment for order #1001' : null,
  };
}

export function eventDetail(line: EventLine, raw: { fileName: string; text: string; line: number }): EventDetail {
  return {
    ...line,
    feeMinor: line.kind === 'payment' ? -59 : null,
    netMinor: line.kind === 'payment' ? line.amountMinor - 59 : null,
    orderRef: '#1001',
    customerRef: 'ada@example.com',
    payoutRef: null,
    traceId: line.kind === 'payment' ? 'pi_3' : null,
    state: 'paid',
    channel: 'web',
    localDate: null,
    receivedAt: '2024-03-06T08:00:00.000Z',
    batchId: 'batch-1',
    mappingVersion: `${line.source.split(':')[0] ?? 'x'}@1`,
    attributes: { description: 'Order #1001' },
    raw: { fileName: raw.fileName, artifactId: 'sha256-abc', lineStart: raw.line, lineEnd: raw.line, text: raw.text, truncated: false },
  };
}

export const orderLine = eventLine('ev-order', 'order', 'ord-1001', 12_000, 'shopify:store');
export const paymentLine = eventLine('ev-pay1', 'payment', 'ch_111', 11_500);
export const candidatePayment = eventLine('ev-pay2', 'payment', 'ch_222', 500);

export function exceptionRow(overrides: Partial<ExceptionRow> = {}): ExceptionRow {
  return {
    exceptionId: 'exc-1',
    businessAt: '2024-03-05T10:00:00.000Z',
    businessDate: '2024-03-05',
    code: 'AMOUNT_MISMATCH',
    class: 'C',
    state: 'open',
    policyGated: false,
    amountMinor: 500,
    currency: 'USD',
    sources: ['shopify:store', 'stripe:main'],
    events: [orderLine, paymentLine],
    eventCount: 2,
    counterparty: 'Ada Lovelace',
    description: 'Card payment for order #1001',
    orderRef: '1001',
    summary: 'Order ord-1001 and payment ch_111 differ by 5.00 USD',
    owner: 'user:bea',
    createdAt: '2024-03-05T23:30:00.000Z',
    dueAt: '2024-03-08T23:30:00.000Z',
    resolvedAt: null,
    ageDays: 4.2,
    raisedAgeDays: 3.8,
    ended: false,
    resolution: null,
    domain: 'payments',
    backup: 'Cy Park <cy@acme.test>',
    slaTier: 'MEDIUM',
    slaDueAt: '2024-03-10T23:30:00.000Z',
    slaState: 'on_track',
    escalationLevel: 0,
    ...overrides,
  };
}

export function exceptionDetailFixture(overrides: Partial<ExceptionDetail> = {}): ExceptionDetail {
  return {
    exception: { ...exceptionRow(), defaultClass: 'C', origin: 'engine', resolvedBy: null, resolvedHow: null },
    events: [
      eventDetail(orderLine, { fileName: 'shopify-orders.csv', text: 'ord-1001,#1001,120.00,USD,paid', line: 7 }),
      eventDetail(paymentLine, { fileName: 'stripe-balance.csv', text: 'ch_111,charge,115.00,usd,pi_3', line: 12 }),
    ],
    explanation: {
      ruleId: 'order-payment.exact-key',
      ruleSetId: 'default',
      ruleVersion: 3,
      strategy: 'exact_key',
      link: 'order_payment',
      summary: 'Order ord-1001 found payment ch_111 by order_ref, amounts differ beyond tolerance',
      keys: [
        { leftField: 'order_ref', rightField: 'order_ref', leftValue: '#1001', rightValue: '#1001', compare: 'equal', value: 1, agreed: true },
        { leftField: 'trace_id', rightField: 'trace_id', leftValue: 'pi_9', rightValue: 'pi_3', compare: 'equal', value: 0, agreed: false },
      ],
      amountDeltaMinor: -500,
      timeDeltaHours: 2.5,
      score: 0.93,
      runnersUp: [{ event: eventLine('ev-pay9', 'payment', 'ch_999', 12_000), score: 0.41, reason: 'outside window' }],
      policy: null,
    },
    history: [
      {
        seq: 9,
        type: 'exception.commented',
        actor: 'user:bea',
        reason: null,
        at: '2024-03-06T09:00:00.000Z',
        summary: 'comment: asked Stripe support',
        payload: {},
      },
      {
        seq: 4,
        type: 'exception.opened',
        actor: 'system:order-payment.exact-key',
        reason: 'amounts differ',
        at: '2024-03-05T23:30:00.000Z',
        summary: 'opened AMOUNT_MISMATCH',
        payload: {},
      },
    ],
    candidates: [
      {
        event: candidatePayment,
        link: 'order_payment',
        side: 'right',
        score: 0.88,
        reasons: ['order_ref agrees', 'sum with ch_111 equals the order'],
      },
    ],
    matchLinks: [{ link: 'order_payment', left: { kinds: ['order'], sources: [] }, right: { kinds: ['payment'], sources: ['stripe:main'] } }],
    ...overrides,
  };
}

export async function setupStore(handlers: FakeHandlers, workspace: WorkspaceInfo = workspaceUsd): Promise<{ fake: FakeApi; store: AppStore }> {
  const fake = createFakeApi({
    'workspace.current': () => workspace,
    'workspace.recent': () => ({ workspaces: [] }),
    'exceptions.facets': () => ({
      codes: [{ code: 'AMOUNT_MISMATCH', open: 3 }],
      sources: ['shopify:store', 'stripe:main'],
      currencies: ['USD'],
      owners: [{ owner: 'user:bea', open: 3 }],
      domains: [{ domain: 'payments', open: 3 }],
      queues: { mine: 0, team: 3, unassigned: 0, escalated: 0, due_today: 0 },
      me: null,
    }),
    ...ownershipHandlers,
    ...handlers,
  });
  const store = createAppStore(fake);
  await store.getState().loadWorkspace();
  return { fake, store };
}

export const callsOf = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method);
