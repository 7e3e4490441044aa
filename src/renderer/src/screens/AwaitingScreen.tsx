// Awaiting data (DESIGN §5): the period's events whose counterpart may still come because a source that could hold
// it has not delivered that far yet. They are not exceptions (nobody needs to act); this screen says what waits on
// which feed, filterable, with each event's detail and the grid as a file.
import { useEffect, useRef } from 'react';
import type { AwaitingGroup, AwaitingFilter } from '../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { Amount } from '../components/Amount.tsx';
import { codeLabel, formatCount } from '../format/formatters.ts';
import { SearchBox } from './matches/SearchBox.tsx';
import { useScreenKeys } from './matches/useScreenKeys.ts';
import { AwaitingGrid } from './awaiting/AwaitingGrid.tsx';
import { AwaitingDetailPane } from './awaiting/AwaitingDetailPane.tsx';
import { ExportButtons } from '../components/ExportButtons.tsx';
import { IdsToggle } from '../components/IdsToggle.tsx';
import './awaiting/awaiting.css';

type Code = NonNullable<AwaitingFilter['codes']>[number];

/** The filter a group's sentence selects: its code, its kind and the sources it waits on (the first, when several). */
export function filterForGroup(g: AwaitingGroup): AwaitingFilter {
  return { codes: [g.code], kinds: [g.kind], waitingOn: g.waitingOn[0]?.source };
}

function Groups({ groups }: { groups: AwaitingGroup[] }) {
  const store = useAppStore();
  if (groups.length === 0) return null;
  return (
    <ul className="awaiting-groups" aria-label="What waits on which feed">
      {groups.map((g) => (
        <li key={`${g.code}:${g.kind}:${g.waitingOn.map((w) => w.source).join(' ')}`}>
          <button
            type="button"
            className="link-button"
            title="Show these events"
            onClick={() => store.getState().setAwaitingFilter(filterForGroup(g))}
          >
            {g.summary}
          </button>{' '}
          <span className="muted">
            (
            {g.amount.map((m, i) => (
              <span key={m.currency}>
                {i > 0 ? ' + ' : ''}
                <Amount minor={m.amountMinor} currency={m.currency} magnitude />
              </span>
            ))}
            )
          </span>
        </li>
      ))}
    </ul>
  );
}

function Filters({ groups, searchRef }: { groups: AwaitingGroup[]; searchRef: React.RefObject<HTMLInputElement | null> }) {
  const store = useAppStore();
  const filter = useApp((s) => s.awaitingFilter);
  const set = store.getState().setAwaitingFilter;
  const codes = [...new Set(groups.map((g) => g.code))].sort();
  const sources = [...new Set(groups.flatMap((g) => g.waitingOn.map((w) => w.source)))].sort();
  const code = filter.codes?.[0] ?? '';
  const waitingOn = filter.waitingOn ?? '';
  const filtered = code !== '' || waitingOn !== '' || (filter.kinds?.length ?? 0) > 0 || (filter.search ?? '').trim() !== '';
  return (
    <>
      <label>
        Would become
        <select value={code} onChange={(e) => set({ codes: e.target.value === '' ? undefined : [e.target.value as Code], kinds: undefined })}>
          <option value="">Any</option>
          {codes.map((c) => (
            <option key={c} value={c}>
              {codeLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Waiting on
        <select value={waitingOn} onChange={(e) => set({ waitingOn: e.target.value === '' ? undefined : e.target.value })}>
          <option value="">Any source</option>
          {sources.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <SearchBox
        label="Search awaiting events"
        hint="External id, order, customer, description"
        value={filter.search ?? ''}
        onApply={(search) => set({ search })}
        inputRef={searchRef}
      />
      {filtered ? (
        <button
          type="button"
          className="ghost"
          onClick={() => store.getState().setAwaitingFilter({ codes: undefined, kinds: undefined, waitingOn: undefined, search: undefined })}
        >
          Clear filters
        </button>
      ) : null}
    </>
  );
}

export function AwaitingScreen() {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const total = useApp((s) => s.awaitingTotal);
  const summary = useApp((s) => s.awaitingSummary);
  const selectedId = useApp((s) => s.awaitingSelectedId);
  const periodVersion = useApp((s) => s.periodVersion);
  const changed = useApp((s) => `${s.changes.imports}:${s.changes.matches}:${s.changes.exceptions}`);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void store.getState().loadAwaitingSummary();
  }, [store, periodVersion, changed]);
  useEffect(() => {
    store.getState().closeAwaiting();
  }, [store, periodVersion]);
  useScreenKeys({ onSlash: () => searchRef.current?.focus(), onEscape: () => store.getState().closeAwaiting() });

  const groups = summary?.groups ?? [];
  const none = summary !== null && summary.events === 0;
  return (
    <>
      <div className="toolbar awaiting-toolbar" role="search" aria-label="Awaiting filters">
        <h1>Awaiting data</h1>
        <span className="spacer" />
        <Filters groups={groups} searchRef={searchRef} />
        <span className="muted" role="status">
          {total === null ? 'Loading…' : `${formatCount(total, prefs.locale)} ${total === 1 ? 'event' : 'events'}`}
        </span>
        <IdsToggle />
        <ExportButtons what="awaiting events" view={() => ({ grid: 'awaiting', ...store.getState().awaitingView() })} />
      </div>
      <p className="awaiting-intro muted">
        Not exceptions: each event’s counterpart may still come, because a source that could hold it has not delivered that far. When it has, the
        event is matched or its exception opens by itself.
      </p>
      {none ? (
        <p className="empty">Nothing in this period awaits data: every source that could hold a counterpart has delivered past it.</p>
      ) : (
        <Groups groups={groups} />
      )}
      <div className="split">
        <AwaitingGrid />
        {selectedId !== null ? <AwaitingDetailPane /> : null}
      </div>
    </>
  );
}
