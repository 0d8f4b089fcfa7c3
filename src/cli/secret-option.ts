/**
 * A secret from the command line's point of view: an argument is seen by every local account
 * (`ps`, /proc) and echoed by `npm run`, so the file and environment forms are the ones to use,
 * and the argument form still works but says so.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './usage';

export interface SecretSource {
  /** The option's name without dashes, e.g. 'api-key'; its file form is `--<flag>-file`. */
  flag: string;
  /** The environment variable that may hold it. */
  envName: string;
  value: string | undefined;
  file: string | undefined;
}

/** Where a warning line goes; stderr unless a caller collects them. */
export type Warn = (line: string) => void;
export const warnOnStderr: Warn = (line) => process.stderr.write(`${line}\n`);

/** The secret, from --flag-file, --flag or the environment, in that order; undefined when none is given. */
export function readSecret(source: SecretSource, env: NodeJS.ProcessEnv, warn: Warn): string | undefined {
  const { flag, envName, value, file } = source;
  if (value !== undefined && file !== undefined) throw new UsageError(`Pass either --${flag} or --${flag}-file, not both`);
  if (file !== undefined) return readSecretFile(`--${flag}-file`, file);
  if (value !== undefined) {
    warn(`Warning: --${flag} on the command line is visible to other local accounts; use --${flag}-file FILE or ${envName}`);
    return value;
  }
  return env[envName] || undefined;
}

function readSecretFile(option: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${option}: cannot read ${file} (${reason})`);
  }
  // Editors and `echo` end the file with a line break that is not part of the secret.
  const secret = text.replace(/(\r?\n)+$/, '');
  if (secret === '') throw new UsageError(`${option}: ${file} is empty`);
  return secret;
}
