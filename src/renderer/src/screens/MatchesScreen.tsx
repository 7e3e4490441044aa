// Matches: every tie the engine or a person made, filterable by status and link and searchable by id, with the
// open match's events, explanation and history beside the list, and Unmatch.
import { useEffect, useRef } from 'react';
import { MatchStatusSchema, type MatchRow } from '../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { formatCount } from '../format/formatters.ts';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { SearchBox } from './matches/SearchBox.tsx';
import { useScreenKeys } from './matches/useScreenKeys.ts';
import { MatchesGrid } from './matches/MatchesGrid.tsx';
import { MatchDetailPane } from './matches/MatchDetailPane.tsx';
import { linkChoices, STATUS_LABELS } from './matches/matchText.ts';
import { linkLabel } from '../format/formatters.ts';
import { ExportButtons } from '../components/ExportButtons.tsx';
import { IdsToggle } from '../components/IdsToggle.tsx';
import './matches/matches.css';

function isStatus(value: string): value is MatchRow['status'] {
  return MatchStatusSchema.safeParse(value).success;
}

export function MatchesScreen() {
  const store = useAppStore();
  const filter = useApp((s) => s.matchesFilter);
  const total = useApp((s) => s.matchesTotal);
  const linksSeen = useApp((s) => s.matchesLinksSeen);
  const selectedId = useApp((s) => s.matchesSelectedId);
  const prefs = useDisplayPrefs();
  const searchRef = useRef<HTMLInputElement>(null);
  const periodVersion = useApp((s) => s.periodVersion);
  const seenPeriod = useRef(periodVersion);
  useEffect(() => {
    if (seenPeriod.current === periodVersion) return;
    seenPeriod.current = periodVersion;
    store.getState().closeMatch();
  }, [store, periodVersion]);
  const status = filter.statuses?.[0] ?? '';
  const link = filter.links?.[0] ?? '';
  const filtered = status !== '' || link !== '' || (filter.search ?? '').trim() !== '';

  useScreenKeys({
    onSlash: () => searchRef.current?.focus(),
    onEscape: () => store.getState().closeMatch(),
  });

  const setFilter = store.getState().setMatchesFilter;
  return (
    <>
      <div className="toolbar matches-toolbar" role="search" aria-label="Match filters">
        <h1>Matches</h1>
        <span className="spacer" />
        <label>
          Status
          <select value={status} onChange={(e) => setFilter({ statuses: isStatus(e.target.value) ? [e.target.value] : undefined })}>
            <option value="">Any</option>
            {MatchStatusSchema.options.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Link
          <select value={link} onChange={(e) => setFilter({ links: e.target.value !== '' ? [e.target.value] : undefined })}>
            <option value="">Any</option>
            {linkChoices(linksSeen).map((l) => (
              <option key={l} value={l}>
                {linkLabel(l)}
              </option>
            ))}
          </select>
        </label>
        <SearchBox
          label="Search matches"
          hint="Match id, rule id, external id, order ref"
          value={filter.search ?? ''}
          onApply={(search) => setFilter({ search })}
          inputRef={searchRef}
        />
        {filtered ? (
          <button type="button" className="ghost" onClick={() => setFilter({ statuses: undefined, links: undefined, search: undefined })}>
            Clear filters
          </button>
        ) : null}
        <span className="muted" role="status">
          {total === null ? 'Loading…' : `${formatCount(total, prefs.locale)} ${total === 1 ? 'match' : 'matches'}`}
        </span>
        <IdsToggle />
        <ExportButtons what="matches" view={() => ({ grid: 'matches', ...store.getState().matchesView() })} />
      </div>
      {total === 0 ? (
        <p className="empty">
          {filtered
            ? 'No match fits these filters. Clear the filters to see every match.'
            : 'No matches in this period. Choose another period above, or import orders, payments and bank statements on the Sources screen; matching runs after every import.'}
        </p>
      ) : null}
      <div className="split">
        <MatchesGrid />
        {selectedId !== null ? <MatchDetailPane /> : null}
      </div>
    </>
  );
}
