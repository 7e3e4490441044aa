import { describe, it, expect } from 'vitest';
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { TIEOUT_BIN, PROJECT_ROOT } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-serve-');
const rendererDir = join(root, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Tieout served</title>');
const env = { ...process.env, TIEOUT_CONFIG_DIR: join(root, 'config'), TIEOUT_RENDERER_DIR: rendererDir };

function serve(...args: string[]): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [TIEOUT_BIN, 'serve', ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(stream: Readable): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => (text += d));
  return () => text;
}

describe('tieout serve', () => {
  it('serves the workspace at the URL it prints, and stops cleanly on SIGTERM', async () => {
    const ws = join(root, 'books');
    createWorkspace(ws, { name: 'Books' }).close();
    const child = serve(ws, '--port', '0');
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(stdout, { timeout: 20_000 }).toMatch(/\n$/);
      const match = /^Tieout is serving (.+) at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64}))\n$/.exec(stdout());
      expect(match, stdout() + stderr()).not.toBeNull();
      const [, served, url, port, token] = match as unknown as [string, string, string, string, string];
      expect(served).toBe(ws);

      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Tieout served</title>');
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(403);

      const current = await fetch(`http://127.0.0.1:${port}/api/call`, {
        method: 'POST',
        headers: { 'X-Tieout-Token': token },
        body: JSON.stringify({ method: 'workspace.current', request: {}, callId: 'c' }),
      });
      expect(await current.json()).toMatchObject({ ok: true, result: { path: ws, name: 'Books', eventCount: 0 } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr()).toContain('Tieout stopped.');
  });

  it('exits 2 when the workspace cannot be opened, and 1 when the renderer is not built', () => {
    const notAWorkspace = runServe({}, join(root, 'nothing-here'));
    expect(notAWorkspace.status).toBe(2);
    expect(notAWorkspace.stderr).toContain('is not a Tieout workspace');

    const unbuilt = runServe({ TIEOUT_RENDERER_DIR: join(root, 'no-renderer') });
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stderr).toContain('npm run build');

    const badPort = runServe({}, '--port', 'eighty');
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain('--port must be a port number');
  });
});

function runServe(extraEnv: Record<string, string>, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [TIEOUT_BIN, 'serve', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}
