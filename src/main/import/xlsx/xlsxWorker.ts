// Reads one XLSX workbook's first worksheet with exceljs (which is asynchronous) on its own thread, so the
// synchronous import pipeline can wait for it (xlsxWorkbook.ts): every row as its cells' text, in sheet order.
import { workerData, type MessagePort } from 'node:worker_threads';
import { cellText, type SheetMessage } from './sheetCells.ts';

export interface XlsxWorkerData {
  path: string;
  port: MessagePort;
  /** Set to 1 once the one message is posted: the waiting thread sleeps on it (Atomics.wait). */
  signal: Int32Array;
}

const data = workerData as XlsxWorkerData;

function post(message: SheetMessage): void {
  data.port.postMessage(message);
  Atomics.store(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
}

async function read(): Promise<void> {
  // Loaded here, not at the top, so a failure to load exceljs is posted like any other error instead of leaving the
  // waiting thread to time out.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(data.path);
  const sheet = workbook.worksheets.find((w) => w.state !== 'hidden' && w.state !== 'veryHidden') ?? workbook.worksheets[0];
  if (sheet === undefined) {
    post({ ok: true, sheetName: '', rows: [] });
    return;
  }
  const rows: Array<[number, string[]]> = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const fields: string[] = [];
    // row.values is 1-based (index 0 unused); cellCount covers the row's last used column.
    for (let c = 1; c <= row.cellCount; c++) fields.push(cellText(row.getCell(c).value));
    rows.push([rowNumber, fields]);
  });
  post({ ok: true, sheetName: sheet.name, rows });
}

read().catch((err: unknown) => post({ ok: false, message: err instanceof Error ? err.message : String(err) }));
