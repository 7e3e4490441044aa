// The operating checklist on the Dashboard (issue 13), computed from the workspace as it stands: what a team has in
// place before it trusts the numbers. Each item says whether it holds and, when not, what is missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import { SETTINGS_FILE } from '../workspace/workspace.ts';
import { domainOfSource } from '../../shared/ownership/domains.ts';
import { OwnershipConfig } from './ownershipConfig.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { DAY_MS } from '../../shared/time/duration.ts';

export const CHECKLIST_ITEMS = ['sources', 'owners', 'thresholds', 'playbooks', 'shadow', 'raw_files'] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number];

export interface ChecklistItem {
  id: ChecklistItemId;
  label: string;
  ok: boolean;
  detail: string;
}

/** How long a new rule set version must run in shadow before it is promoted, and raw files must be kept. */
export const SHADOW_DAYS = 14;
export const RAW_FILE_DAYS = 90;

const list = (items: readonly string[], max = 4): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

function sources(ws: Workspace): ChecklistItem {
  const all = ws.db.prepare('SELECT DISTINCT source FROM import_batches ORDER BY source').pluck().all() as string[];
  const missing = new Set(
    ws.db
      .prepare(
        `SELECT DISTINCT e.source FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq CROSS JOIN events e ON e.seq = xm.event_seq
         WHERE x.code = 'FEED_MISSING' AND x.ended_at IS NULL AND x.state IN (${OPEN_STATES_SQL})`,
      )
      .pluck()
      .all() as string[],
  );
  const undeclared = all.filter((s) => ws.settings.feeds?.[s] === undefined);
  const late = all.filter((s) => missing.has(s));
  const label = 'Sources inventoried and delivering';
  if (all.length === 0) return { id: 'sources', label, ok: false, detail: 'no source has been imported yet' };
  const problems = [
    ...(undeclared.length === 0 ? [] : [`no expected cadence declared for ${list(undeclared)} (workspace.json "feeds")`]),
    ...(late.length === 0 ? [] : [`missed heartbeat: ${list(late)}`]),
  ];
  return {
    id: 'sources',
    label,
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${all.length} sources, each with its cadence and delivering` : problems.join('; '),
  };
}

function owners(ws: Workspace, c: OwnershipConfig, now: string): ChecklistItem {
  const inUse = new Set<string>();
  for (const s of ws.db.prepare('SELECT DISTINCT source FROM import_batches').pluck().all() as string[])
    inUse.add(domainOfSource(s, ws.settings.domain_map));
  for (const d of ws.db.prepare('SELECT DISTINCT domain FROM exceptions WHERE domain IS NOT NULL AND ended_at IS NULL').pluck().all() as string[])
    inUse.add(d);
  const day = c.dayOf(now);
  const unowned = [...inUse].sort().filter((d) => c.ownersOn(d, day) === null);
  const label = 'Owners and backups assigned for every domain';
  if (inUse.size === 0) return { id: 'owners', label, ok: false, detail: 'no domain in use yet: import a source first' };
  return {
    id: 'owners',
    label,
    ok: unowned.length === 0,
    detail:
      unowned.length === 0
        ? `${[...inUse].sort().join(', ')}: each has an owner and a backup today`
        : `no owner today for ${list(unowned)} (tieout owners set)`,
  };
}

function thresholds(ws: Workspace): ChecklistItem {
  let file: Record<string, unknown> = {};
  try {
    file = JSON.parse(readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    // Opening validated the file; a read failing now leaves the gate counted as not set.
  }
  const gateSet = typeof file['policy_gate_minor'] === 'number';
  const tolerancesSet = ws.db.prepare("SELECT 1 FROM journal WHERE entry_type = 'rules.tolerances_changed' LIMIT 1").get() !== undefined;
  const missing = [
    ...(gateSet ? [] : ['the policy gate (policy_gate_minor) is the shipped default']),
    ...(tolerancesSet ? [] : ['amount tolerances were never reviewed in Settings']),
  ];
  return {
    id: 'thresholds',
    label: 'Auto-resolve thresholds set',
    ok: missing.length === 0,
    detail: missing.length === 0 ? 'policy gate and amount tolerances set by the workspace' : missing.join('; '),
  };
}

function playbooks(ws: Workspace): ChecklistItem {
  const top = ws.db.prepare('SELECT code FROM exceptions GROUP BY code ORDER BY count(*) DESC, code LIMIT 10').pluck().all() as string[];
  const own = ws.settings.playbooks ?? {};
  const uncatalogued = top.filter((code) => own[code] === undefined);
  const label = 'Top-10 exceptions catalogued with playbooks';
  if (top.length === 0) return { id: 'playbooks', label, ok: true, detail: 'no exception yet' };
  return {
    id: 'playbooks',
    label,
    ok: uncatalogued.length === 0,
    detail:
      uncatalogued.length === 0
        ? `${top.length} most frequent codes have the workspace's own playbook`
        : `still on the shipped playbook: ${list(uncatalogued)}`,
  };
}

/** Rule set versions other than the shipped default that runs used, and when each first ran. */
function shadow(ws: Workspace): ChecklistItem {
  const promoted = ws.db
    .prepare("SELECT rule_set_id, rule_version, min(started_at) AS first FROM recon_runs WHERE rule_set_id <> 'default' GROUP BY 1, 2 ORDER BY 3")
    .all() as Array<{ rule_set_id: string; rule_version: number; first: string }>;
  const label = `Shadow versions observed ≥ ${SHADOW_DAYS} days before promotion`;
  if (promoted.length === 0) return { id: 'shadow', label, ok: true, detail: 'only the shipped rule set has run' };
  const named = promoted.map((p) => `${p.rule_set_id} v${p.rule_version} (in force from ${p.first.slice(0, 10)})`);
  return { id: 'shadow', label, ok: false, detail: `put in force with no shadow observation recorded: ${list(named, 3)}` };
}

function rawFiles(ws: Workspace, now: string): ChecklistItem {
  const r = ws.db
    .prepare(
      `SELECT count(*) AS batches, min(b.started_at) AS oldest,
         coalesce(sum(a.artifact_id IS NULL OR (SELECT count(*) FROM artifact_chunks c WHERE c.artifact_id = a.artifact_id) < a.chunk_count), 0) AS missing
       FROM import_batches b LEFT JOIN artifacts a ON a.artifact_id = b.artifact_id`,
    )
    .get() as { batches: number; oldest: string | null; missing: number };
  const label = `Raw files kept ≥ ${RAW_FILE_DAYS} days`;
  if (r.batches === 0) return { id: 'raw_files', label, ok: true, detail: 'no file imported yet' };
  const days = Math.floor((Date.parse(now) - Date.parse(r.oldest as string)) / DAY_MS);
  return {
    id: 'raw_files',
    label,
    ok: r.missing === 0,
    detail:
      r.missing === 0
        ? `all ${r.batches} imported files kept byte-exact in the ledger, the oldest ${days} days old (the ledger never deletes them)`
        : `${r.missing} of ${r.batches} imported files have no stored bytes`,
  };
}

export function operatingChecklist(ws: Workspace, now: string): ChecklistItem[] {
  const c = new OwnershipConfig(ws.settings);
  return ws.db.transaction(() => [sources(ws), owners(ws, c, now), thresholds(ws), playbooks(ws), shadow(ws), rawFiles(ws, now)])();
}
