import { describe, it, expect, vi, beforeAll, afterAll, beforeEach } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceHost } from '../../src/main/api/serviceHost.ts';
import { DEMO_ORDERS, workspaceCommands, type WorkspaceCommands } from '../../src/main/shell/workspaceDialogs.ts';
import type { WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { app, dialog, resetFakeElectron } from './fakeElectron.ts';
import { makeTempDir } from '../support/tempDir.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron);

const dir = makeTempDir('tieout-dialogs-');
let host: ServiceHost | undefined;
let commands: WorkspaceCommands;
const events: unknown[] = [];

async function current(): Promise<WorkspaceInfo | null> {
  const envelope = await host?.call('workspace.current', {}, 'test');
  if (envelope?.ok !== true) throw new Error('workspace.current failed');
  return envelope.result as WorkspaceInfo | null;
}

beforeAll(async () => {
  host = await ServiceHost.start({ configDir: join(dir, 'config'), host: 'electron', actor: 'user:test' });
  host.onEvent((event) => events.push(event));
  commands = workspaceCommands({ host, window: () => null });
});

afterAll(async () => {
  await host?.close();
});

beforeEach(() => {
  resetFakeElectron();
  app.locale = 'en-GB';
  events.length = 0;
});

describe('File menu workspace commands', () => {
  it('New Workspace… creates a workspace in the chosen folder with neutral defaults', async () => {
    const path = join(dir, 'acme');
    dialog.openAnswers.push({ canceled: false, filePaths: [path] });
    expect(await commands.newWorkspace()).toBe(true);
    expect(dialog.openRequests[0]).toMatchObject({ properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });
    expect(await current()).toMatchObject({
      path,
      name: 'acme',
      reportingCurrency: 'USD',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      locale: 'en-GB',
    });
    // The renderer learns of it through the contract's own event.
    expect(events).toContainEqual({ type: 'changed', what: ['workspace'] });
    expect(dialog.errors).toEqual([]);
  });

  it('a cancelled dialog changes nothing', async () => {
    const before = await current();
    dialog.openAnswers.push({ canceled: true, filePaths: [] });
    expect(await commands.newWorkspace()).toBe(false);
    dialog.openAnswers.push({ canceled: true, filePaths: [] });
    expect(await commands.openWorkspace()).toBe(false);
    expect(await current()).toEqual(before);
    expect(events).toEqual([]);
  });

  it("shows the services' refusal in an error box", async () => {
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'not empty');
    dialog.openAnswers.push({ canceled: false, filePaths: [busy] });
    expect(await commands.newWorkspace()).toBe(false);
    expect(dialog.errors).toHaveLength(1);
    expect(dialog.errors[0]?.title).toBe('Could not create the workspace');
    expect(dialog.errors[0]?.message).toMatch(/not empty/);
    expect(existsSync(join(busy, 'workspace.json'))).toBe(false);
  });

  it('Open Workspace… opens the chosen folder, and refuses a folder that is not a workspace', async () => {
    const other = join(dir, 'other');
    dialog.openAnswers.push({ canceled: false, filePaths: [other] });
    expect(await commands.newWorkspace()).toBe(true);

    dialog.openAnswers.push({ canceled: false, filePaths: [join(dir, 'acme')] });
    expect(await commands.openWorkspace()).toBe(true);
    expect(dialog.openRequests.at(-1)).toMatchObject({ properties: ['openDirectory'] });
    expect((await current())?.path).toBe(join(dir, 'acme'));

    dialog.openAnswers.push({ canceled: false, filePaths: [join(dir, 'busy')] });
    expect(await commands.openWorkspace()).toBe(false);
    expect(dialog.errors.map((e) => e.title)).toEqual(['Could not open the workspace']);
    expect((await current())?.path).toBe(join(dir, 'acme'));
  });

  it('Open Recent opens the workspace by path, with no dialog', async () => {
    expect(await commands.openRecent(join(dir, 'other'))).toBe(true);
    expect((await current())?.path).toBe(join(dir, 'other'));
    expect(dialog.openRequests).toEqual([]);
  });

  it('Open Demo Month… builds the demo month in the chosen folder and opens it', async () => {
    const path = join(dir, 'demo');
    dialog.openAnswers.push({ canceled: false, filePaths: [path] });
    expect(await commands.openDemo()).toBe(true);
    const info = await current();
    expect(info?.path).toBe(path);
    expect(info?.eventCount).toBeGreaterThan(DEMO_ORDERS);
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', method: 'workspace.createDemo' }));
  });
});
