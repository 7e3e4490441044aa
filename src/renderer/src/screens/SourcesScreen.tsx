// Sources: the import wizard (files → preview and mapping → source → import → result) and, below it, what
// has been imported so far, per batch and per source.
import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { ImportWizard } from './sources/ImportWizard.tsx';
import { ImportHistory } from './sources/ImportHistory.tsx';
import './sources/sources.css';

export function SourcesScreen() {
  const store = useAppStore();
  const importsChanged = useApp((s) => s.changes.imports);

  useEffect(() => {
    void store.getState().attempt(() => store.getState().loadImportFormats());
  }, [store]);

  useEffect(() => {
    void store.getState().loadImportHistory();
  }, [store, importsChanged]);

  return (
    <>
      <h1>Sources</h1>
      <ImportWizard />
      <ImportHistory />
    </>
  );
}
