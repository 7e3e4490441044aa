// Electron's two channels: src/main/shell/ipcBridge.ts answers them, src/preload/index.ts uses them. A module of its
// own so the bundled preload imports two strings, not the contract's schemas.
export const IPC_CALL_CHANNEL = 'tieout:call';
export const IPC_EVENT_CHANNEL = 'tieout:event';
