/** Node child processes for the process-boundary tests: TypeScript loader, IPC channel, advanced serialization. */
import { spawn, type ChildProcess } from 'node:child_process';

/** Runs a TypeScript file, or with `inline`, an ES module given as source text. */
export function spawnTsChild(target: { file: string } | { inline: string }): ChildProcess {
  const args = 'file' in target ? [target.file] : ['--input-type=module', '-e', target.inline];
  return spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
}
