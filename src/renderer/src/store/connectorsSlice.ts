// Sources connected by API (issue 14): their sync state as the services report it, and "Sync now".
import type { ConnectorStatus } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export interface ConnectorsSlice {
  connectors: ConnectorStatus[] | null;
  /** Whether the services sync on a schedule (the app and `tieout serve` do). */
  connectorsBackground: boolean;
  connectorsError: string | null;
  /** The answer to the last "Sync now", per source. */
  syncNowMessages: Record<string, string>;
  loadConnectors(): Promise<void>;
  syncNow(source: string): Promise<void>;
}

export const createConnectorsSlice: SliceCreator<ConnectorsSlice> = (api) => (set) => ({
  connectors: null,
  connectorsBackground: false,
  connectorsError: null,
  syncNowMessages: {},
  async loadConnectors() {
    try {
      const { connectors, background } = await api.call('connectors.list', {});
      set({ connectors, connectorsBackground: background, connectorsError: null });
    } catch (err) {
      set({ connectorsError: errorMessage(err) });
    }
  },
  async syncNow(source) {
    try {
      const { message } = await api.call('connectors.syncNow', { source });
      set((s) => ({ syncNowMessages: { ...s.syncNowMessages, [source]: message } }));
    } catch (err) {
      set((s) => ({ syncNowMessages: { ...s.syncNowMessages, [source]: errorMessage(err) } }));
    }
  },
});
