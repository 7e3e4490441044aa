// `tieout verify PACK.zip`, offline: reads the pack as a stream (fflate), re-hashes every member against manifest.json,
// flags members added or missing, and walks the journal segment's hash chain from the manifest's previous hash to its
// last. A changed member is named.
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { Unzip, UnzipInflate } from 'fflate';
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
  journal_segment: { first_seq: number | null; last_seq: number | null; entries: number; previous_hash: string | null; first_hash: string | null; last_hash: string | null };
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
    if (this.expectedSeq !== null && e.seq !== this.expectedSeq) this.problem = `entry ${e.seq}: expected entry ${this.expectedSeq} (entries are missing)`;
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

/** Streams the ZIP: every member hashed; manifest.json kept; journal.jsonl chained as it goes. */
function readMembers(path: string): { seen: Map<string, Seen>; manifestText: string | null; chain: ChainCheck; error: string | null } {
  const seen = new Map<string, Seen>();
  const chain = new ChainCheck();
  let manifestText: string | null = null;
  let error: string | null = null;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    const hash: Hash = createHash('sha256');
    let bytes = 0;
    const parts: Buffer[] = [];
    file.ondata = (err, chunk, final) => {
      if (err !== null) {
        error ??= `${file.name}: ${err.message}`;
        return;
      }
      hash.update(chunk);
      bytes += chunk.length;
      if (file.name === 'manifest.json') parts.push(Buffer.from(chunk));
      if (file.name === 'journal.jsonl') chain.push(chunk, final);
      if (final) {
        if (seen.has(file.name)) error ??= `${file.name} appears twice in the archive`;
        seen.set(file.name, { sha256: hash.digest('hex'), bytes });
        if (file.name === 'manifest.json') manifestText = Buffer.concat(parts).toString('utf8');
      }
    };
    file.start();
  };
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      unzip.push(buf.subarray(0, n), false);
    }
    unzip.push(new Uint8Array(0), true);
  } catch (err) {
    error ??= `not a readable ZIP archive (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    closeSync(fd);
  }
  return { seen, manifestText, chain, error };
}

function chainChecks(m: Manifest, chain: ChainCheck): PackCheck {
  const seg = m.journal_segment;
  if (chain.problem !== null) return { name: 'journal segment chain', ok: false, detail: `journal.jsonl: ${chain.problem}` };
  if (chain.entries !== seg.entries) return { name: 'journal segment chain', ok: false, detail: `journal.jsonl holds ${chain.entries} entries, the manifest says ${seg.entries}` };
  if (chain.first !== null && (chain.first.hash !== seg.first_hash || chain.first.prevHash !== seg.previous_hash)) {
    return { name: 'journal segment chain', ok: false, detail: `the segment's first entry (${chain.first.seq}) is not the one the manifest names` };
  }
  if (chain.last !== null && (chain.last.hash !== seg.last_hash || chain.last.hash !== m.ledger_head_hash)) {
    return { name: 'journal segment chain', ok: false, detail: `the segment ends at ${chain.last.hash}, the manifest names ${seg.last_hash} and ledger head ${m.ledger_head_hash}` };
  }
  if (chain.first !== null && chain.first.seq === 1 && chain.first.prevHash !== GENESIS_HASH) {
    return { name: 'journal segment chain', ok: false, detail: 'entry 1 does not start from the genesis hash' };
  }
  return { name: 'journal segment chain', ok: true, detail: chain.entries === 0 ? 'empty segment' : `${chain.entries} entries chained, ${seg.first_seq} to ${seg.last_seq}, ending at the ledger head` };
}

export function verifyPack(path: string): PackVerifyReport {
  const { seen, manifestText, chain, error } = readMembers(path);
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
      checks.push({ name: 'manifest', ok: true, detail: `${manifest.period.month} (${manifest.period.state}), ${manifest.members.length} members listed` });
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
      if (s === undefined) changed.push(`${m.name} (missing)`);
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
