// Preload: exposes the typed Tieout API to the renderer through contextBridge, and nothing else.
import { contextBridge } from 'electron';
import { APP_INFO, type TieoutApi } from '../shared/api/contract.ts';

const api: TieoutApi = {
  appInfo: () => Promise.resolve(APP_INFO),
};

contextBridge.exposeInMainWorld('tieout', api);
