// CLI commands of the month-end close: close (or --check), reopen-period, pack, and verify of a pack file.
import { resolve } from 'node:path';
import { openWorkspace } from '../workspace/workspace.ts';
import { closeMonth, closeStatus, reopenMonth, writePack, type CloseStatus } from '../close/closeService.ts';
import { verifyPack } from '../close/pack/packVerify.ts';
import type { PackProgress } from '../close/pack/packSpec.ts';
import { money } from '../close/pack/summaryPdf.ts';
import { type CliIo, UsageError, parse } from './cliSupport.ts';

type Handler = (args: string[], io: CliIo) => number;

function withWorkspace<T>(dir: string, fn: (ws: ReturnType<typeof openWorkspace>) => T): T {
  const ws = openWorkspace(dir);
  try {
    return fn(ws);
  } finally {
    ws.close();
  }
}

function need(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

function progressLine(io: CliIo, on: boolean): ((p: PackProgress) => void) | undefined {
  return on ? (p) => io.err(`progress: pack ${p.label} (${p.done}/${p.total})\n`) : undefined;
}

/** `--explain stripe:main="account closed in September"`, repeatable. */
function sourceNotes(values: unknown): Record<string, string> {
  const notes: Record<string, string> = {};
  for (const v of (values as string[] | undefined) ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--explain takes SOURCE=TEXT (e.g. --explain stripe:main="no activity after the 20th"), not "${v}"`);
    notes[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return notes;
}

export function formatCloseStatus(s: CloseStatus): string {
  const out: string[] = [`${s.month} (${s.fromDate} to ${s.toDate}, ${s.timeZone}): ${s.state}`];
  for (const c of s.checklist) {
    out.push(`  ${c.status === 'ok' ? 'ok       ' : c.status === 'blocking' ? 'BLOCKING ' : 'attention'} ${c.label}: ${c.detail}`);
    for (const i of c.items.slice(0, 10)) out.push(`              ${i.text}`);
  }
  for (const r of s.rollforward.processors) {
    const m = (v: number | null): string => money(v, r.currency);
    out.push(
      `  processor ${r.source} ${r.currency}: opening ${m(r.opening)} + sales ${m(r.sales)} − fees ${m(r.fees)} − refunds ${m(r.refunds)} − disputes ${m(r.disputes)} ` +
        `± adjustments ${m(r.adjustments + r.priorPeriodItems)} − payouts ${m(r.payouts)} = closing ${m(r.closing)}` +
        (r.processorClosing === null ? '' : `; processor's own ${m(r.processorClosing)}, difference ${m(r.difference)}`) +
        `; in transit ${r.inTransit.count} (${m(r.inTransit.amount)}), carried forward ${m(r.carriedForward)}, reversed ${m(r.carryForwardReversed)}`,
    );
  }
  for (const b of s.rollforward.banks) {
    const m = (v: number | null): string => money(v, b.currency);
    out.push(
      `  bank ${b.source}${b.account === '' ? '' : ` ${b.account}`} ${b.currency}: opening ${m(b.opening)} + credits ${m(b.credits)} − debits ${m(b.debits)} = closing ${m(b.closing)}` +
        (b.bankClosing === null ? '; no statement balance' : `; statement ${b.bankClosingDate} ${m(b.bankClosing)}, difference ${m(b.difference)}`),
    );
  }
  for (const so of s.signOffs)
    out.push(`  ${so.action} ${so.at} by ${so.by}: ${so.reason}${so.packSha256 === null ? '' : ` (pack ${so.packSha256})`}`);
  out.push(
    `  adjustments recorded in ${s.month}: ${s.adjustments.recordedHere}; changes to ${s.month} recorded later: ${s.adjustments.affectingThisMonth}`,
  );
  return `${out.join('\n')}\n`;
}

function cmdClose(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    {
      period: { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
      'accept-open': { type: 'boolean' },
      explain: { type: 'string', multiple: true },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
      progress: { type: 'boolean' },
    },
    1,
  );
  const month = need(values.period, '--period YYYY-MM');
  const notes = sourceNotes(values.explain);
  return withWorkspace(positionals[0] as string, (ws) => {
    if (values.check === true) {
      const s = closeStatus(ws, month, notes);
      io.out(values.json === true ? `${JSON.stringify(s, null, 2)}\n` : formatCloseStatus(s));
      return 0;
    }
    const r = closeMonth(ws, {
      month,
      by: need(values.by, '--by NAME'),
      reason: need(values.reason, '--reason TEXT'),
      acceptOpen: values['accept-open'] === true,
      sourceNotes: notes,
      onProgress: progressLine(io, values.progress === true || io.interactive),
    });
    if (values.json === true) io.out(`${JSON.stringify(r, null, 2)}\n`);
    else {
      io.out(
        `closed ${r.month} (journal entry ${r.journalSeq})${r.acceptedOpen > 0 ? `, ${r.acceptedOpen} open class C exceptions carried forward` : ''}\n`,
      );
      io.out(`audit pack stored in the ledger: ${r.pack.fileName}, ${r.pack.bytes} bytes, sha256 ${r.pack.sha256}\n`);
    }
    return 0;
  });
}

function cmdReopenPeriod(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { period: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' } }, 1);
  const r = withWorkspace(positionals[0] as string, (ws) =>
    reopenMonth(ws, {
      month: need(values.period, '--period YYYY-MM'),
      by: need(values.by, '--by NAME'),
      reason: need(values.reason, '--reason TEXT'),
    }),
  );
  io.out(`reopened ${r.month} (journal entry ${r.journalSeq}); the pack stored at its close (${r.supersededPack}) stays in the ledger\n`);
  return 0;
}

function cmdPack(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { period: { type: 'string' }, out: { type: 'string' }, 'with-sources': { type: 'boolean' }, progress: { type: 'boolean' } },
    1,
  );
  const month = need(values.period, '--period YYYY-MM');
  const out = resolve(need(values.out, '--out PACK.zip'));
  const r = withWorkspace(positionals[0] as string, (ws) =>
    writePack(ws, {
      month,
      outPath: out,
      withSources: values['with-sources'] === true,
      onProgress: progressLine(io, values.progress === true || io.interactive),
    }),
  );
  io.out(
    r.state === 'closed'
      ? `${out}: the pack stored when ${r.month} was closed, ${r.bytes} bytes, sha256 ${r.sha256}\n`
      : `${out}: DRAFT pack of ${r.month} (the month is open), ${r.bytes} bytes, sha256 ${r.sha256}\n`,
  );
  return 0;
}

/** `tieout verify PACK.zip`: the offline check of a pack file. */
export function verifyPackCommand(path: string, io: CliIo): number {
  const report = verifyPack(path);
  for (const c of report.checks) io.out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
  if (!report.ok) {
    io.err(report.changed.length > 0 ? `verify FAILED: changed ${report.changed.join(', ')}\n` : 'verify FAILED\n');
    return 1;
  }
  io.out(`verify passed: ${path} (${report.period ?? '?'}, ${report.state ?? '?'})\n`);
  return 0;
}

export const CLOSE_COMMANDS: Record<string, Handler> = {
  close: cmdClose,
  'reopen-period': cmdReopenPeriod,
  pack: cmdPack,
};
