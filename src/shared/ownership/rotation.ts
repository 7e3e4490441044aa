// Who owns a domain on a given day: explicit hand-overs (`tieout owners set --from DATE`) and an optional rotation
// schedule (e.g. quarterly, the outgoing owner staying on as backup for a hand-off week). Pure calendar arithmetic on
// YYYY-MM-DD days of the workspace time zone.
import { z } from 'zod';
import { PersonSchema, type Person } from './people.ts';

const CalendarDateSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD');

export const AssignmentSchema = z.object({ from: CalendarDateSchema, owner: PersonSchema, backup: PersonSchema }).strict();
export type Assignment = z.infer<typeof AssignmentSchema>;

export const ROTATION_PERIODS = ['week', 'month', 'quarter'] as const;

/**
 * People take turns, each for one period from `starting`: in turn k, people[k mod n] owns the domain and the next in
 * line backs them up, except during the first `handoff_days` of a turn, when the outgoing owner is the backup.
 */
export const RotationSchema = z
  .object({
    every: z.enum(ROTATION_PERIODS),
    starting: CalendarDateSchema,
    people: z.array(PersonSchema).min(2).max(20),
    handoff_days: z.number().int().min(0).max(31).optional(),
  })
  .strict();
export type Rotation = z.infer<typeof RotationSchema>;

export const DomainOwnershipSchema = z
  .object({
    assignments: z.array(AssignmentSchema).max(500).optional(),
    rotation: RotationSchema.optional(),
    /** The last step of the escalation matrix for this domain (else the workspace's `sla.escalation_contact`). */
    escalation: PersonSchema.optional(),
    /**
     * A new-ticket link with {title}, {description}, {id}, {code}, {domain}, {owner}, {due} placeholders (URL-encoded
     * when filled), e.g. a Jira CreateIssueDetails or a Linear new-issue link.
     */
    ticket_url: z.string().url().max(2000).optional(),
  })
  .strict();
export type DomainOwnership = z.infer<typeof DomainOwnershipSchema>;

export const DEFAULT_HANDOFF_DAYS = 7;

export interface OwnersOnDay {
  owner: Person;
  backup: Person;
  /** The day this owner's turn or hand-over began. */
  since: string;
  /** Inside a rotation's hand-off days: the backup is the outgoing owner. */
  handoff: boolean;
  origin: 'assignment' | 'rotation';
}

const DAY_MS = 86_400_000;

function dayMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of turn k of a rotation (months clamp to the month's last day: 31 Jan + 1 month = 28/29 Feb). */
function turnStart(r: Rotation, k: number): string {
  if (r.every === 'week') return dateOf(dayMs(r.starting) + k * 7 * DAY_MS);
  const months = k * (r.every === 'month' ? 1 : 3);
  const y = Number(r.starting.slice(0, 4));
  const m = Number(r.starting.slice(5, 7)) - 1 + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return dateOf(Date.UTC(y, m, Math.min(Number(r.starting.slice(8, 10)), last)));
}

/** The turn the day falls in (null before the rotation starts). */
function turnOn(r: Rotation, day: string): number | null {
  if (day < r.starting) return null;
  const span = r.every === 'week' ? 7 : r.every === 'month' ? 30.44 : 91.31;
  let k = Math.max(0, Math.floor((dayMs(day) - dayMs(r.starting)) / (span * DAY_MS)) - 1);
  while (k > 0 && turnStart(r, k) > day) k--;
  while (turnStart(r, k + 1) <= day) k++;
  return k;
}

function rotationOn(r: Rotation, day: string): OwnersOnDay | null {
  const k = turnOn(r, day);
  if (k === null) return null;
  const n = r.people.length;
  const since = turnStart(r, k);
  const handoff = k > 0 && dayMs(day) - dayMs(since) < (r.handoff_days ?? DEFAULT_HANDOFF_DAYS) * DAY_MS;
  const owner = r.people[k % n] as Person;
  const backup = (handoff ? r.people[(k - 1) % n] : r.people[(k + 1) % n]) as Person;
  return { owner, backup, since, handoff, origin: 'rotation' };
}

function assignmentOn(list: readonly Assignment[], day: string): OwnersOnDay | null {
  let best: Assignment | null = null;
  for (const a of list) if (a.from <= day && (best === null || a.from >= best.from)) best = a;
  return best === null ? null : { owner: best.owner, backup: best.backup, since: best.from, handoff: false, origin: 'assignment' };
}

/**
 * The owner and backup of a domain on a day. An explicit hand-over made during the current rotation turn (its `from`
 * on or after the turn's start) overrides the rotation until the next turn; without a rotation the latest hand-over
 * on or before the day holds. Null: nobody owns the domain that day.
 */
export function ownersOn(d: DomainOwnership | undefined, day: string): OwnersOnDay | null {
  if (d === undefined) return null;
  const byRotation = d.rotation === undefined ? null : rotationOn(d.rotation, day);
  const byAssignment = assignmentOn(d.assignments ?? [], day);
  if (byRotation === null) return byAssignment;
  if (byAssignment !== null && byAssignment.since >= byRotation.since) return byAssignment;
  return byRotation;
}
