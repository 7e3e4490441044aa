// A version graded against what people decided (issue 11): for each past decision in the journal (a manual match, an
// unmatch of the engine's match, a resolve or a reopen), what the version's rules alone would conclude about the
// same events (versionOutcome.ts, people's pins and blocks left out), and whether that agrees. The estimated false
// positive rate is the share of the version's auto-resolutions on decided events that a person had overturned.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { outcomeOn, OutcomeIndex } from './versionOutcome.ts';

export const GRADED_DECISIONS = ['match.manual', 'match.broken', 'exception.resolved', 'exception.reopened'] as const;
export type GradedDecision = (typeof GRADED_DECISIONS)[number];

export interface DecisionGrade {
  journalSeq: number;
  type: GradedDecision;
  subjectId: string;
  actor: string;
  at: string;
  /** Would the version conclude what the person did? */
  agrees: boolean;
  /** Does the version settle these events itself (an automatic match, or only class A findings)? */
  autoResolves: boolean;
  /** An auto-resolution a person had overturned (an unmatched engine match, a reopened finding, a match elsewhere). */
  overturned: boolean;
  note: string;
}

export interface Grading {
  /** Decisions graded (a person's latest decision on each exception; every match decision). */
  decisions: number;
  agreed: number;
  /** agreed / decisions; null without decisions. */
  agreement: number | null;
  /** Graded decisions where the version auto-resolves the events: what the false positive estimate rests on. */
  restsOn: number;
  overturned: number;
  /** overturned / restsOn; null when it rests on nothing. */
  falsePositiveRate: number | null;
  byType: Array<{ type: GradedDecision; decisions: number; agreed: number; overturned: number }>;
  grades: DecisionGrade[];
}

interface Decision {
  seq: number;
  type: GradedDecision;
  actor: string;
  subject: string;
  at: string;
  link: string | null;
  /** The events the decision is about. */
  events: string[];
  /** match.manual: the person's two sides; match.broken: the pairs they separated. */
  left: string[];
  right: string[];
  pairs: Array<[string, string]>;
}

/** People's decisions worth grading, oldest first: unmatches of a person's own match and older decisions on an exception they later changed are left out. */
export function peopleDecisions(db: LedgerDb): Decision[] {
  const rows = db
    .prepare(
      `SELECT seq, entry_type, actor, subject_id, created_at, payload FROM journal
       WHERE entry_type IN ('match.manual', 'match.broken', 'exception.resolved', 'exception.reopened') AND actor LIKE 'user:%' ORDER BY seq`,
    )
    .all() as Array<{ seq: number; entry_type: GradedDecision; actor: string; subject_id: string; created_at: string; payload: string }>;
  const eventsOf = db
    .prepare(
      'SELECT e.event_id FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq CROSS JOIN events e ON e.seq = xm.event_seq WHERE x.exception_id = ? ORDER BY e.event_id',
    )
    .pluck();
  const latestOnException = new Map<string, number>();
  for (const r of rows) if (r.entry_type.startsWith('exception.')) latestOnException.set(r.subject_id, r.seq);
  const out: Decision[] = [];
  for (const r of rows) {
    const p = JSON.parse(r.payload) as { link?: string; left?: string[]; right?: string[]; blocked_pairs?: Array<[string, string]>; origin?: string };
    const base = {
      seq: r.seq,
      type: r.entry_type,
      actor: r.actor,
      subject: r.subject_id,
      at: r.created_at,
      left: [] as string[],
      right: [] as string[],
      pairs: [] as Array<[string, string]>,
    };
    if (r.entry_type === 'match.manual') {
      out.push({ ...base, link: p.link ?? null, left: p.left ?? [], right: p.right ?? [], events: [...(p.left ?? []), ...(p.right ?? [])] });
    } else if (r.entry_type === 'match.broken') {
      if (p.origin !== 'engine') continue;
      const pairs = p.blocked_pairs ?? [];
      out.push({ ...base, link: p.link ?? null, pairs, events: [...new Set(pairs.flat())] });
    } else if (latestOnException.get(r.subject_id) === r.seq) {
      const events = eventsOf.all(r.subject_id) as string[];
      if (events.length > 0) out.push({ ...base, link: null, events });
    }
  }
  return out;
}

function grade(d: Decision, o: OutcomeIndex): DecisionGrade {
  const base = { journalSeq: d.seq, type: d.type, subjectId: d.subject, actor: d.actor, at: d.at };
  const auto = o.autoResolves(d.events);
  switch (d.type) {
    case 'match.broken': {
      const rematched = d.pairs.some(
        ([l, r]) => d.link !== null && o.matchOf(d.link, l) !== undefined && o.matchOf(d.link, l) === o.matchOf(d.link, r),
      );
      return {
        ...base,
        agrees: !rematched,
        autoResolves: rematched,
        overturned: rematched,
        note: rematched ? 'would match again what a person unmatched' : 'leaves the pair apart',
      };
    }
    case 'match.manual': {
      const mine = new Set(d.events);
      const held = d.link === null ? [] : d.events.map((id) => o.matchOf(d.link as string, id)).filter((m) => m !== undefined);
      const elsewhere = held.some((m) => [...m.left, ...m.right].some((id) => !mine.has(id)));
      const same =
        held.length === d.events.length &&
        held.every((m) => m === held[0]) &&
        held[0] !== undefined &&
        [...held[0].left, ...held[0].right].length === mine.size;
      if (same) return { ...base, agrees: true, autoResolves: true, overturned: false, note: 'matches the same events itself' };
      if (elsewhere)
        return { ...base, agrees: false, autoResolves: true, overturned: true, note: 'would match these events with others than the person did' };
      return { ...base, agrees: false, autoResolves: false, overturned: false, note: 'would not find this match (left to a person)' };
    }
    case 'exception.reopened':
      return {
        ...base,
        agrees: !auto,
        autoResolves: auto,
        overturned: auto,
        note: auto ? 'would auto-resolve what a person reopened' : 'leaves it to a person',
      };
    case 'exception.resolved': {
      const shown = auto || o.exceptionsOn(d.events).length > 0;
      return {
        ...base,
        agrees: shown,
        autoResolves: auto,
        overturned: false,
        note: shown ? (auto ? 'settles it itself' : 'raises it for a person') : 'would not raise what a person resolved',
      };
    }
  }
}

/** Grades `ruleSet` against every past decision of people in the ledger. */
export function gradeRuleSet(db: LedgerDb, settings: WorkspaceSettings, ruleSet: RuleSet): Grading {
  const decisions = peopleDecisions(db);
  const outcome = new OutcomeIndex(
    outcomeOn(
      db,
      settings,
      ruleSet,
      decisions.flatMap((d) => d.events),
      false,
    ),
  );
  const grades = decisions.map((d) => grade(d, outcome));
  const agreed = grades.filter((g) => g.agrees).length;
  const restsOn = grades.filter((g) => g.autoResolves).length;
  const overturned = grades.filter((g) => g.overturned).length;
  return {
    decisions: grades.length,
    agreed,
    agreement: grades.length === 0 ? null : agreed / grades.length,
    restsOn,
    overturned,
    falsePositiveRate: restsOn === 0 ? null : overturned / restsOn,
    byType: GRADED_DECISIONS.map((type) => {
      const of = grades.filter((g) => g.type === type);
      return { type, decisions: of.length, agreed: of.filter((g) => g.agrees).length, overturned: of.filter((g) => g.overturned).length };
    }),
    grades,
  };
}
