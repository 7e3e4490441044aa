// The workspace settings a person edits: name, reporting currency, time zone, locale and the policy gate.
import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { SettingsField, SettingsFieldErrors } from '../../store/settingsSlice.ts';
import { FormField } from './FormField.tsx';
import { draftChanged, draftFromSettings, settingsFromDraft, type SettingsDraft } from './settingsForm.ts';
import { LOCALE_CHOICES } from './regionalChoices.ts';
import { RegionalDatalists } from './RegionalDatalists.tsx';

/** Which contract field each draft field is validated as. */
const DRAFT_FIELD: Record<keyof SettingsDraft, SettingsField> = {
  name: 'name',
  reportingCurrency: 'reportingCurrency',
  timeZone: 'timeZone',
  locale: 'locale',
  policyGate: 'policyGateMinor',
};

export function SettingsForm({ saved }: { saved: Settings }) {
  const store = useAppStore();
  const saving = useApp((s) => s.settingsSaving);
  const backendErrors = useApp((s) => s.settingsFieldErrors);
  const savedDraft = draftFromSettings(saved);
  const [draft, setDraft] = useState<SettingsDraft>(savedDraft);
  const [localErrors, setLocalErrors] = useState<SettingsFieldErrors>({});
  const changed = draftChanged(draft, savedDraft);

  const errorOf = (field: SettingsField): string | undefined => localErrors[field] ?? backendErrors[field];

  function edit(key: keyof SettingsDraft, value: string) {
    setDraft((d) => ({ ...d, [key]: value }));
    const field = DRAFT_FIELD[key];
    setLocalErrors(({ [field]: _cleared, ...rest }) => rest);
    if (store.getState().settingsFieldErrors[field] !== undefined) store.getState().clearSettingsFieldError(field);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = settingsFromDraft(draft, saved.locale);
    if (!result.ok) {
      setLocalErrors(result.errors);
      return;
    }
    setLocalErrors({});
    if (await store.getState().saveSettings(result.settings)) setDraft(draftFromSettings(result.settings));
  }

  function discard() {
    setDraft(savedDraft);
    setLocalErrors({});
    for (const field of Object.keys(store.getState().settingsFieldErrors) as SettingsField[]) store.getState().clearSettingsFieldError(field);
  }

  const localeListed = LOCALE_CHOICES.some((c) => c.locale === draft.locale);
  const gateCurrency = draft.reportingCurrency.trim().toUpperCase() || saved.reportingCurrency;

  return (
    <form className="panel settings-form" aria-label="Workspace settings" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Workspace</h2>
      <div className="settings-fields">
        <FormField id="settings-name" label="Name" error={errorOf('name')}>
          <input value={draft.name} maxLength={200} onChange={(e) => edit('name', e.target.value)} />
        </FormField>
        <FormField id="settings-currency" label="Reporting currency" error={errorOf('reportingCurrency')} hint="ISO 4217 code, e.g. EUR">
          <input
            className="mono currency-input"
            value={draft.reportingCurrency}
            maxLength={3}
            list="settings-currency-codes"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => edit('reportingCurrency', e.target.value.toUpperCase())}
          />
        </FormField>
        <FormField id="settings-time-zone" label="Time zone" error={errorOf('timeZone')} hint="IANA name, e.g. Europe/Berlin">
          <input
            value={draft.timeZone}
            list="settings-time-zones"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => edit('timeZone', e.target.value)}
          />
        </FormField>
        <FormField id="settings-locale" label="Locale" error={errorOf('locale')} hint="Number and date formats">
          <select value={draft.locale} onChange={(e) => edit('locale', e.target.value)}>
            {!localeListed && <option value={draft.locale}>{draft.locale}</option>}
            {LOCALE_CHOICES.map((c) => (
              <option key={c.locale} value={c.locale}>
                {c.locale} — {c.label}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          id="settings-policy-gate"
          label={`Policy gate (${gateCurrency})`}
          error={errorOf('policyGateMinor')}
          hint="Above this amount a person signs off any exception, whatever its class."
          className="policy-gate-field"
        >
          <input
            className="num"
            value={draft.policyGate}
            inputMode="decimal"
            autoComplete="off"
            onChange={(e) => edit('policyGate', e.target.value)}
          />
        </FormField>
      </div>
      <RegionalDatalists currencyListId="settings-currency-codes" timeZoneListId="settings-time-zones" />
      <div className="toolbar settings-actions">
        <button type="submit" className="primary" disabled={!changed || saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" disabled={!changed || saving} onClick={discard}>
          Discard changes
        </button>
        {changed && !saving && <span className="muted">Unsaved changes</span>}
      </div>
    </form>
  );
}
