import { create } from 'zustand';
import type { AppInfo, SettingsUpdate, SettingsView } from '../../../shared/contract';
import { api, messageOf } from '../api';

interface AppState {
  info: AppInfo | null;
  settings: SettingsView | null;
  loadError: string | null;
  load(): Promise<void>;
  /** Saves and keeps the settings the service answers with; throws with the service's reason. */
  saveSettings(update: SettingsUpdate): Promise<SettingsView>;
}

export const useApp = create<AppState>((set) => ({
  info: null,
  settings: null,
  loadError: null,

  load: async () => {
    try {
      const [info, settings] = await Promise.all([api.getAppInfo(), api.getSettings()]);
      set({ info, settings, loadError: null });
    } catch (error) {
      set({ loadError: messageOf(error) });
    }
  },

  saveSettings: async (update) => {
    const settings = await api.updateSettings(update);
    set({ settings });
    return settings;
  },
}));
