// The renderer's one store, assembled from slices; `createAppStore(api)` is what the app and the tests build.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TieoutApi } from '../../../shared/api/contract.ts';
import { createUiSlice, type UiSlice } from './uiSlice.ts';
import { createWorkspaceSlice, type WorkspaceSlice } from './workspaceSlice.ts';
import { createDashboardSlice, type DashboardSlice } from './dashboardSlice.ts';
import { createExceptionsSlice, type ExceptionsSlice } from './exceptionsSlice.ts';
import { createMatchesSlice, type MatchesSlice } from './matchesSlice.ts';
import { createPayoutsSlice, type PayoutsSlice } from './payoutsSlice.ts';
import { createImportSlice, type ImportSlice } from './importSlice.ts';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice.ts';
import { createPeriodSlice, type PeriodSlice } from './periodSlice.ts';
import { createAwaitingSlice, type AwaitingSlice } from './awaitingSlice.ts';
import { createRulesSlice, type RulesSlice } from './rulesSlice.ts';
import { createOwnersSlice, type OwnersSlice } from './ownersSlice.ts';
import { createGrowthSlice, type GrowthSlice } from './growthSlice.ts';
import { createConnectorsSlice, type ConnectorsSlice } from './connectorsSlice.ts';
import { createCloseSlice, type CloseSlice } from './closeSlice.ts';

export type AppState = UiSlice &
  WorkspaceSlice &
  PeriodSlice &
  DashboardSlice &
  ExceptionsSlice &
  AwaitingSlice &
  GrowthSlice &
  MatchesSlice &
  PayoutsSlice &
  ImportSlice &
  ConnectorsSlice &
  RulesSlice &
  SettingsSlice &
  OwnersSlice &
  CloseSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(api: TieoutApi): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createUiSlice(api)(...a),
    ...createWorkspaceSlice(api)(...a),
    ...createPeriodSlice(api)(...a),
    ...createDashboardSlice(api)(...a),
    ...createExceptionsSlice(api)(...a),
    ...createAwaitingSlice(api)(...a),
    ...createGrowthSlice(api)(...a),
    ...createMatchesSlice(api)(...a),
    ...createPayoutsSlice(api)(...a),
    ...createImportSlice(api)(...a),
    ...createConnectorsSlice(api)(...a),
    ...createRulesSlice(api)(...a),
    ...createSettingsSlice(api)(...a),
    ...createOwnersSlice(api)(...a),
    ...createCloseSlice(api)(...a),
  }));
}
