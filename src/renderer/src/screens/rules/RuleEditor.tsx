// Editing a new version from the one in force: a form per rule and the whole rule set as JSON, both validated live
// against the shared schema; "Try on an example" shows what the edited rules would make of an event before saving;
// saving (with a reason) creates the version in shadow, so nothing live changes until it is promoted.
import { useEffect, useMemo, useState } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { errorMessage } from '../../store/sliceTypes.ts';
import type { TryExampleResult } from '../../store/rulesSlice.ts';
import { RuleForm } from './RuleForm.tsx';
import { OutcomeItems } from './OutcomeItems.tsx';
import {
  changedRules,
  draftFromText,
  draftText,
  errorsUnder,
  getAt,
  setAt,
  textOf,
  validateDraft,
  type Draft,
  type Json,
  type Path,
} from './ruleDraft.ts';

function ExampleTry({ draft, valid }: { draft: Draft; valid: boolean }) {
  const store = useAppStore();
  const currency = useApp((s) => s.workspace?.reportingCurrency ?? 'USD');
  const [id, setId] = useState('');
  const [result, setResult] = useState<TryExampleResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      setResult(await store.getState().tryRuleExample({ ruleSet: draft, id }));
    } catch (err) {
      setResult(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="panel rule-example" aria-label="Try on an example">
      <h2>Try on an example</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          Event, exception or match id
          <input
            type="text"
            size={44}
            value={id}
            onChange={(e) => setId(e.target.value)}
            placeholder="e.g. an exception id from the Exceptions screen"
          />
        </label>
        <button type="submit" disabled={busy || !valid || id.trim() === ''}>
          Try the edited rules
        </button>
        {!valid ? <span className="muted">Fix the rules’ problems first.</span> : null}
      </form>
      {error !== null ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {result !== null ? (
        <div className="side-by-side">
          <OutcomeItems title="Live now" items={result.live} currency={currency} empty="Nothing: the live rules leave these events alone." />
          <OutcomeItems
            title="With the edited rules"
            items={result.edited}
            currency={currency}
            empty="Nothing: the edited rules leave these events alone."
          />
        </div>
      ) : null}
    </section>
  );
}

export function RuleEditor() {
  const store = useAppStore();
  const busy = useApp((s) => s.rulesBusy);
  const [base, setBase] = useState<{ version: string; draft: Draft } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [view, setView] = useState<'form' | 'json'>('form');
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | null>(null);
  const [ruleIndex, setRuleIndex] = useState(0);
  const [reason, setReason] = useState('');

  useEffect(() => {
    store
      .getState()
      .fetchRuleDefinition()
      .then((d) => {
        const start = d.ruleSet as Draft;
        setBase({ version: d.version, draft: start });
        setDraft(start);
        setText(draftText(start));
      })
      .catch((err: unknown) => setLoadError(errorMessage(err)));
  }, [store]);

  const validation = useMemo(() => (draft === null ? null : validateDraft(draft)), [draft]);
  if (loadError !== null) return <p role="alert">The rules could not be read: {loadError}</p>;
  if (base === null || draft === null || validation === null)
    return (
      <p className="muted" role="status">
        Reading the rules in force…
      </p>
    );

  const rules = Array.isArray(draft['rules']) ? (draft['rules'] as Json[]) : [];
  const changed = changedRules(base.draft, draft);
  const settingsChanged = JSON.stringify(draft['settings']) !== JSON.stringify(base.draft['settings']);
  const problems = textError !== null ? [['(JSON)', textError] as [string, string]] : [...validation.errors];
  const canSave = problems.length === 0 && (changed.length > 0 || settingsChanged) && reason.trim() !== '' && !busy;

  const change = (path: Path, value: Json | undefined) => {
    const next = setAt(draft, path, value);
    setDraft(next);
    setText(draftText(next));
    setTextError(null);
  };
  const editText = (value: string) => {
    setText(value);
    const read = draftFromText(value);
    if (read.ok) {
      setDraft(read.draft);
      setTextError(null);
    } else {
      setTextError(read.error);
    }
  };

  async function save() {
    if (!canSave || draft === null || base === null) return;
    await store.getState().createRuleVersion({ ruleSet: draft, reason, basedOn: base.version });
  }

  return (
    <div className="rule-editor">
      <section className="panel" aria-label="Edit the rules">
        <div className="toolbar">
          <h2>New version from {base.version}</h2>
          <span className="spacer" />
          <div role="radiogroup" aria-label="Editor view" className="segmented">
            <label>
              <input type="radio" name="rule-editor-view" checked={view === 'form'} onChange={() => setView('form')} disabled={textError !== null} />
              Form
            </label>
            <label>
              <input type="radio" name="rule-editor-view" checked={view === 'json'} onChange={() => setView('json')} />
              JSON
            </label>
          </div>
          <button type="button" className="ghost" onClick={() => store.getState().setRulesEditing(false)}>
            Cancel
          </button>
        </div>
        {view === 'form' ? (
          <div className="rule-editor-body">
            <nav className="rule-list" aria-label="Rules">
              {rules.map((r, i) => {
                const n = errorsUnder(validation.errors, ['rules', i]).length;
                const ruleId = textOf(getAt(r, ['id']));
                return (
                  <button
                    key={i}
                    type="button"
                    className={i === ruleIndex ? 'rule-pick active' : 'rule-pick'}
                    aria-current={i === ruleIndex ? 'true' : undefined}
                    onClick={() => setRuleIndex(i)}
                  >
                    <span className="mono">{ruleId}</span>
                    {changed.includes(ruleId) ? <span className="badge">edited</span> : null}
                    {n > 0 ? <span className="badge bad">{n} to fix</span> : null}
                  </button>
                );
              })}
            </nav>
            {rules[ruleIndex] !== undefined ? <RuleForm draft={draft} index={ruleIndex} errors={validation.errors} onChange={change} /> : null}
          </div>
        ) : (
          <label className="rule-json">
            Rule set JSON
            <textarea
              spellCheck={false}
              rows={24}
              value={text}
              onChange={(e) => editText(e.target.value)}
              aria-invalid={problems.length > 0 ? true : undefined}
            />
          </label>
        )}
        {problems.length > 0 ? (
          <div className="rule-problems" role="alert" aria-label="Problems">
            <strong>{problems.length === 1 ? '1 problem' : `${problems.length} problems`} to fix before saving:</strong>
            <ul>
              {problems.slice(0, 12).map(([path, message]) => (
                <li key={path}>
                  <span className="mono">{path}</span>: {message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div className="toolbar rule-save">
          <label>
            Reason for the new version
            <input
              type="text"
              size={56}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. the processor rounds card amounts to 5 cents"
            />
          </label>
          <button type="button" className="primary" disabled={!canSave} onClick={() => void save()}>
            Save as a shadow version
          </button>
          <span className="muted">
            {changed.length === 0 && !settingsChanged
              ? 'Nothing edited yet.'
              : `Edited: ${[...changed, ...(settingsChanged ? ['settings'] : [])].join(', ')}.`}{' '}
            Saved in shadow: it runs beside the live results and acts only once promoted.
          </span>
        </div>
      </section>
      <ExampleTry draft={draft} valid={validation.ok && textError === null} />
    </div>
  );
}
