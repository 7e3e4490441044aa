// The pack's workbook.xlsx: the sheets tableFiles.ts streamed, packaged as an Office Open XML workbook (SpreadsheetML) in a
// deterministic ZIP. Written here rather than through exceljs: the pack's tables run to millions of rows, which exceljs's
// streaming writer takes ~15 s per million to model (docs/decisions/0008-close-and-audit-pack.md); the parts below are
// the minimal set Excel, LibreOffice and openpyxl read.
import { writeZip, type ZipMember } from './zipWriter.ts';
import type { SheetFile } from './tableFiles.ts';

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
/** Sheet XML is large and repetitive: deflate's fastest level costs a fifth of the default's time for ~15% more bytes. */
export const SHEET_DEFLATE_LEVEL = 1;

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function contentTypes(sheetCount: number): string {
  const sheets = Array.from(
    { length: sheetCount },
    (_, i) =>
      `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  ).join('');
  return (
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    `${sheets}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
  );
}

const ROOT_RELS =
  `${XML}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/>` +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  `<Relationship Id="rId3" Type="${DOC_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`;

/** Two cell formats: 0 the default, 1 bold (header rows). */
const STYLES =
  `${XML}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

function workbook(names: string[]): string {
  const sheets = names.map((n, i) => `<sheet name="${escapeAttr(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  return (
    `${XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${DOC_REL}">` +
    `<bookViews><workbookView activeTab="0"/></bookViews><sheets>${sheets}</sheets></workbook>`
  );
}

function workbookRels(count: number): string {
  const sheets = Array.from(
    { length: count },
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${DOC_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('');
  return `${XML}<Relationships xmlns="${REL_NS}">${sheets}<Relationship Id="rId${count + 1}" Type="${DOC_REL}/styles" Target="styles.xml"/></Relationships>`;
}

function core(title: string, at: string): string {
  const when = at.replace(/\.\d{3}Z$/, 'Z');
  return (
    `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeAttr(title)}</dc:title><dc:creator>Tieout</dc:creator><cp:lastModifiedBy>Tieout</cp:lastModifiedBy>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`
  );
}

const APP = `${XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Tieout</Application></Properties>`;

/** Writes the workbook to `outPath`: the sheets in the order given, stamped `at` (the close's time). */
export async function writeWorkbook(outPath: string, sheets: SheetFile[], title: string, at: string): Promise<void> {
  const members: ZipMember[] = [
    { name: '[Content_Types].xml', bytes: Buffer.from(contentTypes(sheets.length)), level: 6 },
    { name: '_rels/.rels', bytes: Buffer.from(ROOT_RELS), level: 6 },
    { name: 'docProps/core.xml', bytes: Buffer.from(core(title, at)), level: 6 },
    { name: 'docProps/app.xml', bytes: Buffer.from(APP), level: 6 },
    { name: 'xl/workbook.xml', bytes: Buffer.from(workbook(sheets.map((s) => s.name))), level: 6 },
    { name: 'xl/_rels/workbook.xml.rels', bytes: Buffer.from(workbookRels(sheets.length)), level: 6 },
    { name: 'xl/styles.xml', bytes: Buffer.from(STYLES), level: 6 },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, path: s.path, level: SHEET_DEFLATE_LEVEL })),
  ];
  await writeZip(outPath, members, at);
}
