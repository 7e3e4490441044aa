// Workspaces with a connected source for connector tests: real ledger, real sealing (the file-key cipher), fast retries.
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../../../src/main/workspace/workspace.ts';
import { connectorConfig, storeConnection, type ConnectRequest } from '../../../src/main/connectors/connectSource.ts';
import { SecretKeeper } from '../../../src/main/connectors/secrets/secretCipher.ts';
import { FileKeyCipher } from '../../../src/main/connectors/secrets/fileKeyCipher.ts';
import type { Credentials } from '../../../src/main/connectors/connectorTypes.ts';
import type { ApiHttpOptions } from '../../../src/main/connectors/http/apiHttp.ts';

/** Retries that take milliseconds, and a short timeout for the hang tests. */
export const FAST_HTTP: ApiHttpOptions = { retry: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 800, maxAttempts: 6 } };

export async function connectedWorkspace(dir: string, request: ConnectRequest, credentials: Credentials): Promise<Workspace> {
  const ws = createWorkspace(dir, { name: 'Connector test', timeZone: 'UTC' });
  const keeper = new SecretKeeper(new FileKeyCipher(join(dir, '..', `${request.source.replace(':', '-')}-test.key`)));
  storeConnection(ws, request.source, connectorConfig(request), await keeper.seal(credentials), 'user:test');
  return ws;
}
