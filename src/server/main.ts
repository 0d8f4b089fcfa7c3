/**
 * `npm run serve`: the app in a browser, without Electron — for a server or a NAS next to Stash.
 * Listens on loopback unless told otherwise; any other address needs a token.
 */
import { parseArgs } from 'node:util';
import { isEntryPoint } from '../core/entry-point';
import { userDataDir } from '../core/paths';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RENDERER_DIR, HostStartError, startHttpHost, type HttpHostOptions } from './http-host';

const USAGE = `Usage: npm run serve -- [--host ${DEFAULT_HOST}] [--port ${DEFAULT_PORT}] [--data-dir DIR] [--stash-url URL]
                     [--api-key KEY] [--token TOKEN] [--renderer-dir DIR]
Environment: STASH_API_KEY, STASH_MIRROR_TOKEN. The API key is kept in memory only, never written.`;

class UsageError extends Error {}

export function parseServeCommand(argv: string[], env: NodeJS.ProcessEnv): HttpHostOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: DEFAULT_HOST },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      'data-dir': { type: 'string' },
      'stash-url': { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      'renderer-dir': { type: 'string', default: DEFAULT_RENDERER_DIR },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, got "${values.port}"`);
  const stashUrl = values['stash-url'];
  if (stashUrl !== undefined && !/^https?:\/\/[^\s/]+/i.test(stashUrl)) {
    throw new UsageError(`--stash-url takes an http:// or https:// address, got "${stashUrl}"`);
  }
  return {
    host: values.host,
    port,
    dataDir: values['data-dir'] ?? userDataDir(env),
    stashUrl,
    apiKey: values['api-key'] ?? (env.STASH_API_KEY || undefined),
    token: values.token ?? (env.STASH_MIRROR_TOKEN || undefined),
    rendererDir: values['renderer-dir'],
  };
}

export async function runServe(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options: HttpHostOptions;
  try {
    options = parseServeCommand(argv, env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  try {
    const host = await startHttpHost(options);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void host.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  } catch (error) {
    process.stderr.write(`serve failed: ${(error as Error).message}\n`);
    return error instanceof HostStartError ? 2 : 1;
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runServe(process.argv.slice(2));
}
