// The rule set in force and its amount tolerances and time windows. Tolerances can be changed here: saving makes a
// new version of the workspace's rule set (versions are immutable, so past runs stay reproducible) and re-runs
// the month under it; the reason is journaled with the before and after.
import { useEffect, useState } from 'react';
import type { SettingsView } from '../../store/settingsSlice.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount } from '../../format/formatters.ts';

type Row = SettingsView['tolerances'][number];
type Field = 'toleranceMinor' | 'toleranceBps' | 'roundingMinor';
const FIELDS: readonly Field[] = ['toleranceMinor', 'toleranceBps', 'roundingMinor'];
const FIELD_LABELS: Record<Field, string> = { toleranceMinor: 'tolerance (minor units)', toleranceBps: 'tolerance (bps)', roundingMinor: 'rounding (minor units)' };

type Draft = Record<string, Record<Field, string>>;

function draftOf(rows: readonly Row[]): Draft {
  return Object.fromEntries(rows.map((r) => [r.ruleId, { toleranceMinor: String(r.toleranceMinor), toleranceBps: String(r.toleranceBps), roundingMinor: String(r.roundingMinor) }]));
}

/** A whole, non-negative number of minor units or basis points; null when the text is not one. */
export function wholeNumber(text: string, max = Number.MAX_SAFE_INTEGER): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n <= max ? n : null;
}

/** The rules whose tolerances differ from the rule set in force, as the API wants them; or the first problem. */
export function changedTolerances(rows: readonly Row[], draft: Draft): { ok: true; changes: { ruleId: string; toleranceMinor: number; toleranceBps: number; roundingMinor: number }[] } | { ok: false; error: string } {
  const changes = [];
  for (const row of rows) {
    const d = draft[row.ruleId];
    if (d === undefined) continue;
    const values: Partial<Record<Field, number>> = {};
    for (const f of FIELDS) {
      const v = wholeNumber(d[f], f === 'toleranceBps' ? 10_000 : undefined);
      if (v === null) return { ok: false, error: `${row.ruleId}: ${FIELD_LABELS[f]} must be a whole number${f === 'toleranceBps' ? ' from 0 to 10,000' : ' of 0 or more'}` };
      values[f] = v;
    }
    const next = { ruleId: row.ruleId, toleranceMinor: values.toleranceMinor ?? 0, toleranceBps: values.toleranceBps ?? 0, roundingMinor: values.roundingMinor ?? 0 };
    if (next.toleranceMinor !== row.toleranceMinor || next.toleranceBps !== row.toleranceBps || next.roundingMinor !== row.roundingMinor) changes.push(next);
  }
  return { ok: true, changes };
}

export function TolerancesPanel({ ruleSet, tolerances }: Pick<SettingsView, 'ruleSet' | 'tolerances'>) {
  const store = useAppStore();
  const saving = useApp((s) => s.settingsSaving);
  const { locale } = useDisplayPrefs();
  const [draft, setDraft] = useState<Draft>(() => draftOf(tolerances));
  const [reason, setReason] = useState('');
  useEffect(() => setDraft(draftOf(tolerances)), [tolerances]);
  const days = (d: number | null) => (d === null ? '—' : formatCount(d, locale));
  const changed = changedTolerances(tolerances, draft);
  const problem = !changed.ok ? changed.error : changed.changes.length === 0 ? null : reason.trim() === '' ? 'Give a reason: it is journaled with the change.' : null;
  const dirty = !changed.ok || changed.changes.length > 0;

  async function save() {
    if (!changed.ok || changed.changes.length === 0 || reason.trim() === '') return;
    if (await store.getState().saveTolerances({ tolerances: changed.changes, reason })) setReason('');
  }

  return (
    <section className="panel settings-tolerances" aria-labelledby="settings-tolerances-heading">
      <h2 id="settings-tolerances-heading">Matching tolerances</h2>
      <p>
        Rule set in force: <code>{ruleSet.id}</code>, version {ruleSet.version}.
      </p>
      <p className="muted">
        Saving changed tolerances makes a new version of this workspace&apos;s rule set and re-runs the month under it. Earlier versions stay stored
        unchanged, so past results remain reproducible; the change and its reason go into the journal.
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
                {FIELDS.map((f) => (
                  <td key={f} className="num">
                    <input
                      className="num tolerance-input"
                      inputMode="numeric"
                      size={6}
                      aria-label={`${t.ruleId} ${FIELD_LABELS[f]}`}
                      value={draft[t.ruleId]?.[f] ?? ''}
                      onChange={(e) => {
                        const value = e.target.value;
                        setDraft((d) => ({ ...d, [t.ruleId]: { ...(d[t.ruleId] as Record<Field, string>), [f]: value } }));
                      }}
                    />
                  </td>
                ))}
                <td className="num">{days(t.windowBeforeDays)}</td>
                <td className="num">{days(t.windowAfterDays)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dirty ? (
        <div className="field-row tolerance-save">
          <label>
            Reason for the change
            <input type="text" size={48} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. the processor rounds to 5 cents" />
          </label>
          <button type="button" className="primary" disabled={saving || problem !== null} onClick={() => void save()}>
            Save as a new rule set version and re-run
          </button>
          <button type="button" className="ghost" disabled={saving} onClick={() => setDraft(draftOf(tolerances))}>
            Discard changes
          </button>
          {problem !== null ? (
            <span className="field-error" role="alert">
              {problem}
            </span>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
