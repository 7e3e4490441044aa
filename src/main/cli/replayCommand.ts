// `tieout replay-mapping`: a source's stored files and API pages re-read under the mapping in force (a fixed parser
// version, or an edited CSV mapping with --mapping), every changed record shown, and recorded as a new revision unless
// --dry-run.
import { openWorkspace } from '../workspace/workspace.ts';
import { type CliIo, UsageError, parse, actor } from './cliSupport.ts';
import { formatRunReport } from './matchingCommands.ts';
import { replayMapping, type ReplayReport } from '../import/replayMapping.ts';

const shown = (v: unknown): string => (v === null ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));

export function formatReplay(r: ReplayReport): string {
  const lines: string[] = [];
  for (const b of r.batches) {
    lines.push(
      `${b.fileName} [${b.batchId}]: ${b.fromMapping} → ${b.toMapping}${b.replayBatchId === null ? '' : ` [replay batch ${b.replayBatchId}]`}`,
    );
    for (const e of b.events) {
      const sign = e.change === 'changed' ? '~' : e.change === 'new' ? '+' : '-';
      const ids =
        e.change === 'changed'
          ? ` ${e.before ?? ''} → ${e.after ?? '(new revision)'}`
          : e.change === 'gone'
            ? ` ${e.before ?? ''} (kept: the new mapping makes no event of it)`
            : '';
      lines.push(`  ${sign} ${e.kind} ${e.externalId}${ids}`);
      for (const f of e.fields) lines.push(`      ${f.field}: ${shown(f.before)} → ${shown(f.after)}`);
    }
    if (b.unchanged > 0) lines.push(`  = ${b.unchanged} records unchanged`);
  }
  for (const s of r.skipped) lines.push(`${s.fileName} [${s.batchId}]: not re-read: ${s.why}`);
  const verb = r.dryRun ? 'would record' : 'recorded';
  lines.push(
    `${r.source}: ${r.batches.length} batches re-read under a new mapping, ${r.current} already current; ${r.changed} changed records (${verb} as new revisions, the earlier superseded), ${r.added} new, ${r.gone} no longer made, ${r.unchanged} unchanged${r.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export function cmdReplayMapping(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { source: { type: 'string' }, mapping: { type: 'string' }, 'dry-run': { type: 'boolean' } }, 1);
  if (positionals.length > 1) throw new UsageError('replay-mapping takes one WORKSPACE folder');
  if (typeof values.source !== 'string') throw new UsageError('--source NAME is required (the source whose files and pages to re-read)');
  const ws = openWorkspace(positionals[0] as string);
  try {
    const report = replayMapping(ws, {
      source: values.source,
      mappingPath: values.mapping as string | undefined,
      dryRun: values['dry-run'] === true,
      actor: actor(),
    });
    io.out(formatReplay(report));
    if (report.reconcile !== null) io.out(formatRunReport(report.reconcile));
  } finally {
    ws.close();
  }
  return 0;
}
