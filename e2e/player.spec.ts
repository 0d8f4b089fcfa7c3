/**
 * The in-app player: Enter on a result plays its scene from the marker's time and loops at the
 * marker's end; N and P step through the results; Escape gives focus back to the list; with the
 * fake Stash stopped the player says why it cannot play. Markers are moved inside the fake
 * stream's ten minutes (tools/fake-stash/stream.ts) and get a short end, so a loop comes soon.
 */
import { expect, test, type Page } from '@playwright/test';
import { HTTP_ROUTES, type MarkerSearchResult } from '../src/shared/contract';
import { createClock } from '../tools/fake-stash/clock';
import { generateLibrary } from '../tools/fake-stash/generate';
import { startFakeStash, type FakeStash } from '../tools/fake-stash/server';
import { STREAM_ASSET_SECONDS } from '../tools/fake-stash/stream';
import { connectStash, mainNav, syncNow } from './support/app-steps';
import { HOST_TOKEN, VIEWPORT } from './support/env';
import { STASH_API_KEY } from './support/fake-stash';
import { startOwnHost, type OwnHost } from './support/own-host';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

const LOOP_SECONDS = 3;
let page: Page;
let stash: FakeStash;
let host: OwnHost;
let hits: MarkerSearchResult['hits'];

test.beforeAll(async ({ browser }) => {
  const library = generateLibrary({ seed: 4, size: { performers: 10, tags: 10, scenes: 10, markers: 30 }, clock: createClock({ mode: 'real' }) });
  for (const marker of library.markers.values()) {
    marker.seconds = 20 + ((marker.id * 37) % (STREAM_ASSET_SECONDS - 60));
    marker.end_seconds = marker.seconds + LOOP_SECONDS;
  }
  stash = await startFakeStash({ library, apiKey: STASH_API_KEY });
  host = await startOwnHost('player');
  page = await browser.newPage({ baseURL: host.url, viewport: VIEWPORT });
  await page.goto(`/?token=${HOST_TOKEN}`);
  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);
  const response = await page.request.post(`${host.url}${HTTP_ROUTES.rpc('searchMarkers')}`, {
    headers: { Authorization: `Bearer ${HOST_TOKEN}` },
    data: { perPage: 30, facetLimit: 0 },
  });
  hits = ((await response.json()) as MarkerSearchResult).hits;
});

test.afterAll(async () => {
  await page?.close();
  await Promise.all([stash?.close(), host?.close()]);
});

const player = () => page.getByRole('dialog');
const video = () => page.locator('.player-video');
const currentTime = () => video().evaluate((v: HTMLVideoElement) => v.currentTime);
const titleOf = (hit: MarkerSearchResult['hits'][number]) => hit.title || hit.primaryTag.name;

test('Enter plays the marker from its time and loops back at its end', async () => {
  await mainNav(page, 'Search').click();
  await page.locator('#result-0').waitFor();
  await page.getByRole('listbox', { name: 'Results' }).focus();
  await page.keyboard.press('Enter');
  await expect(player()).toBeVisible();
  await expect(player()).toHaveAttribute('aria-label', `Player: ${titleOf(hits[0]!)}`);
  const start = hits[0]!.seconds;
  await expect.poll(currentTime).toBeGreaterThan(start + 1);
  expect(await currentTime()).toBeLessThan(start + LOOP_SECONDS + 1);
  await screenshot(page, 'player-playing');
  // Past the end it is back near the start.
  await expect.poll(currentTime, { timeout: 15_000 }).toBeLessThan(start + 1);
  expect(await currentTime()).toBeGreaterThanOrEqual(start - 0.5);
});

test('N and P play the neighbouring results; Escape gives focus back to the list', async () => {
  await page.keyboard.press('n');
  await expect(player()).toHaveAttribute('aria-label', `Player: ${titleOf(hits[1]!)}`);
  await expect.poll(currentTime).toBeGreaterThan(hits[1]!.seconds);
  await page.keyboard.press('p');
  await expect(player()).toHaveAttribute('aria-label', `Player: ${titleOf(hits[0]!)}`);
  await page.keyboard.press('Escape');
  await expect(player()).toHaveCount(0);
  await expect(page.getByRole('listbox', { name: 'Results' })).toBeFocused();
});

test('without Stash the player says why it cannot play', async () => {
  // A scene not played yet: the browser may keep the video of one it has played.
  const unplayed = hits.findIndex((hit) => hit.scene.id !== hits[0]!.scene.id && hit.scene.id !== hits[1]!.scene.id);
  expect(unplayed).toBeGreaterThan(0);
  await stash.close();
  for (let step = 0; step < unplayed; step++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(player().getByRole('alert')).toHaveText(/Cannot play: Stash cannot be reached/);
  await screenshot(page, 'player-no-stash');
  await page.keyboard.press('Escape');
});
