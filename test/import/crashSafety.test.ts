import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tieout, TIEOUT_BIN, PROJECT_ROOT } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { writeSyntheticStripeCsv } from '../../src/main/synthetic/stripeBalanceCsvWriter.ts';

const root = makeTempDir();
const ROWS = 400_000;

describe('crash safety', () => {
  it('an import killed with SIGKILL part-way leaves a clean ledger, and re-running completes it', async () => {
    const ws = join(root, 'ws');
    const file = join(root, 'big.csv');
    writeSyntheticStripeCsv(file, ROWS);
    expect(tieout('init', ws).status).toBe(0);

    const child = spawn(process.execPath, [TIEOUT_BIN, 'import', ws, '--source', 'stripe:big', '--progress', file], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kill once progress shows half the rows written, so the kill lands mid-transaction after SQLite's 64 MiB page
    // cache has spilled uncommitted pages into the WAL (checked below): recovery must ignore them.
    const killedAtRows = await new Promise<number>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /(\d+) rows\n/.exec(stderr.split('progress: ').pop() ?? '');
        const rows = m ? Number(m[1]) : 0;
        if (rows >= ROWS / 2 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve(rows);
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`import ended before it could be killed (code ${code}): ${stderr}`));
      });
    });
    await new Promise((r) => child.once('close', r));
    expect(killedAtRows).toBeLessThan(ROWS);
    expect(statSync(join(ws, 'ledger.sqlite-wal')).size).toBeGreaterThan(0);

    const verify = tieout('verify', ws);
    expect(verify.stdout + verify.stderr).toContain('verify passed');
    expect(verify.status).toBe(0);
    const db = new Database(join(ws, 'ledger.sqlite'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM artifacts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(0);
    db.close();

    const again = tieout('import', ws, '--source', 'stripe:big', '--no-reconcile', file);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${ROWS} rows read, ${ROWS} events created, 0 duplicates skipped`);
    expect(tieout('verify', ws).status).toBe(0);
  }, 150_000); // a 400k-row import runs twice: ~33 s on an idle 2-core machine, more under load
});
