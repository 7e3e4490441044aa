// CLI commands for matching and review: reconcile, explain, status, exceptions, human decisions, demo.
import { openWorkspace } from '../workspace/workspace.ts';
import type { ReconcileProgress, RunReport } from '../matching/engine/engine.ts';
import { explain, formatExplanation } from '../matching/engine/explain.ts';
import { reconciliationStatus, formatStatus } from '../matching/status.ts';
import { matchByHand, unmatchByHand } from '../workflows/matchDecisions.ts';
import { resolveExceptions, commentException, reopenException, assignException } from '../matching/decisions.ts';
import { exportExceptions, iterateExceptions } from '../export/exceptionsExport.ts';
import { FdWriter } from '../export/tableWriter.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { createDemoWorkspace } from '../workflows/demoMonth.ts';
import { resolveOwnerText } from '../owners/ownersService.ts';
import { type CliIo, UsageError, parse, actor, loadRuleSet } from './cliSupport.ts';
import { fullReconcile } from '../workflows/fullReconcile.ts';
import { laneVersions, runLanes, type LaneRun } from '../ruleVersions/shadowRuns.ts';

type Handler = (args: string[], io: CliIo) => number;

export function formatRunReport(r: RunReport): string {
  return (
    `reconcile (${r.mode}, rules ${r.rule_set_id} v${r.rule_version}): ${r.events_considered} events considered, ` +
    `${r.matches_created} matches created, ${r.matches_ended} ended, ${r.exceptions_opened} exceptions opened, ` +
    `${r.exceptions_closed} closed, ${r.exceptions_changed} changed [run ${r.run_id}]\n`
  );
}

/** One stderr line per progress report of a reconcile run. */
export function formatReconcileProgress(p: ReconcileProgress): string {
  if (p.phase === 'loading') return p.done === 0 ? 'progress: reconcile loading events\n' : `progress: reconcile loaded ${p.done} events\n`;
  return `progress: reconcile ${p.phase} ${p.done}/${p.total}${p.detail === undefined ? '' : ` ${p.detail}`}\n`;
}

function withWorkspace<T>(dir: string, fn: (ws: ReturnType<typeof openWorkspace>) => T): T {
  const ws = openWorkspace(dir);
  try {
    return fn(ws);
  } finally {
    ws.close();
  }
}

function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

function cmdReconcile(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { rules: { type: 'string' }, shadow: { type: 'boolean' }, progress: { type: 'boolean' } }, 1);
  const onProgress = values.progress === true || io.interactive ? (p: ReconcileProgress) => io.err(formatReconcileProgress(p)) : undefined;
  if (values.shadow === true) {
    if (values.rules !== undefined)
      throw new UsageError(
        '--shadow runs the versions watched in shadow; to watch a rule set file, create a version: tieout rules create WORKSPACE --from FILE --reason TEXT',
      );
    const runs = withWorkspace(positionals[0] as string, (ws) => runLanes(ws.db, ws.settings, laneVersions(ws.db), 'full'));
    if (runs.length === 0) io.out('no version is watched in shadow (tieout rules list)\n');
    for (const r of runs) io.out(formatLaneRun(r));
    return runs.some((r) => r.error !== null) ? 1 : 0;
  }
  const ruleSet = values.rules !== undefined ? loadRuleSet(values.rules as string) : undefined;
  const { run, shadows } = withWorkspace(positionals[0] as string, (ws) => fullReconcile(ws, { ruleSet, actor: actor(), onProgress }));
  io.out(formatRunReport(run));
  for (const r of shadows) io.out(formatLaneRun(r));
  return 0;
}

/** One line per shadow lane's run: its counts, or why it could not run (its work stays owed). */
export function formatLaneRun(r: LaneRun): string {
  if (r.report === null) return `shadow ${r.version}: not run (${r.error ?? 'unknown error'}); it catches up on the next run\n`;
  const x = r.report;
  return `shadow ${r.version} (${x.mode}): ${x.events_considered} events considered, ${x.matches_created} matches created, ${x.matches_ended} ended, ${x.exceptions_opened} exceptions opened, ${x.exceptions_closed} closed\n`;
}

function cmdExplain(args: string[], io: CliIo): number {
  const { positionals } = parse(args, {}, 2);
  const text = withWorkspace(positionals[0] as string, (ws) => formatExplanation(explain(ws.db, positionals[1] as string)));
  io.out(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

function cmdStatus(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
  withWorkspace(positionals[0] as string, (ws) => {
    const status = reconciliationStatus(ws.db, ws.settings);
    io.out(values.json === true ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, ws.settings.locale));
  });
  return 0;
}

function cmdExceptions(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { code: { type: 'string' }, class: { type: 'string' }, state: { type: 'string' }, all: { type: 'boolean' }, format: { type: 'string' } },
    1,
  );
  const format = (values.format ?? 'text') as string;
  if (!['text', 'csv', 'json'].includes(format)) throw new UsageError('--format must be text, csv or json');
  const filter = {
    code: values.code as string | undefined,
    class: values.class as string | undefined,
    state: values.state as string | undefined,
    openOnly: values.all !== true && values.state === undefined,
  };
  withWorkspace(positionals[0] as string, (ws) => {
    if (format !== 'text') {
      exportExceptions(ws.db, format as 'csv' | 'json', new FdWriter(1), filter);
      return;
    }
    let n = 0;
    for (const x of iterateExceptions(ws.db, filter)) {
      n++;
      const amount = formatAmount(x.amount_minor, x.currency, { code: 'suffix' });
      const ids = x.events.map((e) => `${e.source}/${e.external_id}`).join(', ');
      io.out(`${x.exception_id}  ${x.code.padEnd(18)} ${x.class}  ${x.state.padEnd(14)} ${amount.padStart(16)}  ${ids}\n`);
    }
    io.out(`${n} exception${n === 1 ? '' : 's'}\n`);
  });
  return 0;
}

function cmdMatch(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { link: { type: 'string' }, left: { type: 'string', multiple: true }, right: { type: 'string', multiple: true }, reason: { type: 'string' } },
    1,
  );
  const { matchId, reconcile: run } = withWorkspace(positionals[0] as string, (ws) =>
    matchByHand(ws, {
      link: required(values.link, '--link'),
      leftEventIds: (values.left as string[] | undefined) ?? [],
      rightEventIds: (values.right as string[] | undefined) ?? [],
      actor: actor(),
      reason: required(values.reason, '--reason'),
    }),
  );
  io.out(`created manual match ${matchId}\n${formatRunReport(run)}`);
  return 0;
}

function cmdUnmatch(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { reason: { type: 'string' } }, 2);
  const { reconcile: run } = withWorkspace(positionals[0] as string, (ws) =>
    unmatchByHand(ws, { matchId: positionals[1] as string, actor: actor(), reason: required(values.reason, '--reason') }),
  );
  io.out(`unmatched ${positionals[1] as string}; the engine will not propose these pairs again\n${formatRunReport(run)}`);
  return 0;
}

function cmdResolve(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { reason: { type: 'string' } }, 2);
  const ids = positionals.slice(1);
  withWorkspace(positionals[0] as string, (ws) =>
    resolveExceptions(ws.db, { exceptionIds: ids, actor: actor(), reason: required(values.reason, '--reason') }),
  );
  io.out(`resolved ${ids.length} exception${ids.length === 1 ? '' : 's'}\n`);
  return 0;
}

function cmdComment(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { text: { type: 'string' } }, 2);
  withWorkspace(positionals[0] as string, (ws) =>
    commentException(ws.db, { exceptionId: positionals[1] as string, actor: actor(), text: required(values.text, '--text') }),
  );
  io.out(`commented on ${positionals[1] as string}\n`);
  return 0;
}

function cmdReopen(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { reason: { type: 'string' } }, 2);
  withWorkspace(positionals[0] as string, (ws) =>
    reopenException(ws.db, { exceptionId: positionals[1] as string, actor: actor(), reason: required(values.reason, '--reason') }),
  );
  io.out(`reopened ${positionals[1] as string}\n`);
  return 0;
}

function cmdAssign(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { owner: { type: 'string' }, reason: { type: 'string' } }, 2);
  const owner = withWorkspace(positionals[0] as string, (ws) => {
    const resolved = resolveOwnerText(ws.settings, required(values.owner, '--owner'));
    assignException(ws.db, { exceptionId: positionals[1] as string, actor: actor(), owner: resolved, reason: values.reason as string | undefined });
    return resolved;
  });
  io.out(`assigned ${positionals[1] as string} to ${owner}\n`);
  return 0;
}

function cmdDemo(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { orders: { type: 'string' }, seed: { type: 'string' } }, 1);
  const orders = values.orders === undefined ? 2000 : Number(values.orders);
  if (!Number.isInteger(orders) || orders < 1 || orders > 1_000_000) throw new UsageError('--orders must be a whole number from 1 to 1000000');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const demo = createDemoWorkspace(positionals[0] as string, { orders, seed, actor: actor() });
  try {
    io.out(`created demo workspace ${demo.workspace.dir} with ${orders} orders\n`);
    for (const r of demo.imports) {
      for (const f of r.import.files) io.out(`  imported ${f.file}: ${f.format}, ${f.eventsCreated} events\n`);
    }
    io.out(formatRunReport(demo.fullRun));
    io.out(formatStatus(reconciliationStatus(demo.workspace.db, demo.workspace.settings), demo.workspace.settings.locale));
  } finally {
    demo.workspace.close();
  }
  return 0;
}

export const MATCHING_COMMANDS: Record<string, Handler> = {
  reconcile: cmdReconcile,
  explain: cmdExplain,
  status: cmdStatus,
  exceptions: cmdExceptions,
  match: cmdMatch,
  unmatch: cmdUnmatch,
  resolve: cmdResolve,
  comment: cmdComment,
  reopen: cmdReopen,
  assign: cmdAssign,
  demo: cmdDemo,
};
