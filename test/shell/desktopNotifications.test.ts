// The SLA clock's escalations reach the desktop: a real service host whose clock runs every 100 ms over a workspace
// whose exceptions opened days ago (Date faked while it was built), the Electron shell with Electron mocked.
import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { ServiceHost } from '../../src/main/api/serviceHost.ts';
import { startDesktopApp } from '../../src/main/shell/desktopApp.ts';
import { showEscalations } from '../../src/main/shell/desktopNotifications.ts';
import { ownersWorkspace } from '../support/ownersWorkspace.ts';
import { FakeBrowserWindow, FakeNotification, app, resetFakeElectron } from './fakeElectron.ts';
import { makeTempDir } from '../support/tempDir.ts';
import type { Notification } from '../../src/shared/api/ownershipContract.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron);

const dir = makeTempDir('tieout-notify-');
const hosts: ServiceHost[] = [];
let run = 0;

/** Two unknown bank lines opened on 1 November: Ana owns bank, Ben ("me") backs her up. */
const oldWorkspace = (): string => ownersWorkspace(join(dir, `ws${++run}`), '2026-11-01T12:00:00Z');

beforeEach(() => {
  resetFakeElectron();
  app.userData = join(dir, `userData-${run}`);
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

const step = (exceptionId: string, forMe: boolean): Notification => ({
  seq: 1,
  exceptionId,
  code: 'UNKNOWN_BANK_LINE',
  level: 1,
  role: 'backup',
  to: 'Ben Okafor <ben@ridge.test>',
  owner: null,
  at: '2026-11-03T12:00:00Z',
  asOf: '2026-11-03T12:00:00Z',
  title: 'UNKNOWN_BANK_LINE escalated to the backup',
  body: '1,250.00 USD, unresolved 24 h',
  forMe,
});

describe('desktop notifications of escalations', () => {
  it('one per step for a few, one summary for many; none where the desktop has no notifications', () => {
    expect(showEscalations([step('x_1', false), step('x_2', true)], () => undefined)).toBe(2);
    expect(FakeNotification.shown.map((n) => n.options.title)).toEqual([
      'UNKNOWN_BANK_LINE escalated to the backup',
      'UNKNOWN_BANK_LINE escalated to the backup',
    ]);
    FakeNotification.shown.length = 0;
    expect(showEscalations([step('x_1', true), step('x_1', true), step('x_2', false), step('x_3', false)], () => undefined)).toBe(1);
    expect(FakeNotification.shown[0]?.options).toEqual({
      title: '3 exceptions escalated (4 steps)',
      body: "1 of them concerns you. Open Tieout's Escalated queue to see them.",
    });
    FakeNotification.supported = false;
    expect(showEscalations([step('x_1', true)], () => undefined)).toBe(0);
  });

  it('the app’s SLA clock escalates what waited too long and the shell shows it; a click brings the window forward', async () => {
    const workspacePath = oldWorkspace();
    startDesktopApp({
      preloadPath: '/app/out/preload/index.cjs',
      rendererFile: join(dir, 'out/renderer/index.html'),
      devServerUrl: undefined,
      startHost: async (configDir) => {
        const host = await ServiceHost.start({ configDir, host: 'electron', actor: 'user:test', workspacePath, slaClockMs: 100 });
        hosts.push(host);
        return host;
      },
    });
    app.becomeReady();
    await vi.waitFor(() => expect(FakeNotification.shown).toHaveLength(1), { timeout: 15_000 });
    // Two exceptions, each past 24 h and 72 h: four steps, one summary; Ben is the backup of both.
    expect(FakeNotification.shown[0]?.options).toEqual({
      title: '2 exceptions escalated (4 steps)',
      body: "2 of them concern you. Open Tieout's Escalated queue to see them.",
    });
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    const win = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    win.calls.length = 0;
    FakeNotification.shown[0]?.emit('click');
    expect(win.calls).toEqual(['focus']);
    // Each step is taken once: later ticks find nothing new.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(FakeNotification.shown).toHaveLength(1);
  });
});
