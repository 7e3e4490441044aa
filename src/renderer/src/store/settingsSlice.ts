// The workspace settings (`settings.get` / `settings.update`), the rule set in force and its tolerances.
import { ApiError, type ResponseOf, type Settings } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';

export type SettingsView = ResponseOf<'settings.get'>;
export type SettingsField = keyof Settings;
export type SettingsFieldErrors = Partial<Record<SettingsField, string>>;

export const SETTINGS_FIELDS: readonly SettingsField[] = ['name', 'reportingCurrency', 'timeZone', 'locale', 'policyGateMinor'];

export interface SettingsSlice {
  settingsView: SettingsView | null;
  settingsLoadError: string | null;
  settingsSaving: boolean;
  /** Refusals of the last save, by the field they are about. */
  settingsFieldErrors: SettingsFieldErrors;
  loadSettings(): Promise<void>;
  /** Saves, then refreshes the workspace info and the settings; false when refused (field errors or a notice say why). */
  saveSettings(next: Settings): Promise<boolean>;
  clearSettingsFieldError(field: SettingsField): void;
}

function isSettingsField(field: string | null): field is SettingsField {
  return field !== null && (SETTINGS_FIELDS as readonly string[]).includes(field);
}

/**
 * The backend's message without the "settings.update: timeZone: " lead that names the method and field:
 * shown under the field, that lead only repeats what the position already says.
 */
export function messageForField(message: string, field: string): string {
  const lead = `${field}: `;
  const at = message.indexOf(lead);
  return at >= 0 && at <= 40 ? message.slice(at + lead.length) : message;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (api) => (set, get) => ({
  settingsView: null,
  settingsLoadError: null,
  settingsSaving: false,
  settingsFieldErrors: {},
  async loadSettings() {
    try {
      const settingsView = await api.call('settings.get', {});
      // Errors of an earlier save are about values the fresh form no longer holds.
      set({ settingsView, settingsLoadError: null, settingsFieldErrors: {} });
    } catch (err) {
      set({ settingsLoadError: errorMessage(err) });
    }
  },
  async saveSettings(next) {
    set({ settingsSaving: true, settingsFieldErrors: {} });
    try {
      await api.call('settings.update', next);
    } catch (err) {
      if (err instanceof ApiError && isSettingsField(err.field)) {
        set({ settingsFieldErrors: { [err.field]: messageForField(err.message, err.field) } });
      } else {
        get().notify('error', `The settings were not saved: ${errorMessage(err)}`);
      }
      return false;
    } finally {
      set({ settingsSaving: false });
    }
    get().notify('success', 'Settings saved.');
    await Promise.all([
      get()
        .loadWorkspace()
        .catch((err: unknown) => get().notify('error', `Could not refresh the workspace: ${errorMessage(err)}`)),
      get().loadSettings(),
    ]);
    return true;
  },
  clearSettingsFieldError(field) {
    const { [field]: _cleared, ...rest } = get().settingsFieldErrors;
    set({ settingsFieldErrors: rest });
  },
});
