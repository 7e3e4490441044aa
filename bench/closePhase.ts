// One step of the close benchmark in its own process (its peak RSS, the pack worker's thread included, is its own),
// printing one JSON line: the month's files imported, a full run, the month's close status (what the Close screen
// shows), a draft pack of the month, the month closed (its pack
// made and stored), the pack verified.
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { createWorkspace, openWorkspace } from '../src/main/workspace/workspace.ts';
import { importFiles } from '../src/main/import/importFiles.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { closeMonth, closeStatus, writePack } from '../src/main/close/closeService.ts';
import { verifyPack } from '../src/main/close/pack/packVerify.ts';

const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    ws: { type: 'string' },
    files: { type: 'string' },
    'period-end': { type: 'string' },
    month: { type: 'string' },
    out: { type: 'string' },
  },
});
const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
// CPU seconds of every thread of the process (the pack worker's included): on a machine shared with other work the
// wall time says how busy it was, the CPU time what the step costs.
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return +((u.user + u.system) / 1e6).toFixed(2);
};
const out = (extra: Record<string, unknown>): void =>
  void process.stdout.write(`${JSON.stringify({ phase: values.phase, peakRssMiB: peakRssMiB(), cpuSeconds: cpuSeconds(), ...extra })}\n`);
const ws = values.ws as string;
const t0 = performance.now();
const seconds = (): number => +((performance.now() - t0) / 1000).toFixed(2);

switch (values.phase) {
  case 'import': {
    const w = createWorkspace(ws, { reportingCurrency: 'USD', timeZone: 'America/New_York' });
    const files = JSON.parse(values.files as string) as Array<[string, string]>;
    for (const [source, file] of files)
      importFiles(w.db, w.settings, { source, files: [file], actor: 'system:bench', periodEnd: values['period-end'] });
    w.close();
    out({ seconds: seconds() });
    break;
  }
  case 'full-run': {
    const w = openWorkspace(ws);
    const r = reconcile(w.db, w.settings, { mode: 'full' });
    w.close();
    out({ seconds: seconds(), matches: r.matches_created, exceptions: r.exceptions_opened });
    break;
  }
  case 'status': {
    const w = openWorkspace(ws);
    const r = closeStatus(w, values.month as string);
    w.close();
    out({ seconds: seconds(), blocking: r.blocking, processors: r.rollforward.processors.length });
    break;
  }
  case 'pack': {
    const w = openWorkspace(ws);
    const r = writePack(w, { month: values.month as string, outPath: values.out as string, withSources: false });
    w.close();
    out({ seconds: seconds(), bytes: r.bytes, rows: r.rows });
    break;
  }
  case 'close': {
    const w = openWorkspace(ws);
    const r = closeMonth(w, { month: values.month as string, by: 'bench', reason: 'benchmark', acceptOpen: true });
    w.close();
    out({ seconds: seconds(), bytes: r.pack.bytes, rows: r.rows, acceptedOpen: r.acceptedOpen });
    break;
  }
  case 'verify': {
    const r = verifyPack(values.out as string);
    out({ seconds: seconds(), ok: r.ok, bytes: statSync(values.out as string).size });
    break;
  }
  default:
    throw new Error(`unknown phase ${String(values.phase)}`);
}
