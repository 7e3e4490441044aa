import { describe, it, expect } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecentWorkspaces, rememberWorkspace, RECENT_WORKSPACES_FILE, MAX_RECENT_WORKSPACES } from '../../src/main/workspace/recentWorkspaces.ts';
import { SETTINGS_FILE } from '../../src/main/workspace/workspace.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir();
let n = 0;

/** A folder that looks like a workspace to the list (it holds a workspace.json). */
function workspaceDir(name: string): string {
  const dir = join(root, 'workspaces', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, SETTINGS_FILE), '{}');
  return dir;
}
const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 1, 9, minute));
const configDir = (): string => join(root, `config${n++}`);

describe('recent workspaces', () => {
  it('is empty before anything was opened, and creates the config folder on first remember', () => {
    const config = configDir();
    expect(readRecentWorkspaces(config)).toEqual([]);
    const a = workspaceDir('a');
    expect(rememberWorkspace(config, { path: a, name: 'A' }, at(1))).toEqual([{ path: a, name: 'A', openedAt: '2026-11-01T09:01:00.000Z' }]);
    expect(readRecentWorkspaces(config)).toEqual([{ path: a, name: 'A', openedAt: '2026-11-01T09:01:00.000Z' }]);
    expect(readdirSync(config)).toEqual([RECENT_WORKSPACES_FILE]);
  });

  it('lists newest first and keeps one entry per absolute path, moved to the top when reopened', () => {
    const config = configDir();
    const a = workspaceDir('a');
    const b = workspaceDir('b');
    rememberWorkspace(config, { path: a, name: 'A' }, at(1));
    rememberWorkspace(config, { path: b, name: 'B' }, at(2));
    // The same folder written with a detour and a trailing slash, renamed since.
    rememberWorkspace(config, { path: `${root}/workspaces/b/../a/`, name: 'A2' }, at(3));
    expect(readRecentWorkspaces(config)).toEqual([
      { path: a, name: 'A2', openedAt: '2026-11-01T09:03:00.000Z' },
      { path: b, name: 'B', openedAt: '2026-11-01T09:02:00.000Z' },
    ]);
  });

  it(`keeps only the newest ${MAX_RECENT_WORKSPACES}`, () => {
    const config = configDir();
    for (let i = 0; i < 12; i++) rememberWorkspace(config, { path: workspaceDir(`w${i}`), name: `W${i}` }, at(i));
    const list = readRecentWorkspaces(config);
    expect(list.map((w) => w.name)).toEqual(['W11', 'W10', 'W9', 'W8', 'W7', 'W6', 'W5', 'W4', 'W3', 'W2']);
    const stored = JSON.parse(readFileSync(join(config, RECENT_WORKSPACES_FILE), 'utf8')) as { workspaces: unknown[] };
    expect(stored.workspaces).toHaveLength(MAX_RECENT_WORKSPACES);
  });

  it('drops entries whose folder no longer holds a workspace', () => {
    const config = configDir();
    const gone = workspaceDir('gone');
    const kept = workspaceDir('kept');
    rememberWorkspace(config, { path: gone, name: 'Gone' }, at(1));
    rememberWorkspace(config, { path: kept, name: 'Kept' }, at(2));
    rmSync(join(gone, SETTINGS_FILE));
    expect(readRecentWorkspaces(config).map((w) => w.name)).toEqual(['Kept']);
  });

  it.each([
    ['not JSON', '{"version": 1, "workspaces": ['],
    ['the wrong shape', '{"version": 1, "workspaces": [{"path": 3}]}'],
    ['another version', '{"version": 2, "workspaces": []}'],
    ['an array', '[]'],
  ])('reads a corrupt file (%s) as empty and replaces it on the next remember', (_what, text) => {
    const config = configDir();
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, RECENT_WORKSPACES_FILE), text);
    expect(readRecentWorkspaces(config)).toEqual([]);
    const a = workspaceDir('a');
    rememberWorkspace(config, { path: a, name: 'A' }, at(5));
    expect(readRecentWorkspaces(config)).toEqual([{ path: a, name: 'A', openedAt: '2026-11-01T09:05:00.000Z' }]);
    // Written whole (temp file + rename): no temp file is left next to it.
    expect(readdirSync(config)).toEqual([RECENT_WORKSPACES_FILE]);
  });
});
