/** The command-line tools' one way of answering --help and bad arguments. */
import { parseArgs } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HelpRequested, isUsage, reportUsage, USAGE_EXIT, UsageError } from '../src/cli/usage';
import { runCli } from './support/cli';

function parseError(): unknown {
  try {
    parseArgs({ args: ['--nope'], options: {}, strict: true });
  } catch (error) {
    return error;
  }
  throw new Error('parseArgs accepted an unknown option');
}

afterEach(() => vi.restoreAllMocks());

describe('usage', () => {
  it('counts help, a UsageError and a parseArgs refusal as usage, nothing else', () => {
    expect(isUsage(new HelpRequested('Usage: x'))).toBe(true);
    expect(isUsage(new UsageError('--port takes a port number'))).toBe(true);
    expect(isUsage(parseError())).toBe(true);
    expect(isUsage(new Error('connection refused'))).toBe(false);
    expect(isUsage(null)).toBe(false);
  });

  it('prints help on stdout and succeeds, and a refusal on stderr with exit 2', () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(reportUsage(new HelpRequested('Usage: x'))).toBe(0);
    expect(out).toHaveBeenCalledWith('Usage: x\n');
    expect(reportUsage(new UsageError('bad --port'))).toBe(USAGE_EXIT);
    expect(err).toHaveBeenCalledWith('bad --port\n');
  });

  it('serve --help prints its usage on stdout and succeeds, like sync:stash and search', async () => {
    const help = await runCli('src/server/main.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: npm run serve -- /);
  });
});
