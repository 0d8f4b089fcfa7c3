/**
 * The settings repository's Electron parts: electron-store for the file, safeStorage for secrets.
 * Call after the app is ready (safeStorage needs it on Linux and Windows).
 */
import { safeStorage } from 'electron';
import Store from 'electron-store';
import type { Logger } from '../core/log';
import { EncryptedSettingsRepository, type SecretCipher } from './encrypted-settings';

const keychainCipher: SecretCipher = {
  available: () =>
    safeStorage.isEncryptionAvailable() &&
    // Linux without a keyring falls back to a hard-coded password: that is not encryption.
    !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (encrypted) => safeStorage.decryptString(Buffer.from(encrypted)),
};

export function createElectronSettings(logger?: Logger): EncryptedSettingsRepository {
  return new EncryptedSettingsRepository(new Store({ name: 'settings' }), keychainCipher, logger);
}
