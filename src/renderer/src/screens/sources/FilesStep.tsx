// Step 1: pick files by dropping them or through the file picker (the drop zone is itself a button that
// opens it); each file is read in the browser and staged, with its state shown per file.
import { useRef, useState, type DragEvent } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { StagedFile } from '../../store/importSlice.ts';
import { StepNav } from './ImportWizard.tsx';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function statusText(file: StagedFile): string {
  switch (file.status) {
    case 'reading':
      return 'Reading…';
    case 'uploading':
      return 'Uploading…';
    case 'staged':
      if (file.previewing) return 'Staged · previewing…';
      return file.preview?.format != null ? `Staged · ${file.preview.format}` : 'Staged';
    case 'failed':
      return `Failed: ${file.error ?? 'unknown error'}`;
  }
}

export function StagedFiles() {
  const store = useAppStore();
  const files = useApp((s) => s.importFiles);
  if (files.length === 0) return <p className="empty">No files yet. Drop exports or statements above, or choose them from disk.</p>;
  return (
    <table className="simple staged-files" aria-label="Staged files">
      <thead>
        <tr>
          <th>File</th>
          <th className="num">Size</th>
          <th>State</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.key}>
            <td>{f.fileName}</td>
            <td className="num">{f.status === 'reading' ? '—' : formatBytes(f.byteLength)}</td>
            <td className={f.status === 'failed' ? 'field-error' : undefined}>{statusText(f)}</td>
            <td className="num">
              <button type="button" className="ghost" aria-label={`Remove ${f.fileName}`} onClick={() => store.getState().removeImportFile(f.key)}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FilesStep() {
  const store = useAppStore();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child the pointer crosses; count them to know when it really left.
  const depth = useRef(0);

  const add = (list: FileList | null) => {
    const files = list === null ? [] : Array.from(list);
    if (files.length > 0) void store.getState().addImportFiles(files);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    depth.current = 0;
    setDragging(false);
    add(e.dataTransfer.files);
  };

  return (
    <div className="wizard-step">
      <button
        type="button"
        className={dragging ? 'dropzone active' : 'dropzone'}
        onClick={() => input.current?.click()}
        onDragEnter={(e) => {
          e.preventDefault();
          depth.current += 1;
          setDragging(true);
        }}
        onDragOver={(e) => e.preventDefault()}
        onDragLeave={() => {
          depth.current = Math.max(0, depth.current - 1);
          if (depth.current === 0) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <strong>Drop files here, or press to choose files</strong>
        <span className="dropzone-hint">
          Stripe, Shopify and PayPal exports · MT940 · camt.053 · OFX · any CSV with a mapping or bank preset · a saved mapping (.json) is loaded as
          the mapping
        </span>
      </button>
      <div className="toolbar">
        <button type="button" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input
          ref={input}
          className="visually-hidden"
          type="file"
          multiple
          tabIndex={-1}
          aria-label="Files to import"
          onChange={(e) => {
            add(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </div>
      <StagedFiles />
      <StepNav next="preview" />
    </div>
  );
}
