/**
 * `npm run serve`: the app in a browser, without Electron — for a server or a NAS next to Stash.
 * Listens on loopback unless told otherwise; any other address needs a token.
 */
import { parseArgs } from 'node:util';
import { isEntryPoint } from '../core/entry-point';
import { HelpRequested, reportUsage, UsageError } from '../cli/usage';
import { readSecret, warnOnStderr, type Warn } from '../cli/secret-option';
import { createLogger, logLevelFrom, streamSink } from '../core/log';
import { userDataDir } from '../core/paths';
import { isHttpAddress } from '../shared/http-url';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RENDERER_DIR, HostStartError, startHttpHost, type HttpHostOptions } from './http-host';

const USAGE = `Usage: npm run serve -- [--host ${DEFAULT_HOST}] [--port ${DEFAULT_PORT}] [--data-dir DIR] [--stash-url URL]
                     [--api-key-file FILE] [--token-file FILE] [--renderer-dir DIR]
Environment: STASH_API_KEY, STASH_MIRROR_TOKEN. The API key is kept in memory only, never written.
Each file holds the secret alone (a final line break is ignored); --api-key KEY and --token TOKEN
work too, but every local account can read a command line.`;

export function parseServeCommand(argv: string[], env: NodeJS.ProcessEnv, warn: Warn = warnOnStderr): HttpHostOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: DEFAULT_HOST },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      'data-dir': { type: 'string' },
      'stash-url': { type: 'string' },
      'api-key': { type: 'string' },
      'api-key-file': { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'renderer-dir': { type: 'string', default: DEFAULT_RENDERER_DIR },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) throw new HelpRequested(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, got "${values.port}"`);
  const stashUrl = values['stash-url'];
  if (stashUrl !== undefined && !isHttpAddress(stashUrl)) {
    throw new UsageError(`--stash-url takes an http:// or https:// address, got "${stashUrl}"`);
  }
  return {
    host: values.host,
    port,
    dataDir: values['data-dir'] ?? userDataDir(env),
    stashUrl,
    apiKey: readSecret({ flag: 'api-key', envName: 'STASH_API_KEY', value: values['api-key'], file: values['api-key-file'] }, env, warn),
    token: readSecret({ flag: 'token', envName: 'STASH_MIRROR_TOKEN', value: values.token, file: values['token-file'] }, env, warn),
    rendererDir: values['renderer-dir'],
  };
}

export async function runServe(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options: HttpHostOptions;
  try {
    options = parseServeCommand(argv, env);
  } catch (error) {
    return reportUsage(error);
  }
  try {
    // The address served goes to stdout; what the service does and what goes wrong, to stderr.
    const host = await startHttpHost({ ...options, logger: createLogger(streamSink(process.stderr), { level: logLevelFrom(env) }) });
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
