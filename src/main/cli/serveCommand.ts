// `tieout serve`: the real UI in a browser. Starts the services in their worker and the loopback browser host
// on the built renderer, prints the URL (token included) and runs until SIGINT/SIGTERM.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../shared/api/contract.ts';
import { ServiceHost, SLA_CLOCK_MS } from '../api/serviceHost.ts';
import { assertRendererBuilt, startBrowserHost, RendererMissingError } from '../host/browserHost.ts';
import { type CliIo, UsageError, parse, actor } from './cliSupport.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The built renderer: $TIEOUT_RENDERER_DIR (a renderer built elsewhere), else out/renderer of this checkout. */
export function rendererDir(): string {
  const fromEnv = process.env['TIEOUT_RENDERER_DIR'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(PROJECT_ROOT, 'out', 'renderer');
}

/** Where the recent-workspaces list lives: $TIEOUT_CONFIG_DIR, else ~/.config/tieout. */
export function configDir(): string {
  const fromEnv = process.env['TIEOUT_CONFIG_DIR'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(homedir(), '.config', 'tieout');
}

/**
 * Checks what it can at once (arguments, a built renderer) and returns; the servers start asynchronously and
 * keep the process alive. A failure to start sets the exit code (2: the workspace cannot be opened, 1: other).
 */
export function cmdServe(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { port: { type: 'string' } }, 0);
  if (positionals.length > 1) throw new UsageError('serve takes at most one WORKSPACE folder');
  const portText = (values.port as string | undefined) ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new UsageError(`--port must be a port number (0-65535), not "${portText}"`);
  const renderer = rendererDir();
  try {
    assertRendererBuilt(renderer);
  } catch (err) {
    if (err instanceof RendererMissingError) {
      io.err(`tieout serve: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const workspacePath = positionals[0] === undefined ? undefined : resolve(positionals[0]);
  void serve(io, { workspacePath, port, renderer });
  return 0;
}

async function serve(io: CliIo, options: { workspacePath: string | undefined; port: number; renderer: string }): Promise<void> {
  let services: ServiceHost;
  try {
    services = await ServiceHost.start({
      configDir: configDir(),
      workspacePath: options.workspacePath,
      host: 'browser',
      actor: actor(),
      slaClockMs: SLA_CLOCK_MS,
    });
  } catch (err) {
    io.err(`tieout serve: ${(err as Error).message}\n`);
    process.exitCode = err instanceof ApiError && err.kind !== 'internal' ? 2 : 1;
    return;
  }
  let browser;
  try {
    browser = await startBrowserHost({ serviceHost: services, rendererDir: options.renderer, port: options.port });
  } catch (err) {
    io.err(`tieout serve: ${(err as Error).message}\n`);
    process.exitCode = 1;
    await services.close();
    return;
  }
  const what = options.workspacePath ?? '(no workspace yet: create or open one on the page)';
  io.out(`Tieout is serving ${what} at ${browser.url}\n`);
  io.err('Press Ctrl+C to stop.\n');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void browser
      .close()
      .then(() => services.close())
      .then(() => io.err('Tieout stopped.\n'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
