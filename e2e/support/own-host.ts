/**
 * A headless host of a spec's own, on a fresh data folder: for specs whose library must not meet
 * the shared host's mirror (the specs run in any order on that one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpHost } from '../../src/server/http-host';
import { HOST_TOKEN } from './env';

export interface OwnHost {
  url: string;
  close(): Promise<void>;
}

export async function startOwnHost(name: string): Promise<OwnHost> {
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-host-`));
  const host = await startHttpHost({ dataDir, port: 0, token: HOST_TOKEN, log: () => {} });
  return {
    url: host.url,
    async close() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
