// `tieout owners set|list`, `tieout sla`, `tieout metrics`, `tieout ticket`: owners, the SLA clock, operating metrics
// and the ticket hand-off (src/main/owners/).
import { openWorkspace, type Workspace } from '../workspace/workspace.ts';
import { parsePerson, type Person } from '../../shared/ownership/people.ts';
import { listOwners, setDomainOwners } from '../owners/ownersService.ts';
import { applySla, parseAsOf, type SlaReport } from '../owners/slaClock.ts';
import { computeMetrics, type MetricsSummary } from '../owners/metrics.ts';
import { exceptionHandOff } from '../owners/exceptionHandOff.ts';
import { OwnershipConfig } from '../owners/ownershipConfig.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { type CliIo, UsageError, parse, actor } from './cliSupport.ts';

type Handler = (args: string[], io: CliIo) => number;

function withWorkspace<T>(dir: string, fn: (ws: Workspace) => T): T {
  const ws = openWorkspace(dir);
  try {
    return fn(ws);
  } finally {
    ws.close();
  }
}

function person(value: unknown, flag: string): Person {
  if (typeof value !== 'string') throw new UsageError(`${flag} "NAME <EMAIL>" is required`);
  const p = parsePerson(value);
  if (p === null) throw new UsageError(`${flag}: "${value}" is not NAME <EMAIL> (e.g. "Ana Lopez <ana@example.com>")`);
  return p;
}

function cmdOwners(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  if (sub === 'set') return ownersSet(rest, io);
  if (sub === 'list') return ownersList(rest, io);
  throw new UsageError('owners takes a subcommand: set or list');
}

function ownersSet(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { domain: { type: 'string' }, owner: { type: 'string' }, backup: { type: 'string' }, from: { type: 'string' } },
    1,
  );
  if (positionals.length > 1) throw new UsageError('owners set takes one WORKSPACE');
  if (typeof values.domain !== 'string') throw new UsageError('--domain D is required (payments, bank, ads, fulfillment or your own)');
  const input = {
    domain: values.domain,
    owner: person(values.owner, '--owner'),
    backup: person(values.backup, '--backup'),
    from: values.from as string | undefined,
  };
  const r = withWorkspace(positionals[0] as string, (ws) => setDomainOwners(ws, input, actor()));
  io.out(
    `${input.domain}: ${String(values.owner)}, backup ${String(values.backup)}, from ${r.from}; ${r.assigned} open exceptions without an owner assigned\n`,
  );
  return 0;
}

function ownersList(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
  if (positionals.length > 1) throw new UsageError('owners list takes one WORKSPACE');
  const list = withWorkspace(positionals[0] as string, (ws) => listOwners(ws.settings, new Date().toISOString()));
  if (values.json === true) {
    io.out(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const lines = [`owners on ${list.day}${list.me === null ? '' : `; me: ${list.me}`}`];
  for (const d of list.domains) {
    if (d.owner === null) {
      lines.push(`  ${d.domain}: no owner${d.assignments.length > 0 || d.rotation !== null ? ' today' : ''}`);
      continue;
    }
    const how = d.origin === 'rotation' ? `rotation (every ${d.rotation?.every ?? '?'})${d.handoff ? ', hand-off week' : ''}` : 'hand-over';
    lines.push(
      `  ${d.domain}: ${d.owner}, backup ${d.backup ?? '-'}, since ${d.since ?? '-'} by ${how}${d.escalation === null ? '' : `; escalation ${d.escalation}`}`,
    );
  }
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

function slaJson(r: SlaReport): unknown {
  return {
    as_of: r.asOf,
    assigned: r.assigned,
    escalated: r.escalated.map((s) => ({
      exception_id: s.exceptionId,
      code: s.code,
      domain: s.domain,
      level: s.level,
      role: s.role,
      to: s.to,
      owner: s.owner,
      hours_open: s.hoursOpen,
      sla_tier: s.slaTier,
      sla_due_at: s.slaDueAt,
      amount_minor: s.amountMinor,
      currency: s.currency,
    })),
    overdue: r.overdue,
    escalated_total: r.escalatedTotal,
  };
}

function cmdSla(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { 'as-of': { type: 'string' }, json: { type: 'boolean' } }, 1);
  if (positionals.length > 1) throw new UsageError('sla takes one WORKSPACE');
  const asOf = values['as-of'] === undefined ? new Date().toISOString() : parseAsOf(values['as-of'] as string);
  const r = withWorkspace(positionals[0] as string, (ws) => applySla(ws.db, ws.settings, asOf));
  if (values.json === true) {
    io.out(`${JSON.stringify(slaJson(r), null, 2)}\n`);
    return 0;
  }
  const lines = [
    `SLA as of ${r.asOf}: ${r.escalated.length} escalation step${r.escalated.length === 1 ? '' : 's'} taken, ${r.assigned} exceptions given owners; ` +
      `${r.overdue} overdue, ${r.escalatedTotal} escalated in all`,
    ...r.escalated.map(
      (s) =>
        `  ${s.exceptionId} ${s.code} (${s.domain ?? 'no domain'}, ${formatAmount(s.amountMinor, s.currency, { code: 'suffix' })}): level ${s.level} → ${s.role} ` +
        `${s.to ?? '(none configured)'} after ${s.hoursOpen} h unresolved; owner ${s.owner ?? 'none'}, ${s.slaTier ?? 'no tier'} due ${s.slaDueAt ?? '-'}`,
    ),
  ];
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

const percent = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

function metricsText(s: MetricsSummary, head: string, currency: string): string {
  const top = s.top_exceptions.map(
    (t) => `    ${t.code.padEnd(28)} ${String(t.count).padStart(6)}   by week: ${t.trend.map((w) => w.count).join(' ')}`,
  );
  return [
    head,
    `  unmatched within 1 h of arrival   ${percent(s.unmatched_rate_1h)}`,
    `  mean time to resolution           ${s.mean_time_to_resolution_hours === null ? '-' : `${s.mean_time_to_resolution_hours.toFixed(1)} h`}`,
    `  auto-resolve rate                 ${percent(s.auto_resolve_rate)}`,
    `  manual actions per day            ${s.manual_actions_per_day.toFixed(2)}`,
    `  open high-value exceptions        ${s.high_value_open.count} (${formatAmount(s.high_value_open.value_minor, currency, { code: 'suffix' })})`,
    `  top exceptions${top.length === 0 ? '                    none' : ''}`,
    ...top,
  ].join('\n');
}

function cmdMetrics(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } }, 1);
  if (positionals.length > 1) throw new UsageError('metrics takes one WORKSPACE');
  const asOf = new Date().toISOString();
  const m = withWorkspace(positionals[0] as string, (ws) =>
    computeMetrics(ws.db, ws.settings, { asOf, from: values.from as string | undefined, to: values.to as string | undefined }),
  );
  if (values.json === true) io.out(`${JSON.stringify(m.summary, null, 2)}\n`);
  else io.out(`${metricsText(m.summary, `metrics ${m.from} to ${m.to} (as of ${m.asOf})`, m.reportingCurrency)}\n`);
  return 0;
}

function cmdTicket(args: string[], io: CliIo): number {
  const { positionals } = parse(args, {}, 2);
  if (positionals.length > 2) throw new UsageError('ticket takes one WORKSPACE and one EXCEPTION_ID');
  const now = new Date().toISOString();
  const h = withWorkspace(positionals[0] as string, (ws) =>
    exceptionHandOff(ws.db, ws.settings, positionals[1] as string, now, new OwnershipConfig(ws.settings).endOfDay(now)),
  );
  io.out(`${h.ticketText}\n${h.ticketUrl === null ? '' : `\nNew ticket: ${h.ticketUrl}\n`}`);
  return 0;
}

export const OWNERS_COMMANDS: Record<string, Handler> = {
  owners: cmdOwners,
  sla: cmdSla,
  metrics: cmdMetrics,
  ticket: cmdTicket,
};
