/** Runs the real command-line sync in a child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

let configHome: string | null = null;

/**
 * The environment a command runs in: none of the user's Stash settings, and a config folder of the
 * test process's own unless the test names one, so a command that falls back to the data folder
 * (a PostgreSQL mirror's picture cache, the default mirror file) never writes into ~/.config.
 */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  if (configHome === null) {
    const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-test-config-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    configHome = dir;
  }
  return { ...process.env, STASH_URL: '', STASH_API_KEY: '', STASH_MIRROR_DB: '', DATABASE_URL: '', XDG_CONFIG_HOME: configHome, ...env };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  done: Promise<CliResult>;
} {
  // tsx as a loader in one node process (not the tsx wrapper), so a kill reaches the sync itself.
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolvePromise) => child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(script: string, args: string[], env?: Record<string, string>): Promise<CliResult> {
  return startCli(script, args, env).done;
}

/** Polls until the condition holds; fails the test after the timeout. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
