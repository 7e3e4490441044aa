// Builds an audit pack (DESIGN §10) from a read-only snapshot of the ledger: every table as CSV and as workbook sheets,
// the journal segment as JSONL, the rule versions as JSON, summary.pdf, optionally the raw source files, and manifest.json
// with the sha256 of every member; then one deterministic ZIP. Asynchronous (the PDF and ZIP libraries stream): it runs
// on a worker thread (packWorker.ts) while the calling thread waits.
import { createReadStream, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { closePeriod } from '../closePeriod.ts';
import { readArtifactChunks } from '../../ledger/artifacts.ts';
import { canonicalJson, sha256Hex } from '../../ledger/canonicalJson.ts';
import { inPeriodSql, periodParams, type ClosePeriod } from '../closePeriod.ts';
import { HashedFile, writeTable, type PackTable, type SheetFile, type WrittenTable } from './tableFiles.ts';
import {
  BusinessDates,
  journalRows,
  newFigures,
  packTables,
  ruleVersionsOf,
  selectPeriodRows,
  unmatchedByDay,
  type PackFigures,
} from './packTables.ts';
import { writeWorkbook } from './workbookFile.ts';
import { summaryPdf } from './summaryPdf.ts';
import { writeZip, type ZipMember } from './zipWriter.ts';
import { GENERATOR, PACK_FORMAT, PACK_FORMAT_VERSION, UNSEALED, type PackProgress, type PackResult, type PackSpec } from './packSpec.ts';

export interface ManifestMember {
  name: string;
  bytes: number;
  sha256: string;
}

interface Built {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  level: number;
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

function summaryTable(spec: PackSpec, f: PackFigures, ruleVersions: string[], written: WrittenTable[], adjustments: number): PackTable {
  const rows: Array<[string, string, string]> = [
    ['pack', 'workspace', spec.workspace.name],
    ['pack', 'period', spec.month],
    ['pack', 'time zone', spec.workspace.time_zone],
    ['pack', 'reporting currency', spec.workspace.reporting_currency],
    ['pack', 'state', spec.state],
    ['pack', 'generated at', spec.generatedAt],
    ['pack', 'generator', GENERATOR],
    ['pack', 'ledger head hash', spec.ledgerHeadHash],
    ['pack', 'journal segment', `${spec.segment.fromSeq}-${spec.segment.toSeq}`],
    ['pack', 'rule versions', ruleVersions.join(', ')],
    ...spec.report.checklist.map((c): [string, string, string] => ['checklist', c.label, `${c.status}: ${c.detail}`]),
    ['figures', 'matches', String(f.matches)],
    ['figures', 'exceptions', String(f.exceptions)],
    ['figures', 'adjustments recorded', String(adjustments)],
    ['figures', 'carried forward', String(spec.carriedForward.length)],
    ...written.map((w): [string, string, string] => ['rows', w.name, String(w.rows)]),
    ...spec.signOffs.map((s): [string, string, string] => ['sign-off', `${s.action} ${s.at}`, `${s.by}: ${s.reason}`]),
  ];
  return {
    name: 'summary',
    sheet: 'Summary',
    columns: [
      { name: 'section', type: 'text', width: 12 },
      { name: 'item', type: 'text', width: 40 },
      { name: 'value', type: 'text', width: 90 },
    ],
    rows: () => rows,
  };
}

/** The journal segment, one entry per line with every hashed field as stored (payload as its canonical JSON text). */
function writeJournal(db: Database.Database, spec: PackSpec, path: string, f: PackFigures): { sha256: string; bytes: number } {
  const out = new HashedFile(path);
  for (const [seq, created_at, entry_type, actor, reason, subject_id, payload, prev_hash, hash] of journalRows(db, spec) as Iterable<
    [number, string, string, string, string | null, string | null, string, string, string]
  >) {
    out.write(`${JSON.stringify({ seq, entry_type, actor, reason, subject_id, created_at, payload, prev_hash, hash })}\n`);
    f.journalEntries++;
    if (f.journalFirst === null) f.journalFirst = { seq, hash, prevHash: prev_hash };
    f.journalLast = { seq, hash };
  }
  return out.close();
}

/** Raw files of the batches that brought events of the month, byte-exact from the ledger. */
function writeSources(db: Database.Database, p: ClosePeriod, dir: string): Built[] {
  const artifacts = db
    .prepare(
      `SELECT DISTINCT b.artifact_id, b.file_name FROM import_batches b WHERE b.batch_id IN (SELECT DISTINCT e.batch_id FROM events e WHERE ${inPeriodSql(p, 'e')})
       ORDER BY b.artifact_id, b.file_name`,
    )
    .all(periodParams(p)) as Array<{ artifact_id: string; file_name: string }>;
  const out: Built[] = [];
  const seen = new Set<string>();
  for (const a of artifacts) {
    if (seen.has(a.artifact_id)) continue;
    seen.add(a.artifact_id);
    const safe = a.file_name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
    const name = `sources/${a.artifact_id.slice(0, 12)}-${safe}`;
    const path = join(dir, `source-${a.artifact_id}`);
    const file = new HashedFile(path);
    for (const chunk of readArtifactChunks(db, a.artifact_id)) file.writeBytes(chunk);
    out.push({ name, path, ...file.close(), level: 1 });
  }
  return out;
}

export async function buildPack(spec: PackSpec, progress: (p: PackProgress) => void): Promise<PackResult> {
  const db = new Database(spec.ledgerPath, { readonly: true, fileMustExist: true });
  const dir = mkdtempSync(join(tmpdir(), 'tieout-pack-'));
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM journal').get();
    const p = closePeriod(spec.month, spec.workspace.time_zone);
    progress({ label: 'selecting the month', done: 0, total: 1 });
    selectPeriodRows(db, p);
    const f = newFigures();
    const dates = new BusinessDates(spec.workspace.time_zone);
    mkdirSync(join(dir, 'sheets'));
    let sheetNo = 0;
    const written: WrittenTable[] = [];
    const tables = packTables(db, spec, p, f, dates);
    for (const [i, t] of tables.entries()) {
      progress({ label: `writing ${t.name}`, done: i, total: tables.length + 4 });
      written.push(
        writeTable(
          t,
          join(dir, `${t.name}.csv`),
          () => join(dir, 'sheets', `s${++sheetNo}.xml`),
          (n) => progress({ label: `writing ${t.name}: ${n} rows`, done: i, total: tables.length + 4 }),
        ),
      );
    }
    const versions = ruleVersionsOf(db, f);
    const versionNames = versions.map((v) => `${v.rule_set_id} v${v.version}`);
    const adjustments = written.find((w) => w.name === 'adjustments')?.rows ?? 0;
    const summary = writeTable(summaryTable(spec, f, versionNames, written, adjustments), join(dir, 'summary.csv'), () =>
      join(dir, 'sheets', `s${++sheetNo}.xml`),
    );
    progress({ label: 'writing the journal segment', done: tables.length, total: tables.length + 4 });
    const journal = writeJournal(db, spec, join(dir, 'journal.jsonl'), f);
    const rulesJson = Buffer.from(
      `${JSON.stringify(
        versions.map(({ rules: _r, ...v }) => v),
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(dir, 'rules.json'), rulesJson);
    const sources = spec.withSources ? writeSources(db, p, dir) : [];
    progress({ label: 'drawing summary.pdf', done: tables.length + 1, total: tables.length + 4 });
    const pdf = await summaryPdf({ spec, figures: f, unmatched: unmatchedByDay(db, p, dates), adjustments, ruleVersions: versionNames });
    writeFileSync(join(dir, 'summary.pdf'), pdf);
    db.exec('COMMIT');
    progress({ label: 'writing workbook.xlsx', done: tables.length + 2, total: tables.length + 4 });
    const sheets: SheetFile[] = [...summary.sheets, ...written.flatMap((w) => w.sheets)];
    await writeWorkbook(join(dir, 'workbook.xlsx'), sheets, `Audit pack ${spec.workspace.name} ${spec.month}`, spec.generatedAt);
    const members: Built[] = [
      // Deflate's fastest level: half the CPU of the default on a month's matches.csv for ~15% more bytes (gzip -1 / -6 on
      // the 100,000-order month's 81 MB: 0.7 s / 1.3 s, 15.7 MB / 13.7 MB); at a million orders the CSVs are ~850 MB.
      ...[summary, ...written].map((w) => ({ name: `csv/${w.name}.csv`, path: w.csv.path, sha256: w.csv.sha256, bytes: w.csv.bytes, level: 1 })),
      { name: 'journal.jsonl', path: join(dir, 'journal.jsonl'), ...journal, level: 6 },
      {
        name: 'rules.json',
        path: join(dir, 'rules.json'),
        sha256: createHash('sha256').update(rulesJson).digest('hex'),
        bytes: rulesJson.length,
        level: 6,
      },
      // Both are compressed inside already: stored as they are.
      { name: 'summary.pdf', path: join(dir, 'summary.pdf'), sha256: createHash('sha256').update(pdf).digest('hex'), bytes: pdf.length, level: 0 },
      { name: 'workbook.xlsx', path: join(dir, 'workbook.xlsx'), ...(await hashFile(join(dir, 'workbook.xlsx'))), level: 0 },
      ...sources,
    ];
    const manifest = manifestOf(
      spec,
      f,
      versions.map((v) => ({ rule_set_id: v.rule_set_id, version: v.version, sha256: v.sha256 })),
      members,
      written,
    );
    progress({ label: 'writing the pack', done: tables.length + 3, total: tables.length + 4 });
    const zipMembers: ZipMember[] = [
      ...members.map((m) => ({ name: m.name, path: m.path, level: m.level })),
      { name: 'manifest.json', bytes: manifest, level: 6 },
    ];
    const tmpOut = join(dirname(spec.outPath), `.${Date.now()}-${process.pid}.pack.tmp`);
    await writeZip(tmpOut, zipMembers, spec.generatedAt);
    const final = await hashFile(tmpOut);
    renameSync(tmpOut, spec.outPath);
    progress({ label: 'done', done: tables.length + 4, total: tables.length + 4 });
    return { sha256: final.sha256, bytes: final.bytes, members: zipMembers.length, rows: Object.fromEntries(written.map((w) => [w.name, w.rows])) };
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function manifestOf(
  spec: PackSpec,
  f: PackFigures,
  ruleVersions: Array<{ rule_set_id: string; version: number; sha256: string }>,
  members: Built[],
  written: WrittenTable[],
): Buffer {
  const manifest = {
    format: PACK_FORMAT,
    format_version: PACK_FORMAT_VERSION,
    generator: GENERATOR,
    workspace: spec.workspace,
    period: { month: spec.month, time_zone: spec.workspace.time_zone, state: spec.state },
    generated_at: spec.generatedAt,
    rule_versions: ruleVersions,
    ledger_head_hash: spec.ledgerHeadHash,
    journal_segment: {
      first_seq: f.journalFirst?.seq ?? null,
      last_seq: f.journalLast?.seq ?? null,
      entries: f.journalEntries,
      previous_hash: f.journalFirst?.prevHash ?? null,
      first_hash: f.journalFirst?.hash ?? null,
      last_hash: f.journalLast?.hash ?? null,
    },
    sign_offs: spec.signOffs,
    source_notes: spec.sourceNotes,
    carried_forward: spec.carriedForward.map((x) => x.exception_id),
    rows: Object.fromEntries(written.map((w) => [w.name, w.rows])),
    members: members
      .map((m): ManifestMember => ({ name: m.name, bytes: m.bytes, sha256: m.sha256 }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))),
  };
  const text = `${JSON.stringify(JSON.parse(canonicalJson({ ...manifest, self_sha256: UNSEALED })), null, 2)}\n`;
  return Buffer.from(text.replace(`"self_sha256": "${UNSEALED}"`, `"self_sha256": "${sha256Hex(text)}"`));
}
