// Step 3: the source the files belong to (`kind:name`), suggested from the format and from earlier imports,
// checked with the shared source-id rule as it is typed.
import { useId } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { GENERIC_CSV, knownSources, sourceIdProblem } from '../../store/importSlice.ts';
import { StepNav } from './ImportWizard.tsx';

export function SourceField() {
  const store = useAppStore();
  const source = useApp((s) => s.importSource);
  const history = useApp((s) => s.importHistory);
  const listId = useId();
  const errorId = useId();
  const problem = sourceIdProblem(source);
  const sources = knownSources(history);
  const existing = sources.includes(source);
  return (
    <div className="source-field">
      <label>
        Source
        <input
          type="text"
          value={source}
          list={listId}
          size={32}
          spellCheck={false}
          placeholder="kind:name, e.g. stripe:main"
          aria-invalid={problem !== null || undefined}
          aria-describedby={errorId}
          onChange={(e) => store.getState().setImportSource(e.currentTarget.value)}
        />
      </label>
      <datalist id={listId}>
        {sources.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <span id={errorId} className={problem === null ? 'muted' : 'field-error'}>
        {problem ??
          (existing ? 'An existing source: the files add to its events (duplicates are skipped).' : 'A new source: it is created by this import.')}
      </span>
    </div>
  );
}

function SavedMappingOffer() {
  const store = useAppStore();
  const format = useApp((s) => s.importFormat);
  const source = useApp((s) => s.importSource);
  const loadedFrom = useApp((s) => s.importMappingLoadedFrom);
  const known = useApp((s) => knownSources(s.importHistory).includes(s.importSource));
  if (format !== GENERIC_CSV || !known || loadedFrom === source) return null;
  return (
    <p className="muted">
      Imports of {source} may have a saved mapping; this import saves the current one for it.{' '}
      <button
        type="button"
        onClick={() =>
          void store
            .getState()
            .loadSavedMapping(source)
            .then((loaded) => {
              if (loaded) store.getState().setImportStep('preview');
              else store.getState().notify('success', `${source} has no saved mapping; the current one will be saved.`);
            })
        }
      >
        Use the saved mapping of {source}
      </button>
    </p>
  );
}

export function SourceStep() {
  return (
    <div className="wizard-step">
      <p className="muted">
        Events are kept per source. Use the same source for every export of one account or store, so re-imports find their duplicates.
      </p>
      <SourceField />
      <SavedMappingOffer />
      <StepNav back="preview" next="commit" />
    </div>
  );
}
