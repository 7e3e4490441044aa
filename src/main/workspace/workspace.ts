// A workspace: a folder holding workspace.json (settings) and ledger.sqlite (the append-only ledger).
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { WorkspaceSettingsSchema, type WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { isValidTimeZone } from '../../shared/time/dateText.ts';
import { numberStyleForLocale } from '../../shared/money/amountText.ts';
import { openLedger, type LedgerDb } from '../ledger/database.ts';
import type { MigrationReport } from '../ledger/migrations.ts';
import { UserError } from '../../shared/errors/userError.ts';

export const SETTINGS_FILE = 'workspace.json';
export const LEDGER_FILE = 'ledger.sqlite';

export class WorkspaceError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export interface Workspace {
  dir: string;
  settings: WorkspaceSettings;
  db: LedgerDb;
  migration: MigrationReport;
  close(): void;
}

export interface NewWorkspaceOptions {
  name?: string;
  reportingCurrency?: string;
  timeZone?: string;
  locale?: string;
}

/** Creates the folder, writes workspace.json and an empty ledger. Refuses a folder that already holds one. */
export function createWorkspace(dir: string, options: NewWorkspaceOptions = {}): Workspace {
  const abs = resolve(dir);
  if (existsSync(join(abs, SETTINGS_FILE)) || existsSync(join(abs, LEDGER_FILE))) {
    throw new WorkspaceError(`${abs} already holds a workspace`);
  }
  if (existsSync(abs) && readdirSync(abs).length > 0) {
    throw new WorkspaceError(`${abs} is not empty; choose a new or empty folder for the workspace`);
  }
  const settings = validateSettings(
    {
      format: 'tieout-workspace',
      version: 1,
      name: options.name ?? basename(abs),
      reporting_currency: options.reportingCurrency ?? 'USD',
      time_zone: options.timeZone ?? 'UTC',
      locale: options.locale ?? 'en-US',
    },
    join(abs, SETTINGS_FILE),
  );
  mkdirSync(abs, { recursive: true });
  writeFileSync(join(abs, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
  return openWorkspace(abs);
}

/** Opens an existing workspace, migrating its ledger (with a backup) when this build is newer. */
export function openWorkspace(dir: string): Workspace {
  const abs = resolve(dir);
  const settingsPath = join(abs, SETTINGS_FILE);
  if (!existsSync(settingsPath)) {
    throw new WorkspaceError(`${abs} is not a Tieout workspace (no ${SETTINGS_FILE}); create one with: tieout init ${dir}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(settingsPath, 'utf8'));
  } catch (err) {
    throw new WorkspaceError(`${settingsPath}: not valid JSON (${(err as Error).message})`);
  }
  const settings = validateSettings(raw, settingsPath);
  const { db, migration } = openLedger(join(abs, LEDGER_FILE));
  return { dir: abs, settings, db, migration, close: () => db.close() };
}

export function validateSettings(raw: unknown, path: string): WorkspaceSettings {
  const parsed = WorkspaceSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WorkspaceError(`${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid settings'}`);
  }
  const s = parsed.data;
  if (!isValidTimeZone(s.time_zone)) throw new WorkspaceError(`${path}: time_zone: "${s.time_zone}" is not an IANA time zone`);
  try {
    numberStyleForLocale(s.locale);
  } catch {
    throw new WorkspaceError(`${path}: locale: "${s.locale}" is not a supported locale`);
  }
  return s;
}
