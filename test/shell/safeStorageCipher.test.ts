import { describe, it, expect, vi, beforeEach } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { resetFakeElectron, safeStorage } from './fakeElectron.ts';
import { SafeStorageCipher, BASIC_TEXT_WARNING } from '../../src/main/shell/safeStorageCipher.ts';
import { SecretKeeper, SecretUnavailableError } from '../../src/main/connectors/secrets/secretCipher.ts';
import { FileKeyCipher } from '../../src/main/connectors/secrets/fileKeyCipher.ts';
import { loadSealed, saveSealed } from '../../src/main/connectors/secrets/secretStore.ts';
import { makeTempDir } from '../support/tempDir.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).electron);

const SECRET = 'shpat_0123456789abcdef0123456789abcdef';

beforeEach(() => resetFakeElectron());

describe('connector secrets sealed with Electron safeStorage', () => {
  it('seals through the async API and stores only ciphertext in the workspace; opens it again', async () => {
    const dir = makeTempDir('tieout-safestorage-');
    const keeper = new SecretKeeper(new SafeStorageCipher('linux'));
    const sealed = await keeper.seal({ access_token: SECRET });
    expect(sealed).toMatchObject({ scheme: 'electron-safe-storage', weakness: null });
    expect(safeStorage.calls).toContain('encryptStringAsync');
    saveSealed(dir, 'shopify:main', sealed, '2026-12-07T00:00:00Z');
    expect(readFileSync(join(dir, 'connector-secrets.json'), 'utf8')).not.toContain(SECRET);
    expect(await keeper.open(loadSealed(dir, 'shopify:main') ?? sealed)).toEqual({ access_token: SECRET });
    expect(safeStorage.calls).toContain('decryptStringAsync');
  });

  it("reports Linux's basic_text store as insecure, and only on Linux", async () => {
    safeStorage.backend = 'basic_text';
    expect(await new SafeStorageCipher('linux').weakness()).toBe(BASIC_TEXT_WARNING);
    expect((await new SecretKeeper(new SafeStorageCipher('linux')).seal({ api_key: 'k' })).weakness).toMatch(/basic_text.*anyone who can read/);
    expect(await new SafeStorageCipher('darwin').weakness()).toBeNull();
  });

  it('refuses to seal when the keychain is unavailable, and says why a secret does not open', async () => {
    safeStorage.available = false;
    await expect(new SafeStorageCipher('linux').encrypt(SECRET)).rejects.toThrow(SecretUnavailableError);
    expect(await new SafeStorageCipher('linux').weakness()).toMatch(/not available/);
    safeStorage.available = true;
    await expect(new SafeStorageCipher('linux').decrypt(new Uint8Array([1, 2, 3]))).rejects.toThrow(/could not open the stored secret/);
  });

  it('the app opens what the CLI sealed with the file key; the CLI is told to use the app for what the keychain sealed', async () => {
    const dir = makeTempDir('tieout-safestorage-mixed-');
    const fileKey = new FileKeyCipher(join(dir, 'key'));
    const app = new SecretKeeper(new SafeStorageCipher('linux'), [fileKey]);
    const cli = new SecretKeeper(fileKey);
    expect(await app.open(await cli.seal({ api_key: SECRET }))).toEqual({ api_key: SECRET });
    await expect(cli.open(await app.seal({ api_key: SECRET }))).rejects.toThrow(/only the app can open/);
  });
});
