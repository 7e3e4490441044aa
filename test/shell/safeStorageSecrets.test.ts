import { describe, it, expect, vi, beforeAll, afterAll, beforeEach } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { resetFakeElectron, safeStorage } from './fakeElectron.ts';
import { SafeStorageCipher, BASIC_TEXT_WARNING } from '../../src/main/shell/safeStorageCipher.ts';
import { HostCipher, answerCipherRequest } from '../../src/main/connectors/secrets/hostCipher.ts';
import { ServiceHost } from '../../src/main/api/serviceHost.ts';
import type { Envelope } from '../../src/shared/api/contract.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { connectorConfig, storeConnection } from '../../src/main/connectors/connectSource.ts';
import { SecretKeeper } from '../../src/main/connectors/secrets/secretCipher.ts';
import { FileKeyCipher, FILE_KEY_NAME } from '../../src/main/connectors/secrets/fileKeyCipher.ts';
import { FakeStripe, stripeDataFromRows } from '../connectors/support/fakeStripe.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { stripeMonthRows } from '../connectors/support/stripeMonth.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron);

const KEY = 'sk_test_51NsafeStorageWorker0000042';

type Status = { source: string; state: string; error: string | null };

/** The Sources screen's list once no source is syncing any more (the worker syncs never-synced sources at start). */
async function settled(host: ServiceHost): Promise<Status[]> {
  for (let i = 0; i < 200; i++) {
    const answer = (await host.call('connectors.list', {}, `list-${i}`)) as Envelope & { result?: { connectors: Status[] } };
    const list = answer.ok ? (answer.result?.connectors ?? []) : [];
    if (list.length > 0 && list.every((c) => c.state !== 'never' && c.state !== 'syncing')) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the sources did not finish syncing');
}

beforeEach(() => resetFakeElectron());

describe('the app seals and opens connector secrets with safeStorage for the service worker', () => {
  const root = makeTempDir('tieout-safestorage-worker-');
  const stripe = new FakeStripe(stripeDataFromRows(stripeMonthRows(20, 5)), KEY);
  let url = '';
  beforeAll(async () => {
    url = await stripe.start();
  });
  afterAll(() => stripe.close());

  /** A workspace with one source sealed by the app's keychain and one sealed by the CLI's key file of `configDir`. */
  async function workspace(name: string, configDir: string): Promise<string> {
    const ws = createWorkspace(join(root, name), { name: 'Keychain test', timeZone: 'UTC' });
    const app = new SecretKeeper(new SafeStorageCipher('linux'));
    const cli = new SecretKeeper(new FileKeyCipher(join(configDir, FILE_KEY_NAME)));
    storeConnection(
      ws,
      'stripe:app',
      connectorConfig({ source: 'stripe:app', baseUrl: url, backfillDays: 120 }),
      await app.seal({ api_key: KEY }),
      'user:test',
    );
    storeConnection(
      ws,
      'stripe:cli',
      connectorConfig({ source: 'stripe:cli', baseUrl: url, backfillDays: 120 }),
      await cli.seal({ api_key: KEY }),
      'user:test',
    );
    expect(readFileSync(join(ws.dir, 'connector-secrets.json'), 'utf8')).not.toContain(KEY);
    const dir = ws.dir;
    ws.close();
    return dir;
  }

  it('in the app, the worker syncs a source whose secret the keychain sealed (opened by the shell) and one the CLI sealed', async () => {
    const configDir = join(root, 'config-app');
    const dir = await workspace('app', configDir);
    safeStorage.calls.length = 0;
    const host = await ServiceHost.start({
      configDir,
      host: 'electron',
      actor: 'user:test',
      workspacePath: dir,
      secretCipher: new SafeStorageCipher('linux'),
    });
    try {
      const list = await settled(host);
      expect(list.map((c) => [c.source, c.state, c.error])).toEqual([
        ['stripe:app', 'ok', null],
        ['stripe:cli', 'ok', null],
      ]);
      // The keychain was asked in this (the shell's) thread: the worker cannot reach Electron.
      expect(safeStorage.calls).toContain('decryptStringAsync');
    } finally {
      await host.close();
    }
  });

  it('says why a source does not open when the keychain cannot open its secret', async () => {
    const configDir = join(root, 'config-locked');
    const dir = await workspace('locked', configDir);
    // Another machine's (or a reset) keychain: Electron cannot decrypt the ciphertext here.
    const refused = vi.spyOn(safeStorage, 'decryptStringAsync').mockRejectedValue(new Error('Error while decrypting the ciphertext'));
    const host = await ServiceHost.start({
      configDir,
      host: 'electron',
      actor: 'user:test',
      workspacePath: dir,
      secretCipher: new SafeStorageCipher('linux'),
    });
    try {
      const list = await settled(host);
      expect(list.find((c) => c.source === 'stripe:app')).toMatchObject({
        state: 'failed',
        error: expect.stringMatching(/could not open the stored secret/),
      });
      expect(list.find((c) => c.source === 'stripe:cli')?.state).toBe('ok');
      expect(refused).toHaveBeenCalled();
    } finally {
      refused.mockRestore();
      await host.close();
    }
  });

  it('the browser host keeps the file-key fallback: a keychain-sealed source is refused with the reason, the CLI one syncs', async () => {
    const configDir = join(root, 'config-browser');
    const dir = await workspace('browser', configDir);
    safeStorage.calls.length = 0;
    const host = await ServiceHost.start({ configDir, host: 'browser', actor: 'user:test', workspacePath: dir });
    try {
      const list = await settled(host);
      expect(list.find((c) => c.source === 'stripe:app')).toMatchObject({ state: 'failed', error: expect.stringMatching(/only the app can open/) });
      expect(list.find((c) => c.source === 'stripe:cli')?.state).toBe('ok');
      expect(safeStorage.calls).not.toContain('decryptStringAsync');
    } finally {
      await host.close();
    }
  });

  it("seals across the channel as it opens: the keychain's ciphertext and its weakness (Linux basic_text) come back, a refusal in the keychain's words", async () => {
    safeStorage.backend = 'basic_text';
    const shell = new SafeStorageCipher('linux');
    const remote: HostCipher = new HostCipher(
      'electron-safe-storage',
      (request) => void answerCipherRequest(shell, request).then((a) => remote.answered(a)),
    );
    const sealed = await new SecretKeeper(remote).seal({ api_key: KEY });
    expect(sealed).toMatchObject({ scheme: 'electron-safe-storage', weakness: BASIC_TEXT_WARNING });
    expect(JSON.stringify(sealed)).not.toContain(KEY);
    expect(await new SecretKeeper(shell).open(sealed)).toEqual({ api_key: KEY });
    safeStorage.available = false;
    await expect(remote.encrypt(KEY)).rejects.toThrow(/the OS keychain is not available to seal the secret/);
  });
});
