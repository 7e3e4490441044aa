// `tieout verify PACK.zip`, offline: reads the pack through its central directory (fflate inflates), re-hashes every member against manifest.json,
// flags members added or missing, and walks the journal segment's hash chain from the manifest's previous hash to its
// last. A changed member is named.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { Inflate } from 'fflate';
import { GENESIS_HASH, journalEntryHash, type JournalEntry } from '../../ledger/journal.ts';
import { PACK_FORMAT, UNSEALED } from './packSpec.ts';
import { sha256Hex } from '../../ledger/canonicalJson.ts';

export interface PackCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PackVerifyReport {
  ok: boolean;
  checks: PackCheck[];
  /** Members whose bytes differ from the manifest, members it does not list, and members it lists that are missing. */
  changed: string[];
  period: string | null;
  state: string | null;
}

interface Manifest {
  format: string;
  self_sha256: string;
  period: { month: string; state: string };
  ledger_head_hash: string;
  journal_segment: {
    first_seq: number | null;
    last_seq: number | null;
    entries: number;
    previous_hash: string | null;
    first_hash: string | null;
    last_hash: string | null;
  };
  members: Array<{ name: string; bytes: number; sha256: string }>;
}

/** The journal segment checked line by line as it streams: every entry's hash, and each linking to the one before. */
class ChainCheck {
  private rest = '';
  private prev: string | null = null;
  private expectedSeq: number | null = null;
  first: { seq: number; prevHash: string; hash: string } | null = null;
  last: { seq: number; hash: string } | null = null;
  entries = 0;
  problem: string | null = null;

  push(chunk: Uint8Array, final: boolean): void {
    this.rest += Buffer.from(chunk).toString('utf8');
    const lines = this.rest.split('\n');
    this.rest = final ? '' : (lines.pop() ?? '');
    for (const l of lines) if (l.trim() !== '') this.line(l);
  }

  private line(text: string): void {
    if (this.problem !== null) return;
    let e: JournalEntry;
    try {
      e = JSON.parse(text) as JournalEntry;
    } catch {
      this.problem = `line ${this.entries + 1} is not JSON`;
      return;
    }
    this.entries++;
    if (this.expectedSeq !== null && e.seq !== this.expectedSeq)
      this.problem = `entry ${e.seq}: expected entry ${this.expectedSeq} (entries are missing)`;
    else if (this.prev !== null && e.prev_hash !== this.prev) this.problem = `entry ${e.seq} does not link to the entry before it`;
    else {
      const { hash, ...content } = e;
      if (journalEntryHash(content) !== hash) this.problem = `entry ${e.seq}: its content does not match its hash (the entry was altered)`;
    }
    if (this.first === null) this.first = { seq: e.seq, prevHash: e.prev_hash, hash: e.hash };
    this.last = { seq: e.seq, hash: e.hash };
    this.prev = e.hash;
    this.expectedSeq = e.seq + 1;
  }
}

interface Seen {
  sha256: string;
  bytes: number;
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function readAt(fd: number, position: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let off = 0;
  while (off < length) {
    const n = readSync(fd, b, off, length - off, position + off);
    if (n === 0) throw new ZipFormatError(`the file ends at byte ${position + off}, inside the archive's structure`);
    off += n;
  }
  return b;
}

/** Where the central directory is and how many entries it lists: the end record, or its ZIP64 form for large packs. */
function centralDirectory(fd: number, size: number): { offset: number; bytes: number; entries: number } {
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLength, tailLength);
  let at = -1;
  for (let i = tailLength - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  if (at < 0) throw new ZipFormatError('no end of central directory record');
  let entries = tail.readUInt16LE(at + 10);
  let bytes = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
    const z = readAt(fd, Number(tail.readBigUInt64LE(at - 20 + 8)), 56);
    if (z.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('the ZIP64 end of central directory record is missing');
    entries = Number(z.readBigUInt64LE(32));
    bytes = Number(z.readBigUInt64LE(40));
    offset = Number(z.readBigUInt64LE(48));
  }
  if (offset + bytes > size) throw new ZipFormatError('the central directory lies past the end of the file');
  return { offset, bytes, entries };
}

/** The members the central directory lists, with ZIP64 sizes and offsets where the 32-bit fields are full. */
function entriesOf(fd: number, size: number): Entry[] {
  const cd = centralDirectory(fd, size);
  const dir = readAt(fd, cd.offset, cd.bytes);
  const out: Entry[] = [];
  let p = 0;
  for (let i = 0; i < cd.entries; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError(`central directory entry ${i + 1} is damaged`);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    let uncompressed = dir.readUInt32LE(p + 24);
    let compressedSize = dir.readUInt32LE(p + 20);
    let localOffset = dir.readUInt32LE(p + 42);
    for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength;) {
      const id = dir.readUInt16LE(x);
      const len = dir.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const next = (): number => {
          q += 8;
          return Number(dir.readBigUInt64LE(q - 8));
        };
        if (uncompressed === MAX32) uncompressed = next();
        if (compressedSize === MAX32) compressedSize = next();
        if (localOffset === MAX32) localOffset = next();
      }
      x += 4 + len;
    }
    out.push({ name, method: dir.readUInt16LE(p + 10), compressedSize, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/**
 * Reads the pack through its central directory (sizes and offsets as written), inflating each member in pieces:
 * every member hashed, manifest.json kept, journal.jsonl chained as it goes. (fflate's streaming Unzip guesses where a
 * member written with a data descriptor ends by looking for the next header's signature, and a large member's
 * compressed bytes can hold that signature: it cut 128 bytes out of a 100,000-order month's matches.csv.)
 */
function readMembers(path: string): {
  seen: Map<string, Seen>;
  manifestText: string | null;
  chain: ChainCheck;
  error: string | null;
  damaged: string[];
} {
  const seen = new Map<string, Seen>();
  const chain = new ChainCheck();
  const damaged: string[] = [];
  let manifestText: string | null = null;
  let error: string | null = null;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    for (const e of entriesOf(fd, size)) {
      if (seen.has(e.name)) {
        error ??= `${e.name} appears twice in the archive`;
        continue;
      }
      const hash: Hash = createHash('sha256');
      let bytes = 0;
      const parts: Buffer[] = [];
      const take = (chunk: Uint8Array, final: boolean): void => {
        hash.update(chunk);
        bytes += chunk.length;
        if (e.name === 'manifest.json') parts.push(Buffer.from(chunk));
        if (e.name === 'journal.jsonl') chain.push(chunk, final);
      };
      try {
        const local = readAt(fd, e.localOffset, 30);
        if (local.readUInt32LE(0) !== LOCAL) throw new ZipFormatError('its local header is missing');
        const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        if (start + e.compressedSize > size) throw new ZipFormatError('its data runs past the end of the file');
        if (e.method !== 0 && e.method !== 8) throw new ZipFormatError(`compression method ${e.method} is not one a pack uses`);
        const inflate = e.method === 8 ? new Inflate(take) : null;
        const buf = Buffer.alloc(1 << 20);
        for (let done = 0; done < e.compressedSize || done === 0;) {
          const n = e.compressedSize === 0 ? 0 : readSync(fd, buf, 0, Math.min(buf.length, e.compressedSize - done), start + done);
          if (n === 0 && e.compressedSize > 0) throw new ZipFormatError('its data is cut short');
          done += n;
          const final = done >= e.compressedSize;
          if (inflate !== null) inflate.push(buf.subarray(0, n), final);
          else take(buf.subarray(0, n), final);
          if (final) break;
        }
      } catch (err) {
        damaged.push(e.name);
        error ??= `${e.name}: ${err instanceof Error ? err.message : String(err)}`;
        continue;
      }
      seen.set(e.name, { sha256: hash.digest('hex'), bytes });
      if (e.name === 'manifest.json') manifestText = Buffer.concat(parts).toString('utf8');
    }
  } catch (err) {
    error ??= `not a readable ZIP archive (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    closeSync(fd);
  }
  return { seen, manifestText, chain, error, damaged };
}

function chainChecks(m: Manifest, chain: ChainCheck): PackCheck {
  const seg = m.journal_segment;
  if (chain.problem !== null) return { name: 'journal segment chain', ok: false, detail: `journal.jsonl: ${chain.problem}` };
  if (chain.entries !== seg.entries)
    return { name: 'journal segment chain', ok: false, detail: `journal.jsonl holds ${chain.entries} entries, the manifest says ${seg.entries}` };
  if (chain.first !== null && (chain.first.hash !== seg.first_hash || chain.first.prevHash !== seg.previous_hash)) {
    return { name: 'journal segment chain', ok: false, detail: `the segment's first entry (${chain.first.seq}) is not the one the manifest names` };
  }
  if (chain.last !== null && (chain.last.hash !== seg.last_hash || chain.last.hash !== m.ledger_head_hash)) {
    return {
      name: 'journal segment chain',
      ok: false,
      detail: `the segment ends at ${chain.last.hash}, the manifest names ${seg.last_hash} and ledger head ${m.ledger_head_hash}`,
    };
  }
  if (chain.first !== null && chain.first.seq === 1 && chain.first.prevHash !== GENESIS_HASH) {
    return { name: 'journal segment chain', ok: false, detail: 'entry 1 does not start from the genesis hash' };
  }
  return {
    name: 'journal segment chain',
    ok: true,
    detail:
      chain.entries === 0 ? 'empty segment' : `${chain.entries} entries chained, ${seg.first_seq} to ${seg.last_seq}, ending at the ledger head`,
  };
}

export function verifyPack(path: string): PackVerifyReport {
  const { seen, manifestText, chain, error, damaged } = readMembers(path);
  const checks: PackCheck[] = [];
  const changed: string[] = [];
  if (error !== null) checks.push({ name: 'archive', ok: false, detail: error });
  let manifest: Manifest | null = null;
  if (manifestText === null) checks.push({ name: 'manifest', ok: false, detail: 'manifest.json is missing' });
  else {
    try {
      manifest = JSON.parse(manifestText) as Manifest;
      if (manifest.format !== PACK_FORMAT || !Array.isArray(manifest.members)) throw new Error(`not a ${PACK_FORMAT} manifest`);
      const unsealed = manifestText.replace(`"self_sha256": "${manifest.self_sha256}"`, `"self_sha256": "${UNSEALED}"`);
      if (sha256Hex(unsealed) !== manifest.self_sha256) throw new Error('its content does not match its own sha256 (the manifest was altered)');
      checks.push({
        name: 'manifest',
        ok: true,
        detail: `${manifest.period.month} (${manifest.period.state}), ${manifest.members.length} members listed`,
      });
    } catch (err) {
      checks.push({ name: 'manifest', ok: false, detail: `manifest.json: ${err instanceof Error ? err.message : String(err)}` });
      changed.push('manifest.json');
      manifest = null;
    }
  }
  if (manifest !== null) {
    const listed = new Set(manifest.members.map((m) => m.name));
    for (const m of manifest.members) {
      const s = seen.get(m.name);
      if (damaged.includes(m.name)) changed.push(m.name);
      else if (s === undefined) changed.push(`${m.name} (missing)`);
      else if (s.sha256 !== m.sha256 || s.bytes !== m.bytes) changed.push(m.name);
    }
    for (const name of seen.keys()) if (name !== 'manifest.json' && !listed.has(name)) changed.push(`${name} (not in the manifest)`);
    checks.push({
      name: 'member hashes',
      ok: changed.length === 0,
      detail: changed.length === 0 ? `${manifest.members.length} members match their sha256` : `changed: ${changed.join(', ')}`,
    });
    checks.push(chainChecks(manifest, chain));
  }
  return { ok: checks.every((c) => c.ok), checks, changed, period: manifest?.period.month ?? null, state: manifest?.period.state ?? null };
}
