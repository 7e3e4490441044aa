// The real app store over a contract-checked fake API, and rendering a component inside it, for component tests.
import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';

export function appOver(handlers: FakeHandlers): { fake: FakeApi; store: AppStore } {
  const fake = createFakeApi(handlers);
  return { fake, store: createAppStore(fake) };
}

export function renderInApp(fake: FakeApi, store: AppStore, ui: ReactNode) {
  return render(
    <AppProvider store={store} api={fake}>
      {ui}
    </AppProvider>,
  );
}
