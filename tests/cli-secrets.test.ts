/** Secrets kept off the command line: --api-key-file, --token-file and their environment variables. */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServeCommand } from '../src/server/main';
import { runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';

const SYNC = 'src/cli/sync-stash.ts';
const SERVE = 'src/server/main.ts';
let folder: string;
let h: Harness | undefined;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'secrets-'));
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  rmSync(folder, { recursive: true, force: true });
});

function secretFile(name: string, text: string): string {
  const file = join(folder, name);
  writeFileSync(file, text);
  chmodSync(file, 0o600);
  return file;
}

describe('sync:stash --api-key-file', () => {
  it('reads the key from the file, ignoring its final line break, and warns about nothing', async () => {
    h = await startHarness({ apiKey: 'key-from-a-file' });
    const keyFile = secretFile('key', 'key-from-a-file\n');
    const result = await runCli(SYNC, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--api-key-file', keyFile, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses a missing or an empty file with exit 2 and one line, before creating the mirror', async () => {
    const db = join(folder, 'new', 'mirror.db');
    for (const keyFile of [join(folder, 'absent'), secretFile('empty', '\n'), folder]) {
      const result = await runCli(SYNC, ['--stash-url', 'http://127.0.0.1:9', '--db', db, '--api-key-file', keyFile]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/--api-key-file: .*(cannot read|is empty)/);
    }
    expect(existsSync(join(folder, 'new'))).toBe(false);
  });

  it('refuses --api-key together with --api-key-file', async () => {
    const result = await runCli(SYNC, ['--stash-url', 'http://127.0.0.1:9', '--api-key', 'k', '--api-key-file', secretFile('key', 'k')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/either --api-key or --api-key-file/);
  });

  it('still takes --api-key, with a one-line warning that names the safer forms', async () => {
    h = await startHarness({ apiKey: 'visible-key' });
    const result = await runCli(SYNC, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--api-key', 'visible-key', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Warning: --api-key on the command line is visible to other local accounts; use --api-key-file FILE or STASH_API_KEY',
    ]);
  });
});

describe('serve --api-key-file and --token-file', () => {
  it('reads both secrets from files; the environment is the fallback', () => {
    const warnings: string[] = [];
    const options = parseServeCommand(
      ['--api-key-file', secretFile('key', 'the-key\r\n'), '--token-file', secretFile('token', 'the-token\n')],
      { STASH_API_KEY: 'env-key', STASH_MIRROR_TOKEN: 'env-token' },
      (line) => warnings.push(line),
    );
    expect(options).toMatchObject({ apiKey: 'the-key', token: 'the-token' });
    expect(warnings).toEqual([]);
    expect(parseServeCommand([], { STASH_API_KEY: 'env-key', STASH_MIRROR_TOKEN: 'env-token' }, () => {})).toMatchObject({
      apiKey: 'env-key',
      token: 'env-token',
    });
  });

  it('warns when the token is an argument', () => {
    const warnings: string[] = [];
    expect(parseServeCommand(['--token', 't'], {}, (line) => warnings.push(line)).token).toBe('t');
    expect(warnings).toEqual([
      'Warning: --token on the command line is visible to other local accounts; use --token-file FILE or STASH_MIRROR_TOKEN',
    ]);
  });

  it('refuses an empty token file with exit 2 and one line', async () => {
    const result = await runCli(SERVE, ['--port', '0', '--data-dir', join(folder, 'data'), '--token-file', secretFile('token', '')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([`--token-file: ${join(folder, 'token')} is empty`]);
    expect(existsSync(join(folder, 'data'))).toBe(false);
  });
});
