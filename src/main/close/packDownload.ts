// The audit pack as the app downloads it: written to a temporary file by the same service the CLI uses, then handed over
// as base64 (the API's transports carry JSON). A pack larger than the limit is refused with the CLI command to use.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import { CloseError, writePack } from './closeService.ts';
import type { PackProgress } from './pack/packSpec.ts';

/** Beyond this a pack goes through `tieout pack` (a file written in place) rather than through the API. */
export const DOWNLOAD_LIMIT_BYTES = 256 << 20;

export function packForDownload(ws: Workspace, month: string, withSources: boolean, onProgress: (p: PackProgress) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'tieout-pack-download-'));
  try {
    const fileName = `tieout-pack-${month}${withSources ? '-with-sources' : ''}.zip`;
    const path = join(dir, fileName);
    const r = writePack(ws, { month, outPath: path, withSources, onProgress });
    const bytes = statSync(path).size;
    if (bytes > DOWNLOAD_LIMIT_BYTES) {
      throw new CloseError(
        `the pack of ${month} is ${bytes} bytes, too large to hand over in the app: run tieout pack ${ws.dir} --period ${month} --out PACK.zip`,
      );
    }
    return { fileName, state: r.state, sha256: r.sha256, bytes, base64: readFileSync(path).toString('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
