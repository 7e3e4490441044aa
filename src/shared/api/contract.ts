// The API contract between the renderer and the services; every front door implements this shape.

export interface AppInfo {
  name: string;
  version: string;
}

export const APP_INFO: AppInfo = { name: 'Tieout', version: '0.1.0' };

export interface TieoutApi {
  appInfo(): Promise<AppInfo>;
}
