// Gives components the app store and the API (for calls that need no shared state, e.g. a grid's pages).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { TieoutApi } from '../../../shared/api/contract.ts';
import type { AppState, AppStore } from './appStore.ts';

interface AppContextValue {
  store: AppStore;
  api: TieoutApi;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ store, api, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ store, api }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('AppProvider is missing above this component');
  return value;
}

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useAppStore(): AppStore {
  return useAppContext().store;
}

export function useApi(): TieoutApi {
  return useAppContext().api;
}
