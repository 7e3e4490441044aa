// The plain-Node fallback for sealing connector secrets (CLI, `tieout serve`): AES-256-GCM under a random key kept in a
// file of its own in the user's config folder (mode 0600), never in the workspace, so a copied or shared workspace
// holds ciphertext only. It is weaker than the OS keychain the app uses: anyone who can read the key file (the same
// user, a backup of the home folder) can open the secrets, and every message about it says so.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SecretUnavailableError, type SecretCipher } from './secretCipher.ts';

export const FILE_KEY_NAME = 'connector-secrets.key';
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 8;

/** Where the key file is: $TIEOUT_SECRET_KEY_FILE, else beside the recent-workspaces list in the config folder. */
export function fileKeyPath(configDir: string): string {
  const fromEnv = process.env['TIEOUT_SECRET_KEY_FILE'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(configDir, FILE_KEY_NAME);
}

export class FileKeyCipher implements SecretCipher {
  readonly scheme = 'file-key' as const;
  private readonly path: string;
  private key: Buffer | null = null;

  constructor(keyPath: string) {
    this.path = keyPath;
  }

  weakness(): Promise<string | null> {
    return Promise.resolve(
      `sealed with the plain-Node file-key fallback (key file ${this.path}): anyone who can read that file can open the secrets; ` +
        'the desktop app seals them with the OS keychain instead',
    );
  }

  encrypt(plain: string): Promise<Uint8Array> {
    const key = this.loadKey(true);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Promise.resolve(Buffer.concat([Buffer.from([VERSION]), keyId(key), iv, cipher.getAuthTag(), body]));
  }

  decrypt(sealed: Uint8Array): Promise<string> {
    const bytes = Buffer.from(sealed);
    const key = this.loadKey(false);
    const head = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
    if (bytes.length < head || bytes[0] !== VERSION) throw new SecretUnavailableError('the stored secret is damaged (not a file-key ciphertext)');
    if (!keyId(key).equals(bytes.subarray(1, 1 + KEY_ID_BYTES))) {
      throw new SecretUnavailableError(`the secret was sealed with another key file than ${this.path}: connect the source again here`);
    }
    const iv = bytes.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
    const tag = bytes.subarray(1 + KEY_ID_BYTES + IV_BYTES, head);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    try {
      return Promise.resolve(Buffer.concat([decipher.update(bytes.subarray(head)), decipher.final()]).toString('utf8'));
    } catch {
      throw new SecretUnavailableError('the stored secret does not open with the key file (it was altered)');
    }
  }

  private loadKey(create: boolean): Buffer {
    if (this.key !== null) return this.key;
    if (!existsSync(this.path)) {
      if (!create) throw new SecretUnavailableError(`the key file ${this.path} that sealed the secret is missing: connect the source again`);
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      // 'wx': two processes creating it at once cannot both win; the loser reads the winner's key.
      try {
        writeFileSync(this.path, randomBytes(32), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    chmodSync(this.path, 0o600);
    const key = readFileSync(this.path);
    if (key.length !== 32) throw new SecretUnavailableError(`${this.path} is not a Tieout key file (expected 32 bytes)`);
    this.key = key;
    return key;
  }
}

function keyId(key: Buffer): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
}
