// "Create a workspace": a name, a folder (suggested from the name), the reporting currency, time zone and locale.
import { useState, type FormEvent } from 'react';
import type { RequestOf } from '../../../../shared/api/contract.ts';
import { isCurrencyCode } from '../../../../shared/money/currencies.ts';
import { useAppStore } from '../../store/storeContext.tsx';
import { FormField } from '../settings/FormField.tsx';
import { LOCALE_CHOICES, currencyForLocale, defaultLocale, defaultTimeZone, isKnownTimeZone } from '../settings/regionalChoices.ts';
import { RegionalDatalists } from '../settings/RegionalDatalists.tsx';
import { callFailure, type CallFailure } from './firstLaunchErrors.ts';
import type { FirstLaunchRunner } from './firstLaunchTypes.ts';
import { useSuggestedPath } from './useSuggestedPath.ts';

const FIELDS = ['path', 'name', 'reportingCurrency', 'timeZone', 'locale'] as const;
type Field = (typeof FIELDS)[number];

export function CreateWorkspaceForm({ runner }: { runner: FirstLaunchRunner }) {
  const store = useAppStore();
  const [name, setName] = useState('');
  const [typedPath, setTypedPath] = useState<string | null>(null);
  const [locale, setLocale] = useState(() => defaultLocale(navigator.language));
  const [currency, setCurrency] = useState(() => currencyForLocale(locale));
  const [timeZone, setTimeZone] = useState(defaultTimeZone);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const suggestedPath = useSuggestedPath(name);
  const path = typedPath ?? suggestedPath ?? '';

  function edited(field: Field) {
    setErrors(({ [field]: _cleared, ...rest }) => rest);
    setFailure(null);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (path.trim() === '') found.path = 'Choose a folder for the workspace.';
    if (!isCurrencyCode(currency)) found.reportingCurrency = `"${currency}" is not an ISO 4217 currency code (e.g. EUR, USD, GBP).`;
    if (!isKnownTimeZone(timeZone.trim())) found.timeZone = `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin).`;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const request: RequestOf<'workspace.create'> = { path: path.trim(), reportingCurrency: currency, timeZone: timeZone.trim(), locale };
    if (name.trim() !== '') request.name = name.trim();
    const err = await runner.run('create', () => store.getState().createWorkspace(request));
    if (err === null) return;
    const f: CallFailure = callFailure(err, FIELDS);
    if (f.field === null) setFailure(f.message);
    else setErrors({ [f.field]: f.message });
  }

  return (
    <form className="panel first-launch-path" aria-labelledby="create-workspace-heading" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="create-workspace-heading">Create a workspace</h2>
      <p className="muted">A new, empty folder that will hold the ledger of your imports, matches and decisions.</p>
      <div className="first-launch-fields">
        <FormField id="create-name" label="Name" error={errors.name}>
          <input
            value={name}
            maxLength={200}
            onChange={(e) => {
              setName(e.target.value);
              edited('name');
            }}
          />
        </FormField>
        <FormField id="create-path" label="Folder" error={errors.path} className="wide">
          <input
            className="mono"
            value={path}
            spellCheck={false}
            onChange={(e) => {
              // An emptied field goes back to following the name.
              setTypedPath(e.target.value === '' ? null : e.target.value);
              edited('path');
            }}
          />
        </FormField>
        <FormField id="create-currency" label="Reporting currency" error={errors.reportingCurrency}>
          <input
            className="mono currency-input"
            value={currency}
            maxLength={3}
            list="create-currency-codes"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setCurrency(e.target.value.toUpperCase());
              edited('reportingCurrency');
            }}
          />
        </FormField>
        <FormField id="create-time-zone" label="Time zone" error={errors.timeZone}>
          <input
            value={timeZone}
            list="create-time-zones"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setTimeZone(e.target.value);
              edited('timeZone');
            }}
          />
        </FormField>
        <FormField id="create-locale" label="Locale" error={errors.locale}>
          <select
            value={locale}
            onChange={(e) => {
              setLocale(e.target.value);
              edited('locale');
            }}
          >
            {LOCALE_CHOICES.map((c) => (
              <option key={c.locale} value={c.locale}>
                {c.locale} — {c.label}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <RegionalDatalists currencyListId="create-currency-codes" timeZoneListId="create-time-zones" />
      {failure !== null && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={runner.busy !== null}>
          {runner.busy === 'create' ? 'Creating…' : 'Create workspace'}
        </button>
      </div>
    </form>
  );
}
