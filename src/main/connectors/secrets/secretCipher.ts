// How connector secrets are sealed at rest (DESIGN §11): the app seals with Electron's safeStorage (the OS keychain,
// src/main/shell/safeStorageCipher.ts); plain Node (the CLI, `tieout serve`) with a key file of its own, a clearly
// labelled fallback (fileKeyCipher.ts). A secret is never stored, logged or sent to the renderer in clear.

export const SECRET_SCHEMES = ['electron-safe-storage', 'file-key'] as const;
export type SecretScheme = (typeof SECRET_SCHEMES)[number];

export interface SecretCipher {
  readonly scheme: SecretScheme;
  /**
   * What weakens the protection, in words a person can act on (the file-key fallback; Linux's `basic_text` backend,
   * which keeps the key in clear on disk), or null when the OS keychain protects it.
   */
  weakness(): Promise<string | null>;
  encrypt(plain: string): Promise<Uint8Array>;
  decrypt(sealed: Uint8Array): Promise<string>;
}

/** A secret as stored in the workspace: ciphertext only, and how to open it. */
export interface SealedSecret {
  scheme: SecretScheme;
  /** base64 of the cipher's output. */
  ciphertext: string;
}

/** A connector's secrets, sealed, with what was known about their protection when they were sealed. */
export interface SealedCredentials {
  scheme: SecretScheme;
  values: Record<string, SealedSecret>;
  weakness: string | null;
}

/** A secret that cannot be opened here: sealed by the app's keychain, by another key file, or damaged. */
export class SecretUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnavailableError';
  }
}

/** Seals and opens secrets: the preferred cipher seals, any cipher of the stored scheme opens. */
export class SecretKeeper {
  private readonly ciphers: Map<SecretScheme, SecretCipher>;
  private readonly preferred: SecretCipher;

  constructor(preferred: SecretCipher, others: readonly SecretCipher[] = []) {
    this.preferred = preferred;
    this.ciphers = new Map([...others, preferred].map((c) => [c.scheme, c]));
  }

  async seal(values: Record<string, string>): Promise<SealedCredentials> {
    const sealed: Record<string, SealedSecret> = {};
    for (const [name, value] of Object.entries(values)) {
      sealed[name] = { scheme: this.preferred.scheme, ciphertext: Buffer.from(await this.preferred.encrypt(value)).toString('base64') };
    }
    return { scheme: this.preferred.scheme, values: sealed, weakness: await this.preferred.weakness() };
  }

  async open(sealed: SealedCredentials): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, secret] of Object.entries(sealed.values)) {
      const cipher = this.ciphers.get(secret.scheme);
      if (cipher === undefined) {
        throw new SecretUnavailableError(
          secret.scheme === 'electron-safe-storage'
            ? 'this secret was sealed by the desktop app with the OS keychain, which only the app can open: sync it from the app, or connect the source again from here'
            : `no cipher for secrets sealed as ${secret.scheme} is available here`,
        );
      }
      out[name] = await cipher.decrypt(Buffer.from(secret.ciphertext, 'base64'));
    }
    return out;
  }
}
