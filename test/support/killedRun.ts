// A process that imports one file and is killed (SIGKILL, by itself) at the Nth progress report of the run that
// follows the import: the import has committed, the run has not. Usage: killedRun.ts WORKSPACE SOURCE FILE N PERIOD_END
import { openWorkspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';

const [dir, source, file, n, periodEnd] = process.argv.slice(2) as [string, string, string, string, string];
const killAt = Number(n);
let reports = 0;
const ws = openWorkspace(dir);
importAndReconcile(
  ws,
  { source, files: [file], actor: 'user:test', periodEnd },
  {
    onReconcileProgress: () => {
      if (++reports === killAt) process.kill(process.pid, 'SIGKILL');
    },
  },
);
ws.close();
process.stdout.write(`finished after ${reports} progress reports\n`);
