// The settings a person edits in the app (contract `Settings`): read as the API shows them, changed with the
// same validation as opening a workspace, persisted to workspace.json and journaled.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomicFile.ts';
import { join } from 'node:path';
import type { z } from 'zod';
import { ApiError, type Settings, type ToleranceRowSchema } from '../../shared/api/contract.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { SETTINGS_FILE, validateSettings, WorkspaceError, type Workspace } from './workspace.ts';
import { policyGateMinor } from '../matching/rules/classification.ts';

export type ToleranceRow = z.infer<typeof ToleranceRowSchema>;

/** Each editable contract field and the workspace.json field it is stored as. */
const FIELDS = [
  ['name', 'name'],
  ['reportingCurrency', 'reporting_currency'],
  ['timeZone', 'time_zone'],
  ['locale', 'locale'],
  ['policyGateMinor', 'policy_gate_minor'],
] as const satisfies ReadonlyArray<readonly [keyof Settings, keyof WorkspaceSettings]>;

/**
 * The settings as the API shows them. The policy gate falls back to the engine's default, a flat number of
 * minor units whatever the currency's exponent, exactly as the engine and the FEED_MISSING check apply it.
 */
export function settingsView(settings: WorkspaceSettings): Settings {
  return {
    name: settings.name,
    reportingCurrency: settings.reporting_currency,
    timeZone: settings.time_zone,
    locale: settings.locale,
    policyGateMinor: policyGateMinor(settings),
  };
}

/**
 * Applies `next` to the workspace: validated as openWorkspace validates, written to workspace.json (atomically,
 * keeping every field the API does not edit, as the file holds it now), journaled with the before and after
 * of each changed field, and copied into ws.settings. Nothing changes when `next` equals the current view.
 * A field that fails validation is reported as ApiError('bad_input') naming the contract field.
 */
export function updateWorkspaceSettings(ws: Workspace, next: Settings, actor: string): { changed: Array<keyof Settings> } {
  const before = settingsView(ws.settings);
  const changed = FIELDS.filter(([field]) => before[field] !== next[field]);
  if (changed.length === 0) return { changed: [] };

  const path = join(ws.dir, SETTINGS_FILE);
  // The file, not ws.settings, is the base: a hand edit of `feeds` made while the app is open must survive.
  const written: Record<string, unknown> = { ...readSettingsFile(path) };
  for (const [field, stored] of changed) written[stored] = next[field];
  const settings = validateForApi(written, path);

  ws.db.transaction(() => {
    new JournalWriter(ws.db).append({
      type: 'workspace.settings_changed',
      actor,
      payload: {
        before: Object.fromEntries(changed.map(([field, stored]) => [stored, before[field]])),
        after: Object.fromEntries(changed.map(([field, stored]) => [stored, next[field]])),
      },
    });
    // Inside the transaction: a failed write rolls the journal entry back with it.
    writeFileAtomic(path, `${JSON.stringify(written, null, 2)}\n`);
  })();

  const target = ws.settings as Record<string, unknown>;
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, settings);
  return { changed: changed.map(([field]) => field) };
}

/** The amount tolerances and time windows of every rule of a rule set, in rule order. */
export function toleranceRows(ruleSet: RuleSet): ToleranceRow[] {
  return ruleSet.rules.map((r) => ({
    ruleId: r.id,
    description: r.description,
    toleranceMinor: r.amount.tolerance_minor,
    toleranceBps: r.amount.tolerance_bps,
    roundingMinor: r.amount.rounding_minor,
    windowBeforeDays: r.window.before_days,
    windowAfterDays: r.window.after_days,
  }));
}

function readSettingsFile(path: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ApiError({
      kind: 'bad_input',
      message: `${path}: cannot read the settings (${(err as Error).message}); fix the file, then try again`,
      field: null,
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ApiError({ kind: 'bad_input', message: `${path}: the settings are not a JSON object; fix the file, then try again`, field: null });
  }
  return raw as Record<string, unknown>;
}

/** validateSettings, with its `PATH: stored_field: why` message turned into the contract field it is about. */
function validateForApi(raw: Record<string, unknown>, path: string): WorkspaceSettings {
  try {
    return validateSettings(raw, path);
  } catch (err) {
    if (!(err instanceof WorkspaceError)) throw err;
    const problem = err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message;
    const stored = problem.slice(0, problem.indexOf(':'));
    const field = FIELDS.find(([, s]) => s === stored)?.[0] ?? null;
    throw new ApiError({ kind: 'bad_input', message: field === null ? problem : `${field}${problem.slice(stored.length)}`, field });
  }
}
