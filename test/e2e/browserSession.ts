// End-to-end harness: the real `tieout serve` (browser host over the built renderer) driven by Debian's
// Chromium through playwright-core. Screenshots go to test-results/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT, TIEOUT_BIN } from '../support/cli.ts';

export const CHROMIUM = process.env['TIEOUT_CHROMIUM'] ?? '/usr/bin/chromium';
export const RENDERER_INDEX = join(PROJECT_ROOT, 'out/renderer/index.html');
export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-results');

/**
 * `describe` for suites that need Chromium and the built renderer. CI installs Chromium and builds
 * (npm test runs `npm run build` first), so a missing one fails there; elsewhere the suite is skipped loudly.
 */
export function describeInBrowser(name: string, fn: () => void): void {
  const missing = [
    !existsSync(CHROMIUM) && `${CHROMIUM} (apt-get install -y chromium)`,
    !existsSync(RENDERER_INDEX) && `${RENDERER_INDEX} (npm run build)`,
  ].filter(Boolean);
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has Chromium and the built renderer', () => {
        throw new Error(`missing: ${missing.join(', ')}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED ${name}: missing ${missing.join(', ')}`);
  describe.skip(name, fn);
}

export interface ServedApp {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `tieout serve [WORKSPACE]` and resolves with the URL it prints. */
export function serve(options: { configDir: string; workspace?: string; home?: string }): Promise<ServedApp> {
  const args = [TIEOUT_BIN, 'serve', ...(options.workspace !== undefined ? [options.workspace] : [])];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TIEOUT_CONFIG_DIR: options.configDir, ...(options.home !== undefined ? { HOME: options.home } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tieout serve printed no URL in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ url: m[1], process: child, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tieout serve exited with ${String(code)}:\n${output}`));
    });
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Saves a full-window screenshot as test-results/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
