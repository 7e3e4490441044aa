// The `tieout` command line: parses arguments, calls the services, maps failures to exit codes (0 ok, 1 runtime, 2 bad input).
import { openSync, closeSync, existsSync, statSync } from 'node:fs';
import { createWorkspace, openWorkspace } from '../workspace/workspace.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { importAndReconcile, type ImportAndReconcileResult } from '../workflows/importAndReconcile.ts';
import { exportMatches } from '../export/matchesExport.ts';
import { exportExceptions } from '../export/exceptionsExport.ts';
import { type CliIo, processIo, UsageError, parse, actor, loadRuleSet } from './cliSupport.ts';
import { MATCHING_COMMANDS, formatLaneRun, formatReconcileProgress, formatRunReport } from './matchingCommands.ts';
import { RULES_COMMANDS } from './rulesCommands.ts';
import { listFormats } from '../import/formatRegistry.ts';
import { listPresets } from '../import/presets/bankCsvPresets.ts';
import { verifyLedger } from '../ledger/verify.ts';
import { exportEvents, type ExportFormat } from '../export/eventsExport.ts';
import { FdWriter } from '../export/tableWriter.ts';
import { TEXT_ENCODINGS, type TextEncoding } from '../import/text/fileText.ts';
import { MigrationError } from '../ledger/migrations.ts';
import { USAGE, COMMAND_HELP } from './usage.ts';
import { cmdServe } from './serveCommand.ts';
import { cmdGrowth } from './growthCommand.ts';
import { OWNERS_COMMANDS } from './ownersCommands.ts';
import { CONNECTOR_COMMANDS } from './connectorCommands.ts';
import { CLOSE_COMMANDS, verifyPackCommand } from './closeCommands.ts';

/** A command: synchronous, or asynchronous for those that wait on the network (connect, sync). */
type Handler = (args: string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, Handler> = {
  init: cmdInit,
  import: cmdImport,
  verify: cmdVerify,
  export: cmdExport,
  formats: cmdFormats,
  serve: cmdServe,
  growth: cmdGrowth,
  ...MATCHING_COMMANDS,
  ...RULES_COMMANDS,
  ...OWNERS_COMMANDS,
  ...CONNECTOR_COMMANDS,
  ...CLOSE_COMMANDS,
};

/** Runs a command; its exit code, or a promise of it for the commands that wait on the network. */
export function runCli(argv: string[], io: CliIo = processIo): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    io.out(topic !== undefined && COMMAND_HELP[topic] !== undefined ? COMMAND_HELP[topic] : USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    io.out('tieout 0.1.0\n');
    return 0;
  }
  const handler = COMMANDS[command];
  if (handler === undefined) {
    io.err(`tieout: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(COMMAND_HELP[command] ?? USAGE);
    return 0;
  }
  try {
    const code = handler(rest, io);
    return code instanceof Promise ? code.catch((err: unknown) => failure(command, err, io)) : code;
  } catch (err) {
    return failure(command, err, io);
  }
}

/** The exit code and message of a command that threw: 2 for bad usage or input, 1 for anything else. */
function failure(command: string, err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.err(`tieout ${command}: ${err.message}\nRun "tieout ${command} --help" for usage.\n`);
    return 2;
  }
  if (err instanceof UserError) {
    io.err(`${err.message}\n`);
    return 2;
  }
  if (err instanceof MigrationError) {
    io.err(`tieout ${command}: ${err.message}\n`);
    return 1;
  }
  io.err(`tieout ${command}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

function cmdInit(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    { name: { type: 'string' }, currency: { type: 'string' }, 'time-zone': { type: 'string' }, locale: { type: 'string' } },
    1,
  );
  if (positionals.length > 1) throw new UsageError('init takes one WORKSPACE folder');
  const ws = createWorkspace(positionals[0] as string, {
    name: values.name as string | undefined,
    reportingCurrency: values.currency as string | undefined,
    timeZone: values['time-zone'] as string | undefined,
    locale: values.locale as string | undefined,
  });
  const s = ws.settings;
  ws.close();
  io.out(`created workspace "${s.name}" in ${ws.dir} (${s.reporting_currency}, ${s.time_zone}, ${s.locale})\n`);
  return 0;
}

function cmdImport(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    {
      source: { type: 'string' },
      format: { type: 'string' },
      mapping: { type: 'string' },
      encoding: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      'accept-unbalanced': { type: 'boolean' },
      'period-end': { type: 'string' },
      'no-reconcile': { type: 'boolean' },
      rules: { type: 'string' },
      progress: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    2,
  );
  const [workspaceDir, ...files] = positionals as [string, ...string[]];
  if (values.source === undefined) throw new UsageError('--source KIND[:NAME] is required (e.g. --source stripe:main)');
  const encoding = values.encoding as string | undefined;
  if (encoding !== undefined && !TEXT_ENCODINGS.includes(encoding as TextEncoding)) {
    throw new UsageError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')}`);
  }
  const showProgress = values.progress === true || io.interactive;
  const ws = openWorkspace(workspaceDir);
  const ruleSet = values.rules !== undefined ? loadRuleSet(values.rules as string) : undefined;
  let outcome: ImportAndReconcileResult;
  try {
    outcome = importAndReconcile(
      ws,
      {
        source: values.source as string,
        files,
        format: values.format as string | undefined,
        mappingPath: values.mapping as string | undefined,
        encoding: encoding as TextEncoding | undefined,
        skipInvalid: values['skip-invalid'] === true,
        acceptUnbalanced: values['accept-unbalanced'] === true,
        periodEnd: values['period-end'] as string | undefined,
        actor: actor(),
        onProgress: showProgress
          ? (p) => {
              const pct = p.bytesTotal === 0 ? 100 : Math.floor((100 * p.bytesDone) / p.bytesTotal);
              io.err(`progress: ${p.file} ${pct}% ${p.rowsRead} rows\n`);
            }
          : undefined,
      },
      {
        reconcile: values['no-reconcile'] !== true,
        ruleSet,
        onReconcileProgress: showProgress ? (p) => io.err(formatReconcileProgress(p)) : undefined,
      },
    );
  } finally {
    ws.close();
  }
  const result = outcome.import;
  if (values.json === true) {
    io.out(`${JSON.stringify(outcome, null, 2)}\n`);
    return 0;
  }
  for (const f of result.files) {
    io.out(
      `${f.file}: ${f.format} (${f.encoding}), ${f.rowsRead} rows read, ${f.eventsCreated} events created, ` +
        `${f.duplicatesSkipped} duplicates skipped` +
        (f.duplicateRecords > 0 ? ` (${f.duplicateRecords} delivered earlier by another file: DUPLICATE_RECORD, auto-resolved)` : '') +
        `, ${f.rowsRejected} rows rejected [batch ${f.batchId}]\n`,
    );
    for (const s of f.statements) {
      const balance =
        s.differenceMinor === null
          ? s.closingMinor !== null
            ? `closing balance ${s.closingMinor} (minor units); no opening balance to check it against`
            : 'no opening/closing balance to check'
          : s.differenceMinor === 0
            ? 'balanced'
            : `UNBALANCED by ${s.differenceMinor} minor units (accepted, journaled)`;
      io.out(`  statement ${s.statementId} ${s.account} ${s.currency}: ${s.entryCount} entries, ${balance}\n`);
    }
    for (const r of f.rejected) io.out(`  rejected ${f.file}:${r.line}:${r.column}: ${r.message}\n`);
    if (f.rowsRejected > f.rejected.length) io.out(`  … ${f.rowsRejected - f.rejected.length} more rejected rows are in the journal\n`);
  }
  if (outcome.reconcile !== null) io.out(formatRunReport(outcome.reconcile));
  for (const r of outcome.shadows) io.out(formatLaneRun(r));
  return 0;
}

function cmdVerify(args: string[], io: CliIo): number {
  const { positionals } = parse(args, {}, 1);
  // A file is an audit pack (tieout pack); a folder is a workspace.
  const target = positionals[0] as string;
  if (existsSync(target) && statSync(target).isFile()) return verifyPackCommand(target, io);
  const ws = openWorkspace(target);
  try {
    const report = verifyLedger(ws.db);
    for (const c of report.checks) io.out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
    io.out(`journal head ${report.headHash} (${report.journalEntries} entries)\n`);
    if (!report.ok) {
      io.err(report.firstBadJournalSeq !== null ? `verify FAILED: first bad journal entry is ${report.firstBadJournalSeq}\n` : 'verify FAILED\n');
      return 1;
    }
    io.out('verify passed\n');
    return 0;
  } finally {
    ws.close();
  }
}

function cmdExport(args: string[], io: CliIo): number {
  const { values, positionals } = parse(
    args,
    {
      what: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      code: { type: 'string' },
      class: { type: 'string' },
      state: { type: 'string' },
    },
    1,
  );
  const what = (values.what ?? 'events') as string;
  if (what !== 'events' && what !== 'matches' && what !== 'exceptions') throw new UsageError('--what must be events, matches or exceptions');
  const format = (values.format ?? 'csv') as string;
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  const ws = openWorkspace(positionals[0] as string);
  const fd = values.out !== undefined ? openSync(values.out as string, 'w') : 1;
  try {
    const out = new FdWriter(fd);
    const filter = { code: values.code as string | undefined, class: values.class as string | undefined, state: values.state as string | undefined };
    const n =
      what === 'events'
        ? exportEvents(ws.db, format as ExportFormat, out)
        : what === 'matches'
          ? exportMatches(ws.db, format as ExportFormat, out)
          : exportExceptions(ws.db, format as ExportFormat, out, filter);
    if (values.out !== undefined) io.err(`wrote ${n} ${what} to ${String(values.out)}\n`);
  } finally {
    if (fd !== 1) closeSync(fd);
    ws.close();
  }
  return 0;
}

function cmdFormats(_args: string[], io: CliIo): number {
  for (const f of listFormats()) io.out(`${f.format.padEnd(26)} ${f.description}\n`);
  io.out('\nBank CSV presets (use with --format generic-csv --mapping preset:NAME):\n');
  for (const p of listPresets()) io.out(`  ${p.name.padEnd(24)} ${p.description}\n`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
