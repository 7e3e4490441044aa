// Connector secrets sealed with Electron's safeStorage (DESIGN §11): the OS keychain (macOS Keychain, Windows DPAPI,
// Linux libsecret/kwallet) through its async API. Linux without a keyring falls back to `basic_text`, whose key is a
// constant in Chromium: it is reported as insecure, never presented as protection.
import { safeStorage } from 'electron';
import type { SecretCipher } from '../connectors/secrets/secretCipher.ts';
import { SecretUnavailableError } from '../connectors/secrets/secretCipher.ts';

export const BASIC_TEXT_WARNING =
  'Linux offers only its basic_text password store here (no keyring such as GNOME Keyring or KWallet is running): the secrets are sealed with a key written into the program, which anyone who can read the workspace can open. Start a keyring and connect the source again.';

export class SafeStorageCipher implements SecretCipher {
  readonly scheme = 'electron-safe-storage' as const;
  private readonly platform: NodeJS.Platform;

  constructor(platform: NodeJS.Platform = process.platform) {
    this.platform = platform;
  }

  async weakness(): Promise<string | null> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'the OS keychain is not available: secrets cannot be sealed by the app';
    if (this.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return BASIC_TEXT_WARNING;
    return null;
  }

  async encrypt(plain: string): Promise<Uint8Array> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new SecretUnavailableError('the OS keychain is not available to seal the secret; try again once you are logged in to the desktop');
    }
    return new Uint8Array(await safeStorage.encryptStringAsync(plain));
  }

  async decrypt(sealed: Uint8Array): Promise<string> {
    try {
      return (await safeStorage.decryptStringAsync(Buffer.from(sealed))).result;
    } catch {
      throw new SecretUnavailableError(
        'the OS keychain could not open the stored secret (another user or machine sealed it, or the keyring was reset): connect the source again',
      );
    }
  }
}
