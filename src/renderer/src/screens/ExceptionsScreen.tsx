// Exceptions (DESIGN §6): the owner queues (all, fulfillment, ads), the filtered grid of the period's exceptions, bulk decisions on the ticked rows, the detail
// of the open one, and the grid's view as a file. Keyboard: arrows move in the grid, Enter opens a row, Escape closes
// the detail, "/" jumps to the quick search.
import { useEffect, useRef } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { formatCount } from '../format/formatters.ts';
import { ExceptionsFilters } from './exceptions/ExceptionsFilters.tsx';
import { ExceptionsGrid } from './exceptions/ExceptionsGrid.tsx';
import { BulkActions } from './exceptions/BulkActions.tsx';
import { QueueTabs } from './exceptions/QueueTabs.tsx';
import { QueuePicker } from './exceptions/QueuePicker.tsx';
import { ExceptionDetailPanel } from './exceptions/ExceptionDetailPanel.tsx';
import { ExportButtons } from '../components/ExportButtons.tsx';
import { IdsToggle } from '../components/IdsToggle.tsx';
import './exceptions/exceptions.css';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select') !== null;
}

function TotalLine() {
  const store = useAppStore();
  const total = useApp((s) => s.exceptionsTotal);
  const { locale } = useDisplayPrefs();
  const label = 'Exceptions in the filtered set';
  if (total === null) {
    return (
      <span className="muted" role="status" aria-label={label}>
        Counting…
      </span>
    );
  }
  if (total === 0) {
    return (
      <span role="status" aria-label={label}>
        No exception matches these filters.{' '}
        <button type="button" className="ghost" onClick={() => store.getState().resetExceptionsFilter()}>
          Show the open exceptions
        </button>
      </span>
    );
  }
  return (
    <span role="status" aria-label={label}>
      <strong className="num">{formatCount(total, locale)}</strong> exception{total === 1 ? '' : 's'}
    </span>
  );
}

export function ExceptionsScreen() {
  const store = useAppStore();
  const exceptionChanges = useApp((s) => s.changes.exceptions);
  const matchChanges = useApp((s) => s.changes.matches);
  const periodVersion = useApp((s) => s.periodVersion);
  const searchRef = useRef<HTMLInputElement>(null);
  const firstChange = useRef(true);
  const seenPeriod = useRef(periodVersion);

  // Another period: other rows, other open counts per code, and no detail of a row it may not hold.
  useEffect(() => {
    if (seenPeriod.current === periodVersion) return;
    seenPeriod.current = periodVersion;
    const s = store.getState();
    s.closeExceptionDetail();
    s.setExceptionsSelected([]);
    void s.loadExceptionsFacets();
  }, [store, periodVersion]);

  useEffect(() => {
    const s = store.getState();
    // A fresh grid has nothing ticked; the open detail may have changed while the screen was away.
    s.setExceptionsSelected([]);
    void s.loadExceptionsFacets();
    void s.reloadExceptionDetail();
    void s.loadOwners();
  }, [store]);

  useEffect(() => {
    if (firstChange.current) {
      firstChange.current = false;
      return;
    }
    void store.getState().refreshExceptions();
  }, [store, exceptionChanges, matchChanges]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/' && !isTyping(e.target)) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (e.key === 'Escape' && !isTyping(e.target) && store.getState().exceptionsDetailId !== null) {
        store.getState().closeExceptionDetail();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  return (
    <div className="exceptions-screen">
      <div className="toolbar exceptions-head">
        <h1>Exceptions</h1>
        <QueuePicker />
        <TotalLine />
        <span className="spacer" />
        <IdsToggle />
        <ExportButtons what="exceptions" view={() => ({ grid: 'exceptions', ...store.getState().exceptionsView() })} />
      </div>
      <QueueTabs />
      <ExceptionsFilters searchRef={searchRef} />
      <BulkActions />
      <div className="split">
        <ExceptionsGrid />
        <ExceptionDetailPanel />
      </div>
    </div>
  );
}
