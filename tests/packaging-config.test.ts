/** electron-builder.yml, read as electron-builder reads it: the packaged app's hardening is configured. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outsideArchive } from '../src/core/db/worker-store';

// The YAML parser electron-builder itself reads the file with.
const yaml = createRequire(join(import.meta.dirname, '../node_modules/app-builder-lib/package.json'))('js-yaml') as {
  load(text: string): unknown;
};
const config = yaml.load(readFileSync(join(import.meta.dirname, '../electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../node_modules/app-builder-lib/scheme.json'), 'utf8')) as {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};

describe('packaging', () => {
  it('flips the Electron fuses that let others run code as the app', () => {
    expect(config['electronFuses']).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Names electron-builder does not know would be dropped without a word.
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    expect(Object.keys(config['electronFuses'] as object).filter((name) => !known.includes(name))).toEqual([]);
  });

  it('packs the app into an archive, which onlyLoadAppFromAsar needs to start at all', () => {
    expect(config['asar']).toBe(true);
    // Only what must be outside the archive: unpacked files escape the integrity check.
    for (const pattern of config['asarUnpack'] as string[]) expect(pattern).toMatch(/^(out\/main\/sqlite-worker\.js|node_modules\/[\w.-]+\/\*\*)$/);
  });

  it('starts the SQLite worker from the unpacked copy beside the archive', () => {
    expect(outsideArchive(new URL('file:///opt/Stash%20Mirror/resources/app.asar/out/main/sqlite-worker.js')).href).toBe(
      'file:///opt/Stash%20Mirror/resources/app.asar.unpacked/out/main/sqlite-worker.js',
    );
    expect(outsideArchive(new URL('file:///work/out/main/sqlite-worker.js')).href).toBe('file:///work/out/main/sqlite-worker.js');
  });
});
