// What the Rules screen reads, in the API contract's shapes: the versions, a version's comparison and its differences
// paged from its lane, one difference with both sides' explanations (runner-ups included), and "Try on an example".
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { OutcomeItem, Period, ResponseOf, RuleComparison, RuleDiffFilter, RuleDiffRow } from '../../shared/api/contract.ts';
import { parseVersionLabel, sameVersion, versionLabel } from '../../shared/rules/ruleVersions.ts';
import { explain } from '../matching/engine/explain.ts';
import { eventLines, toExplanation } from '../review/eventDetails.ts';
import { humanExplanation } from '../review/explanationWords.ts';
import { notFound } from '../review/reviewSupport.ts';
import { listVersions } from './versionList.ts';
import { canaryFigures } from './canaryFigures.ts';
import { activeVersion, canaryVersion, ruleSetOf, stateOf } from './versionStates.ts';
import { comparisonReport, requireComparable } from './comparisonReport.ts';
import { diffPage, diffsInView, ensureDiffs, withLane, type DiffSortField } from './shadowComparison.ts';
import { eventInPeriod } from '../review/businessTime.ts';
import { readDefinition } from './versionLifecycle.ts';
import { tryOnExample } from './tryExample.ts';

export function versionsView(db: LedgerDb): ResponseOf<'rules.versions'> {
  const canary = canaryVersion(db);
  const active = activeVersion(db);
  const replaced = stateOf(db, active)?.replaces ?? null;
  const rollbackTo = canary !== null ? active : replaced !== null && !sameVersion(replaced, active) ? replaced : null;
  return {
    rollbackTo: rollbackTo === null ? null : versionLabel(rollbackTo),
    versions: listVersions(db),
    inForce: versionLabel(canaryVersion(db) ?? activeVersion(db)),
    active: versionLabel(activeVersion(db)),
    canary: canaryFigures(db),
  };
}

export function definitionView(db: LedgerDb, label: string | undefined): ResponseOf<'rules.definition'> {
  const v = label === undefined ? (canaryVersion(db) ?? activeVersion(db)) : parseVersionLabel(label);
  return { version: versionLabel(v), ruleSet: ruleSetOf(db, v) as unknown as Record<string, unknown> };
}

/** The comparison without the per-decision grades (the CLI's JSON lists them; the screen shows the figures). */
export function comparisonView(db: LedgerDb, settings: WorkspaceSettings, label: string): RuleComparison {
  const r = comparisonReport(db, settings, parseVersionLabel(label), { limit: 0 });
  const { decisions, agreed, agreement, restsOn, overturned, falsePositiveRate, live } = r.grading;
  return {
    summary: r.summary,
    grading: { decisions, agreed, agreement, restsOn, overturned, falsePositiveRate, live },
    window:
      r.window === null
        ? null
        : {
            policy: r.window.policy,
            since: r.window.since,
            observedDays: r.window.observedDays,
            observedEvents: r.window.observedEvents,
            met: r.window.met,
            missing: r.window.missing,
          },
  };
}

/** The differences grid's view (version, filter, sort, review period), paged or whole. */
export interface DiffsView {
  version: string;
  period?: Period;
  sort: Array<{ field: DiffSortField; dir: 'asc' | 'desc' }>;
  filter: RuleDiffFilter;
}

/** Opens the version's lane with its differences made current (its lane catches up, stale diffs are computed again). */
function withDiffs<T>(db: LedgerDb, settings: WorkspaceSettings, version: string, read: (lane: LedgerDb) => T): T {
  const v = parseVersionLabel(version);
  const ruleSet = ruleSetOf(db, v);
  return withLane(db, settings, v, (lane) => {
    ensureDiffs(lane, ruleSet);
    return read(lane);
  });
}

const viewQuery = (q: DiffsView, timeZone: string) => ({ sort: q.sort, filter: q.filter, event: eventInPeriod(q.period, timeZone, 'e') });

/**
 * A page of the version's differences whose events are in the review period. The version in force differs from the
 * live results in nothing: an empty page (a grid still open on a version just promoted refreshes to that, not to an
 * error).
 */
export function diffsView(db: LedgerDb, settings: WorkspaceSettings, q: DiffsView & { startRow: number; endRow: number }): ResponseOf<'rules.diffs'> {
  if (sameVersion(parseVersionLabel(q.version), canaryVersion(db) ?? activeVersion(db))) return { rows: [], totalRows: 0 };
  return withDiffs(db, settings, q.version, (lane) =>
    diffPage(lane, { startRow: q.startRow, endRow: q.endRow, ...viewQuery(q, settings.time_zone) }),
  );
}

/** Every difference of the view, for its export. */
export function diffRowsInView(db: LedgerDb, settings: WorkspaceSettings, q: DiffsView): RuleDiffRow[] {
  requireComparable(db, parseVersionLabel(q.version));
  return withDiffs(db, settings, q.version, (lane) => [...diffsInView(lane, viewQuery(q, settings.time_zone))]);
}

/** The active matches and exceptions a connection (the ledger, or a lane over it) holds on one event, as the screens read them. */
function heldOn(db: LedgerDb, eventId: string, currency: string): OutcomeItem[] {
  const held: OutcomeItem[] = explain(db, eventId)
    .items.filter((i) => i.active)
    .map((i) => ({
      type: i.type,
      id: i.id,
      label: i.label,
      eventIds: i.event_ids,
      explanation: humanExplanation(toExplanation(db, i.explanation), currency),
    }));
  const awaiting = db
    .prepare('SELECT DISTINCT a.code FROM awaiting a CROSS JOIN events e ON e.seq = a.event_seq WHERE e.event_id = ? ORDER BY 1')
    .pluck()
    .all(eventId) as string[];
  for (const code of awaiting)
    held.push({ type: 'awaiting', id: `${eventId}:${code}`, label: `awaiting data (else ${code})`, eventIds: [eventId], explanation: null });
  return held;
}

export function diffDetailView(db: LedgerDb, settings: WorkspaceSettings, label: string, eventId: string): ResponseOf<'rules.diffDetail'> {
  const v = parseVersionLabel(label);
  requireComparable(db, v);
  const event = eventLines(db, [eventId]).get(eventId);
  if (event === undefined) throw notFound('event', eventId);
  const live = heldOn(db, eventId, event.currency);
  const version = withLane(db, settings, v, (lane) => heldOn(lane, eventId, event.currency));
  return { event, live, version };
}

export function tryExampleView(db: LedgerDb, settings: WorkspaceSettings, json: unknown, id: string): ResponseOf<'rules.tryExample'> {
  const ruleSet = readDefinition(json, 'the edited rule set');
  const r = tryOnExample(db, settings, ruleSet, id);
  const currency = eventLines(db, r.eventIds.slice(0, 1)).get(r.eventIds[0] as string)?.currency ?? settings.reporting_currency;
  const read = (e: Parameters<typeof toExplanation>[1]) => humanExplanation(toExplanation(db, e), currency);
  // The edited rules are no stored version yet: their explanations name the rule, not the version they were edited from.
  const unsaved = (e: Parameters<typeof toExplanation>[1]) => ({ ...read(e), ruleSetId: null, ruleVersion: null });
  return {
    eventIds: r.eventIds,
    live: r.live.map((i) => ({ type: i.type, id: i.id, label: i.label, eventIds: i.event_ids, explanation: read(i.explanation) })),
    edited: [
      ...r.edited.matches.map((m) => ({
        type: 'match' as const,
        id: m.matchId,
        label: `${m.link} ${m.status}`,
        eventIds: [...m.left, ...m.right],
        explanation: unsaved(m.explanation),
      })),
      ...r.edited.exceptions.map((x) => ({
        type: 'exception' as const,
        id: x.exceptionId,
        label: `${x.code} class ${x.cls} ${x.state}`,
        eventIds: x.events,
        explanation: unsaved(x.explanation),
      })),
      ...r.edited.awaiting.map((a) => ({
        type: 'awaiting' as const,
        id: `${a.eventId}:${a.code}`,
        label: `awaiting data (else ${a.code})`,
        eventIds: [a.eventId],
        explanation: null,
      })),
    ],
  };
}
