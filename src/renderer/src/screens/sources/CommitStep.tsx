// Step 4: import the staged files as one transaction, then the incremental matching run. Progress shows
// here and in the top bar; a failure writes nothing and leaves the wizard as it was, with the reason.
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { GENERIC_CSV, effectiveFormat } from '../../store/importSlice.ts';
import { formatBytes } from './FilesStep.tsx';

function InlineProgress() {
  const job = useApp((s) => s.jobs.find((j) => j.method === 'imports.commit'));
  if (job === undefined) return null;
  const ratio = job.total !== null && job.total > 0 ? Math.min(1, job.done / job.total) : null;
  return (
    <div
      className="commit-progress"
      role="progressbar"
      aria-label="Import progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={ratio === null ? undefined : Math.round(ratio * 100)}
    >
      <span className={ratio === null ? 'job-track indeterminate' : 'job-track'}>
        <span className="job-fill" style={{ width: ratio === null ? '40%' : `${Math.round(ratio * 100)}%` }} />
      </span>
      <span className="muted">{job.label}</span>
    </div>
  );
}

export function CommitStep() {
  const store = useAppStore();
  const files = useApp((s) => s.importFiles);
  const source = useApp((s) => s.importSource);
  const chosenFormat = useApp((s) => s.importFormat);
  const format = useApp(effectiveFormat);
  const skipInvalid = useApp((s) => s.importSkipInvalid);
  const committing = useApp((s) => s.importCommitting);
  const error = useApp((s) => s.importCommitError);
  const retry = useApp((s) => s.importCommitRetry);
  const bytes = files.reduce((sum, f) => sum + f.byteLength, 0);

  return (
    <div className="wizard-step">
      <dl className="fields">
        <dt>Files</dt>
        <dd>
          {files.map((f) => f.fileName).join(', ')} ({formatBytes(bytes)})
        </dd>
        <dt>Format</dt>
        <dd>{chosenFormat === '' ? `detected per file${format === null ? '' : ` (${format})`}` : chosenFormat}</dd>
        <dt>Source</dt>
        <dd className="mono">{source}</dd>
        {chosenFormat === GENERIC_CSV && (
          <>
            <dt>Mapping</dt>
            <dd>saved as the mapping of {source}</dd>
          </>
        )}
      </dl>
      <div className="skip-invalid">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={skipInvalid}
            disabled={committing}
            onChange={(e) => store.getState().setImportSkipInvalid(e.currentTarget.checked)}
          />
          Skip invalid rows
        </label>
        <p className="muted">
          Without it, one bad row fails the whole import and nothing is written. With it, bad rows are journaled with their line and column and
          skipped; the rest is imported.
        </p>
      </div>
      {error !== null && (
        <div className="panel error-panel" role="alert">
          <strong>The import failed; nothing was written.</strong>
          <p className="commit-error">{error}</p>
          {retry === 'acceptUnbalanced' ? (
            <div className="toolbar">
              <button
                type="button"
                className="primary"
                disabled={committing}
                onClick={() => void store.getState().commitImport({ acceptUnbalanced: true })}
              >
                Import anyway, recording the difference
              </button>
              <span className="muted">The statement is imported as the bank sent it; the journal records by how much it does not balance.</span>
            </div>
          ) : (
            <p className="muted">
              {skipInvalid
                ? 'Fix the file, the format or the mapping (Back), then import again.'
                : 'Fix the file, the format or the mapping (Back), or skip invalid rows, then import again.'}
            </p>
          )}
        </div>
      )}
      <InlineProgress />
      <div className="toolbar step-nav">
        <button type="button" disabled={committing} onClick={() => store.getState().setImportStep('source')}>
          Back
        </button>
        <span className="spacer" />
        <button type="button" className="primary" disabled={committing} onClick={() => void store.getState().commitImport()}>
          {committing ? 'Importing…' : `Import ${files.length} file${files.length === 1 ? '' : 's'}`}
        </button>
      </div>
    </div>
  );
}
