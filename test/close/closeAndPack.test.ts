// Closing a month and its audit pack on the worked example's October (resources/samples): refused while class C
// exceptions are open, closed with them carried forward; the pack stored at close comes back byte for byte, also after a
// late import, which shows up as an adjustment in November; a draft is deterministic; verify names any member changed.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { closeMonth, closeStatus, CloseError, reopenMonth, writePack } from '../../src/main/close/closeService.ts';
import { verifyPack } from '../../src/main/close/pack/packVerify.ts';
import { writeZip, type ZipMember } from '../../src/main/close/pack/zipWriter.ts';
import { UNSEALED } from '../../src/main/close/pack/packSpec.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { PROJECT_ROOT, tieout } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';

const dir = makeTempDir('tieout-close-');
const sample = (name: string): string => join(PROJECT_ROOT, 'resources/samples', name);
let ws: Workspace;

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function importFile(source: string, files: string[], extra: Record<string, unknown> = {}): void {
  importAndReconcile(ws, { source, files, actor: 'user:test', ...extra });
}

beforeAll(() => {
  ws = createWorkspace(join(dir, 'books'), { name: 'Ridge Outfitters', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  importFile('stripe:main', [sample('stripe-balance-2026-10.csv')], { periodEnd: '2026-10-31' });
  importFile('shopify:store', [sample('shopify-orders-2026-10.csv')], { periodEnd: '2026-10-31' });
  importFile('bank:ridge-usd', [sample('bank-statement-2026-10.csv')], { format: 'generic-csv', mappingPath: sample('bank-statement-mapping.json') });
});

describe('closing October', () => {
  it('lists the open class C exceptions and refuses to close while they are open', () => {
    const status = closeStatus(ws, '2026-10');
    expect(status.state).toBe('open');
    expect(status.blocking).toBe(2);
    expect(status.checklist.find((c) => c.id === 'class_c_open')?.status).toBe('blocking');
    expect(() => closeMonth(ws, { month: '2026-10', by: 'Dana Reyes', reason: 'October books', acceptOpen: false })).toThrow(CloseError);
    expect(() => closeMonth(ws, { month: '2026-10', by: '', reason: 'x', acceptOpen: true })).toThrow(/--by/);
  });

  it('closes with them carried forward, stores the pack and journals its sha256', () => {
    const r = closeMonth(ws, {
      month: '2026-10',
      by: 'Dana Reyes',
      reason: 'October books',
      acceptOpen: true,
      sourceNotes: { 'bank:ridge-usd': 'statement runs to the 14th' },
    });
    expect(r.acceptedOpen).toBe(2);
    const entry = ws.db.prepare("SELECT entry_type, actor, reason, payload FROM journal WHERE subject_id = 'period:2026-10'").get() as {
      entry_type: string;
      actor: string;
      reason: string;
      payload: string;
    };
    expect(entry).toMatchObject({ entry_type: 'period.closed', actor: 'user:Dana Reyes', reason: 'October books' });
    expect(JSON.parse(entry.payload).pack.sha256).toBe(r.pack.sha256);
    expect(ws.db.prepare('SELECT byte_length FROM artifacts WHERE artifact_id = ?').pluck().get(r.pack.sha256)).toBe(r.pack.bytes);
    expect(closeStatus(ws, '2026-10')).toMatchObject({ state: 'closed', pack: { sha256: r.pack.sha256 } });
    expect(() => closeMonth(ws, { month: '2026-10', by: 'Dana', reason: 'again', acceptOpen: true })).toThrow(/closed already/);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('packs twice to the same bytes: the stored pack', () => {
    const a = join(dir, 'a.zip');
    const b = join(dir, 'b.zip');
    const ra = writePack(ws, { month: '2026-10', outPath: a, withSources: false });
    writePack(ws, { month: '2026-10', outPath: b, withSources: false });
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).toBe(ra.sha256);
    expect(ra.state).toBe('closed');
    const report = verifyPack(a);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    const manifest = JSON.parse(Buffer.from(unzipSync(readFileSync(a))['manifest.json'] as Uint8Array).toString('utf8'));
    expect(manifest).toMatchObject({ period: { month: '2026-10', state: 'closed' }, rule_versions: [{ rule_set_id: 'default', version: 4 }] });
    expect(manifest.carried_forward).toHaveLength(2);
    expect(manifest.sign_offs).toMatchObject([{ action: 'closed', by: 'Dana Reyes', reason: 'October books' }]);
    expect(manifest.source_notes).toEqual({ 'bank:ridge-usd': 'statement runs to the 14th' });
    expect(manifest.journal_segment.last_hash).toBe(manifest.ledger_head_hash);
  });

  it('names any member changed by one byte, the manifest included', () => {
    const pack = join(dir, 'a.zip');
    const members = unzipSync(readFileSync(pack));
    const names = Object.keys(members).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'summary.pdf',
        'workbook.xlsx',
        'journal.jsonl',
        'rules.json',
        'csv/matches.csv',
        'csv/exceptions.csv',
      ]),
    );
    for (const name of names) {
      const copy = Object.fromEntries(names.map((n) => [n, new Uint8Array(members[n] as Uint8Array)]));
      const bytes = copy[name] as Uint8Array;
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
      const tampered = join(dir, 'tampered.zip');
      writeFileSync(tampered, zipSync(copy));
      const report = verifyPack(tampered);
      expect(report.ok, name).toBe(false);
      if (name === 'manifest.json') expect(report.checks.find((c) => c.name === 'manifest')?.detail).toMatch(/altered|JSON|manifest/);
      else expect(report.changed, name).toContain(name);
    }
    const cli = tieout('verify', join(dir, 'tampered.zip'));
    expect(cli.status).toBe(1);
    expect(tieout('verify', pack)).toMatchObject({ status: 0 });
    expect(tieout('verify', join(dir, 'books')).stdout).toContain('verify passed');
  });

  it('reads a member whose compressed bytes hold a ZIP header signature (written with a data descriptor, as packs are)', async () => {
    // Random bytes do not compress: deflate stores them as they are, signature included. fflate's streaming Unzip cut
    // such a member short (it ended a 100,000-order month's matches.csv 128 bytes early); the central directory does not.
    const members = unzipSync(readFileSync(join(dir, 'a.zip')));
    const odd = Buffer.concat([randomBytes(5000), Buffer.from('PK\x03\x04PK\x07\x08', 'latin1'), randomBytes(5000)]);
    const manifest = JSON.parse(Buffer.from(members['manifest.json'] as Uint8Array).toString('utf8')) as {
      members: Array<{ name: string; bytes: number; sha256: string }>;
      self_sha256: string;
    };
    manifest.members.push({ name: 'sources/odd.bin', bytes: odd.length, sha256: createHash('sha256').update(odd).digest('hex') });
    manifest.self_sha256 = UNSEALED;
    const unsealed = `${JSON.stringify(manifest, null, 2)}\n`;
    const sealed = unsealed.replace(`"self_sha256": "${UNSEALED}"`, `"self_sha256": "${createHash('sha256').update(unsealed).digest('hex')}"`);
    const files = join(dir, 'odd');
    mkdirSync(files, { recursive: true });
    const zipMembers: ZipMember[] = [];
    for (const [name, bytes] of [
      ...Object.entries(members).filter(([n]) => n !== 'manifest.json'),
      ['sources/odd.bin', odd] as const,
      ['manifest.json', Buffer.from(sealed)] as const,
    ]) {
      const path = join(files, name.replace(/\//g, '_'));
      writeFileSync(path, bytes);
      zipMembers.push({ name, path, level: 6 });
    }
    const pack = join(dir, 'odd.zip');
    await writeZip(pack, zipMembers, '2026-11-01T00:00:00.000Z');
    expect(verifyPack(pack).checks.filter((c) => !c.ok)).toEqual([]);
    const tampered = Buffer.from(odd);
    tampered.writeUInt8(tampered.readUInt8(7000) ^ 1, 7000);
    writeFileSync(join(files, 'sources_odd.bin'), tampered);
    await writeZip(pack, zipMembers, '2026-11-01T00:00:00.000Z');
    expect(verifyPack(pack).changed).toEqual(['sources/odd.bin']);
  });
});

describe('after the close', () => {
  it('a late October record leaves October’s pack byte-identical and is an adjustment of November', () => {
    const before = sha(join(dir, 'a.zip'));
    const late = join(dir, 'stripe-late.csv');
    writeFileSync(
      late,
      [
        readFileSync(sample('stripe-balance-2026-10.csv'), 'utf8').split('\n')[0],
        'txn_1Sa9001,2026-10-28 15:00:00,2026-10-30 00:00:00,usd,45.00,1.61,43.39,charge,ch_3Q9001,Order #1099,late@example.com,,pi_3Q9001,1099',
        'txn_1Sa9002,2026-11-03 15:00:00,2026-11-05 00:00:00,usd,60.00,2.04,57.96,charge,ch_3Q9002,Order #1100,nov@example.com,,pi_3Q9002,1100',
        '',
      ].join('\n'),
    );
    importFile('stripe:main', [late], { periodEnd: '2026-11-30' });
    const after = join(dir, 'after.zip');
    writePack(ws, { month: '2026-10', outPath: after, withSources: false });
    expect(sha(after)).toBe(before);
    const adjustments = ws.db.prepare('SELECT recorded_in, affects, object_kind, change FROM adjustments').all();
    expect(adjustments.length).toBeGreaterThan(0);
    expect(adjustments).toContainEqual(
      expect.objectContaining({ recorded_in: '2026-11', affects: '2026-10', object_kind: 'exception', change: 'opened' }),
    );
    expect(closeStatus(ws, '2026-11').adjustments.recordedHere).toBe(adjustments.length);
    expect(closeStatus(ws, '2026-10').adjustments.affectingThisMonth).toBe(adjustments.length);
    const nov = join(dir, 'nov.zip');
    const r = writePack(ws, { month: '2026-11', outPath: nov, withSources: false });
    expect(r.state).toBe('draft');
    const csv = Buffer.from(unzipSync(readFileSync(nov))['csv/adjustments.csv'] as Uint8Array).toString('utf8');
    expect(csv.split('\r\n').filter((l) => l.includes(',2026-10,')).length).toBe(adjustments.length);
    // November opens with October's closing as signed; the late charge is a prior-period item there.
    const stripe = closeStatus(ws, '2026-11').rollforward.processors.find((p) => p.source === 'stripe:main');
    expect(stripe?.priorPeriodItems).toBe(4339);
  });

  it('a draft of an open month is deterministic', () => {
    const x = join(dir, 'nov1.zip');
    const y = join(dir, 'nov2.zip');
    writePack(ws, { month: '2026-11', outPath: x, withSources: true });
    writePack(ws, { month: '2026-11', outPath: y, withSources: true });
    expect(sha(x)).toBe(sha(y));
    expect(verifyPack(x).checks.filter((c) => !c.ok)).toEqual([]);
    expect(Object.keys(unzipSync(readFileSync(x))).some((n) => n.startsWith('sources/'))).toBe(true);
  });

  it('reopening needs a reason, is journaled, and a new close stores a new pack', () => {
    expect(() => reopenMonth(ws, { month: '2026-10', by: 'Dana Reyes', reason: ' ' })).toThrow(/--reason/);
    const r = reopenMonth(ws, { month: '2026-10', by: 'Dana Reyes', reason: 'late Stripe charge' });
    expect(ws.db.prepare('SELECT entry_type, reason FROM journal WHERE seq = ?').get(r.journalSeq)).toEqual({
      entry_type: 'period.reopened',
      reason: 'late Stripe charge',
    });
    expect(closeStatus(ws, '2026-10').state).toBe('open');
    const again = closeMonth(ws, { month: '2026-10', by: 'Dana Reyes', reason: 'October with the late charge', acceptOpen: true });
    expect(again.pack.sha256).not.toBe(r.supersededPack);
    expect(closeStatus(ws, '2026-10').signOffs.map((s) => s.action)).toEqual(['closed', 'reopened', 'closed']);
  });
});
