// Files handed over by the renderer, staged on disk between preview and import. The import reads them by path
// and records their original name, so each upload keeps its name inside a folder of its own.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ApiError, type Upload } from '../../shared/api/contract.ts';

export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

interface StagedFile {
  fileName: string;
  path: string;
}

export class UploadStore {
  private readonly staging: string;
  private readonly files = new Map<string, StagedFile>();
  private closed = false;

  /** Creates a private staging folder (mode 0700) under `dir`. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.staging = mkdtempSync(join(dir, 'uploads-'));
  }

  /** Stages the bytes as `<staging>/<uploadId>/<fileName>`; refuses names that are not a plain file name. */
  put(fileName: string, bytes: Uint8Array): Upload {
    if (this.closed) throw new Error('the upload store is closed');
    const problem = fileNameProblem(fileName);
    if (problem !== null) throw new ApiError({ kind: 'bad_input', message: `file name ${JSON.stringify(fileName)}: ${problem}`, field: 'fileName' });
    if (bytes.byteLength > MAX_UPLOAD_BYTES) {
      throw new ApiError({
        kind: 'bad_input',
        message: `${fileName}: ${bytes.byteLength} bytes is more than the 2 GiB an upload may hold`,
        field: 'bytes',
      });
    }
    const uploadId = `up_${randomBytes(16).toString('hex')}`;
    const dir = join(this.staging, uploadId);
    mkdirSync(dir);
    const path = join(dir, fileName);
    writeFileSync(path, bytes, { flag: 'wx' });
    this.files.set(uploadId, { fileName, path });
    return { uploadId, fileName, byteLength: bytes.byteLength };
  }

  /** Where the upload's bytes are; ApiError('not_found') for an id this store did not hand out (or discarded). */
  path(uploadId: string): string {
    return this.staged(uploadId).path;
  }

  fileName(uploadId: string): string {
    return this.staged(uploadId).fileName;
  }

  /** Deletes the upload's bytes; an unknown id is already gone. */
  discard(uploadId: string): void {
    const file = this.files.get(uploadId);
    if (file === undefined) return;
    this.files.delete(uploadId);
    rmSync(join(this.staging, uploadId), { recursive: true, force: true });
  }

  /** Removes the staging folder and every upload in it. */
  close(): void {
    this.closed = true;
    this.files.clear();
    rmSync(this.staging, { recursive: true, force: true });
  }

  private staged(uploadId: string): StagedFile {
    const file = this.files.get(uploadId);
    if (file === undefined)
      throw new ApiError({ kind: 'not_found', message: `no staged upload ${JSON.stringify(uploadId)}; upload the file again`, field: 'uploadId' });
    return file;
  }
}

/** Why a name cannot be stored as given: it must be one plain file name, the one the import will record. */
function fileNameProblem(name: string): string | null {
  if (name.trim() === '') return 'is empty';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (/[/\\]/.test(name)) return 'contains a path separator; give the file name only';
  if (name === '.' || name === '..') return 'is not a file name';
  if (Buffer.byteLength(name) > 255) return 'is longer than the 255 bytes a file name may have';
  if (process.platform === 'win32' && /[<>:"|?*]|[. ]$/.test(name)) return 'contains a character Windows does not allow in file names';
  return null;
}
