// Deterministic ZIP files (yazl): members in byte order of their names, every member stamped with one fixed time, fixed
// file modes and no extra timestamp field, so the same members give the same bytes on any machine.
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

export interface ZipMember {
  name: string;
  /** A file on disk, or the bytes themselves. */
  path?: string;
  bytes?: Buffer;
  /**
   * Deflate level; 0 stores the bytes as they are (for members already compressed: the workbook, the PDF). A member
   * streamed from a file has its sizes after its data (a data descriptor): readers find them in the central directory
   * (verify does), as a streaming reader could not for stored bytes.
   */
  level: number;
}

/**
 * The DOS date-time fields yazl writes come from the Date's local-time getters; a Date built from the stamp's UTC
 * fields as local time gives the same fields on every machine whatever its time zone (a wall time that does not exist
 * locally, inside a daylight-saving gap, falls back to 1980-01-01, the format's first day).
 */
export function zipStamp(iso: string): Date {
  const u = new Date(iso);
  const local = new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), u.getUTCHours(), u.getUTCMinutes(), u.getUTCSeconds());
  const same =
    local.getFullYear() === u.getUTCFullYear() &&
    local.getMonth() === u.getUTCMonth() &&
    local.getDate() === u.getUTCDate() &&
    local.getHours() === u.getUTCHours();
  return same && u.getUTCFullYear() >= 1980 ? local : new Date(1980, 0, 1, 0, 0, 0);
}

export async function writeZip(outPath: string, members: ZipMember[], stampIso: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const mtime = zipStamp(stampIso);
  const sorted = [...members].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const m of sorted) {
    const options = { mtime, mode: 0o100644, compressionLevel: Math.max(0, m.level), forceDosTimestamp: true };
    if (m.path !== undefined) zip.addFile(m.path, m.name, options);
    else zip.addBuffer(m.bytes ?? Buffer.alloc(0), m.name, options);
  }
  const out = createWriteStream(outPath);
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(out);
  zip.end();
  await done;
}
