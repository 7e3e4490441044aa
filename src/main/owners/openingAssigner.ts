// What an exception gets when it opens (DESIGN §7): its domain, the owner and backup of that domain on the opening
// day, its SLA tier and due time, and the start of its SLA clock. Called by the exceptions store for every opening, so
// it stays cheap: the domain table and tiers are read once, owners once per (domain, day), and an exception's sources
// are read (one indexed lookup) only for codes whose domain depends on them.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { SlaTier } from '../../shared/ownership/slaTiers.ts';
import { formatPerson } from '../../shared/ownership/people.ts';
import { HOUR_MS } from '../../shared/time/duration.ts';
import { OwnershipConfig } from './ownershipConfig.ts';

/** The columns an opening sets (exceptions, migration 10). */
export interface OpeningAssignment {
  domain: string | null;
  owner: string | null;
  backup: string | null;
  sla_tier: SlaTier;
  sla_due_at: string | null;
  opened_at: string;
  escalation_level: 0;
}

export interface OpeningFacts {
  code: string;
  cls: 'A' | 'B' | 'C';
  state: string;
  amount: number;
  currency: string;
  eventSeqs: readonly number[];
}

/** Sources looked at per exception: enough to tell a bank line's mismatch from a payment's. */
const SOURCE_EVENTS = 8;

export class OpeningAssigner {
  readonly config: OwnershipConfig;
  private readonly sources;
  private day: { at: string; day: string } | null = null;

  constructor(db: LedgerDb, settings: WorkspaceSettings) {
    this.config = new OwnershipConfig(settings);
    this.sources = db.prepare('SELECT DISTINCT source FROM event_rows WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY source').pluck();
  }

  assign(x: OpeningFacts, now: string): OpeningAssignment {
    const c = this.config;
    const sources = c.domainMap.needsSources(x.code) ? (this.sources.all(JSON.stringify(x.eventSeqs.slice(0, SOURCE_EVENTS))) as string[]) : [];
    const domain = c.domainMap.domainOf(x.code, sources);
    if (this.day?.at !== now) this.day = { at: now, day: c.dayOf(now) };
    const people = domain === null ? null : c.ownersOn(domain, this.day.day);
    const { tier, dueHours } = c.tierOf(x.code, x.cls, x.amount, x.currency);
    return {
      domain,
      owner: people === null ? null : formatPerson(people.owner),
      backup: people === null ? null : formatPerson(people.backup),
      sla_tier: tier,
      sla_due_at: x.state === 'resolved' ? null : new Date(Date.parse(now) + dueHours * HOUR_MS).toISOString(),
      opened_at: now,
      escalation_level: 0,
    };
  }
}
