// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type ResponseOf, type Settings, type WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { SettingsScreen } from '../../src/renderer/src/screens/SettingsScreen.tsx';
import { draftFromSettings, settingsFromDraft } from '../../src/renderer/src/screens/settings/settingsForm.ts';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';

afterEach(cleanup);

const saved: Settings = { name: 'Acme', reportingCurrency: 'EUR', timeZone: 'Europe/Berlin', locale: 'en-US', policyGateMinor: 50_000 };

function infoOf(s: Settings): WorkspaceInfo {
  return {
    path: '/books/acme',
    name: s.name,
    reportingCurrency: s.reportingCurrency,
    timeZone: s.timeZone,
    locale: s.locale,
    policyGateMinor: s.policyGateMinor,
    eventCount: 10,
  };
}

function settingsView(s: Settings): ResponseOf<'settings.get'> {
  return {
    settings: s,
    ruleSet: { id: 'default', version: 4 },
    tolerances: [
      {
        ruleId: 'order-payment.exact-key',
        description: 'Order to payment by order ref',
        toleranceMinor: 1,
        toleranceBps: 0,
        roundingMinor: 1,
        windowBeforeDays: 2,
        windowAfterDays: 10,
      },
      {
        ruleId: 'payout-bank',
        description: 'Payout to bank credit',
        toleranceMinor: 0,
        toleranceBps: 5,
        roundingMinor: 0,
        windowBeforeDays: null,
        windowAfterDays: null,
      },
    ],
  };
}

/** A fake whose settings live in one variable, as the services keep them in workspace.json. */
async function setup(extra: FakeHandlers = {}): Promise<{ fake: FakeApi; store: AppStore; current: () => Settings }> {
  let current = saved;
  const fake = createFakeApi({
    'workspace.current': () => infoOf(current),
    'workspace.recent': () => ({ workspaces: [] }),
    'settings.get': () => settingsView(current),
    'settings.update': (r) => {
      current = r;
      return infoOf(current);
    },
    ...extra,
  });
  const store = createAppStore(fake);
  await store.getState().loadWorkspace();
  render(
    <AppProvider store={store} api={fake}>
      <SettingsScreen />
    </AppProvider>,
  );
  await screen.findByRole('form', { name: 'Workspace settings' });
  return { fake, store, current: () => current };
}

const input = (label: RegExp | string) => screen.getByLabelText(label) as HTMLInputElement;
const saveButton = () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;

describe('settings draft', () => {
  it('converts the policy gate exactly in the number style of the saved locale', () => {
    const de: Settings = { ...saved, locale: 'de-DE', policyGateMinor: 123_456_789 };
    const draft = draftFromSettings(de);
    expect(draft.policyGate).toBe('1.234.567,89');
    expect(settingsFromDraft({ ...draft, policyGate: '1.000,01' }, 'de-DE')).toEqual({ ok: true, settings: { ...de, policyGateMinor: 100_001 } });
    // Changing the locale in the same edit does not change how the gate text is read.
    expect(settingsFromDraft({ ...draft, locale: 'en-US', policyGate: '2.500,00' }, 'de-DE')).toMatchObject({
      ok: true,
      settings: { policyGateMinor: 250_000, locale: 'en-US' },
    });
  });

  it('uses the exponent of the currency and refuses what it cannot read', () => {
    const draft = draftFromSettings(saved);
    expect(settingsFromDraft({ ...draft, reportingCurrency: 'jpy', policyGate: '150,000' }, 'en-US')).toMatchObject({
      ok: true,
      settings: { reportingCurrency: 'JPY', policyGateMinor: 150_000 },
    });
    expect(settingsFromDraft({ ...draft, reportingCurrency: 'KWD', policyGate: '1.234' }, 'en-US')).toMatchObject({
      ok: true,
      settings: { policyGateMinor: 1_234 },
    });
    expect(settingsFromDraft({ ...draft, policyGate: '10.005' }, 'en-US')).toEqual({
      ok: false,
      errors: { policyGateMinor: '"10.005" has 3 decimals but EUR allows 2.' },
    });
    expect(settingsFromDraft({ ...draft, policyGate: '-5' }, 'en-US')).toEqual({
      ok: false,
      errors: { policyGateMinor: 'The policy gate cannot be negative.' },
    });
    expect(settingsFromDraft({ ...draft, reportingCurrency: 'EUX', timeZone: 'Mars/Olympus', name: ' ' }, 'en-US')).toEqual({
      ok: false,
      errors: {
        name: 'A name is required.',
        reportingCurrency: '"EUX" is not an ISO 4217 currency code (e.g. EUR, USD, GBP).',
        timeZone: '"Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin, America/New_York).',
      },
    });
  });
});

describe('SettingsScreen', () => {
  it('keeps Save disabled until something changed', async () => {
    await setup();
    expect(input(/Policy gate/).value).toBe('500.00');
    expect(saveButton().disabled).toBe(true);
    fireEvent.change(input('Name'), { target: { value: 'Acme GmbH' } });
    expect(saveButton().disabled).toBe(false);
    fireEvent.change(input('Name'), { target: { value: 'Acme' } });
    expect(saveButton().disabled).toBe(true);
  });

  it('saves a policy gate of "1,000.00" as 100000 minor units, then refreshes the workspace', async () => {
    const { fake, store, current } = await setup();
    fireEvent.change(input(/Policy gate/), { target: { value: '1,000.00' } });
    fireEvent.change(input('Name'), { target: { value: 'Acme GmbH' } });
    fireEvent.click(saveButton());
    await waitFor(() => expect(current().policyGateMinor).toBe(100_000));
    const update = fake.calls.find((c) => c.method === 'settings.update');
    expect(update?.request).toEqual({
      name: 'Acme GmbH',
      reportingCurrency: 'EUR',
      timeZone: 'Europe/Berlin',
      locale: 'en-US',
      policyGateMinor: 100_000,
    });
    await waitFor(() => expect(store.getState().workspace?.name).toBe('Acme GmbH'));
    expect(store.getState().workspace?.policyGateMinor).toBe(100_000);
    expect(store.getState().notices.at(-1)).toMatchObject({ tone: 'success', text: 'Settings saved.' });
    await waitFor(() => expect(input(/Policy gate/).value).toBe('1,000.00'));
    expect(saveButton().disabled).toBe(true);
  });

  it('shows a field error from the services under that field', async () => {
    const { fake } = await setup({
      'settings.update': () => {
        throw new ApiError({ kind: 'bad_input', message: 'timeZone: "America/Nowhere" is not an IANA time zone', field: 'timeZone' });
      },
    });
    fireEvent.change(input('Time zone'), { target: { value: 'America/New_York' } });
    fireEvent.click(saveButton());
    const error = await screen.findByText('"America/Nowhere" is not an IANA time zone');
    const field = input('Time zone');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')?.split(' ')).toContain(error.id);
    expect(field.closest('.form-field')?.contains(error)).toBe(true);
    expect(input('Name').getAttribute('aria-invalid')).toBeNull();
    expect(fake.calls.filter((c) => c.method === 'settings.update')).toHaveLength(1);
    // Editing the field clears its error.
    fireEvent.change(field, { target: { value: 'America/Chicago' } });
    expect(screen.queryByText('"America/Nowhere" is not an IANA time zone')).toBeNull();
  });

  it('refuses an unreadable gate without calling the services', async () => {
    const { fake } = await setup();
    fireEvent.change(input(/Policy gate/), { target: { value: '1.000,00' } });
    fireEvent.click(saveButton());
    expect((await screen.findByText('"1.000,00" has a group separator after the decimal separator.')).className).toBe('field-error');
    expect(fake.calls.some((c) => c.method === 'settings.update')).toBe(false);
  });

  it('shows the rule set in force and its tolerances read-only, editing them in the Rules screen', async () => {
    const { store } = await setup();
    const panel = screen.getByRole('region', { name: 'Matching tolerances' });
    expect(panel.textContent).toContain('Rule set in force: default, version 4.');
    expect(within(panel).queryAllByRole('textbox')).toHaveLength(0);
    const rows = within(within(panel).getByRole('table')).getAllByRole('row');
    expect(
      rows.map((r) =>
        Array.from(r.querySelectorAll('td'))
          .slice(2)
          .map((td) => td.textContent),
      ),
    ).toEqual([[], ['1', '0', '1', '2', '10'], ['0', '5', '0', '—', '—']]);
    fireEvent.click(within(panel).getByRole('button', { name: 'Edit the rules and their tolerances' }));
    expect(store.getState().screen).toBe('rules');
  });

  it('switches the theme', async () => {
    const { store } = await setup();
    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(store.getState().theme).toBe('dark');
  });
});
