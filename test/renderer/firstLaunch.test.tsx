// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { FirstLaunchScreen } from '../../src/renderer/src/screens/FirstLaunchScreen.tsx';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';

afterEach(cleanup);

function info(path: string, name: string): WorkspaceInfo {
  return { path, name, reportingCurrency: 'EUR', timeZone: 'Europe/Berlin', locale: 'de-DE', policyGateMinor: 100_000, eventCount: 0 };
}

const recent = [
  { path: '/books/acme', name: 'Acme', openedAt: '2024-04-01T09:00:00.000Z' },
  { path: '/books/globex', name: 'Globex', openedAt: '2024-03-28T09:00:00.000Z' },
];

async function setup(handlers: FakeHandlers = {}): Promise<{ fake: FakeApi; store: AppStore }> {
  const fake = createFakeApi({
    'workspace.current': () => null,
    'workspace.recent': () => ({ workspaces: recent }),
    'workspace.suggestPath': (r) => ({ path: `/home/ada/Tieout/${r.name}` }),
    'workspace.create': (r) => info(r.path, r.name ?? 'unnamed'),
    'workspace.createDemo': (r) => ({ ...info(r.path, 'Demo month'), eventCount: 4000 }),
    'workspace.open': (r) => info(r.path, 'Opened'),
    ...handlers,
  });
  const store = createAppStore(fake);
  await store.getState().loadWorkspace();
  render(
    <AppProvider store={store} api={fake}>
      <FirstLaunchScreen />
    </AppProvider>,
  );
  return { fake, store };
}

const requestsOf = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.request);

describe('FirstLaunchScreen', () => {
  it('says what Tieout does and offers both paths', async () => {
    await setup();
    expect(screen.getByRole('heading', { name: 'Tieout' })).toBeTruthy();
    expect(screen.getByText(/ties out a month of orders, payments, payouts and bank lines/)).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Create a workspace' })).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Open the demo month' })).toBeTruthy();
  });

  it('creates a workspace with the folder suggested from the typed name', async () => {
    const { fake, store } = await setup();
    const form = screen.getByRole('form', { name: 'Create a workspace' });
    const field = (label: string) => within(form).getByLabelText(label) as HTMLInputElement;
    fireEvent.change(field('Name'), { target: { value: 'Acme March' } });
    await waitFor(() => expect(field('Folder').value).toBe('/home/ada/Tieout/Acme March'));
    fireEvent.change(field('Reporting currency'), { target: { value: 'chf' } });
    fireEvent.change(field('Time zone'), { target: { value: 'Europe/Zurich' } });
    fireEvent.change(field('Locale'), { target: { value: 'de-CH' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create workspace' }));
    await waitFor(() => expect(store.getState().workspace?.path).toBe('/home/ada/Tieout/Acme March'));
    expect(requestsOf(fake, 'workspace.create')).toEqual([
      { path: '/home/ada/Tieout/Acme March', name: 'Acme March', reportingCurrency: 'CHF', timeZone: 'Europe/Zurich', locale: 'de-CH' },
    ]);
  });

  it('keeps a folder the person typed, and shows why the services refused it', async () => {
    const { fake, store } = await setup({
      'workspace.create': () => {
        throw new ApiError({ kind: 'bad_input', message: '/data/full is not empty; choose a new or empty folder for the workspace', field: null });
      },
    });
    const form = screen.getByRole('form', { name: 'Create a workspace' });
    const field = (label: string) => within(form).getByLabelText(label) as HTMLInputElement;
    fireEvent.change(field('Folder'), { target: { value: '/data/full' } });
    fireEvent.change(field('Name'), { target: { value: 'Other name' } });
    // Let a suggestion for the new name arrive: it must not replace the typed folder.
    await waitFor(() => expect(requestsOf(fake, 'workspace.suggestPath')).toContainEqual({ name: 'Other name' }));
    expect(field('Folder').value).toBe('/data/full');
    fireEvent.click(within(form).getByRole('button', { name: 'Create workspace' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('/data/full is not empty; choose a new or empty folder for the workspace');
    expect(store.getState().workspace).toBeNull();
  });

  it('refuses an unknown currency before calling the services', async () => {
    const { fake } = await setup();
    const form = screen.getByRole('form', { name: 'Create a workspace' });
    fireEvent.change(within(form).getByLabelText('Reporting currency'), { target: { value: 'EUX' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create workspace' }));
    expect(await within(form).findByText('"EUX" is not an ISO 4217 currency code (e.g. EUR, USD, GBP).')).toBeTruthy();
    expect(requestsOf(fake, 'workspace.create')).toEqual([]);
  });

  it('opens the demo month as a job in the suggested folder', async () => {
    const { fake, store } = await setup();
    const form = screen.getByRole('form', { name: 'Open the demo month' });
    const orders = within(form).getByLabelText('Orders') as HTMLInputElement;
    expect(orders.value).toBe('500');
    await waitFor(() => expect((within(form).getByLabelText('Folder') as HTMLInputElement).value).toBe('/home/ada/Tieout/Demo month'));
    fireEvent.change(orders, { target: { value: '1200' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Open the demo month' }));
    await waitFor(() => expect(store.getState().workspace?.name).toBe('Demo month'));
    const calls = fake.calls.filter((c) => c.method === 'workspace.createDemo');
    expect(calls.map((c) => c.request)).toEqual([{ path: '/home/ada/Tieout/Demo month', orders: 1200 }]);
    // Through runJob, so the JobsBar shows its progress.
    expect(calls[0]?.callId).toBeDefined();
    expect(store.getState().screen).toBe('dashboard');
  });

  it('keeps the demo size between 200 and 5,000 orders', async () => {
    const { fake } = await setup();
    const form = screen.getByRole('form', { name: 'Open the demo month' });
    await waitFor(() => expect((within(form).getByLabelText('Folder') as HTMLInputElement).value).not.toBe(''));
    fireEvent.change(within(form).getByLabelText('Orders'), { target: { value: '100' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Open the demo month' }));
    expect(await within(form).findByText('Enter a whole number from 200 to 5,000.')).toBeTruthy();
    expect(requestsOf(fake, 'workspace.createDemo')).toEqual([]);
  });

  it('opens a recent workspace with one click', async () => {
    const { fake, store } = await setup();
    const list = screen.getByRole('list', { name: 'Recent workspaces' });
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.querySelector('strong')?.textContent),
    ).toEqual(['Acme', 'Globex']);
    fireEvent.click(within(list).getByRole('button', { name: /Globex/ }));
    await waitFor(() => expect(store.getState().workspace?.path).toBe('/books/globex'));
    expect(requestsOf(fake, 'workspace.open')).toEqual([{ path: '/books/globex' }]);
  });

  it('opens a workspace by folder and says why one cannot be opened', async () => {
    const { fake, store } = await setup({
      'workspace.open': (r) => {
        throw new ApiError({ kind: 'bad_input', message: `${r.path} is not a Tieout workspace (no workspace.json)`, field: null });
      },
    });
    const form = screen.getByRole('form', { name: 'Open a workspace by folder' });
    fireEvent.change(within(form).getByLabelText('Workspace folder'), { target: { value: '/tmp/photos' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Open' }));
    expect((await screen.findByText(/is not a Tieout workspace/)).textContent).toBe('/tmp/photos is not a Tieout workspace (no workspace.json)');
    expect(requestsOf(fake, 'workspace.open')).toEqual([{ path: '/tmp/photos' }]);
    expect(store.getState().workspace).toBeNull();
  });
});
