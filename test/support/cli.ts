// Runs the real `tieout` command in a child process under the project's Node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TIEOUT_BIN = fileURLToPath(new URL('../../bin/tieout.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tieout(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [TIEOUT_BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
