// Export of a grid's current view (its filter, sort and period) as CSV or XLSX: the services write the file
// (export.grid), this saves what they answer as a download.
import { useState } from 'react';
import type { RequestOf, ResponseOf } from '../../../shared/api/contract.ts';
import { useAppStore } from '../store/storeContext.tsx';

type GridView = RequestOf<'export.grid'> extends infer R ? (R extends { format: unknown } ? Omit<R, 'format'> : never) : never;

/** Hands the file to the browser (or Electron's download handling) under its name. */
export function saveDownload(file: Pick<ResponseOf<'export.grid'>, 'fileName' | 'mediaType' | 'base64'>): void {
  const binary = atob(file.base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; it may be revoked once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportButtons({ view, what }: { view: () => GridView; what: string }) {
  const store = useAppStore();
  const [busy, setBusy] = useState(false);
  async function run(format: 'csv' | 'xlsx') {
    setBusy(true);
    try {
      const file = await store.getState().exportGrid({ ...view(), format } as RequestOf<'export.grid'>);
      if (file !== null) saveDownload(file);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="export-buttons" role="group" aria-label={`Export ${what}`}>
      <button type="button" disabled={busy} title={`The ${what} as shown (filters, sort and period) as a CSV file`} onClick={() => void run('csv')}>
        Export CSV
      </button>
      <button
        type="button"
        disabled={busy}
        title={`The ${what} as shown (filters, sort and period) as an Excel workbook`}
        onClick={() => void run('xlsx')}
      >
        Export XLSX
      </button>
    </div>
  );
}
