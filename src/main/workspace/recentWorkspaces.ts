// The workspaces a person opened lately, newest first, kept in the app's config folder for the start screen.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SETTINGS_FILE } from './workspace.ts';
import { writeFileAtomic } from './atomicFile.ts';

export const RECENT_WORKSPACES_FILE = 'recent-workspaces.json';
export const MAX_RECENT_WORKSPACES = 10;

const RecentWorkspaceSchema = z.object({ path: z.string().min(1), name: z.string(), openedAt: z.string().min(1) });
const RecentFileSchema = z.object({ version: z.literal(1), workspaces: z.array(RecentWorkspaceSchema) });
export type RecentWorkspace = z.infer<typeof RecentWorkspaceSchema>;

/** The remembered workspaces whose folder still holds a workspace.json, newest first. */
export function readRecentWorkspaces(configDir: string): RecentWorkspace[] {
  const seen = new Set<string>();
  return readList(configDir)
    .filter((w) => !seen.has(w.path) && seen.add(w.path) && existsSync(join(w.path, SETTINGS_FILE)))
    .slice(0, MAX_RECENT_WORKSPACES);
}

/** Puts the workspace at the top of the list (once per absolute path) and keeps the newest ten. */
export function rememberWorkspace(configDir: string, workspace: { path: string; name: string }, now: Date = new Date()): RecentWorkspace[] {
  const path = resolve(workspace.path);
  const list = [{ path, name: workspace.name, openedAt: now.toISOString() }, ...readRecentWorkspaces(configDir).filter((w) => w.path !== path)].slice(
    0,
    MAX_RECENT_WORKSPACES,
  );
  mkdirSync(configDir, { recursive: true });
  writeFileAtomic(join(configDir, RECENT_WORKSPACES_FILE), `${JSON.stringify({ version: 1, workspaces: list }, null, 2)}\n`);
  return list;
}

function readList(configDir: string): RecentWorkspace[] {
  let text: string;
  try {
    text = readFileSync(join(configDir, RECENT_WORKSPACES_FILE), 'utf8');
  } catch {
    return [];
  }
  // A missing, unreadable or corrupt list reads as empty and the next rememberWorkspace replaces it. That is
  // safe because the list is only a convenience: every workspace's data lives in its own folder, untouched.
  try {
    const parsed = RecentFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.workspaces : [];
  } catch {
    return [];
  }
}
