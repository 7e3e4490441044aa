// Owners, SLA and operations in the renderer (issue 13): the workspace's owners and "me", the escalation
// notifications (the SLA clock's `notification` events and the list kept in the journal), the open exception's card
// (owner, SLA, playbook, message, ticket), and the Dashboard's operating metrics (last 30 days) and checklist.
import type { Checklist, ExceptionCard, MetricsReportView, Notification, OwnersView } from '../../../shared/api/ownershipContract.ts';
import type { RequestOf } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export type Person = { name: string; email: string };
export type Playbook = { title: string; steps: string[] };

/** Notifications kept in the list: the latest this many. */
const KEPT_NOTIFICATIONS = 50;

export interface OwnersSlice {
  owners: OwnersView | null;
  notifications: Notification[];
  /** The highest notification seq the person has seen (the bell counts those after it). */
  notificationsSeenSeq: number;
  exceptionCard: ExceptionCard | null;
  exceptionCardError: string | null;
  metrics: MetricsReportView | null;
  checklist: Checklist['items'] | null;
  operationsError: string | null;

  loadOwners(): Promise<void>;
  setMe(me: Person | null): Promise<boolean>;
  setDomainOwners(request: RequestOf<'owners.set'>): Promise<boolean>;
  saveDomainMap(rules: RequestOf<'owners.setDomainMap'>['rules']): Promise<boolean>;
  loadNotifications(): Promise<void>;
  markNotificationsSeen(): void;
  /** The card of an exception (null clears it). */
  loadExceptionCard(exceptionId: string | null): Promise<void>;
  savePlaybook(code: string, playbook: Playbook | null): Promise<boolean>;
  /** The operating metrics of the last 30 days (one point per day) and the operating checklist. */
  loadOperations(): Promise<void>;
}

function mergeNotifications(kept: readonly Notification[], arrived: readonly Notification[]): Notification[] {
  const bySeq = new Map<number, Notification>();
  for (const n of [...arrived, ...kept]) if (!bySeq.has(n.seq)) bySeq.set(n.seq, n);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, KEPT_NOTIFICATIONS);
}

export const createOwnersSlice: SliceCreator<OwnersSlice> = (api) => (set, get) => {
  api.onEvent((event) => {
    if (event.type !== 'notification') return;
    set((s) => ({ notifications: mergeNotifications(s.notifications, event.notifications) }));
    const mine = event.notifications.filter((n) => n.forMe).length;
    const n = event.notifications.length;
    get().notify(
      'success',
      `${n} escalation step${n === 1 ? '' : 's'} taken${mine > 0 ? `, ${mine} for you` : ''}: see the bell or the Escalated queue`,
    );
  });

  async function change(failure: string, success: string, work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      get().notify('success', success);
      await get().loadOwners();
      return true;
    } catch (err) {
      get().notify('error', `${failure}: ${errorMessage(err)}`);
      return false;
    }
  }

  let cardFetch = 0;
  let operationsFetch = 0;
  return {
    owners: null,
    notifications: [],
    notificationsSeenSeq: 0,
    exceptionCard: null,
    exceptionCardError: null,
    metrics: null,
    checklist: null,
    operationsError: null,

    async loadOwners() {
      try {
        set({ owners: await api.call('owners.list', {}) });
      } catch (err) {
        get().notify('error', `Could not read the owners: ${errorMessage(err)}`);
      }
    },
    setMe(me) {
      return change('Could not save who you are', me === null ? 'This laptop no longer says who you are' : `You are ${me.name} on this laptop`, () =>
        api.call('owners.setMe', { me }),
      );
    },
    setDomainOwners(request) {
      return change(
        `Could not hand ${request.domain} over`,
        `${request.domain}: ${request.owner.name} owns it, ${request.backup.name} backs up`,
        () => api.call('owners.set', request),
      );
    },
    saveDomainMap(rules) {
      return change('Could not save the domain table', 'Domain table saved: new exceptions follow it', () =>
        api.call('owners.setDomainMap', { rules }),
      );
    },
    async loadNotifications() {
      try {
        const { notifications } = await api.call('notifications.list', { limit: KEPT_NOTIFICATIONS });
        set((s) => ({ notifications: mergeNotifications(s.notifications, notifications) }));
      } catch (err) {
        get().notify('error', `Could not read the notifications: ${errorMessage(err)}`);
      }
    },
    markNotificationsSeen() {
      set((s) => ({ notificationsSeenSeq: Math.max(s.notificationsSeenSeq, s.notifications[0]?.seq ?? 0) }));
    },
    async loadExceptionCard(exceptionId) {
      cardFetch += 1;
      const id = cardFetch;
      if (exceptionId === null) {
        set({ exceptionCard: null, exceptionCardError: null });
        return;
      }
      if (get().exceptionCard?.exceptionId !== exceptionId) set({ exceptionCard: null, exceptionCardError: null });
      try {
        const card = await api.call('exceptions.card', { exceptionId });
        if (id === cardFetch) set({ exceptionCard: card, exceptionCardError: null });
      } catch (err) {
        if (id === cardFetch) set({ exceptionCard: null, exceptionCardError: errorMessage(err) });
      }
    },
    async savePlaybook(code, playbook) {
      try {
        await api.call('playbooks.set', { code, playbook });
        get().notify('success', playbook === null ? `${code}: back to the shipped playbook` : `${code}: playbook saved for this workspace`);
        await get().loadExceptionCard(get().exceptionCard?.exceptionId ?? null);
        return true;
      } catch (err) {
        get().notify('error', `Could not save the playbook: ${errorMessage(err)}`);
        return false;
      }
    },
    async loadOperations() {
      operationsFetch += 1;
      const id = operationsFetch;
      try {
        // Operating days (arrival, decisions), not the books' period: the last 30 days the CLI reports by default.
        const [metrics, checklist] = await Promise.all([api.call('metrics.get', {}), api.call('checklist.get', {})]);
        if (id === operationsFetch) set({ metrics, checklist: checklist.items, operationsError: null });
      } catch (err) {
        if (id === operationsFetch) set({ operationsError: errorMessage(err) });
      }
    },
  };
};
