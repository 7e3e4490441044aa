// Owners of domains as a workspace manages them (`tieout owners set|list`, the app's owners panel): hand-overs,
// "who am I", the workspace's domain rows and per-code playbooks, each change journaled; and the owners in force on
// a day for every domain the workspace knows.
import type { Workspace } from '../workspace/workspace.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { formatPerson, parsePerson, type Person } from '../../shared/ownership/people.ts';
import { DomainNameSchema, type DomainRule } from '../../shared/ownership/domains.ts';
import type { Assignment, DomainOwnership } from '../../shared/ownership/rotation.ts';
import { PlaybookSchema, type Playbook } from '../../shared/ownership/playbooks.ts';
import { OwnershipConfig } from './ownershipConfig.ts';
import { updateSettingsFile } from './ownershipSettingsFile.ts';
import { assignMissingSla } from './slaClock.ts';

export class OwnersError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export interface DomainOwnersView {
  domain: string;
  owner: string | null;
  backup: string | null;
  /** The day this owner's turn or hand-over began. */
  since: string | null;
  handoff: boolean;
  origin: 'assignment' | 'rotation' | null;
  escalation: string | null;
  ticketUrl: string | null;
  rotation: { every: string; starting: string; people: string[]; handoffDays: number } | null;
  /** Explicit hand-overs, oldest first. */
  assignments: Array<{ from: string; owner: string; backup: string }>;
}

export interface OwnersList {
  day: string;
  me: string | null;
  domains: DomainOwnersView[];
}

/** Every domain the table can answer or the workspace lists, with its owners on the workspace's day of `at`. */
export function listOwners(settings: WorkspaceSettings, at: string): OwnersList {
  const c = new OwnershipConfig(settings);
  const day = c.dayOf(at);
  const names = [...new Set([...c.domainMap.domains(), ...Object.keys(settings.owners ?? {})])];
  const domains = names.map((domain): DomainOwnersView => {
    const d: DomainOwnership = settings.owners?.[domain] ?? {};
    const now = c.ownersOn(domain, day);
    const r = d.rotation;
    return {
      domain,
      owner: now === null ? null : formatPerson(now.owner),
      backup: now === null ? null : formatPerson(now.backup),
      since: now?.since ?? null,
      handoff: now?.handoff ?? false,
      origin: now?.origin ?? null,
      escalation: ((p) => (p === null ? null : formatPerson(p)))(c.escalationContact(domain)),
      ticketUrl: d.ticket_url ?? null,
      rotation:
        r === undefined ? null : { every: r.every, starting: r.starting, people: r.people.map(formatPerson), handoffDays: r.handoff_days ?? 7 },
      assignments: [...(d.assignments ?? [])]
        .sort((a, b) => (a.from < b.from ? -1 : 1))
        .map((a) => ({ from: a.from, owner: formatPerson(a.owner), backup: formatPerson(a.backup) })),
    };
  });
  return { day, me: settings.me === undefined ? null : formatPerson(settings.me), domains };
}

export interface SetOwnersInput {
  domain: string;
  owner: Person;
  backup: Person;
  /** First day of the hand-over (workspace calendar); default: today. */
  from?: string;
}

/**
 * Hands a domain to an owner and backup from a day on (replacing a hand-over of the same day), then gives the
 * domain's live exceptions that have no owner yet the owners in force now.
 */
export function setDomainOwners(
  ws: Workspace,
  input: SetOwnersInput,
  actor: string,
  now = new Date().toISOString(),
): { from: string; assigned: number } {
  const domain = DomainNameSchema.safeParse(input.domain);
  if (!domain.success) throw new OwnersError(`--domain: "${input.domain}" ${domain.error.issues[0]?.message ?? 'is not a domain name'}`);
  if (input.owner.email.toLowerCase() === input.backup.email.toLowerCase()) throw new OwnersError('the backup must be another person than the owner');
  const from = input.from ?? new OwnershipConfig(ws.settings).dayOf(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`)))
    throw new OwnersError(`--from: "${from}" is not a date YYYY-MM-DD`);
  const previous = ws.settings.owners?.[input.domain]?.assignments?.find((a) => a.from === from) ?? null;
  updateSettingsFile(
    ws,
    (file) => {
      const owners = (file.owners ?? {}) as Record<string, DomainOwnership>;
      const d = owners[input.domain] ?? {};
      const kept = (d.assignments ?? []).filter((a) => a.from !== from);
      const next: Assignment = { from, owner: input.owner, backup: input.backup };
      owners[input.domain] = { ...d, assignments: [...kept, next].sort((a, b) => (a.from < b.from ? -1 : 1)) };
      file.owners = owners;
    },
    {
      type: 'owners.changed',
      actor,
      subjectId: input.domain,
      reason: `${input.domain}: ${formatPerson(input.owner)}, backup ${formatPerson(input.backup)}, from ${from}`,
      payload: {
        domain: input.domain,
        from,
        owner: formatPerson(input.owner),
        backup: formatPerson(input.backup),
        replaces: previous === null ? null : { owner: formatPerson(previous.owner), backup: formatPerson(previous.backup) },
      },
    },
  );
  return { from, assigned: assignMissingSla(ws.db, ws.settings, now) };
}

/** "Who am I" on this laptop (null forgets it): what "My queue" means. */
export function setMe(ws: Workspace, me: Person | null, actor: string): void {
  updateSettingsFile(
    ws,
    (file) => {
      if (me === null) delete file.me;
      else file.me = me;
    },
    { type: 'workspace.settings_changed', actor, payload: { before: { me: ws.settings.me ?? null }, after: { me } } },
  );
}

/** The workspace's own code/source → domain rows (read before the shipped ones); an empty list keeps only the defaults. */
export function setDomainMap(ws: Workspace, rules: readonly DomainRule[], actor: string): void {
  updateSettingsFile(
    ws,
    (file) => {
      if (rules.length === 0) delete file.domain_map;
      else file.domain_map = rules;
    },
    { type: 'workspace.settings_changed', actor, payload: { before: { domain_map: ws.settings.domain_map ?? [] }, after: { domain_map: rules } } },
  );
}

/** A code's playbook for this workspace (null: back to the shipped one), journaled with the steps before and after. */
export function setPlaybook(ws: Workspace, code: string, playbook: Playbook | null, actor: string): void {
  if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new OwnersError(`"${code}" is not an exception code`);
  if (playbook !== null) {
    const parsed = PlaybookSchema.safeParse(playbook);
    if (!parsed.success)
      throw new OwnersError(`playbook for ${code}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const before = ws.settings.playbooks?.[code] ?? null;
  updateSettingsFile(
    ws,
    (file) => {
      const all = { ...((file.playbooks ?? {}) as Record<string, Playbook>) };
      if (playbook === null) delete all[code];
      else all[code] = playbook;
      if (Object.keys(all).length === 0) delete file.playbooks;
      else file.playbooks = all;
    },
    { type: 'playbook.changed', actor, subjectId: code, payload: { code, before, after: playbook } },
  );
}

/** Everyone the workspace names: "who am I", every domain's hand-overs, rotations and escalation contacts. */
export function knownPeople(settings: WorkspaceSettings): Person[] {
  const all: Person[] = [
    ...(settings.me === undefined ? [] : [settings.me]),
    ...(settings.sla?.escalation_contact === undefined ? [] : [settings.sla.escalation_contact]),
  ];
  for (const d of Object.values(settings.owners ?? {})) {
    for (const a of d.assignments ?? []) all.push(a.owner, a.backup);
    all.push(...(d.rotation?.people ?? []), ...(d.escalation === undefined ? [] : [d.escalation]));
  }
  const byEmail = new Map<string, Person>();
  for (const p of all) if (!byEmail.has(p.email.toLowerCase())) byEmail.set(p.email.toLowerCase(), p);
  return [...byEmail.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * An owner as a person typed it: "NAME <EMAIL>" as written, or the full name, e-mail or (when only one person has
 * it) first name of someone the workspace knows, so "Ben" lands in Ben's queue; anything else is kept as typed.
 */
export function resolveOwnerText(settings: WorkspaceSettings, text: string): string {
  const typed = parsePerson(text);
  if (typed !== null) return formatPerson(typed);
  const t = text.trim().toLowerCase();
  const people = knownPeople(settings);
  const exact = people.filter((p) => p.email.toLowerCase() === t || p.name.toLowerCase() === t);
  const found = exact.length > 0 ? exact : people.filter((p) => p.name.toLowerCase().split(/\s+/)[0] === t);
  return found.length === 1 ? formatPerson(found[0] as Person) : text.trim();
}
