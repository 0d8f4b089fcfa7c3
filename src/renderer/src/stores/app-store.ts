import { create } from 'zustand';
import type { AppInfo, SettingsUpdate, SettingsView } from '../../../shared/contract';
import { api, messageOf } from '../api';
import { useSync } from './sync-store';

interface AppState {
  info: AppInfo | null;
  settings: SettingsView | null;
  loadError: string | null;
  load(): Promise<void>;
  /** Saves and keeps the settings the service answers with; throws with the service's reason. */
  saveSettings(update: SettingsUpdate): Promise<SettingsView>;
}

export const useApp = create<AppState>((set, get) => ({
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
    const before = get().settings?.stashUrl ?? null;
    const settings = await api.updateSettings(update);
    set({ settings });
    if (settings.stashUrl !== before) useSync.getState().forgetOldServer();
    return settings;
  },
}));
