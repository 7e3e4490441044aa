// The real `tieout` command in a child process that does not block this one, so a local API server in the test
// process can answer it (spawnSync would hold the event loop); and a way to kill it with SIGKILL mid-sync.
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT, TIEOUT_BIN, type CliRun } from '../../support/cli.ts';

export interface CliChild {
  child: ChildProcess;
  done: Promise<CliRun & { signal: NodeJS.Signals | null }>;
}

export function tieoutChild(args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, [TIEOUT_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function tieoutAsync(args: string[], env: Record<string, string>): Promise<CliRun> {
  return tieoutChild(args, env).done;
}

/** Resolves when `check` holds, polling; rejects after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
