// The rule set in force and its amount tolerances and time windows, read-only: a tolerance is changed in the Rules
// screen, where the change becomes a version in shadow, compared with the live results and promoted (DESIGN §8).
import type { SettingsView } from '../../store/settingsSlice.ts';
import { useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount } from '../../format/formatters.ts';

export function TolerancesPanel({ ruleSet, tolerances }: Pick<SettingsView, 'ruleSet' | 'tolerances'>) {
  const store = useAppStore();
  const { locale } = useDisplayPrefs();
  const n = (d: number | null) => (d === null ? '—' : formatCount(d, locale));
  return (
    <section className="panel settings-tolerances" aria-labelledby="settings-tolerances-heading">
      <h2 id="settings-tolerances-heading">Matching tolerances</h2>
      <p>
        Rule set in force: <code>{ruleSet.id}</code>, version {ruleSet.version}.
      </p>
      <p className="muted">
        Tolerances are changed in the Rules screen: a change is saved as a new version that runs in shadow beside the live results, is compared with
        them, and acts only once promoted.
      </p>
      {tolerances.length === 0 ? (
        <p className="empty">This rule set has no rules.</p>
      ) : (
        <table className="simple" aria-label="Tolerances per rule">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Description</th>
              <th className="num">Tolerance (minor units)</th>
              <th className="num">Tolerance (bps)</th>
              <th className="num">Rounding (minor units)</th>
              <th className="num">Window before (days)</th>
              <th className="num">Window after (days)</th>
            </tr>
          </thead>
          <tbody>
            {tolerances.map((t) => (
              <tr key={t.ruleId}>
                <td>
                  <code>{t.ruleId}</code>
                </td>
                <td>{t.description}</td>
                <td className="num">{n(t.toleranceMinor)}</td>
                <td className="num">{n(t.toleranceBps)}</td>
                <td className="num">{n(t.roundingMinor)}</td>
                <td className="num">{n(t.windowBeforeDays)}</td>
                <td className="num">{n(t.windowAfterDays)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => store.getState().showScreen('rules')}>
        Edit the rules and their tolerances
      </button>
    </section>
  );
}
