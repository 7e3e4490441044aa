// XLSX workbooks in the import pipeline: telling one from a ZIP archive, and reading its first sheet's rows
// synchronously (exceljs runs on a worker thread; this thread waits, as the import is one synchronous transaction).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { listZipMembers, ZipError } from '../archive/zipArchive.ts';
import type { CsvRow } from '../text/csvReader.ts';
import type { SheetMessage } from './sheetCells.ts';
import type { XlsxWorkerData } from './xlsxWorker.ts';

/** A workbook taking longer than this to read is given up on (a report export reads in seconds). */
export const XLSX_READ_LIMIT_MS = 5 * 60_000;

/** True when the ZIP at `path` is an Office Open XML workbook ([Content_Types].xml and xl/workbook.xml), not an archive of files. */
export function isXlsxWorkbook(path: string): boolean {
  try {
    const names = new Set(listZipMembers(path).map((m) => m.name));
    return names.has('[Content_Types].xml') && names.has('xl/workbook.xml');
  } catch (err) {
    if (err instanceof ZipError) return false;
    throw err;
  }
}

export class XlsxReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XlsxReadError';
  }
}

export interface SheetRows {
  sheetName: string;
  /** One per non-empty sheet row: line = endLine = the sheet's row number, raw = its cells as one CSV line. */
  rows: CsvRow[];
}

/** The worker entry: xlsxWorker.ts beside this file under Node, xlsxWorker.js beside the bundle in the app. */
function workerUrl(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  const ts = join(here, 'xlsxWorker.ts');
  return pathToFileURL(existsSync(ts) ? ts : join(here, 'xlsxWorker.js'));
}

function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

/** The first visible worksheet's rows, read with exceljs on a worker thread while this one waits. */
export function readFirstSheet(path: string): SheetRows {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const data: XlsxWorkerData = { path, port: port2, signal };
  const worker = new Worker(workerUrl(), { workerData: data, transferList: [port2] });
  try {
    const started = Date.now();
    for (;;) {
      const received = receiveMessageOnPort(port1);
      if (received !== undefined) {
        const m = received.message as SheetMessage;
        if (!m.ok) throw new XlsxReadError(`not a readable XLSX workbook (${m.message})`);
        return {
          sheetName: m.sheetName,
          rows: m.rows.map(([line, fields]) => ({ fields, line, endLine: line, raw: csvLine(fields) })),
        };
      }
      if (Date.now() - started > XLSX_READ_LIMIT_MS) throw new XlsxReadError(`reading the workbook took over ${XLSX_READ_LIMIT_MS / 60_000} minutes`);
      Atomics.wait(signal, 0, 0, 200);
    }
  } finally {
    void worker.terminate();
    port1.close();
  }
}

/** The first rows as CSV text: what a parser's detect() sees of a workbook, shaped like a CSV file's head. */
export function sheetHead(sheet: SheetRows, maxRows = 60): string {
  return sheet.rows
    .slice(0, maxRows)
    .map((r) => r.raw)
    .join('\n');
}
