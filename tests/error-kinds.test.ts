/**
 * Each way a sync or a connection test fails reaches the service's answers with its kind, so a
 * host decides by the kind and shows the reason; the kinds do not depend on the database dialect.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMirrorService } from '../src/core/service/mirror-service';
import { DEFAULT_SETTINGS, MemorySettingsRepository, type StoredSettings } from '../src/core/service/settings';
import type { MirrorService } from '../src/core/service/types';
import type { ErrorKind, SyncOutcome } from '../src/shared/contract';
import { createClock, FakeLibrary, generateLibrary, startFakeStash } from '../tools/fake-stash';
import { waitFor } from './support/cli';
import { SMALL_LIBRARY } from './support/harness';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function mirrorFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-kinds-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'mirror.db');
}

async function startService(settings: Partial<StoredSettings>, databaseFile = mirrorFile()): Promise<MirrorService> {
  const service = await createMirrorService({
    settings: new MemorySettingsRepository({ ...DEFAULT_SETTINGS, ...settings }),
    databaseFile,
    host: 'web',
    version: '9.9.9-test',
  });
  cleanups.push(() => service.close());
  return service;
}

/** A web server that is not Stash: every address answers with a page. */
async function startWebsite(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Welcome</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
}

/** Syncs, and answers the failed outcome's kind and the kind the status shows afterwards. */
async function failedSync(service: MirrorService, request?: Parameters<MirrorService['syncNow']>[0]) {
  const outcome = await service.syncNow(request);
  const status = await service.getSyncStatus();
  expect(outcome).toMatchObject({ ok: false, kind: 'failed', reason: status.lastError });
  return { outcome: (outcome as Extract<SyncOutcome, { kind: 'failed' }>).errorKind, status: status.lastErrorKind };
}

const both = (kind: ErrorKind) => ({ outcome: kind, status: kind });

describe('error kinds, as they reach the service', () => {
  it('a wrong API key is auth', async () => {
    const fake = await startFakeStash({ library: generateLibrary({ seed: 3, size: SMALL_LIBRARY }), apiKey: 'the-right-key' });
    cleanups.push(() => fake.close());
    const service = await startService({ stashUrl: fake.url, apiKey: 'a-wrong-key' });
    expect(await failedSync(service)).toEqual(both('auth'));
    expect(await service.testConnection()).toMatchObject({ ok: false, errorKind: 'auth' });
    expect(await service.testConnection({ apiKey: null })).toMatchObject({ ok: false, errorKind: 'auth' });
  });

  it('a server that does not answer is unreachable', async () => {
    const service = await startService({ stashUrl: 'http://127.0.0.1:1/graphql' });
    expect(await failedSync(service)).toEqual(both('unreachable'));
    expect(await service.testConnection()).toMatchObject({ ok: false, errorKind: 'unreachable' });
  });

  it('a server that is not Stash is not-stash, and no address at all is not-configured', async () => {
    const service = await startService({ stashUrl: await startWebsite() });
    expect(await failedSync(service)).toEqual(both('not-stash'));
    expect(await service.testConnection()).toMatchObject({ ok: false, errorKind: 'not-stash' });
    const unset = await startService({ stashUrl: null });
    expect(await unset.testConnection()).toMatchObject({ ok: false, errorKind: 'not-configured' });
  });

  it('a file that is not a mirror is schema, in the status before any sync too', async () => {
    const fake = await startFakeStash({ library: generateLibrary({ seed: 3, size: SMALL_LIBRARY }) });
    cleanups.push(() => fake.close());
    const file = mirrorFile();
    writeFileSync(file, 'notes, not a database\n');
    const service = await startService({ stashUrl: fake.url }, file);
    expect((await service.getSyncStatus()).lastErrorKind).toBe('schema');
    expect(await failedSync(service)).toEqual(both('schema'));
  });

  it('a PostgreSQL server that does not answer is database', async () => {
    const fake = await startFakeStash({ library: generateLibrary({ seed: 3, size: SMALL_LIBRARY }) });
    cleanups.push(() => fake.close());
    const service = await startService({ stashUrl: fake.url, backend: { kind: 'postgres', url: 'postgres://u:secret@127.0.0.1:1/mirror' } });
    expect(await failedSync(service)).toEqual(both('database'));
  });

  it('vanishing most of an entity at once is refused', async () => {
    const library = new FakeLibrary(createClock());
    const tags = Array.from({ length: 20 }, (_, i) => library.createTag({ name: `tag ${i}` }).id);
    const fake = await startFakeStash({ library });
    cleanups.push(() => fake.close());
    const service = await startService({ stashUrl: fake.url, entities: ['tags'] });
    expect(await service.syncNow()).toMatchObject({ ok: true });
    for (const id of tags.slice(1)) library.deleteTag(id);
    expect(await failedSync(service)).toEqual(both('refused'));
  });

  it('a cancel is cancelled, and clears the failure before it from the status', async () => {
    const fake = await startFakeStash({ library: generateLibrary({ seed: 3, size: SMALL_LIBRARY }) });
    cleanups.push(() => fake.close());
    const service = await startService({ stashUrl: fake.url });
    fake.faults.inject('graphqlError', { operationName: 'PerformerRows' });
    expect(await failedSync(service)).toEqual(both('other'));

    fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'SceneRows' });
    const sync = service.syncNow();
    await waitFor(async () => (await service.getSyncStatus()).progress.some((p) => p.entity === 'tags'), 20_000, 'the sync to reach tags');
    await service.cancelSync();
    expect(await sync).toMatchObject({ ok: false, kind: 'cancelled' });
    expect(await service.getSyncStatus()).toMatchObject({ lastError: null, lastErrorKind: null });
  });

  it('a failure read back from the run log, after a restart, keeps its kind: the log stores it beside the text', async () => {
    const file = mirrorFile();
    const service = await startService({ stashUrl: 'http://127.0.0.1:1/graphql' }, file);
    expect(await failedSync(service)).toEqual(both('unreachable'));
    await service.close();
    const restarted = await startService({ stashUrl: 'http://127.0.0.1:1/graphql' }, file);
    expect(await restarted.getSyncStatus()).toMatchObject({ lastError: expect.stringMatching(/Cannot reach Stash/), lastErrorKind: 'unreachable' });
  });
});
