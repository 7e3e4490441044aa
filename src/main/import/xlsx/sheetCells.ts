// How a spreadsheet cell becomes text for the parsers, and what the XLSX reading thread sends back.
import type { CellValue } from 'exceljs';

export type SheetMessage = { ok: true; sheetName: string; rows: Array<[number, string[]]> } | { ok: false; message: string };

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A cell's value as the text a CSV export of the same sheet would carry, so one parser reads both:
 * numbers in plain JavaScript notation (`1234.5`, never grouped), dates as `YYYY-MM-DD` (with ` HH:mm:ss`
 * when they have a time: exceljs gives the sheet's wall-clock time as a UTC Date), booleans TRUE/FALSE,
 * a formula's cached result, rich text and hyperlinks as their text, errors as written (`#N/A`).
 */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const h = value.getUTCHours();
    const m = value.getUTCMinutes();
    const s = value.getUTCSeconds();
    return h === 0 && m === 0 && s === 0 ? date : `${date} ${pad(h)}:${pad(m)}:${pad(s)}`;
  }
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result ?? null);
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value && typeof value.error === 'string') return value.error;
  }
  return String(value);
}
