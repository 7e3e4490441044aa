// The rule set in force and its amount tolerances and time windows, read-only: they belong to the rule set.
import type { SettingsView } from '../../store/settingsSlice.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount } from '../../format/formatters.ts';

export function TolerancesPanel({ ruleSet, tolerances }: Pick<SettingsView, 'ruleSet' | 'tolerances'>) {
  const { locale } = useDisplayPrefs();
  const days = (d: number | null) => (d === null ? '—' : formatCount(d, locale));
  return (
    <section className="panel settings-tolerances" aria-labelledby="settings-tolerances-heading">
      <h2 id="settings-tolerances-heading">Matching tolerances</h2>
      <p>
        Rule set in force: <code>{ruleSet.id}</code>, version {ruleSet.version}.
      </p>
      <p className="muted">
        Tolerances belong to the versioned rule set and change only by running a new rule set version (
        <code>tieout reconcile --rules FILE</code>), so past results stay reproducible.
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
                <td className="num">{formatCount(t.toleranceMinor, locale)}</td>
                <td className="num">{formatCount(t.toleranceBps, locale)}</td>
                <td className="num">{formatCount(t.roundingMinor, locale)}</td>
                <td className="num">{days(t.windowBeforeDays)}</td>
                <td className="num">{days(t.windowAfterDays)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
