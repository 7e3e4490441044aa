// The entry of the parse worker an import reads its files on (workerPass.ts). Each import command starts one; its
// modules (every parser) are compiled again in the new thread, which cost ~300 ms a start. Node's compile cache
// (kept in the system's temp folder) cuts that to ~150 ms from the second import on, so it is turned on before the
// parsers load.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
const { serveParseRequests } = await import('./parseWorkerLoop.ts');
serveParseRequests();
