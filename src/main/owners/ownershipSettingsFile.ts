// Writes the ownership keys of workspace.json (`me`, `owners`, `domain_map`, `playbooks`): the file as it is now is
// the base (a hand edit made while the app is open survives), the result is validated as opening the workspace
// validates it, written atomically inside the transaction that journals the change, and copied into ws.settings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntryInput } from '../ledger/journal.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { SETTINGS_FILE, validateSettings, WorkspaceError, type Workspace } from '../workspace/workspace.ts';
import { writeFileAtomic } from '../workspace/atomicFile.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';

export function updateSettingsFile(ws: Workspace, change: (file: Record<string, unknown>) => void, entry: JournalEntryInput): WorkspaceSettings {
  const path = join(ws.dir, SETTINGS_FILE);
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WorkspaceError(`${path}: cannot read the settings (${(err as Error).message}); fix the file, then try again`);
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new WorkspaceError(`${path}: the settings are not a JSON object`);
  const next = structuredClone(file) as Record<string, unknown>;
  change(next);
  const settings = validateSettings(next, path);
  ws.db.transaction(() => {
    new JournalWriter(ws.db).append(entry);
    writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
  })();
  const target = ws.settings as Record<string, unknown>;
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, settings);
  return ws.settings;
}
