import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Whether the module at `moduleUrl` is the script Node was started with, so a command runs only
 * when invoked and not when imported. Compared as real paths: a URL escapes spaces, and a symlinked
 * folder or a Windows drive letter spells the same file differently.
 */
export function isEntryPoint(moduleUrl: string, script: string | undefined = process.argv[1]): boolean {
  if (!script) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(script);
  } catch {
    // A path that does not resolve (node -e, a script deleted since) is not this module.
    return false;
  }
}
