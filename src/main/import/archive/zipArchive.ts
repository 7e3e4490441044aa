// Reads ZIP archives (banks ship camt statements zipped): lists members and inflates one at a time, CRC-checked.
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { inflateRawSync, crc32 } from 'node:zlib';

export interface ZipMember {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** Members larger than this are refused rather than inflated into memory. */
export const MAX_MEMBER_BYTES = 512 * 1024 * 1024;

export function isZip(firstBytes: Uint8Array): boolean {
  return firstBytes[0] === 0x50 && firstBytes[1] === 0x4b && firstBytes[2] === 0x03 && firstBytes[3] === 0x04;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  if (n !== length) throw new ZipError(`unexpected end of archive at byte ${offset}`);
  return buf;
}

/** The archive's file members (folders skipped), from its central directory. */
export function listZipMembers(path: string): ZipMember[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipError('no end-of-central-directory record: the archive is truncated or not a ZIP file');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff || count === 0xffff) throw new ZipError('ZIP64 archives are not supported');
    const dir = readAt(fd, dirOffset, dirSize);
    const members: ZipMember[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL_SIG) throw new ZipError(`central directory entry ${i + 1} is damaged`);
      const flags = dir.readUInt16LE(p + 8);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const nameBytes = dir.subarray(p + 46, p + 46 + nameLength);
      // Bit 11: UTF-8 names; otherwise CP437, which for the ASCII names banks use reads the same as latin1.
      const name = (flags & 0x800) !== 0 ? nameBytes.toString('utf8') : nameBytes.toString('latin1');
      if ((flags & 0x1) !== 0) throw new ZipError(`${name}: encrypted members are not supported`);
      const member: ZipMember = {
        name,
        method: dir.readUInt16LE(p + 10),
        crc32: dir.readUInt32LE(p + 16),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localHeaderOffset: dir.readUInt32LE(p + 42),
      };
      if (!name.endsWith('/')) members.push(member);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return members;
  } finally {
    closeSync(fd);
  }
}

/** The member's bytes, inflated and checked against its CRC-32. */
export function readZipMember(path: string, member: ZipMember): Buffer {
  if (member.size > MAX_MEMBER_BYTES) throw new ZipError(`${member.name}: ${member.size} bytes is larger than the ${MAX_MEMBER_BYTES}-byte limit`);
  const fd = openSync(path, 'r');
  try {
    const local = readAt(fd, member.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError(`${member.name}: local header is damaged`);
    const dataStart = member.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = readAt(fd, dataStart, member.compressedSize);
    let data: Buffer;
    if (member.method === 0) data = raw;
    else if (member.method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (err) {
        throw new ZipError(`${member.name}: cannot inflate (${(err as Error).message})`);
      }
    } else throw new ZipError(`${member.name}: compression method ${member.method} is not supported (stored and deflate are)`);
    if (data.length !== member.size || crc32(data) >>> 0 !== member.crc32 >>> 0) {
      throw new ZipError(`${member.name}: CRC or size mismatch; the archive is damaged`);
    }
    return data;
  } finally {
    closeSync(fd);
  }
}
