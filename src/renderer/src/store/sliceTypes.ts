// How the app store is assembled: one zustand store made of slices, each created with the API it talks to,
// so tests build the same store over a fake API.
import type { StateCreator } from 'zustand';
import type { TieoutApi } from '../../../shared/api/contract.ts';
import type { AppState } from './appStore.ts';

export type SliceCreator<Slice> = (api: TieoutApi) => StateCreator<AppState, [], [], Slice>;

/** A readable message for anything a call can throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
