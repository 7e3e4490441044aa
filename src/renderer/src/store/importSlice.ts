// The Sources screen's import wizard: files staged with imports.upload, previewed (format detected, chosen,
// or read through a CSV mapping), committed to one source as one transaction, and the outcome; plus the
// import history listed below the wizard. A failed commit writes nothing, so the wizard keeps its state for
// the user to fix and retry.
import { ApiError, type ImportBatch, type ImportOutcome, type ImportPreview, type RequestOf, type ResponseOf } from '../../../shared/api/contract.ts';
import { SourceIdSchema } from '../../../shared/events/canonicalEvent.ts';
import { CsvMappingSchema } from '../../../shared/import/csvMapping.ts';
import { checkDraft, draftFromMapping, emptyDraft, guessDraft, type MappingDraft } from '../screens/sources/mappingDraft.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export const IMPORT_STEPS = ['files', 'preview', 'source', 'commit', 'result'] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

export const GENERIC_CSV = 'generic-csv';
export const PRESET_PREFIX = 'preset:';
export const IMPORT_PREVIEW_DEBOUNCE_MS = 350;
/** How many batches the history asks for; the per-source summary is computed over them. */
export const IMPORT_HISTORY_LIMIT = 1000;

export interface StagedFile {
  /** The wizard's own key for the file (the upload id exists only once it is staged). */
  key: string;
  fileName: string;
  byteLength: number;
  status: 'reading' | 'uploading' | 'staged' | 'failed';
  uploadId: string | null;
  /** Why reading or staging the file failed. */
  error: string | null;
  preview: ImportPreview | null;
  /** The preview read the file through a complete mapping (not only cut by an incomplete one's layout). */
  previewMapped: boolean;
  previewing: boolean;
  /** The preview call itself failed (the file's own reading problems are in `preview.error`). */
  previewError: { message: string; field: string | null } | null;
}

/** What the wizard needs of a browser File. */
export interface PickedFile {
  name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface ImportSlice {
  importStep: ImportStep;
  importFiles: StagedFile[];
  importFormats: ResponseOf<'imports.formats'> | null;
  /** '' = detect each file's format; else a format id, `preset:NAME`, or generic-csv (read through the mapping). */
  importFormat: string;
  /** Why the wizard switched to a mapping by itself (a CSV of no recognised format). */
  importFormatNote: string | null;
  importMappingDraft: MappingDraft;
  /** The user edited the draft; a saved mapping no longer replaces it unasked. */
  importMappingTouched: boolean;
  /** The source whose saved mapping the draft started from. */
  importMappingLoadedFrom: string | null;
  importSource: string;
  importSourceTouched: boolean;
  importSkipInvalid: boolean;
  importCommitting: boolean;
  importCommitError: string | null;
  /** The failed commit can be retried another way: a statement that does not balance can be imported anyway. */
  importCommitRetry: 'acceptUnbalanced' | null;
  /** The mapping file (JSON) the draft was loaded from, when one was dropped or chosen. */
  importMappingFile: string | null;
  importOutcome: ImportOutcome | null;
  importHistory: ImportBatch[] | null;
  importHistoryError: string | null;

  loadImportFormats(): Promise<void>;
  loadImportHistory(): Promise<void>;
  /** Reads each file's bytes, stages them (one imports.upload per file) and previews them. */
  addImportFiles(files: readonly PickedFile[]): Promise<void>;
  removeImportFile(key: string): void;
  /** Moves to a step; forward only when `importStepProblem` has nothing against leaving the current one. */
  setImportStep(step: ImportStep): void;
  setImportFormat(format: string): Promise<void>;
  /** A form edit: previews follow after a short pause, so typing does not flood the backend. */
  setImportMappingDraft(draft: MappingDraft): void;
  /** Starts the draft from a source's saved mapping; false when it has none (or none that is valid). */
  loadSavedMapping(source: string): Promise<boolean>;
  /** Starts the draft from a mapping file's text (a saved mapping JSON); false, with a notice, when it is not one. */
  loadMappingFile(fileName: string, text: string): Promise<boolean>;
  refreshImportPreviews(): Promise<void>;
  setImportSource(source: string): void;
  setImportSkipInvalid(skip: boolean): void;
  /** Imports; `acceptUnbalanced` imports statements that do not balance, the difference journaled. */
  commitImport(options?: { acceptUnbalanced?: boolean }): Promise<ImportOutcome | null>;
  resetImport(): void;
}

type WizardState = Pick<
  ImportSlice,
  | 'importStep'
  | 'importFiles'
  | 'importFormat'
  | 'importFormatNote'
  | 'importMappingDraft'
  | 'importMappingTouched'
  | 'importMappingLoadedFrom'
  | 'importSource'
  | 'importSourceTouched'
  | 'importSkipInvalid'
  | 'importCommitting'
  | 'importCommitError'
  | 'importCommitRetry'
  | 'importMappingFile'
  | 'importOutcome'
>;

function initialWizard(): WizardState {
  return {
    importStep: 'files',
    importFiles: [],
    importFormat: '',
    importFormatNote: null,
    importMappingDraft: emptyDraft(),
    importMappingTouched: false,
    importMappingLoadedFrom: null,
    importSource: '',
    importSourceTouched: false,
    importSkipInvalid: false,
    importCommitting: false,
    importCommitError: null,
    importCommitRetry: null,
    importMappingFile: null,
    importOutcome: null,
  };
}

// --- pure rules the screen shares with the slice -------------------------------------------------------

/** Why the text is not a source id, or null when it is one. */
export function sourceIdProblem(source: string): string | null {
  if (source.trim() === '') return 'A source is required, e.g. stripe:main or bank:operating';
  const parsed = SourceIdSchema.safeParse(source);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'not a source id');
}

/** Sources seen in the history, sorted; with `format`, only those that imported files of that format. */
export function knownSources(history: readonly ImportBatch[] | null, format?: string): string[] {
  return [...new Set((history ?? []).filter((b) => format === undefined || b.format === format).map((b) => b.source))].sort();
}

/** The most recent batch matching `test`. */
function latestBatch(history: readonly ImportBatch[] | null, test: (b: ImportBatch) => boolean): ImportBatch | undefined {
  let best: ImportBatch | undefined;
  for (const b of history ?? []) if (test(b) && (best === undefined || b.finishedAt > best.finishedAt)) best = b;
  return best;
}

const SOURCE_BY_FORMAT: Record<string, string> = {
  'stripe-balance-csv': 'stripe:main',
  'stripe-payouts-csv': 'stripe:main',
  'stripe-payments-csv': 'stripe:main',
  'stripe-api-json': 'stripe:main',
  'shopify-orders-csv': 'shopify:store',
  // Their own source kinds: the rule sets name processors by source kind (README, "Import formats").
  'shopify-payments-csv': 'shopify-payments:store',
  'shopify-transactions-csv': 'shopify-transactions:store',
  'amazon-settlement-tsv': 'amazon:main',
  'paypal-activity-csv': 'paypal:main',
  mt940: 'bank:operating',
  camt: 'bank:operating',
  ofx: 'bank:operating',
};

/** The format the staged files will be read as: the chosen one, else the first detected one. */
export function effectiveFormat(state: Pick<ImportSlice, 'importFormat' | 'importFiles'>): string | null {
  if (state.importFormat !== '') return state.importFormat;
  return state.importFiles.find((f) => f.preview?.format != null)?.preview?.format ?? null;
}

/**
 * A default source id for the files: the source the same format was last imported into, else one named
 * after the format (bank statements go to bank:operating).
 */
export function suggestSource(state: Pick<ImportSlice, 'importFormat' | 'importFiles' | 'importMappingDraft' | 'importHistory'>): string {
  const format = effectiveFormat(state);
  if (format === null) return '';
  const batchFormat = format.startsWith(PRESET_PREFIX) ? GENERIC_CSV : format;
  const previous = latestBatch(state.importHistory, (b) => b.format === batchFormat);
  if (previous !== undefined) return previous.source;
  if (format.startsWith(PRESET_PREFIX)) return 'bank:operating';
  if (format === GENERIC_CSV) {
    const draft = state.importMappingDraft;
    const bank = draft.kindMode === 'sign' || (draft.kindMode === 'fixed' && draft.kind.startsWith('bank_'));
    return bank ? 'bank:operating' : 'csv:main';
  }
  return SOURCE_BY_FORMAT[format] ?? `${format.split('-')[0] ?? format}:main`;
}

/** The preview request for a staged file, or null while the mapping it needs is invalid. */
export function previewRequestFor(state: Pick<ImportSlice, 'importFormat' | 'importMappingDraft'>, uploadId: string): RequestOf<'imports.preview'> {
  if (state.importFormat === '') return { uploadId };
  if (state.importFormat !== GENERIC_CSV) return { uploadId, format: state.importFormat };
  const check = checkDraft(state.importMappingDraft);
  if (check.ok) return { uploadId, format: GENERIC_CSV, mapping: check.mapping };
  // Incomplete: still preview, cut by the draft's header line, delimiter and encoding, so the columns it must
  // name are the file's real header (a statement with a preamble has none on line 1).
  const draft = state.importMappingDraft;
  const headerRow = /^\d+$/.test(draft.headerRow.trim()) ? Number(draft.headerRow.trim()) : undefined;
  const layout = {
    ...(headerRow !== undefined && headerRow >= 1 && headerRow <= 1000 ? { headerRow } : {}),
    ...(draft.delimiter !== '' ? { delimiter: draft.delimiter } : {}),
    ...(draft.encoding !== '' ? { encoding: draft.encoding } : {}),
  };
  return { uploadId, format: GENERIC_CSV, layout };
}

/** Why the wizard cannot go on from `step` yet, or null when it can. */
export function importStepProblem(state: ImportSlice, step: ImportStep): string | null {
  switch (step) {
    case 'files': {
      if (state.importFiles.length === 0) return 'Add at least one file.';
      if (state.importFiles.some((f) => f.status === 'reading' || f.status === 'uploading')) return 'Wait until every file is staged.';
      if (state.importFiles.some((f) => f.status === 'failed')) return 'Remove the files that could not be staged.';
      return null;
    }
    case 'preview': {
      if (state.importFormat === GENERIC_CSV) {
        const check = checkDraft(state.importMappingDraft);
        if (!check.ok) return `Complete the mapping: ${check.issues.length} problem${check.issues.length === 1 ? '' : 's'} left.`;
      }
      if (state.importFiles.some((f) => f.previewing)) return 'Wait for the previews.';
      const refused = state.importFiles.find((f) => f.previewError !== null);
      if (refused?.previewError) return `${refused.fileName}: ${refused.previewError.message}`;
      const unread = state.importFiles.find((f) => f.preview === null || f.preview.format === null);
      if (unread !== undefined) return `${unread.fileName}: choose a format (or describe the CSV with a mapping).`;
      // The file read as chosen fails: the import would fail the same way, so there is no going on until it is fixed.
      const failing = state.importFiles.find((f) => f.preview?.error != null && (state.importFormat !== GENERIC_CSV || f.previewMapped));
      if (failing?.preview?.error != null) return `${failing.fileName} cannot be read as chosen: fix the format or the mapping first.`;
      return null;
    }
    case 'source':
      return sourceIdProblem(state.importSource);
    case 'commit':
      return state.importOutcome === null ? 'Import the files first.' : null;
    case 'result':
      return null;
  }
}

/** The commit request for the wizard's current state, or why there is none. */
export function commitRequestFor(state: ImportSlice): { request: RequestOf<'imports.commit'> } | { problem: string } {
  for (const step of ['files', 'preview', 'source'] as const) {
    const problem = importStepProblem(state, step);
    if (problem !== null) return { problem };
  }
  const request: RequestOf<'imports.commit'> = {
    uploadIds: state.importFiles.map((f) => f.uploadId).filter((id): id is string => id !== null),
    source: state.importSource,
    skipInvalid: state.importSkipInvalid,
  };
  if (state.importFormat !== '') request.format = state.importFormat;
  if (state.importFormat === GENERIC_CSV) {
    const check = checkDraft(state.importMappingDraft);
    if (check.ok) request.mapping = check.mapping;
  }
  return { request };
}

/** The text of a JSON file that is a saved CSV mapping, or null (another JSON, e.g. a Stripe API export, is imported). */
async function readMapping(file: PickedFile): Promise<string | null> {
  try {
    const text = new TextDecoder().decode(await file.arrayBuffer());
    return CsvMappingSchema.safeParse(JSON.parse(text)).success ? text : null;
  } catch {
    return null;
  }
}

// --- the slice ----------------------------------------------------------------------------------------

export const createImportSlice: SliceCreator<ImportSlice> = (api) => (set, get) => {
  let fileCounter = 0;
  let previewTimer: ReturnType<typeof setTimeout> | null = null;
  // Per file, the latest preview call: an older answer arriving late is dropped.
  const previewSeq = new Map<string, number>();

  const patchFile = (key: string, patch: Partial<StagedFile>): void =>
    set((s) => ({ importFiles: s.importFiles.map((f) => (f.key === key ? { ...f, ...patch } : f)) }));

  const cancelPendingPreview = (): void => {
    if (previewTimer !== null) clearTimeout(previewTimer);
    previewTimer = null;
  };

  async function previewFile(key: string): Promise<void> {
    const file = get().importFiles.find((f) => f.key === key);
    if (file === undefined || file.uploadId === null) return;
    const request = previewRequestFor(get(), file.uploadId);
    const seq = (previewSeq.get(key) ?? 0) + 1;
    previewSeq.set(key, seq);
    patchFile(key, { previewing: true });
    try {
      const preview = await api.call('imports.preview', request);
      if (previewSeq.get(key) !== seq) return;
      patchFile(key, { preview, previewMapped: request.mapping !== undefined, previewing: false, previewError: null });
      if (get().importFormat === '' && preview.format === null && preview.columns.length > 0) await switchToMapping(preview);
    } catch (err) {
      if (previewSeq.get(key) !== seq) return;
      patchFile(key, { previewing: false, previewError: { message: errorMessage(err), field: err instanceof ApiError ? err.field : null } });
    }
  }

  // A CSV nothing recognises: read it through a mapping, starting from a saved one when there is one.
  async function switchToMapping(preview: ImportPreview): Promise<void> {
    set({
      importFormat: GENERIC_CSV,
      importFormatNote: `${preview.fileName}: no known format; describe its columns below, or choose a format or bank preset.`,
    });
    if (get().importMappingTouched || get().importMappingLoadedFrom !== null) return;
    const state = get();
    const source =
      state.importSourceTouched && sourceIdProblem(state.importSource) === null
        ? state.importSource
        : latestBatch(state.importHistory, (b) => b.format === GENERIC_CSV)?.source;
    const loaded = source !== undefined && (await get().loadSavedMapping(source));
    if (!loaded && !get().importMappingTouched) await startFromLayoutGuess(preview);
  }

  /**
   * A new draft for a CSV of no known format: first cut the file as its first lines suggest (header line after any
   * preamble, delimiter, encoding), then guess the columns from that real header.
   */
  async function startFromLayoutGuess(preview: ImportPreview): Promise<void> {
    const guess = preview.layoutGuess;
    const layout = {
      headerRow: guess === null ? '' : String(guess.headerRow),
      delimiter: (guess?.delimiter ?? '') as MappingDraft['delimiter'],
      encoding: (guess?.encoding ?? '') as MappingDraft['encoding'],
    };
    set({ importMappingDraft: { ...guessDraft(guess === null ? preview.columns : []), ...layout } });
    await get().refreshImportPreviews();
    if (get().importMappingTouched || guess === null) return;
    const header = get().importFiles.find((f) => f.preview !== null && f.preview.columns.length > 0)?.preview?.columns ?? [];
    set({ importMappingDraft: { ...guessDraft(header), ...layout } });
    await get().refreshImportPreviews();
  }

  async function stageFile(key: string, file: PickedFile): Promise<void> {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (err) {
      patchFile(key, { status: 'failed', error: `Could not read the file: ${errorMessage(err)}` });
      return;
    }
    patchFile(key, { status: 'uploading', byteLength: bytes.byteLength });
    try {
      const upload = await api.call('imports.upload', { fileName: file.name, bytes });
      patchFile(key, { status: 'staged', uploadId: upload.uploadId, byteLength: upload.byteLength });
    } catch (err) {
      patchFile(key, { status: 'failed', error: errorMessage(err) });
      return;
    }
    await previewFile(key);
  }

  return {
    ...initialWizard(),
    importFormats: null,
    importHistory: null,
    importHistoryError: null,

    async loadImportFormats() {
      const formats = await api.call('imports.formats', {});
      set({ importFormats: formats });
    },
    async loadImportHistory() {
      try {
        const { batches } = await api.call('imports.history', { limit: IMPORT_HISTORY_LIMIT });
        set({ importHistory: batches, importHistoryError: null });
      } catch (err) {
        set({ importHistoryError: errorMessage(err) });
      }
    },
    async addImportFiles(picked) {
      // A saved mapping (JSON) dropped with the files describes them: it is loaded into the editor, not imported.
      const files: PickedFile[] = [];
      for (const file of picked) {
        const mapping = /\.json$/i.test(file.name) ? await readMapping(file) : null;
        if (mapping !== null) {
          await get().loadMappingFile(file.name, mapping);
          continue;
        }
        files.push(file);
      }
      const added = files.map((file) => {
        fileCounter += 1;
        const staged: StagedFile = {
          key: `f${fileCounter}`,
          fileName: file.name,
          byteLength: 0,
          status: 'reading',
          uploadId: null,
          error: null,
          preview: null,
          previewMapped: false,
          previewing: false,
          previewError: null,
        };
        return { staged, file };
      });
      set((s) => ({ importFiles: [...s.importFiles, ...added.map((a) => a.staged)], importCommitError: null }));
      await Promise.all(added.map((a) => stageFile(a.staged.key, a.file)));
    },
    removeImportFile(key) {
      previewSeq.delete(key);
      set((s) => ({ importFiles: s.importFiles.filter((f) => f.key !== key) }));
    },
    setImportStep(step) {
      const state = get();
      // The outcome is final: its uploads are spent, so only "Import more files" starts over.
      if (state.importOutcome !== null) return;
      const from = IMPORT_STEPS.indexOf(state.importStep);
      const to = IMPORT_STEPS.indexOf(step);
      for (let i = from; i < to; i += 1) {
        if (importStepProblem(get(), IMPORT_STEPS[i] as ImportStep) !== null) return;
      }
      if (step === 'source' && !state.importSourceTouched) set({ importSource: suggestSource(state) });
      set({ importStep: step });
    },
    async setImportFormat(format) {
      cancelPendingPreview();
      set({ importFormat: format, importFormatNote: null });
      const state = get();
      if (format === GENERIC_CSV && !state.importMappingTouched && state.importMappingLoadedFrom === null && state.importMappingFile === null) {
        const source = state.importSourceTouched ? state.importSource : latestBatch(state.importHistory, (b) => b.format === GENERIC_CSV)?.source;
        if (source !== undefined && sourceIdProblem(source) === null && (await get().loadSavedMapping(source))) return;
        const first = state.importFiles.find((f) => f.preview !== null)?.preview;
        if (first != null) return startFromLayoutGuess(first);
      }
      await get().refreshImportPreviews();
    },
    setImportMappingDraft(draft) {
      set({ importMappingDraft: draft, importMappingTouched: true });
      cancelPendingPreview();
      previewTimer = setTimeout(() => {
        previewTimer = null;
        void get().refreshImportPreviews();
      }, IMPORT_PREVIEW_DEBOUNCE_MS);
    },
    async loadSavedMapping(source) {
      let saved: unknown;
      try {
        saved = (await api.call('mappings.get', { source })).mapping;
      } catch (err) {
        get().notify('error', `Could not load the saved mapping of ${source}: ${errorMessage(err)}`);
        return false;
      }
      if (saved === null) return false;
      const parsed = CsvMappingSchema.safeParse(saved);
      if (!parsed.success) {
        get().notify('error', `The saved mapping of ${source} is not valid any more; start a new one.`);
        return false;
      }
      cancelPendingPreview();
      set({ importMappingDraft: draftFromMapping(parsed.data), importMappingTouched: false, importMappingLoadedFrom: source });
      await get().refreshImportPreviews();
      return true;
    },
    async loadMappingFile(fileName, text) {
      let parsed;
      try {
        parsed = CsvMappingSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = null;
      }
      if (parsed === null || !parsed.success) {
        get().notify('error', `${fileName} is not a saved CSV mapping: ${parsed?.error.issues[0]?.message ?? 'not JSON'}`);
        return false;
      }
      cancelPendingPreview();
      set({
        importMappingDraft: draftFromMapping(parsed.data),
        importMappingTouched: false,
        importMappingLoadedFrom: null,
        importMappingFile: fileName,
        importFormat: GENERIC_CSV,
        importFormatNote: null,
      });
      get().notify('success', `Mapping loaded from ${fileName}`);
      await get().refreshImportPreviews();
      return true;
    },
    async refreshImportPreviews() {
      cancelPendingPreview();
      await Promise.all(
        get()
          .importFiles.filter((f) => f.status === 'staged')
          .map((f) => previewFile(f.key)),
      );
    },
    setImportSource(source) {
      set({ importSource: source, importSourceTouched: true, importCommitError: null });
    },
    setImportSkipInvalid(skip) {
      set({ importSkipInvalid: skip });
    },
    async commitImport(options = {}) {
      const built = commitRequestFor(get());
      if ('problem' in built) {
        set({ importCommitError: built.problem, importCommitRetry: null });
        return null;
      }
      const request = options.acceptUnbalanced === true ? { ...built.request, acceptUnbalanced: true } : built.request;
      const count = request.uploadIds.length;
      set({ importCommitting: true, importCommitError: null, importCommitRetry: null });
      try {
        const outcome = await get().runJob('imports.commit', `Importing ${count} file${count === 1 ? '' : 's'} into ${request.source}`, request);
        set({ importOutcome: outcome, importCommitting: false, importStep: 'result' });
        return outcome;
      } catch (err) {
        const retry = err instanceof ApiError && err.field === 'acceptUnbalanced' ? 'acceptUnbalanced' : null;
        set({ importCommitting: false, importCommitError: errorMessage(err), importCommitRetry: retry });
        return null;
      }
    },
    resetImport() {
      cancelPendingPreview();
      previewSeq.clear();
      set(initialWizard());
    },
  };
};
