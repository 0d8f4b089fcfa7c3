/**
 * The in-app player: Enter on a result plays its scene from the marker's time and loops at the
 * marker's end; N and P step through the results; Escape gives focus back to the list; with the
 * fake Stash stopped the player says why it cannot play. Markers get a short end, so a loop
 * comes soon.
 */
import { expect, test, type Page } from '@playwright/test';
import type { MarkerSearchResult } from '../src/shared/contract';
import { mainNav } from './support/app-steps';
import { openOwnLibrary, playableLibrary, type OwnLibrary } from './support/own-library';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

const LOOP_SECONDS = 3;
let own: OwnLibrary;
let page: Page;
let hits: MarkerSearchResult['hits'];

test.beforeAll(async ({ browser }) => {
  const library = playableLibrary(4, { performers: 10, tags: 10, scenes: 10, markers: 30 }, LOOP_SECONDS);
  own = await openOwnLibrary(browser, 'player', { library });
  page = own.page;
  hits = (await own.call<MarkerSearchResult>('searchMarkers', { perPage: 30, facetLimit: 0 })).hits;
});

test.afterAll(async () => own?.close());

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
  await own.stash.close();
  for (let step = 0; step < unplayed; step++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(player().getByRole('alert')).toHaveText(/Cannot play: Stash cannot be reached/);
  await screenshot(page, 'player-no-stash');
  await page.keyboard.press('Escape');
});
