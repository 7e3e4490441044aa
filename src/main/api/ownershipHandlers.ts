// The handlers of the owners, SLA, metrics, checklist and exception-card methods (issue 13), spread into the handler
// table (handlers.ts). They translate requests into src/main/owners/ calls; the wall clock is "now" here, as the app's
// SLA clock runs on it (the CLI's --as-of is the explicit one).
import { ApiError, type MethodName } from '../../shared/api/contract.ts';
import type { Handler, ServiceContext } from './handlers.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { formatPerson } from '../../shared/ownership/people.ts';
import { knownPeople, listOwners, resolveOwnerText, setDomainMap, setDomainOwners, setMe, setPlaybook } from '../owners/ownersService.ts';
import { applySla } from '../owners/slaClock.ts';
import { escalationNotifications, journalHead } from '../owners/notifications.ts';
import { computeMetrics } from '../owners/metrics.ts';
import { operatingChecklist } from '../owners/operatingChecklist.ts';
import { exceptionHandOff, UnknownExceptionError } from '../owners/exceptionHandOff.ts';
import { OwnershipConfig } from '../owners/ownershipConfig.ts';
import { assignExceptions } from '../matching/decisions.ts';

type OwnershipMethod =
  | 'owners.list'
  | 'owners.set'
  | 'owners.setMe'
  | 'owners.setDomainMap'
  | 'playbooks.set'
  | 'sla.check'
  | 'notifications.list'
  | 'metrics.get'
  | 'checklist.get'
  | 'exceptions.card'
  | 'exceptions.reassign';

function workspaceOf(ctx: ServiceContext): Workspace {
  if (ctx.workspace === null) throw new ApiError({ kind: 'no_workspace', message: 'No workspace is open: create or open one first.', field: null });
  return ctx.workspace;
}

const now = (): string => new Date().toISOString();

export const ownershipHandlers: { [M in OwnershipMethod & MethodName]: Handler<M> } = {
  'owners.list': (ctx) => {
    const ws = workspaceOf(ctx);
    return { ...listOwners(ws.settings, now()), people: knownPeople(ws.settings).map(formatPerson), domainMap: ws.settings.domain_map ?? [] };
  },
  'owners.set': (ctx, r) => setDomainOwners(workspaceOf(ctx), r, ctx.actor),
  'owners.setMe': (ctx, r) => {
    setMe(workspaceOf(ctx), r.me, ctx.actor);
    return { ok: true };
  },
  'owners.setDomainMap': (ctx, r) => {
    setDomainMap(workspaceOf(ctx), r.rules, ctx.actor);
    return { ok: true };
  },
  'playbooks.set': (ctx, r) => {
    setPlaybook(workspaceOf(ctx), r.code, r.playbook, ctx.actor);
    return { ok: true };
  },
  'sla.check': (ctx) => {
    const ws = workspaceOf(ctx);
    const head = journalHead(ws.db);
    const r = applySla(ws.db, ws.settings, now());
    const notifications = r.escalated.length === 0 ? [] : escalationNotifications(ws.db, ws.settings, { afterSeq: head, limit: 500 });
    return { asOf: r.asOf, assigned: r.assigned, notifications, overdue: r.overdue, escalatedTotal: r.escalatedTotal };
  },
  'notifications.list': (ctx, r) => {
    const ws = workspaceOf(ctx);
    return { notifications: escalationNotifications(ws.db, ws.settings, { limit: r.limit }) };
  },
  'metrics.get': (ctx, r) => {
    const ws = workspaceOf(ctx);
    return computeMetrics(ws.db, ws.settings, { asOf: now(), from: r.from, to: r.to });
  },
  'checklist.get': (ctx) => ({ items: operatingChecklist(workspaceOf(ctx), now()) }),
  'exceptions.card': (ctx, r) => {
    const ws = workspaceOf(ctx);
    const at = now();
    try {
      return exceptionHandOff(ws.db, ws.settings, r.exceptionId, at, new OwnershipConfig(ws.settings).endOfDay(at));
    } catch (err) {
      if (err instanceof UnknownExceptionError) throw new ApiError({ kind: 'not_found', message: err.message, field: 'exceptionId' });
      throw err;
    }
  },
  'exceptions.reassign': (ctx, r) => {
    const ws = workspaceOf(ctx);
    const owner = resolveOwnerText(ws.settings, r.owner);
    return { assigned: assignExceptions(ws.db, { exceptionIds: r.exceptionIds, actor: ctx.actor, owner, reason: r.reason }), owner };
  },
};
