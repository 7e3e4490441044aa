// Where sealed connector secrets live: connector-secrets.json in the workspace folder (mode 0600), ciphertext only,
// outside the ledger so a rotated key does not stay in an append-only table (or an audit pack) forever.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../workspace/atomicFile.ts';
import { SECRET_SCHEMES, SecretUnavailableError, type SealedCredentials } from './secretCipher.ts';

export const SECRETS_FILE = 'connector-secrets.json';

const SealedSchema = z.object({
  scheme: z.enum(SECRET_SCHEMES),
  values: z.record(z.string(), z.object({ scheme: z.enum(SECRET_SCHEMES), ciphertext: z.string() })),
  weakness: z.string().nullable(),
  sealed_at: z.string(),
});

const FileSchema = z.object({
  format: z.literal('tieout-connector-secrets'),
  version: z.literal(1),
  note: z.string(),
  sources: z.record(z.string(), SealedSchema),
});
type SecretsFile = z.infer<typeof FileSchema>;

const NOTE = 'Ciphertext of connector secrets only (DESIGN §11). Nothing here opens without the cipher that sealed it.';

function read(workspaceDir: string): SecretsFile {
  const path = join(workspaceDir, SECRETS_FILE);
  if (!existsSync(path)) return { format: 'tieout-connector-secrets', version: 1, note: NOTE, sources: {} };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SecretUnavailableError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) throw new SecretUnavailableError(`${path}: not a connector secrets file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

export function saveSealed(workspaceDir: string, source: string, sealed: SealedCredentials, at: string): void {
  const file = read(workspaceDir);
  file.sources[source] = { ...sealed, sealed_at: at };
  const path = join(workspaceDir, SECRETS_FILE);
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
  chmodSync(path, 0o600);
}

/** The source's sealed secrets, or null when it has none stored. */
export function loadSealed(workspaceDir: string, source: string): (SealedCredentials & { sealed_at: string }) | null {
  return read(workspaceDir).sources[source] ?? null;
}
