// A connected source's secrets opened for a sync: read sealed from the workspace, opened by the keeper of this process
// (the app's keychain, or the plain-Node key file), held in memory only for the sync.
import type { Workspace } from '../workspace/workspace.ts';
import type { Credentials } from './connectorTypes.ts';
import { ConnectorSetupError } from './connectorStore.ts';
import { loadSealed } from './secrets/secretStore.ts';
import { SecretUnavailableError, type SecretKeeper } from './secrets/secretCipher.ts';

export async function openCredentials(ws: Workspace, source: string, keeper: SecretKeeper): Promise<Credentials> {
  const sealed = loadSealed(ws.dir, source);
  if (sealed === null) throw new ConnectorSetupError(`${source} has no stored secret in ${ws.dir}; connect it again`);
  try {
    return await keeper.open(sealed);
  } catch (err) {
    if (err instanceof SecretUnavailableError) throw new ConnectorSetupError(`${source}: ${err.message}`);
    throw err;
  }
}
