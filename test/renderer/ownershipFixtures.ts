// Contract-shaped owners, SLA, card, metrics and checklist data for the renderer tests (the fake API validates every
// response against the contract, so these stay the shapes the services answer).
import type { Checklist, ExceptionCard, MetricsReportView, Notification, OwnersView } from '../../src/shared/api/ownershipContract.ts';
import type { FakeHandlers } from './fakeApi.ts';

export const ANA = 'Ana Lopez <ana@example.com>';
export const BEA = 'Bea Park <bea@example.com>';
export const CARLA = 'Carla Diaz <carla@example.com>';

export function ownersFixture(overrides: Partial<OwnersView> = {}): OwnersView {
  return {
    day: '2024-03-09',
    me: null,
    domains: [
      {
        domain: 'payments',
        owner: ANA,
        backup: BEA,
        since: '2024-01-01',
        handoff: false,
        origin: 'assignment',
        escalation: CARLA,
        ticketUrl: 'https://acme.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=1&summary={title}',
        rotation: null,
        assignments: [{ from: '2024-01-01', owner: ANA, backup: BEA }],
      },
      {
        domain: 'bank',
        owner: null,
        backup: null,
        since: null,
        handoff: false,
        origin: null,
        escalation: null,
        ticketUrl: null,
        rotation: null,
        assignments: [],
      },
    ],
    people: [ANA, BEA, CARLA],
    domainMap: [],
    ...overrides,
  };
}

export function cardFixture(overrides: Partial<ExceptionCard> = {}): ExceptionCard {
  return {
    exceptionId: 'exc-1',
    code: 'AMOUNT_MISMATCH',
    domain: 'payments',
    owner: ANA,
    backup: BEA,
    escalationContact: CARLA,
    slaTier: 'HIGH',
    slaDueAt: '2024-03-08T23:30:00.000Z',
    slaState: 'overdue',
    openedAt: '2024-03-05T23:30:00.000Z',
    escalationLevel: 1,
    escalatedTo: BEA,
    escalations: [{ level: 1, role: 'backup', to: BEA, at: '2024-03-06T23:30:00.000Z', asOf: '2024-03-06T23:30:00.000Z' }],
    playbook: { title: 'Order and payment amounts differ', steps: ['Open both records', 'Ask the processor'], origin: 'default' },
    family: 'finance',
    message: 'Hello Ana, order #1001 and its payment differ by 5.00 USD.',
    ticketTitle: 'AMOUNT_MISMATCH exc-1: 5.00 USD',
    ticketText: 'AMOUNT_MISMATCH exc-1\nOwner: Ana Lopez <ana@example.com>\nSLA: HIGH, due 2024-03-08T23:30:00.000Z',
    ticketUrl: 'https://acme.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=1&summary=AMOUNT_MISMATCH%20exc-1',
    ...overrides,
  };
}

export function notificationFixture(seq: number, overrides: Partial<Notification> = {}): Notification {
  return {
    seq,
    exceptionId: 'exc-1',
    code: 'AMOUNT_MISMATCH',
    level: 1,
    role: 'backup',
    to: BEA,
    owner: ANA,
    at: '2024-03-06T23:30:00.000Z',
    asOf: '2024-03-06T23:30:00.000Z',
    title: 'Escalated to Bea Park: AMOUNT_MISMATCH exc-1',
    body: 'Unresolved 24 h: 5.00 USD at stake',
    forMe: false,
    ...overrides,
  };
}

export function metricsFixture(): MetricsReportView {
  const day = (date: string, arrived: number, unmatched1h: number, manualActions: number, resolved: number) => ({
    date,
    arrived,
    unmatched1h,
    unmatchedRate1h: arrived === 0 ? null : unmatched1h / arrived,
    resolved,
    mttrHours: resolved === 0 ? null : 20,
    opened: 2,
    autoResolved: 1,
    autoResolveRate: 0.5,
    manualActions,
    highValueOpen: 1,
    highValueMinor: 250_000,
  });
  return {
    from: '2024-03-01',
    to: '2024-03-03',
    asOf: '2024-03-09T12:00:00.000Z',
    reportingCurrency: 'USD',
    summary: {
      unmatched_rate_1h: 0.125,
      mean_time_to_resolution_hours: 20,
      auto_resolve_rate: 0.5,
      manual_actions_per_day: 2.3,
      high_value_open: { count: 1, value_minor: 250_000 },
      top_exceptions: [
        { code: 'AMOUNT_MISMATCH', count: 4, trend: [{ week: '2024-02-26', count: 4 }] },
        { code: 'PAYOUT_NOT_IN_BANK', count: 2, trend: [{ week: '2024-02-26', count: 2 }] },
      ],
    },
    days: [day('2024-03-01', 8, 1, 3, 1), day('2024-03-02', 0, 0, 0, 0), day('2024-03-03', 8, 1, 4, 2)],
  };
}

export function checklistFixture(): Checklist {
  return {
    items: [
      { id: 'sources', label: 'Sources inventoried and delivering', ok: true, detail: '3 sources delivered in the last 7 days' },
      { id: 'owners', label: 'Owners and backups for every domain', ok: false, detail: 'bank has no owner' },
    ],
  };
}

/** The ownership methods every screen test may meet, answered with the fixtures above. */
export const ownershipHandlers: FakeHandlers = {
  'owners.list': () => ownersFixture(),
  'notifications.list': () => ({ notifications: [] }),
  'exceptions.card': () => cardFixture(),
  'metrics.get': () => metricsFixture(),
  'checklist.get': () => checklistFixture(),
};
