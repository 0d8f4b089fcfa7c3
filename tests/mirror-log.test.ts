import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../src/core/log';
import { openLogFile } from '../src/core/log-file';
import { DEFAULT_SETTINGS, MemorySettingsRepository } from '../src/core/service/settings';
import { MirrorSupervisor, type MirrorProcessHandle } from '../src/main/mirror-supervisor';
import { childProcessChannel } from '../src/shared/rpc-channels';
import { spawnTsChild } from './support/ts-child';

describe("the mirror process's log", () => {
  const children: ChildProcess[] = [];
  const folders: string[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** serveMirrorProcess in a Node child process, around a service that logs through the logger it is given. */
  function launch(): MirrorProcessHandle {
    const modules = (path: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, path)).href);
    const code = `
      const { serveMirrorProcess } = await import(${modules('../src/main/serve-mirror-process.ts')});
      const { parentProcessChannel } = await import(${modules('../src/shared/rpc-channels.ts')});
      await serveMirrorProcess(parentProcessChannel(), async ({ logger }) => {
        const log = logger.child('service');
        log.debug('below the level: stays in the child');
        return {
          on: () => () => {},
          getSettings: async () => {
            log.warn('settings read', { entity: 'scenes', n: 2 });
            return {};
          },
          close: async () => {},
        };
      });
      process.exit(0);
    `;
    const child = spawnTsChild({ inline: code });
    children.push(child);
    return { channel: childProcessChannel(child), kill: () => child.kill() };
  }

  it("reaches the main process's sink as the child logged it, and from there the log file", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mirror-log-'));
    folders.push(folder);
    const file = openLogFile({ file: join(folder, 'stash-mirror.log') });
    const records: LogRecord[] = [];
    const supervisor = new MirrorSupervisor({
      launch,
      start: { databaseFile: ':memory:', host: 'electron', version: 'test' },
      settings: new MemorySettingsRepository(DEFAULT_SETTINGS),
      onEvent: () => {},
      onLog: (record) => {
        records.push(record);
        file.sink(record);
      },
    });
    try {
      await supervisor.service.getSettings();
      await expect.poll(() => records.length).toBe(1);
      expect(records[0]).toEqual({
        time: expect.any(String),
        level: 'warn',
        module: 'service',
        message: 'settings read',
        fields: { entity: 'scenes', n: 2 },
      });
      expect(readFileSync(join(folder, 'stash-mirror.log'), 'utf8')).toBe(`${records[0]!.time} WARN  service: settings read (entity=scenes, n=2)\n`);
    } finally {
      await supervisor.close();
      file.close();
    }
  });
});
