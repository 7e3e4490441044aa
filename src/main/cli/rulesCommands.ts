// CLI commands for rule set versions (DESIGN §8, issue 11): rules list|show|create|promote|rollback (and shadow,
// retire), shadow compare, replay. Scripts rely on these names and on the JSON they print.
import { readFileSync } from 'node:fs';
import { openWorkspace, type Workspace } from '../workspace/workspace.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { parseCanaryScope, parseVersionLabel, versionLabel, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { listVersions } from '../ruleVersions/versionList.ts';
import { activeVersion, canaryVersion, ruleSetOf } from '../ruleVersions/versionStates.ts';
import { createVersion, readDefinition, retireVersion, startShadow } from '../ruleVersions/versionLifecycle.ts';
import { promote, rollback } from '../ruleVersions/promotion.ts';
import { comparisonReport, type ComparisonReport } from '../ruleVersions/comparisonReport.ts';
import { replayPeriod, type Replay } from '../ruleVersions/periodReplay.ts';
import type { ComparisonSummary, DiffRow } from '../ruleVersions/shadowComparison.ts';
import { type CliIo, UsageError, parse, actor } from './cliSupport.ts';
import { formatReconcileProgress, formatRunReport } from './matchingCommands.ts';
import type { ReconcileProgress } from '../matching/engine/engine.ts';

type Handler = (args: string[], io: CliIo) => number;

function withWorkspace<T>(dir: string, fn: (ws: Workspace) => T): T {
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

function progress(values: Record<string, unknown>, io: CliIo): ((p: ReconcileProgress) => void) | undefined {
  return values.progress === true || io.interactive ? (p) => io.err(formatReconcileProgress(p)) : undefined;
}

function versionFlag(value: unknown): VersionRef {
  return parseVersionLabel(required(value, '--version'));
}

const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;

function cmdRules(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const run = sub === undefined ? undefined : RULES_SUBCOMMANDS[sub];
  if (run === undefined) throw new UsageError(`rules needs one of ${Object.keys(RULES_SUBCOMMANDS).join(', ')}`);
  return run(rest, io);
}

function rulesList(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
  const versions = withWorkspace(positionals[0] as string, (ws) => listVersions(ws.db));
  if (values.json === true) {
    io.out(
      json(
        versions.map((v) => ({
          version: v.version,
          state: v.state,
          created_at: v.createdAt,
          reason: v.reason,
          in_force: v.inForce,
          state_reason: v.stateReason,
          state_since: v.stateSince,
          scope: v.scope,
        })),
      ),
    );
    return 0;
  }
  io.out(`${'VERSION'.padEnd(16)} ${'STATE'.padEnd(8)} ${'CREATED'.padEnd(17)} REASON\n`);
  for (const v of versions) {
    const state = `${v.state}${v.inForce ? '*' : ''}`;
    const scope = v.scope === null ? '' : ` [canary on ${[...v.scope.sources, ...v.scope.codes].join(',')}]`;
    io.out(`${v.version.padEnd(16)} ${state.padEnd(8)} ${(v.createdAt ?? '-').slice(0, 16).replace('T', ' ').padEnd(17)} ${v.reason}${scope}\n`);
  }
  io.out('* in force: the live runs use it\n');
  return 0;
}

function rulesShow(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { version: { type: 'string' }, json: { type: 'boolean' } }, 1);
  const ruleSet = withWorkspace(positionals[0] as string, (ws) =>
    ruleSetOf(ws.db, values.version === undefined ? (canaryVersion(ws.db) ?? activeVersion(ws.db)) : versionFlag(values.version)),
  );
  io.out(json(ruleSet));
  return 0;
}

function rulesCreate(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { from: { type: 'string' }, reason: { type: 'string' }, draft: { type: 'boolean' }, json: { type: 'boolean' }, progress: { type: 'boolean' } },
    1,
  );
  const file = required(values.from, '--from');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: cannot read the rule set (${(err as Error).message})`);
  }
  const definition = readDefinition(parsed, file);
  const created = withWorkspace(positionals[0] as string, (ws) =>
    createVersion(ws.db, ws.settings, {
      definition,
      reason: required(values.reason, '--reason'),
      actor: actor(),
      state: values.draft === true ? 'draft' : 'shadow',
      onProgress: progress(values, io),
    }),
  );
  const label = versionLabel(created.version);
  if (values.json === true) {
    io.out(json({ version: label, state: created.state, ...(created.laneError === null ? {} : { lane_error: created.laneError }) }));
    return 0;
  }
  io.out(`created ${label} (${created.state})\n`);
  if (created.run !== null) io.out(`shadow run: ${formatRunReport(created.run)}`);
  if (created.laneError !== null) io.out(`its shadow lane could not be made now (${created.laneError}); the next run makes it\n`);
  if (created.state === 'shadow') io.out(`compare it with the live results: tieout shadow compare ${positionals[0] as string} --version ${label}\n`);
  return 0;
}

function rulesPromote(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    {
      version: { type: 'string' },
      reason: { type: 'string' },
      'override-window': { type: 'boolean' },
      canary: { type: 'string' },
      json: { type: 'boolean' },
      progress: { type: 'boolean' },
    },
    1,
  );
  const version = versionFlag(values.version);
  const reason = required(values.reason, '--reason');
  const canary = values.canary === undefined ? undefined : parseCanaryScope(values.canary as string);
  const p = withWorkspace(positionals[0] as string, (ws) =>
    promote(ws.db, ws.settings, {
      version,
      reason,
      actor: actor(),
      overrideWindow: values['override-window'] === true,
      canary,
      onProgress: progress(values, io),
    }),
  );
  if (values.json === true) {
    io.out(
      json({ version: p.version, state: p.state, previous: p.previous, overridden: p.overridden, missing: p.window?.missing ?? [], run: p.run }),
    );
    return 0;
  }
  io.out(
    `${p.version} is ${p.state === 'canary' ? `a canary (auto-resolving only ${[...(canary?.sources ?? []), ...(canary?.codes ?? [])].join(',')}; ${p.previous} stays active)` : `active (${p.previous} retired)`}\n`,
  );
  if (p.overridden) io.out(`observation window overridden (journaled): ${p.window?.missing.join('; ') ?? ''}\n`);
  io.out(formatRunReport(p.run));
  return 0;
}

function rulesRollback(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { reason: { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' } }, 1);
  const r = withWorkspace(positionals[0] as string, (ws) =>
    rollback(ws.db, ws.settings, { reason: required(values.reason, '--reason'), actor: actor(), onProgress: progress(values, io) }),
  );
  if (values.json === true) {
    io.out(json({ version: r.version, rolled_back: r.rolledBack, run: r.run }));
    return 0;
  }
  io.out(`rolled back ${r.rolledBack}: ${r.version} is in force again\n${formatRunReport(r.run)}`);
  return 0;
}

function rulesShadow(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { version: { type: 'string' }, reason: { type: 'string' }, progress: { type: 'boolean' } }, 1);
  const v = versionFlag(values.version);
  const r = withWorkspace(positionals[0] as string, (ws) =>
    startShadow(ws.db, ws.settings, v, { reason: required(values.reason, '--reason'), actor: actor(), onProgress: progress(values, io) }),
  );
  io.out(`${versionLabel(v)} is watched in shadow\n`);
  if (r.run !== null) io.out(`shadow run: ${formatRunReport(r.run)}`);
  if (r.laneError !== null) io.out(`its shadow lane could not be made now (${r.laneError}); the next run makes it\n`);
  return 0;
}

function rulesRetire(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { version: { type: 'string' }, reason: { type: 'string' } }, 1);
  const v = versionFlag(values.version);
  withWorkspace(positionals[0] as string, (ws) => retireVersion(ws.db, v, { reason: required(values.reason, '--reason'), actor: actor() }));
  io.out(`${versionLabel(v)} is retired\n`);
  return 0;
}

const RULES_SUBCOMMANDS: Record<string, Handler> = {
  list: rulesList,
  show: rulesShow,
  create: rulesCreate,
  promote: rulesPromote,
  rollback: rulesRollback,
  shadow: rulesShadow,
  retire: rulesRetire,
};

const CATEGORY_TEXT: Record<string, string> = {
  newly_matched: 'newly matched',
  newly_unmatched: 'newly unmatched',
  other_counterpart: 'other counterpart',
  other_code_or_class: 'other code or class',
};

function money(m: Array<{ currency: string; amountMinor: number }>): string {
  return m.length === 0 ? '-' : m.map((x) => formatAmount(x.amountMinor, x.currency, { code: 'suffix' })).join(', ');
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function summaryText(s: ComparisonSummary, what: string): string {
  const lines = [
    `${s.version} against ${s.live} (${what}): ${s.diffs} events differ; version's data through ${s.laneAsOf ?? '-'}, live through ${s.liveAsOf ?? '-'}`,
  ];
  for (const c of s.byCategory)
    lines.push(`  ${CATEGORY_TEXT[c.category]?.padEnd(20) ?? c.category} ${String(c.count).padStart(8)}  ${money(c.money)}`);
  if (s.byRule.length > 0) lines.push('per rule:');
  for (const r of s.byRule)
    lines.push(
      `  ${(r.ruleId ?? '(leftovers)').padEnd(32)} ${(CATEGORY_TEXT[r.category] ?? r.category).padEnd(20)} ${String(r.count).padStart(8)}  ${money(r.money)}`,
    );
  return `${lines.join('\n')}\n`;
}

function diffText(d: DiffRow): string {
  const side = (match: string | null, withIds: string[], xs: string[]): string =>
    `${match === null ? 'unmatched' : `with ${withIds.join(' ') || '(itself)'}`}${xs.length === 0 ? '' : ` [${xs.join(', ')}]`}`;
  return (
    `  ${d.occurredAt.slice(0, 10)} ${d.kind.padEnd(11)} ${d.eventId} ${formatAmount(d.amountMinor, d.currency, { code: 'suffix' }).padStart(16)}  ` +
    `${CATEGORY_TEXT[d.category] ?? d.category}${d.link === null ? '' : ` (${d.link})`} ${d.ruleId ?? '(leftover)'}\n` +
    `      live: ${side(d.activeMatchId, d.activeWith, d.activeExceptions)}\n      this version: ${side(d.shadowMatchId, d.shadowWith, d.shadowExceptions)}\n`
  );
}

const TEXT_DIFFS = 50;

function compareText(r: ComparisonReport, total: number): string {
  const g = r.grading;
  const lines = [
    summaryText(r.summary, 'live'),
    `graded against ${g.decisions} decisions of people: agreement ${pct(g.agreement)} (live rules ${pct(g.live.agreement)}); estimated false positive rate ${pct(g.falsePositiveRate)} ` +
      `(${g.overturned} of ${g.restsOn} auto-resolutions a person had overturned; live rules ${pct(g.live.falsePositiveRate)})\n`,
  ];
  if (r.window !== null) {
    const w = r.window;
    lines.push(
      `observation window: ${w.observedDays.toFixed(1)} of ${w.policy.min_observation_days} days of business time, ${w.observedEvents} new events` +
        `${w.policy.min_observation_events === null ? '' : ` (or ${w.policy.min_observation_events})`}: ` +
        `${w.met ? 'promotion allowed' : `promotion would be refused (${w.missing.join('; ')})`}\n`,
    );
  }
  if (r.diffs.length > 0)
    lines.push(`differences${total > r.diffs.length ? ` (first ${r.diffs.length} of ${total}; --format json lists all)` : ''}:\n`);
  for (const d of r.diffs) lines.push(diffText(d));
  return lines.join('');
}

function cmdShadow(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  if (sub !== 'compare') throw new UsageError('shadow needs a subcommand: compare');
  const { values, positionals } = parse(rest, { version: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' } }, 1);
  const format = (values.format ?? 'text') as string;
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new UsageError('--limit must be a whole number');
  const v = versionFlag(values.version);
  const report = withWorkspace(positionals[0] as string, (ws) =>
    comparisonReport(ws.db, ws.settings, v, { limit: format === 'json' ? limit : Math.min(limit ?? TEXT_DIFFS, TEXT_DIFFS) }),
  );
  io.out(format === 'json' ? json(report) : compareText(report, report.summary.diffs));
  return 0;
}

function cmdReplay(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { version: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, progress: { type: 'boolean' } },
    1,
  );
  const format = (values.format ?? 'text') as string;
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const v = versionFlag(values.version);
  const replay: Replay = withWorkspace(positionals[0] as string, (ws) =>
    replayPeriod(ws.db, ws.settings, {
      version: v,
      from: required(values.from, '--from'),
      to: required(values.to, '--to'),
      onProgress: progress(values, io),
    }),
  );
  if (format === 'json') {
    io.out(json(replay));
    return 0;
  }
  io.out(
    `replay of ${replay.version} over ${replay.from}..${replay.to} (${replay.events} events, ${replay.fromInstant} to ${replay.toInstant}); nothing in the ledger changed\n`,
  );
  io.out(summaryText(replay.summary, `${replay.against} replayed over the same days`));
  for (const d of replay.diffs.slice(0, TEXT_DIFFS)) io.out(diffText(d));
  if (replay.diffs.length > TEXT_DIFFS) io.out(`  … ${replay.diffs.length - TEXT_DIFFS} more (--format json lists all)\n`);
  return 0;
}

export const RULES_COMMANDS: Record<string, Handler> = {
  rules: cmdRules,
  shadow: cmdShadow,
  replay: cmdReplay,
};
