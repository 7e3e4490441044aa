// summary.pdf of an audit pack (pdfkit, DejaVu Sans embedded so every viewer shows the same glyphs): cover and checklist,
// the rollforward per processor and bank account, match and exception figures with charts drawn as vector paths
// (exceptions by code, aging, unmatched rate by day), carried-forward items and sign-offs. Its creation date, and so its
// document ID, are the pack's time.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { minorToDecimalString } from '../../../shared/money/amountText.ts';
import type { PackSpec } from './packSpec.ts';
import { AGE_BUCKETS, type PackFigures } from './packTables.ts';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const INK = '#1f2933';
const MUTED = '#616e7c';
const ACCENT = '#2f6f9f';
const WARN = '#b44d12';
const LEFT = 50;
const WIDTH = 495;

type Doc = InstanceType<typeof PDFDocument>;

export interface SummaryInput {
  spec: PackSpec;
  figures: PackFigures;
  unmatched: Array<{ day: string; events: number; unmatched: number }>;
  adjustments: number;
  ruleVersions: string[];
}

export function money(minor: number | null, currency: string): string {
  if (minor === null) return '—';
  let text: string;
  try {
    text = minorToDecimalString(minor, currency);
  } catch {
    text = String(minor);
  }
  const [int = '', frac] = text.replace('-', '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${minor < 0 ? '−' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

function heading(doc: Doc, title: string): void {
  if (doc.y > 700) doc.addPage();
  doc.moveDown(0.8).font('bold').fontSize(13).fillColor(INK).text(title, LEFT, doc.y);
  doc
    .moveTo(LEFT, doc.y + 2)
    .lineTo(LEFT + WIDTH, doc.y + 2)
    .lineWidth(0.5)
    .strokeColor('#cbd2d9')
    .stroke();
  doc.moveDown(0.5).font('regular').fontSize(9);
}

function line(doc: Doc, label: string, value: string, color = INK): void {
  if (doc.y > 770) doc.addPage();
  const y = doc.y;
  doc.fillColor(MUTED).text(label, LEFT, y, { width: 190 });
  const h = doc.y - y;
  doc.fillColor(color).text(value, LEFT + 200, y, { width: WIDTH - 200 });
  doc.y = Math.max(doc.y, y + h);
}

function cover(doc: Doc, s: SummaryInput): void {
  const { spec } = s;
  doc.font('bold').fontSize(20).fillColor(INK).text('Audit pack', LEFT, 60);
  doc.font('regular').fontSize(12).fillColor(MUTED).text(`${spec.workspace.name} · ${spec.month}`);
  const close = spec.signOffs.filter((x) => x.action === 'closed').at(-1);
  doc
    .moveDown(0.6)
    .fontSize(11)
    .fillColor(spec.state === 'closed' ? ACCENT : WARN)
    .text(
      spec.state === 'closed' && close !== undefined
        ? `Closed by ${close.by} on ${close.at}`
        : 'DRAFT: the month is open; nothing here is signed off',
    );
  heading(doc, 'Pack');
  doc.fontSize(9);
  line(doc, 'Period', `${spec.month}-01 to ${monthEnd(spec.month)}, business dates in ${spec.workspace.time_zone}`);
  line(doc, 'Reporting currency', spec.workspace.reporting_currency);
  line(doc, 'Generated', `${spec.generatedAt} by tieout`);
  line(doc, 'Ledger head hash', spec.ledgerHeadHash);
  line(doc, 'Journal segment', `entries ${spec.segment.fromSeq} to ${spec.segment.toSeq}`);
  line(doc, 'Rule versions', s.ruleVersions.join(', ') || 'none');
  heading(doc, 'Checklist');
  for (const c of spec.report.checklist) {
    const mark = c.status === 'ok' ? 'OK' : c.status === 'blocking' ? 'OPEN' : 'CHECK';
    line(doc, `${mark}  ${c.label}`, c.detail, c.status === 'ok' ? INK : WARN);
  }
  const notes = Object.entries(spec.sourceNotes);
  if (notes.length > 0) {
    heading(doc, 'Sources explained at sign-off');
    for (const [source, note] of notes.sort()) line(doc, source, note);
  }
}

function monthEnd(month: string): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
  return d.toISOString().slice(0, 10);
}

/** One account's rollforward as a column of figures: label on the left, amounts right-aligned. */
function figureTable(doc: Doc, title: string, rows: Array<[string, string, boolean?]>): void {
  if (doc.y > 640) doc.addPage();
  doc
    .font('bold')
    .fontSize(10)
    .fillColor(INK)
    .text(title, LEFT, doc.y + 6);
  doc.font('regular').fontSize(9);
  for (const [label, value, strong] of rows) {
    if (doc.y > 780) doc.addPage();
    const y = doc.y + 1;
    if (strong === true)
      doc
        .moveTo(LEFT + 250, y - 1)
        .lineTo(LEFT + 400, y - 1)
        .lineWidth(0.4)
        .strokeColor(MUTED)
        .stroke();
    doc
      .font(strong === true ? 'bold' : 'regular')
      .fillColor(INK)
      .text(label, LEFT + 10, y, { width: 240 });
    doc.text(value, LEFT + 250, y, { width: 150, align: 'right' });
  }
}

function rollforwardPages(doc: Doc, spec: PackSpec): void {
  doc.addPage();
  heading(doc, 'Processor clearing rollforward');
  const rf = spec.report.rollforward;
  if (rf.processors.length === 0) doc.fillColor(MUTED).text('No processor account has events in the month.');
  for (const r of rf.processors) {
    const m = (v: number | null): string => money(v, r.currency);
    figureTable(doc, `${r.source} · ${r.currency}`, [
      [`Opening (${r.openingBasis})`, m(r.opening)],
      ['+ Sales', m(r.sales)],
      ['− Fees', m(r.fees)],
      ['− Refunds', m(r.refunds)],
      ['− Disputes', m(r.disputes)],
      ['± Adjustments', m(r.adjustments)],
      ['± Items of closed months arrived late', m(r.priorPeriodItems)],
      ['− Payouts', m(r.payouts)],
      ['= Closing', m(r.closing), true],
      [`Processor's own closing${r.processorBasis === null ? ' (not stated by the source)' : ` (${r.processorBasis})`}`, m(r.processorClosing)],
      ['Difference', m(r.difference)],
      [`Payouts in transit (${r.inTransit.count})`, m(r.inTransit.amount)],
      ['Carried forward: items settled after the cut-off', m(r.carriedForward)],
      ['Previous carry-forward reversed', m(r.carryForwardReversed)],
    ]);
  }
  heading(doc, 'Bank accounts');
  if (rf.banks.length === 0) doc.fillColor(MUTED).text('No bank account has lines or statements in the month.');
  for (const b of rf.banks) {
    const m = (v: number | null): string => money(v, b.currency);
    figureTable(doc, `${b.source}${b.account === '' ? '' : ` · ${b.account}`} · ${b.currency}`, [
      [`Opening (${b.openingBasis})`, m(b.opening)],
      ['+ Credits', m(b.credits)],
      ['− Debits', m(b.debits)],
      ['± Lines of closed months arrived late', m(b.priorPeriodItems)],
      ['= Closing', m(b.closing), true],
      [`Bank's closing${b.bankClosingDate === null ? ' (no statement)' : ` (statement to ${b.bankClosingDate})`}`, m(b.bankClosing)],
      ['Difference', m(b.difference)],
    ]);
  }
  if (rf.inTransit.length > 0) {
    heading(doc, 'Payouts in transit at the month’s end');
    for (const t of rf.inTransit.slice(0, 40))
      line(
        doc,
        `${t.payout} (${t.source})`,
        `${money(t.amount, t.currency)} ${t.currency}, paid ${t.paidOn}, ${t.bankedOn === null ? 'not in the bank yet' : `banked ${t.bankedOn}`}`,
      );
    if (rf.inTransit.length > 40) line(doc, '…', `${rf.inTransit.length - 40} more in csv/in_transit.csv`);
  }
}

/** Horizontal bars, one per label, scaled to the largest value. */
function barChart(doc: Doc, title: string, bars: Array<[string, number]>): void {
  if (doc.y > 600) doc.addPage();
  doc
    .font('bold')
    .fontSize(10)
    .fillColor(INK)
    .text(title, LEFT, doc.y + 8);
  const top = doc.y + 4;
  const max = Math.max(1, ...bars.map(([, v]) => v));
  const barH = 12;
  bars.forEach(([label, value], i) => {
    const y = top + i * (barH + 4);
    doc
      .font('regular')
      .fontSize(8)
      .fillColor(INK)
      .text(label, LEFT, y + 2, { width: 140 });
    const w = (300 * value) / max;
    doc.rect(LEFT + 150, y, Math.max(w, 0.5), barH).fill(ACCENT);
    doc.fillColor(INK).text(String(value), LEFT + 155 + w, y + 2);
  });
  doc.y = top + bars.length * (barH + 4) + 6;
  doc.x = LEFT;
}

/** The share of the day's matchable events no match holds, as a polyline over the month's days. */
function lineChart(doc: Doc, title: string, points: Array<{ day: string; events: number; unmatched: number }>): void {
  if (doc.y > 560) doc.addPage();
  doc
    .font('bold')
    .fontSize(10)
    .fillColor(INK)
    .text(title, LEFT, doc.y + 8);
  const top = doc.y + 6;
  const h = 120;
  const w = WIDTH - 40;
  const x0 = LEFT + 35;
  doc
    .lineWidth(0.5)
    .strokeColor('#9aa5b1')
    .moveTo(x0, top)
    .lineTo(x0, top + h)
    .lineTo(x0 + w, top + h)
    .stroke();
  doc
    .font('regular')
    .fontSize(7)
    .fillColor(MUTED)
    .text('100%', LEFT, top - 3)
    .text('0%', LEFT + 12, top + h - 4);
  if (points.length > 0) {
    // Days sit where they fall in the month: a day without events leaves its gap.
    const days = Number(monthEnd((points[0] as { day: string }).day.slice(0, 7)).slice(8, 10));
    const xOf = (day: string): number => x0 + ((Number(day.slice(8, 10)) - 1) * w) / Math.max(1, days - 1);
    const yOf = (p: { events: number; unmatched: number }): number => top + h - h * (p.events === 0 ? 0 : p.unmatched / p.events);
    const first = points[0] as { day: string; events: number; unmatched: number };
    doc.moveTo(xOf(first.day), yOf(first));
    for (const p of points) doc.lineTo(xOf(p.day), yOf(p));
    doc.lineWidth(1.2).strokeColor(ACCENT).stroke();
    for (const p of points) doc.circle(xOf(p.day), yOf(p), 1.6).fill(ACCENT);
    for (let d = 1; d <= days; d += 5)
      doc.fillColor(MUTED).text(String(d).padStart(2, '0'), xOf(`xxxx-xx-${String(d).padStart(2, '0')}`) - 5, top + h + 3, { width: 20 });
  }
  doc.y = top + h + 16;
  doc.x = LEFT;
}

function figuresPage(doc: Doc, s: SummaryInput): void {
  doc.addPage();
  heading(doc, 'Matches and exceptions of the month');
  const f = s.figures;
  line(doc, 'Matches', `${f.matches} (${f.matchRows} event links)`);
  for (const [link, n] of [...f.matchesByLink].sort()) line(doc, `  ${link}`, String(n));
  const open = [...f.exceptionsByCode.values()].reduce((a, c) => a + c.open, 0);
  line(doc, 'Exceptions', `${f.exceptions} (${open} open, ${f.exceptions - open} resolved)`);
  const byCode = [...f.exceptionsByCode].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [code, c] of byCode) {
    const stake = [...c.atStake]
      .sort()
      .map(([cur, v]) => `${money(v, cur)} ${cur}`)
      .join(', ');
    line(doc, `  ${code}`, `${c.open} open, ${c.resolved} resolved${stake === '' ? '' : `; open at stake ${stake}`}`);
  }
  // After the codes, so they read as the exceptions' breakdown, not the adjustments'.
  line(doc, 'Adjustments of closed months', String(s.adjustments));
  barChart(
    doc,
    'Exceptions by code',
    byCode.map(([code, c]) => [code, c.open + c.resolved]),
  );
  barChart(
    doc,
    'Open exceptions by age at the month’s end',
    AGE_BUCKETS.map(([label]) => [label, f.aging.get(label) ?? 0]),
  );
  lineChart(doc, 'Unmatched rate by business day', s.unmatched);
}

function closingPage(doc: Doc, spec: PackSpec): void {
  doc.addPage();
  heading(doc, 'Carried forward: open class C exceptions accepted at sign-off');
  const cf = spec.carriedForward;
  if (cf.length === 0) doc.fillColor(MUTED).text('None.', LEFT);
  for (const x of cf.slice(0, 60))
    line(doc, x.exception_id, `${x.code} class ${x.class} ${x.state}, ${money(Math.abs(x.amount_minor), x.currency)} ${x.currency} at stake`);
  if (cf.length > 60) line(doc, '…', `${cf.length - 60} more in csv/carried_forward.csv`);
  heading(doc, 'Sign-offs');
  if (spec.signOffs.length === 0) doc.fillColor(MUTED).text('None: the month has not been signed off.', LEFT);
  for (const so of spec.signOffs) {
    line(
      doc,
      `${so.action} ${so.at}`,
      `${so.by}: ${so.reason}${so.acceptedOpen > 0 ? ` (${so.acceptedOpen} open class C exceptions carried forward)` : ''}${so.packSha256 === null ? '' : `; pack ${so.packSha256}`}`,
    );
  }
}

/** The PDF's bytes. */
export function summaryPdf(s: SummaryInput): Promise<Buffer> {
  const at = new Date(s.spec.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 40, left: LEFT, right: 50 },
    compress: true,
    info: {
      Title: `Audit pack ${s.spec.workspace.name} ${s.spec.month}`,
      Author: 'Tieout',
      Creator: 'tieout',
      Producer: 'tieout (PDFKit)',
      CreationDate: at,
      ModDate: at,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', FONT);
  doc.registerFont('bold', FONT_BOLD);
  doc.font('regular');
  cover(doc, s);
  rollforwardPages(doc, s.spec);
  figuresPage(doc, s);
  closingPage(doc, s.spec);
  doc.end();
  return done;
}
