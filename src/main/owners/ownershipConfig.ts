// The workspace's ownership settings read once into what the services ask many times: the domain table, the SLA
// tiers and escalation steps in force (workspace.json or the shipped defaults), and the owners of a domain on a day.
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { DomainMap } from '../../shared/ownership/domains.ts';
import { ownersOn, type OwnersOnDay } from '../../shared/ownership/rotation.ts';
import { DEFAULT_ESCALATION_HOURS, defaultSlaTiers, slaTierOf, type SlaTier, type SlaTierRule } from '../../shared/ownership/slaTiers.ts';
import type { Person } from '../../shared/ownership/people.ts';
import { policyGateMinor } from '../matching/rules/classification.ts';
import { utcInstantToLocalDate } from '../../shared/time/dateText.ts';
import { endOfDayIn } from './metricsPeriod.ts';

export class OwnershipConfig {
  readonly settings: WorkspaceSettings;
  readonly domainMap: DomainMap;
  readonly tiers: readonly SlaTierRule[];
  readonly escalationHours: readonly [number, number];
  private readonly owners = new Map<string, OwnersOnDay | null>();

  constructor(settings: WorkspaceSettings) {
    this.settings = settings;
    this.domainMap = new DomainMap(settings.domain_map ?? []);
    this.tiers = settings.sla?.tiers ?? defaultSlaTiers(policyGateMinor(settings));
    this.escalationHours = settings.sla?.escalate_after_hours ?? DEFAULT_ESCALATION_HOURS;
  }

  /** The workspace's calendar day of an instant (owners rotate by the workspace's days). */
  dayOf(instant: string): string {
    return utcInstantToLocalDate(instant, this.settings.time_zone);
  }

  /** The instant the workspace's day of `instant` ends ("Due today" means due before it). */
  endOfDay(instant: string): string {
    return endOfDayIn(instant, this.settings.time_zone);
  }

  /** Owner and backup of a domain on a day; each (domain, day) is worked out once per config. */
  ownersOn(domain: string, day: string): OwnersOnDay | null {
    const key = `${domain}\u001f${day}`;
    if (!this.owners.has(key)) this.owners.set(key, ownersOn(this.settings.owners?.[domain], day));
    return this.owners.get(key) ?? null;
  }

  tierOf(code: string, cls: 'A' | 'B' | 'C', amountMinor: number, currency: string): { tier: SlaTier; dueHours: number } {
    return slaTierOf({ code, cls, amountMinor, currency }, this.tiers, this.settings.reporting_currency);
  }

  /** The matrix's last step: the domain's own escalation contact, else the workspace's. */
  escalationContact(domain: string | null): Person | null {
    return (domain === null ? undefined : this.settings.owners?.[domain]?.escalation) ?? this.settings.sla?.escalation_contact ?? null;
  }
}
