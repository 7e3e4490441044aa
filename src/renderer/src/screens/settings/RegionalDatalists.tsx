// The suggestion lists behind the currency and time-zone inputs, shared by Settings and the create-workspace form.
import { CURRENCY_CHOICES, timeZoneChoices } from './regionalChoices.ts';

export function RegionalDatalists({ currencyListId, timeZoneListId }: { currencyListId: string; timeZoneListId: string }) {
  return (
    <>
      <datalist id={currencyListId}>
        {CURRENCY_CHOICES.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </datalist>
      <datalist id={timeZoneListId}>
        {timeZoneChoices().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}
