// Gates tests on Debian tools the project reads its output back with (python3-openpyxl, poppler-utils): skipped with a
// visible message on a machine without them, a failure under CI=true (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** Debian's own Python, where apt-get puts python3-openpyxl (not a pyenv or venv Python first on PATH). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export function hasOpenpyxl(): boolean {
  return spawnSync(DEBIAN_PYTHON, ['-c', 'import openpyxl'], { encoding: 'utf8' }).status === 0;
}

export function hasPdftoppm(): boolean {
  return spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' }).status === 0;
}

export function describeWithTool(name: string, tool: string, available: boolean, fn: () => void): void {
  if (available) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`has ${tool}`, () => {
        throw new Error(`${tool} is missing: CI requires it (.ci/run installs it with apt-get)`);
      });
    });
    return;
  }
  console.warn(`SKIPPED ${name}: ${tool} is not installed (apt-get install ${tool})`);
  describe.skip(name, fn);
}
