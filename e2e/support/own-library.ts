/**
 * A spec's own small library: a fake Stash generated from a seed (or a library the spec prepared),
 * a host of the spec's own, and a page connected to it and synced. For serial flows whose
 * expectations depend on their library.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { HTTP_ROUTES, type MarkerQueryInput, type NamedRef, type SuggestRequest } from '../../src/shared/contract';
import { createClock } from '../../tools/fake-stash/clock';
import { generateLibrary, type LibrarySize } from '../../tools/fake-stash/generate';
import type { FakeLibrary } from '../../tools/fake-stash/library';
import { startFakeStash, type FakeStash } from '../../tools/fake-stash/server';
import { STREAM_ASSET_SECONDS } from '../../tools/fake-stash/stream';
import { connectStash, syncNow } from './app-steps';
import { HOST_TOKEN, VIEWPORT } from './env';
import { STASH_API_KEY } from './fake-stash';
import { startOwnHost, type OwnHost } from './own-host';

export interface OwnLibrary {
  page: Page;
  stash: FakeStash;
  host: OwnHost;
  /** Errors thrown in the page since it opened. */
  pageErrors: string[];
  /** The host's answer to one RPC, asked directly: what the page should show. */
  call<T>(method: 'searchMarkers' | 'suggest', argument: MarkerQueryInput | SuggestRequest): Promise<T>;
  countOf(query: MarkerQueryInput): Promise<number>;
  mostUsed(kind: SuggestRequest['kind']): Promise<NamedRef>;
  close(): Promise<void>;
}

const generated = (seed: number, size: LibrarySize) => generateLibrary({ seed, size, clock: createClock({ mode: 'real' }) });

/**
 * A library for the player: every marker starts inside the fake stream's ten minutes
 * (tools/fake-stash/stream.ts) and ends `spanSeconds` after its start.
 */
export function playableLibrary(seed: number, size: LibrarySize, spanSeconds: number): FakeLibrary {
  const library = generated(seed, size);
  for (const marker of library.markers.values()) {
    marker.seconds = 20 + ((marker.id * 37) % (STREAM_ASSET_SECONDS - 60));
    marker.end_seconds = marker.seconds + spanSeconds;
  }
  return library;
}

/** A library of `markers` generated from `seed`, or one the spec prepared. */
export type OwnLibrarySource = { seed: number; markers: number } | { library: FakeLibrary };

export async function openOwnLibrary(browser: Browser, name: string, source: OwnLibrarySource): Promise<OwnLibrary> {
  const library = 'library' in source ? source.library : generated(source.seed, { performers: 30, tags: 20, scenes: 100, markers: source.markers });
  const stash = await startFakeStash({ library, apiKey: STASH_API_KEY });
  const host = await startOwnHost(name);
  const page = await browser.newPage({ baseURL: host.url, viewport: VIEWPORT });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`/?token=${HOST_TOKEN}`);
  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);

  async function call<T>(method: 'searchMarkers' | 'suggest', argument: MarkerQueryInput | SuggestRequest): Promise<T> {
    const response = await page.request.post(`${host.url}${HTTP_ROUTES.rpc(method)}`, {
      headers: { Authorization: `Bearer ${HOST_TOKEN}` },
      data: argument,
    });
    expect(response.ok(), await response.text()).toBe(true);
    return (await response.json()) as T;
  }
  return {
    page,
    stash,
    host,
    pageErrors,
    call,
    countOf: async (query) => (await call<{ total: number }>('searchMarkers', { ...query, perPage: 1, facetLimit: 0 })).total,
    mostUsed: (kind) => call<NamedRef[]>('suggest', { kind, prefix: '', limit: 1 }).then((refs) => refs[0]!),
    async close() {
      await page.close();
      await Promise.all([stash.close(), host.close()]);
    },
  };
}
