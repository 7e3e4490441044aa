// The open workspace (null on first launch) and the recent list.
import type { RequestOf, WorkspaceInfo } from '../../../shared/api/contract.ts';
import type { SliceCreator } from './sliceTypes.ts';

export interface RecentWorkspace {
  path: string;
  name: string;
  openedAt: string;
}

export interface WorkspaceSlice {
  /** undefined while the first answer is awaited; null when no workspace is open. */
  workspace: WorkspaceInfo | null | undefined;
  recent: RecentWorkspace[];
  loadWorkspace(): Promise<void>;
  openWorkspace(path: string): Promise<void>;
  createWorkspace(request: RequestOf<'workspace.create'>): Promise<void>;
  createDemo(request: RequestOf<'workspace.createDemo'>): Promise<void>;
}

export const createWorkspaceSlice: SliceCreator<WorkspaceSlice> = (api) => (set, get) => ({
  workspace: undefined,
  recent: [],
  async loadWorkspace() {
    const [workspace, recent] = await Promise.all([api.call('workspace.current', {}), api.call('workspace.recent', {})]);
    set({ workspace, recent: recent.workspaces });
  },
  async openWorkspace(path) {
    const workspace = await api.call('workspace.open', { path });
    set({ workspace, screen: 'dashboard' });
  },
  async createWorkspace(request) {
    const workspace = await api.call('workspace.create', request);
    set({ workspace, screen: 'sources' });
  },
  async createDemo(request) {
    const workspace = await get().runJob('workspace.createDemo', 'Creating the demo month', request);
    set({ workspace, screen: 'dashboard' });
  },
});
