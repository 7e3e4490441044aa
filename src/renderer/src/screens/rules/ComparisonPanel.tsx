// A version beside the live results: how many events it would decide differently and the money at stake, per category
// and per rule; how it grades against what people decided; its observation window; and its promotion (refused with
// what is missing, or overridden with a reason, or as a canary on some sources or exception codes).
import { useState } from 'react';
import type { RuleComparison, DiffCategoryName } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { Amount } from '../../components/Amount.tsx';
import { formatCount, formatPercent } from '../../format/formatters.ts';

export const CATEGORY_WORDS: Record<DiffCategoryName, string> = {
  newly_matched: 'Newly matched',
  newly_unmatched: 'Newly unmatched',
  other_counterpart: 'Other counterpart',
  other_code_or_class: 'Other code or class',
};

function Money({ money }: { money: Array<{ amountMinor: number; currency: string }> }) {
  if (money.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {money.map((m, i) => (
        <span key={m.currency}>
          {i > 0 ? ' + ' : ''}
          <Amount minor={m.amountMinor} currency={m.currency} magnitude />
        </span>
      ))}
    </>
  );
}

function PromoteForm({ version, state, window }: { version: string; state: string; window: RuleComparison['window'] }) {
  const store = useAppStore();
  const busy = useApp((s) => s.rulesBusy);
  const refusal = useApp((s) => s.rulesPromoteRefusal);
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const [canary, setCanary] = useState('');
  if (state !== 'shadow') return null;
  const needsOverride = window !== null && !window.met;
  return (
    <form
      className="promote-form"
      aria-label="Promote"
      onSubmit={(e) => {
        e.preventDefault();
        void store
          .getState()
          .promoteRuleVersion({ version, reason, ...(override ? { overrideWindow: true } : {}), ...(canary.trim() === '' ? {} : { canary }) });
      }}
    >
      <h3>Promote {version}</h3>
      <div className="toolbar">
        <label>
          Reason
          <input type="text" size={40} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <label title="Sources (stripe:main or a kind such as stripe) and exception codes (ROUNDING_DIFF), comma-separated">
          As a canary on (optional)
          <input type="text" size={26} value={canary} onChange={(e) => setCanary(e.target.value)} placeholder="e.g. stripe, ROUNDING_DIFF" />
        </label>
        <label className="inline-check">
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
          Override the observation window (journaled)
        </label>
        <button type="submit" className="primary" disabled={busy || reason.trim() === ''}>
          {canary.trim() === '' ? 'Promote' : 'Promote as a canary'}
        </button>
      </div>
      {needsOverride && !override ? <p className="muted">Its window is not met yet: promotion will be refused unless overridden.</p> : null}
      {refusal !== null ? (
        <p className="field-error" role="alert">
          {refusal}
        </p>
      ) : null}
    </form>
  );
}

export function ComparisonPanel({ comparison, state }: { comparison: RuleComparison; state: string }) {
  const store = useAppStore();
  const { locale } = useDisplayPrefs();
  const filter = useApp((s) => s.rulesDiffFilter);
  const s = comparison.summary;
  const g = comparison.grading;
  const w = comparison.window;
  const pick = (category: DiffCategoryName) =>
    store
      .getState()
      .setRulesDiffFilter({ categories: filter.categories?.length === 1 && filter.categories[0] === category ? undefined : [category] });
  return (
    <section className="panel comparison-panel" aria-label="Comparison">
      <h2>
        {s.version} against the live results ({s.live}): {formatCount(s.diffs, locale)} {s.diffs === 1 ? 'event differs' : 'events differ'} in the
        whole ledger
      </h2>
      <div className="kpis" role="group" aria-label="Differences by category">
        {s.byCategory.map((c) => (
          <button
            key={c.category}
            type="button"
            className={filter.categories?.[0] === c.category ? 'kpi kpi-button active' : 'kpi kpi-button'}
            aria-pressed={filter.categories?.[0] === c.category}
            onClick={() => pick(c.category)}
          >
            <div className="kpi-label">{CATEGORY_WORDS[c.category]}</div>
            <div className="kpi-value">{formatCount(c.count, locale)}</div>
            <div className="kpi-note">
              <Money money={c.money} />
            </div>
          </button>
        ))}
      </div>
      <div className="comparison-facts">
        <div>
          <h3>Graded against people’s decisions</h3>
          {g.decisions === 0 ? (
            <p className="muted">No decision of a person to grade it against yet.</p>
          ) : (
            <p>
              Agrees with {formatPercent(g.agreement, locale)} of {formatCount(g.decisions, locale)} decisions (live rules:{' '}
              {formatPercent(g.live.agreement, locale)}). Estimated false positive rate {formatPercent(g.falsePositiveRate, locale)}:{' '}
              {formatCount(g.overturned, locale)} of {formatCount(g.restsOn, locale)} auto-resolutions a person had overturned (live rules:{' '}
              {formatPercent(g.live.falsePositiveRate, locale)}).
            </p>
          )}
        </div>
        {w !== null ? (
          <div>
            <h3>Observation window</h3>
            <p>
              {w.observedDays.toFixed(1)} of {w.policy.min_observation_days} days of business time observed, {formatCount(w.observedEvents, locale)}{' '}
              new events
              {w.policy.min_observation_events === null ? '' : ` (or ${formatCount(w.policy.min_observation_events, locale)})`}.{' '}
              {w.met ? <strong>Promotion allowed.</strong> : <span>Not met: {w.missing.join('; ')}.</span>}
            </p>
          </div>
        ) : null}
        {s.byRule.length > 0 ? (
          <div>
            <h3>Per rule</h3>
            <table className="simple" aria-label="Differences per rule">
              <tbody>
                {s.byRule.map((r) => (
                  <tr key={`${r.ruleId ?? ''}:${r.category}`}>
                    <td className="mono">{r.ruleId ?? '(leftovers)'}</td>
                    <td>{CATEGORY_WORDS[r.category]}</td>
                    <td className="num">{formatCount(r.count, locale)}</td>
                    <td className="num">
                      <Money money={r.money} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
      <PromoteForm version={s.version} state={state} window={w} />
    </section>
  );
}
