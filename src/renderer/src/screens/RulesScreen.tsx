// Rules (DESIGN §8): the rule set versions and their states; a version in shadow compared with the live results
// (counts and money per category and rule, graded against people's decisions, its observation window) with the grid
// of its differences, each opening both explanations side by side; editing a new version (saved in shadow); promotion
// (refused without its window, or overridden with a reason; or as a canary), widening a canary, rolling back.
import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { useDisplayPrefs } from '../components/useDisplayPrefs.ts';
import { IdsToggle } from '../components/IdsToggle.tsx';
import { ExportButtons } from '../components/ExportButtons.tsx';
import { formatCount } from '../format/formatters.ts';
import { VersionsPanel } from './rules/VersionsPanel.tsx';
import { ComparisonPanel } from './rules/ComparisonPanel.tsx';
import { DiffGrid } from './rules/DiffGrid.tsx';
import { DiffDetailPane } from './rules/DiffDetailPane.tsx';
import { RuleEditor } from './rules/RuleEditor.tsx';
import { useScreenKeys } from './matches/useScreenKeys.ts';
import './rules/rules.css';

function Differences() {
  const store = useAppStore();
  const { locale } = useDisplayPrefs();
  const total = useApp((s) => s.rulesDiffTotal);
  const filter = useApp((s) => s.rulesDiffFilter);
  const open = useApp((s) => s.rulesDiffOpen);
  return (
    <>
      <div className="toolbar rules-diff-toolbar">
        <h2>Differences</h2>
        <span className="spacer" />
        {filter.categories !== undefined ? (
          <button type="button" className="ghost" onClick={() => store.getState().setRulesDiffFilter({ categories: undefined })}>
            Show every category
          </button>
        ) : null}
        <span className="muted" role="status">
          {total === null ? 'Loading…' : `${formatCount(total, locale)} ${total === 1 ? 'difference' : 'differences'} in the period`}
        </span>
        <IdsToggle />
        <ExportButtons what="differences" view={() => ({ grid: 'ruleDiffs', ...store.getState().rulesDiffsView() })} />
      </div>
      <div className="split rules-split">
        <DiffGrid />
        {open !== null ? <DiffDetailPane /> : null}
      </div>
    </>
  );
}

export function RulesScreen() {
  const store = useAppStore();
  const data = useApp((s) => s.rulesVersions);
  const loadError = useApp((s) => s.rulesLoadError);
  const editing = useApp((s) => s.rulesEditing);
  const selected = useApp((s) => s.rulesSelected);
  const comparison = useApp((s) => s.rulesComparison);
  const comparisonError = useApp((s) => s.rulesComparisonError);
  const changed = useApp((s) => `${s.changes.imports}:${s.changes.matches}:${s.changes.exceptions}:${s.changes.rules}`);

  useEffect(() => {
    void store.getState().loadRules();
  }, [store, changed]);
  useScreenKeys({ onSlash: () => undefined, onEscape: () => store.getState().closeDiff() });

  const state = data?.versions.find((v) => v.version === selected)?.state ?? null;
  return (
    <div className="rules-screen">
      <div className="toolbar">
        <h1>Rules</h1>
        <span className="spacer" />
        {!editing ? (
          <button type="button" className="primary" onClick={() => store.getState().setRulesEditing(true)}>
            Edit a new version
          </button>
        ) : null}
      </div>
      {loadError !== null ? (
        <div className="panel error-panel" role="alert">
          <p>The rule set versions could not be read: {loadError}</p>
          <button type="button" onClick={() => void store.getState().loadRules()}>
            Try again
          </button>
        </div>
      ) : null}
      {editing ? <RuleEditor /> : null}
      {data === null ? (
        loadError === null ? (
          <p className="muted" role="status">
            Reading the rule set versions…
          </p>
        ) : null
      ) : (
        <VersionsPanel data={data} />
      )}
      {selected === null ? (
        data !== null && !editing ? (
          <p className="empty">
            {data.versions.some((v) => !v.inForce)
              ? 'Choose a version above to compare it with the live results, or edit a new one.'
              : 'No version to compare: edit a new version; it is saved in shadow and compared here with the live results.'}
          </p>
        ) : null
      ) : comparisonError !== null ? (
        <p role="alert">
          The comparison of {selected} could not be made: {comparisonError}
        </p>
      ) : comparison === null ? (
        <p className="muted" role="status">
          Comparing {selected} with the live results…
        </p>
      ) : (
        <>
          <ComparisonPanel comparison={comparison} state={state ?? ''} />
          <Differences />
        </>
      )}
    </div>
  );
}
