// `tieout connect` and `tieout sync`: connect a Stripe, Shopify or PayPal source (its secret read from an environment
// variable, sealed with the plain-Node file key) and sync connected sources now.
import { openWorkspace } from '../workspace/workspace.ts';
import { type CliIo, UsageError, parse, actor } from './cliSupport.ts';
import { configDir } from './serveCommand.ts';
import { formatRunReport } from './matchingCommands.ts';
import { connectorConfig, checkCredentials, storeConnection } from '../connectors/connectSource.ts';
import { listConnectors, providerOf, readConnector } from '../connectors/connectorStore.ts';
import { openCredentials } from '../connectors/credentials.ts';
import { syncSource, type SyncReport } from '../connectors/syncRunner.ts';
import { SecretKeeper } from '../connectors/secrets/secretCipher.ts';
import { FileKeyCipher, fileKeyPath } from '../connectors/secrets/fileKeyCipher.ts';
import type { Credentials, Provider } from '../connectors/connectorTypes.ts';
import { cmdReplayMapping } from './replayCommand.ts';

/** The CLI seals with the file-key fallback: plain Node has no OS keychain to ask. */
export function cliKeeper(): SecretKeeper {
  return new SecretKeeper(new FileKeyCipher(fileKeyPath(configDir())));
}

/** The environment variables each provider's secrets are read from: [flag, secret name]. */
const SECRET_FLAGS: Record<Provider, ReadonlyArray<readonly [string, string]>> = {
  stripe: [['api-key-env', 'api_key']],
  shopify: [['token-env', 'access_token']],
  paypal: [
    ['client-id-env', 'client_id'],
    ['secret-env', 'client_secret'],
  ],
};

/** A secret from the environment variable a flag names; the value itself is never printed. */
function fromEnv(flag: string, variable: unknown): string {
  if (typeof variable !== 'string' || variable.trim() === '')
    throw new UsageError(`--${flag} VAR is required: the name of the environment variable holding the secret`);
  const value = process.env[variable];
  if (value === undefined || value.trim() === '')
    throw new UsageError(`--${flag} ${variable}: the environment variable ${variable} is not set or is empty`);
  return value.trim();
}

async function cmdConnect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      source: { type: 'string' },
      'base-url': { type: 'string' },
      shop: { type: 'string' },
      'api-key-env': { type: 'string' },
      'token-env': { type: 'string' },
      'client-id-env': { type: 'string' },
      'secret-env': { type: 'string' },
    },
    1,
  );
  if (positionals.length > 1) throw new UsageError('connect takes one WORKSPACE folder');
  if (typeof values.source !== 'string') throw new UsageError('--source KIND:NAME is required (stripe:NAME, shopify:NAME or paypal:NAME)');
  const provider = providerOf(values.source);
  const flags = SECRET_FLAGS[provider];
  const wrong = Object.values(SECRET_FLAGS)
    .flat()
    .map(([flag]) => flag)
    .filter((flag) => values[flag] !== undefined && !flags.some(([f]) => f === flag));
  if (wrong.length > 0)
    throw new UsageError(`--${wrong[0] as string} is not a ${provider} option; ${provider} takes ${flags.map(([f]) => `--${f}`).join(' and ')}`);
  if (provider !== 'shopify' && values.shop !== undefined) throw new UsageError(`--shop is for Shopify sources, not ${provider}`);
  const config = connectorConfig({
    source: values.source,
    baseUrl: values['base-url'] as string | undefined,
    shop: values.shop as string | undefined,
  });
  const credentials: Credentials = Object.fromEntries(flags.map(([flag, name]) => [name, fromEnv(flag, values[flag])]));
  checkCredentials(provider, credentials);
  const keeper = cliKeeper();
  const sealed = await keeper.seal(credentials);
  const ws = openWorkspace(positionals[0] as string);
  try {
    storeConnection(ws, values.source, config, sealed, actor());
    const cadence = ws.settings.feeds?.[values.source];
    io.out(`connected ${values.source} (${config.baseUrl}${config.shop === undefined ? '' : `, shop ${config.shop}`})\n`);
    io.out(`  secret: ${sealed.weakness ?? 'sealed'}\n`);
    if (cadence !== undefined)
      io.out(`  cadence: every ${cadence.expected_every_hours} h (workspace.json feeds: FEED_MISSING when it falls behind)\n`);
    io.out(`  first sync reads ${config.backfillDays} days back: tieout sync ${positionals[0] as string} --source ${values.source}\n`);
  } finally {
    ws.close();
  }
  return 0;
}

function syncLine(r: SyncReport): string {
  const steps = r.steps.map((s) => `${s.step} ${s.pages}p/${s.eventsCreated}e`).join(', ');
  const skew =
    Math.abs(r.clockOffsetMs) >= 60_000
      ? `; the provider's clock is ${Math.round(r.clockOffsetMs / 1000)} s off ours (windows follow the provider's)`
      : '';
  const head = `${r.source}: ${r.state === 'ok' ? 'synced' : 'FAILED'}, ${r.pages} pages, ${r.eventsCreated} events created, ${r.duplicatesSkipped} already in the ledger, ${r.rowsRejected} rejected (${steps})${skew}`;
  return `${head}${r.error === null ? '' : `\n  ${r.error}${r.needsPerson ? '' : ' (the next sync resumes after the last page that landed)'}`}\n`;
}

async function cmdSync(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { source: { type: 'string' }, progress: { type: 'boolean' } }, 1);
  if (positionals.length > 1) throw new UsageError('sync takes one WORKSPACE folder');
  const ws = openWorkspace(positionals[0] as string);
  try {
    const source = values.source as string | undefined;
    if (source !== undefined && readConnector(ws.db, source) === null)
      throw new UsageError(`${source} is not connected in ${ws.dir}; connect it first with tieout connect`);
    const sources = source !== undefined ? [source] : listConnectors(ws.db).map((c) => c.source);
    if (sources.length === 0) throw new UsageError(`no source is connected in ${ws.dir}; connect one first with tieout connect`);
    const keeper = cliKeeper();
    const showProgress = values.progress === true || io.interactive;
    let failed = 0;
    for (const s of sources) {
      const credentials = await openCredentials(ws, s, keeper);
      const report = await syncSource(ws, s, credentials, {
        trigger: 'cli',
        onProgress: showProgress ? (p) => io.err(`progress: ${p.source} ${p.step} ${p.pages} pages, ${p.eventsCreated} events\n`) : undefined,
      });
      io.out(syncLine(report));
      if (report.reconcile !== null) io.out(formatRunReport(report.reconcile));
      if (report.remediation !== null && report.remediation.calls > 0) {
        io.out(
          `  remediation: ${report.remediation.calls} class B exceptions asked about at the provider (journaled on each), ${report.remediation.escalated} escalated to class C\n`,
        );
      }
      if (report.state === 'failed') failed++;
    }
    return failed === 0 ? 0 : 1;
  } finally {
    ws.close();
  }
}

export const CONNECTOR_COMMANDS: Record<string, (args: string[], io: CliIo) => number | Promise<number>> = {
  connect: cmdConnect,
  sync: cmdSync,
  'replay-mapping': cmdReplayMapping,
};
