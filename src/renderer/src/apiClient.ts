// The renderer's only way to the backend: the API object the preload exposes.
import type { TieoutApi } from '../../shared/api/contract.ts';

declare global {
  interface Window {
    tieout?: TieoutApi;
  }
}

function missing(): never {
  throw new Error('the Tieout API is not available in this window');
}

export const apiClient: TieoutApi = {
  appInfo: () => (window.tieout ?? missing()).appInfo(),
};
