// Locates the shared fixtures folder and gates tests on it: skipped locally when absent, a failure under CI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** Absolute path of ../shared/fixtures, relative to the project root (this file is test/support/fixtures.ts). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));

/**
 * `describe` for suites that read FIXTURES_DIR. CI must have the fixtures, so a
 * missing folder fails there; on a developer machine the suite is skipped loudly
 * rather than silently passing.
 */
export function describeWithFixtures(name: string, fn: () => void): void {
  if (existsSync(FIXTURES_DIR)) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has its fixtures', () => {
        throw new Error('../shared/fixtures is missing: CI requires it');
      });
    });
    return;
  }
  console.warn('SKIPPED ' + name + ': ../shared/fixtures not found');
  describe.skip(name, fn);
}
