// Step 2: what each staged file would become: its format, encoding, first rows and first canonical events;
// a format or bank preset can be chosen instead of detection, and a CSV of no known format is described
// with a mapping (the editor re-previews as it changes).
import type { ImportPreview } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { GENERIC_CSV, PRESET_PREFIX, type StagedFile } from '../../store/importSlice.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant } from '../../format/formatters.ts';
import { MappingEditor } from './MappingEditor.tsx';
import { StepNav } from './ImportWizard.tsx';

export function FormatSelect() {
  const store = useAppStore();
  const value = useApp((s) => s.importFormat);
  const formats = useApp((s) => s.importFormats);
  const known =
    formats === null ||
    value === '' ||
    formats.formats.some((f) => f.format === value) ||
    formats.presets.some((p) => `${PRESET_PREFIX}${p}` === value);
  return (
    <label>
      Format
      <select value={value} onChange={(e) => void store.getState().setImportFormat(e.currentTarget.value)}>
        <option value="">Detect from each file's content</option>
        {!known && <option value={value}>{value}</option>}
        {formats !== null && (
          <optgroup label="Formats">
            {formats.formats.map((f) => (
              <option key={f.format} value={f.format}>
                {f.format === GENERIC_CSV ? 'generic-csv — any CSV, described by a mapping' : `${f.format} — ${f.description}`}
              </option>
            ))}
          </optgroup>
        )}
        {formats !== null && formats.presets.length > 0 && (
          <optgroup label="Bank CSV presets">
            {formats.presets.map((p) => (
              <option key={p} value={`${PRESET_PREFIX}${p}`}>
                {PRESET_PREFIX}
                {p}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  );
}

export function PreviewTable({ preview }: { preview: Pick<ImportPreview, 'columns' | 'rows' | 'fileName'> }) {
  if (preview.columns.length === 0 && preview.rows.length === 0) return null;
  return (
    <div className="preview-scroll">
      <table className="simple preview-table" aria-label={`First rows of ${preview.fileName}`}>
        {preview.columns.length > 0 && (
          <thead>
            <tr>
              {preview.columns.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {preview.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EventsPreview({ preview }: { preview: Pick<ImportPreview, 'events' | 'fileName'> }) {
  const prefs = useDisplayPrefs();
  if (preview.events.length === 0) return <p className="muted">No events read from the first rows.</p>;
  return (
    <table className="simple" aria-label={`First events of ${preview.fileName}`}>
      <thead>
        <tr>
          <th>Kind</th>
          <th>External id</th>
          <th className="num">Amount</th>
          <th>Date</th>
        </tr>
      </thead>
      <tbody>
        {preview.events.map((e, i) => (
          <tr key={i}>
            <td>{e.kind}</td>
            <td className="mono">{e.externalId}</td>
            <td className="num">
              <Amount minor={e.amountMinor} currency={e.currency} />
            </td>
            <td>{formatInstant(e.occurredAt, prefs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FilePreview({ file }: { file: StagedFile }) {
  const preview = file.preview;
  // Until the mapping is complete, the file's rows come from the detection attempt, whose verdict is moot.
  const awaitingMapping = useApp((s) => s.importFormat === GENERIC_CSV) && preview !== null && preview.format === null;
  return (
    <section className="file-preview" aria-label={`Preview of ${file.fileName}`}>
      <h3>{file.fileName}</h3>
      {file.previewing && (
        <p className="muted" role="status">
          Reading the first rows…
        </p>
      )}
      {file.previewError !== null && (
        <p className="field-error" role="alert">
          {file.previewError.message}
        </p>
      )}
      {preview === null ? (
        !file.previewing && file.previewError === null && <p className="muted">The preview follows once the mapping is complete.</p>
      ) : (
        <>
          <dl className="fields">
            <dt>Format</dt>
            <dd>
              {awaitingMapping
                ? 'read through the mapping above, once it is complete'
                : preview.format === null
                  ? 'not recognised'
                  : `${preview.format}${preview.formatDescription === null ? '' : ` — ${preview.formatDescription}`}`}
            </dd>
            <dt>Encoding</dt>
            <dd>{preview.encoding ?? '—'}</dd>
          </dl>
          {preview.error !== null && !awaitingMapping && (
            <p className="field-error" role="alert">
              {preview.error}
            </p>
          )}
          <h4>First rows</h4>
          <PreviewTable preview={preview} />
          {preview.columns.length === 0 && preview.rows.length === 0 && <p className="muted">Not a table: see the events below.</p>}
          <h4>First events</h4>
          <EventsPreview preview={preview} />
        </>
      )}
    </section>
  );
}

export function PreviewStep() {
  const files = useApp((s) => s.importFiles);
  const format = useApp((s) => s.importFormat);
  const note = useApp((s) => s.importFormatNote);
  return (
    <div className="wizard-step">
      <div className="toolbar">
        <FormatSelect />
      </div>
      {note !== null && <p className="format-note">{note}</p>}
      {format === GENERIC_CSV && <MappingEditor />}
      {files.map((f) => (
        <FilePreview key={f.key} file={f} />
      ))}
      <StepNav back="files" next="source" />
    </div>
  );
}
