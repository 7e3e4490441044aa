// Sources: the sources connected by API with their sync state, the import wizard (files → preview and mapping → source → import → result) and, below it, what
// has been imported so far, per batch and per source.
import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { ImportWizard } from './sources/ImportWizard.tsx';
import { ImportHistory } from './sources/ImportHistory.tsx';
import { ConnectorsPanel } from './sources/ConnectorsPanel.tsx';
import './sources/sources.css';

export function SourcesScreen() {
  const store = useAppStore();
  const importsChanged = useApp((s) => s.changes.imports);
  const connectorsChanged = useApp((s) => s.changes.connectors);

  useEffect(() => {
    void store.getState().attempt(() => store.getState().loadImportFormats());
  }, [store]);

  useEffect(() => {
    void store.getState().loadImportHistory();
  }, [store, importsChanged]);

  useEffect(() => {
    void store.getState().loadConnectors();
  }, [store, connectorsChanged]);

  // The next-run times and a schedule's start are the services' own: look again every half minute.
  useEffect(() => {
    const timer = setInterval(() => void store.getState().loadConnectors(), 30_000);
    return () => clearInterval(timer);
  }, [store]);

  return (
    <>
      <h1>Sources</h1>
      <ConnectorsPanel />
      <ImportWizard />
      <ImportHistory />
    </>
  );
}
