// Step 5: what the import did, per file (events created, duplicates skipped, rows rejected and why), and
// what the matching run that followed made of it.
import type { ImportOutcome } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount } from '../../format/formatters.ts';

/** "1 match", "2 matches": a count and its noun, in the locale's digits. */
function counted(n: number, one: string, many: string, locale: string): string {
  return `${formatCount(n, locale)} ${n === 1 ? one : many}`;
}

type FileOutcome = ImportOutcome['files'][number];

export function RejectedRows({ file }: { file: FileOutcome }) {
  if (file.rejected.length === 0) return null;
  return (
    <section aria-label={`Rejected rows of ${file.fileName}`}>
      <h4>
        Rejected rows — {file.fileName}
        {file.rejected.length < file.rowsRejected ? ` (first ${file.rejected.length} of ${file.rowsRejected})` : ''}
      </h4>
      <table className="simple">
        <thead>
          <tr>
            <th className="num">Line</th>
            <th className="num">Column</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {file.rejected.map((r, i) => (
            <tr key={i}>
              <td className="num">{r.line}</td>
              <td className="num">{r.column}</td>
              <td>{r.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function OutcomeSummary({ outcome }: { outcome: ImportOutcome }) {
  const { locale } = useDisplayPrefs();
  const n = (v: number) => formatCount(v, locale);
  return (
    <>
      <div className="kpis">
        <div className="kpi">
          <div className="kpi-label">Events created</div>
          <div className="kpi-value">{n(outcome.eventsCreated)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Duplicates skipped</div>
          <div className="kpi-value">{n(outcome.duplicatesSkipped)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Rows rejected</div>
          <div className={outcome.rowsRejected > 0 ? 'kpi-value negative-count' : 'kpi-value'}>{n(outcome.rowsRejected)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Matching run</div>
          {outcome.reconcile === null ? (
            <div className="kpi-note">No new events, so no run.</div>
          ) : (
            <div className="kpi-note reconcile-summary">
              {counted(outcome.reconcile.matchesCreated, 'match', 'matches', locale)} created ·{' '}
              {counted(outcome.reconcile.exceptionsOpened, 'exception', 'exceptions', locale)} opened · {n(outcome.reconcile.exceptionsClosed)} closed
            </div>
          )}
        </div>
      </div>
      <table className="simple" aria-label="Imported files">
        <thead>
          <tr>
            <th>File</th>
            <th>Format</th>
            <th className="num">Rows read</th>
            <th className="num">Events created</th>
            <th className="num">Duplicates skipped</th>
            <th className="num">Rows rejected</th>
          </tr>
        </thead>
        <tbody>
          {outcome.files.map((f) => (
            <tr key={f.batchId}>
              <td>{f.fileName}</td>
              <td>{f.format}</td>
              <td className="num">{n(f.rowsRead)}</td>
              <td className="num">{n(f.eventsCreated)}</td>
              <td className="num">{n(f.duplicatesSkipped)}</td>
              <td className="num">{n(f.rowsRejected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {outcome.files.map((f) => (
        <RejectedRows key={f.batchId} file={f} />
      ))}
    </>
  );
}

export function ResultStep() {
  const store = useAppStore();
  const outcome = useApp((s) => s.importOutcome);
  const source = useApp((s) => s.importSource);
  if (outcome === null) return <p className="empty">Nothing imported yet.</p>;
  return (
    <div className="wizard-step">
      <p role="status">
        Imported into <span className="mono">{source}</span>.
      </p>
      <OutcomeSummary outcome={outcome} />
      <div className="toolbar step-nav">
        <button type="button" className="primary" onClick={() => store.getState().showScreen('exceptions')}>
          Review exceptions
        </button>
        <button type="button" onClick={() => store.getState().resetImport()}>
          Import more files
        </button>
      </div>
    </div>
  );
}
