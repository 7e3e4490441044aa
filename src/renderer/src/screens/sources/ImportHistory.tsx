// What has been imported: one line per source (last import, batches, events) and one per imported file.
import type { ImportBatch } from '../../../../shared/api/contract.ts';
import { useApp } from '../../store/storeContext.tsx';
import { IMPORT_HISTORY_LIMIT } from '../../store/importSlice.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount, formatInstant } from '../../format/formatters.ts';

export interface SourceSummary {
  source: string;
  lastImportAt: string;
  batches: number;
  events: number;
}

/** Per source, from the batches: the latest import, how many batches, how many events they created. */
export function summariseSources(batches: readonly ImportBatch[]): SourceSummary[] {
  const bySource = new Map<string, SourceSummary>();
  for (const b of batches) {
    const s = bySource.get(b.source) ?? { source: b.source, lastImportAt: b.finishedAt, batches: 0, events: 0 };
    s.batches += 1;
    s.events += b.eventsCreated;
    if (b.finishedAt > s.lastImportAt) s.lastImportAt = b.finishedAt;
    bySource.set(b.source, s);
  }
  return [...bySource.values()].sort((a, b) => a.source.localeCompare(b.source));
}

function SourcesTable({ batches }: { batches: readonly ImportBatch[] }) {
  const prefs = useDisplayPrefs();
  const rows = summariseSources(batches);
  return (
    <table className="simple" aria-label="Sources">
      <thead>
        <tr>
          <th>Source</th>
          <th>Last import</th>
          <th className="num">Batches</th>
          <th className="num">Events</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.source}>
            <td className="mono">{r.source}</td>
            <td>{formatInstant(r.lastImportAt, prefs)}</td>
            <td className="num">{formatCount(r.batches, prefs.locale)}</td>
            <td className="num">{formatCount(r.events, prefs.locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BatchesTable({ batches }: { batches: readonly ImportBatch[] }) {
  const prefs = useDisplayPrefs();
  const n = (v: number) => formatCount(v, prefs.locale);
  const sorted = [...batches].sort((a, b) => (a.finishedAt < b.finishedAt ? 1 : a.finishedAt > b.finishedAt ? -1 : 0));
  return (
    <div className="history-scroll">
      <table className="simple" aria-label="Import history">
        <thead>
          <tr>
            <th>Finished</th>
            <th>Source</th>
            <th>File</th>
            <th>Format</th>
            <th className="num">Rows read</th>
            <th className="num">Events created</th>
            <th className="num">Duplicates</th>
            <th className="num">Rejected</th>
            <th>Actor</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((b) => (
            <tr key={b.batchId}>
              <td>{formatInstant(b.finishedAt, prefs)}</td>
              <td className="mono">{b.source}</td>
              <td>{b.fileName}</td>
              <td>{b.format}</td>
              <td className="num">{n(b.rowsRead)}</td>
              <td className="num">{n(b.eventsCreated)}</td>
              <td className="num">{n(b.duplicatesSkipped)}</td>
              <td className={b.rowsRejected > 0 ? 'num negative-count' : 'num'}>{n(b.rowsRejected)}</td>
              <td>{b.actor}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ImportHistory() {
  const batches = useApp((s) => s.importHistory);
  const error = useApp((s) => s.importHistoryError);

  let body;
  if (error !== null && batches === null) {
    body = (
      <p className="field-error" role="alert">
        Could not load the import history: {error}
      </p>
    );
  } else if (batches === null) {
    body = (
      <p className="muted" role="status">
        Loading the import history…
      </p>
    );
  } else if (batches.length === 0) {
    body = <p className="empty">No imports yet. Add files above to import the first source.</p>;
  } else {
    body = (
      <div className="history-layout">
        <section aria-label="Per-source summary">
          <h3>Per source</h3>
          <SourcesTable batches={batches} />
        </section>
        <section aria-label="Imported files">
          <h3>Imported files{batches.length >= IMPORT_HISTORY_LIMIT ? ` (latest ${IMPORT_HISTORY_LIMIT})` : ''}</h3>
          <BatchesTable batches={batches} />
        </section>
      </div>
    );
  }
  return (
    <section className="panel import-history" aria-label="Import history">
      <h2>Import history</h2>
      {error !== null && batches !== null && (
        <p className="field-error" role="alert">
          Could not refresh the import history: {error}
        </p>
      )}
      {body}
    </section>
  );
}
