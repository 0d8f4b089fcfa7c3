/**
 * The wall: the list/wall switch (in the address, kept on reload, remembered without it), the
 * keyboard over tiles and Enter into the player, a tile's preview playing on hover, "play all" in
 * order (the next marker plays at the first one's end) and shuffled (a fixed order P steps back
 * through), a new search stopping play all without a jump, the wall and the player at 800 px, and
 * a sync's refresh waiting for the player to close. With no words the results are in marker id
 * order, so the first marker gets a short end and every other one a longer one: play all moves on
 * soon from the first, and no turn ends while the shuffled test steps by hand.
 */
import { expect, test, type Page } from '@playwright/test';
import { HTTP_ROUTES, type MarkerSearchResult } from '../src/shared/contract';
import { mainNav } from './support/app-steps';
import { HOST_TOKEN, VIEWPORT } from './support/env';
import { markerCount } from './support/host-api';
import { elementsOutsideOf, sidewaysScrollersOf } from './support/layout-checks';
import { openOwnLibrary, playableLibrary, type OwnLibrary } from './support/own-library';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

/** More than one page of results (PER_PAGE, 100), so play all reaches results not loaded yet. */
const MARKERS = 150;
const LOADED_FIRST = 100;
const FIRST_TURN_SECONDS = 2;
const OTHER_TURN_SECONDS = 30;
let own: OwnLibrary;
let page: Page;
let hits: MarkerSearchResult['hits'];

test.beforeAll(async ({ browser }) => {
  const library = playableLibrary(9, { performers: 10, tags: 10, scenes: 30, markers: MARKERS }, OTHER_TURN_SECONDS);
  const first = library.markers.get(Math.min(...library.markers.keys()))!;
  first.end_seconds = first.seconds + FIRST_TURN_SECONDS;
  own = await openOwnLibrary(browser, 'wall', { library });
  page = own.page;
  hits = (await own.call<MarkerSearchResult>('searchMarkers', { perPage: MARKERS, facetLimit: 0 })).hits;
  expect(hits[0]!.id).toBe(first.id);
});

test.afterAll(async () => own?.close());

const results = () => page.getByRole('listbox', { name: 'Results' });
const tiles = () => page.locator('.wall-tile');
const player = () => page.getByRole('dialog');
/** The marker the player plays, once its page of results has loaded. */
async function playingId(): Promise<number> {
  await expect(player()).toHaveAttribute('data-marker-id', /\d+/);
  return Number(await player().getAttribute('data-marker-id'));
}
const searchBox = () => page.getByLabel('Search markers');
const viewButton = (name: 'List' | 'Wall') => page.getByRole('group', { name: 'View' }).getByRole('button', { name });

/** How many tiles the wall's first row holds. */
async function columnsOfWall(): Promise<number> {
  const tops = await tiles().evaluateAll((all) => all.map((tile) => Math.round(tile.getBoundingClientRect().top)));
  return tops.filter((top) => top === Math.min(...tops)).length;
}

test('the switch shows the wall, the address names it, and a reload keeps it', async () => {
  await mainNav(page, 'Search').click();
  await page.locator('.result-row').first().waitFor();
  await viewButton('Wall').focus();
  await page.keyboard.press('Enter');
  await expect(viewButton('Wall')).toHaveAttribute('aria-pressed', 'true');
  await expect(tiles().first()).toBeVisible();
  await expect(page.locator('.result-row')).toHaveCount(0);
  // Virtualized: the rows in view and a few more, not every result.
  expect(await tiles().count()).toBeLessThan(MARKERS);
  await expect(tiles().first().locator('.wall-scene')).not.toBeEmpty();
  await expect(tiles().first().locator('.tag-primary')).toHaveText(hits[0]!.primaryTag.name);
  await expect(page).toHaveURL(/[?&]view=wall/);
  await screenshot(page, 'wall');
  await page.reload();
  await expect(tiles().first()).toBeVisible();
  await expect(page).toHaveURL(/[?&]view=wall/);
});

test('an address without a view shows the remembered one; one naming a view wins', async () => {
  await page.goto('/#/search');
  await expect(tiles().first()).toBeVisible();
  await expect(page).toHaveURL(/[?&]view=wall/);
  await page.goto('/?view=list#/search');
  await expect(page.locator('.result-row').first()).toBeVisible();
  await expect(tiles()).toHaveCount(0);
  await viewButton('Wall').click();
  await expect(tiles().first()).toBeVisible();
  // Back goes to the list the address named.
  await page.goBack();
  await expect(page.locator('.result-row').first()).toBeVisible();
  await page.goForward();
  await expect(tiles().first()).toBeVisible();
});

test('arrows move by tile and by row, Enter plays the tile, Escape comes back to the wall', async () => {
  const columns = await columnsOfWall();
  expect(columns).toBeGreaterThan(1);
  await results().focus();
  await expect(page.locator('#result-0')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#result-1')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  const target = 1 + columns;
  await expect(page.locator(`#result-${target}`)).toHaveAttribute('aria-selected', 'true');
  await expect(results()).toHaveAttribute('aria-activedescendant', `result-${target}`);
  await screenshot(page, 'wall-keyboard');
  await page.keyboard.press('Enter');
  await expect(player()).toBeVisible();
  expect(await playingId()).toBe(hits[target]!.id);
  await page.keyboard.press('Escape');
  await expect(player()).toHaveCount(0);
  await expect(results()).toBeFocused();
});

test('focusing or hovering a tile plays its preview over the screenshot', async () => {
  // The wall has focus: its active tile previews.
  const active = page.locator('.wall-tile.active .wall-preview.playing');
  await expect(active).toBeVisible();
  const hovered = page.locator('#result-0');
  await hovered.hover();
  const preview = hovered.locator('.wall-preview.playing');
  await expect(preview).toBeVisible();
  await expect
    .poll(() => preview.evaluate((video: HTMLVideoElement) => !video.paused && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA))
    .toBe(true);
  await screenshot(page, 'wall-preview');
  await page.mouse.move(0, 0);
  await expect(hovered.locator('.wall-preview')).toHaveCount(0);
});

test('play all in order: at the first marker’s end the second plays', async () => {
  await page.getByRole('button', { name: 'Play all' }).click();
  await expect(player()).toBeVisible();
  expect(await playingId()).toBe(hits[0]!.id);
  await expect(player().locator('.player-queue')).toHaveText(`1 of ${MARKERS} · In order`);
  await screenshot(page, 'play-all-first');
  await expect(player().locator('.player-queue')).toHaveText(`2 of ${MARKERS} · In order`, { timeout: 15_000 });
  expect(await playingId()).toBe(hits[1]!.id);
  await expect.poll(() => page.locator('.player-video').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(hits[1]!.seconds);
  await screenshot(page, 'play-all-second');
  await page.keyboard.press('Escape');
  await expect(player()).toHaveCount(0);
});

test('play shuffled: another order, fixed while it plays, and P steps back through it', async () => {
  await page.getByRole('button', { name: 'Play shuffled' }).click();
  await expect(player().locator('.player-queue')).toHaveText(`1 of ${MARKERS} · Shuffled`);
  const played: number[] = [await playingId()];
  for (let position = 2; position <= 4; position++) {
    await page.keyboard.press('n');
    await expect(player().locator('.player-queue')).toHaveText(`${position} of ${MARKERS} · Shuffled`);
    played.push(await playingId());
  }
  expect(new Set(played).size).toBe(played.length);
  expect(played).not.toEqual(hits.slice(0, played.length).map((hit) => hit.id));
  await expect
    .poll(() => page.locator('.player-video').evaluate((v: HTMLVideoElement) => !v.paused && v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA))
    .toBe(true);
  await screenshot(page, 'play-shuffled');
  for (let position = 3; position >= 1; position--) {
    await page.keyboard.press('p');
    await expect(player().locator('.player-queue')).toHaveText(`${position} of ${MARKERS} · Shuffled`);
    expect(await playingId()).toBe(played[position - 1]);
  }
  await page.keyboard.press('n');
  await expect(player().locator('.player-queue')).toHaveText(`2 of ${MARKERS} · Shuffled`);
  expect(await playingId()).toBe(played[1]);
  // On through the queue to a result past the first page, which the page had not loaded: it loads
  // and plays. A third of the results are there, so a few steps reach one.
  const indexOf = (id: number) => hits.findIndex((hit) => hit.id === id);
  let position = 2;
  while (indexOf(await playingId()) < LOADED_FIRST && position < 40) {
    await page.keyboard.press('n');
    position++;
    await expect(player().locator('.player-queue')).toHaveText(`${position} of ${MARKERS} · Shuffled`);
  }
  expect(indexOf(await playingId())).toBeGreaterThanOrEqual(LOADED_FIRST);
  await expect.poll(() => page.locator('.player-video').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  // Back to the second place, where the wall's check below picks up.
  while (position > 2) {
    await page.keyboard.press('p');
    position--;
    await expect(player().locator('.player-queue')).toHaveText(`${position} of ${MARKERS} · Shuffled`);
  }
  expect(await playingId()).toBe(played[1]);
  await page.keyboard.press('Escape');
  await expect(player()).toHaveCount(0);
  // The wall is on the marker played last, wherever it is in the results.
  const lastPlayed = hits.findIndex((hit) => hit.id === played[1]);
  await expect(page.locator(`#result-${lastPlayed}`)).toHaveClass(/active/);
  await expect(page.locator(`#result-${lastPlayed}`)).toBeInViewport();
});

test('a new search while play all plays stops it: the marker playing plays on, and N jumps nowhere', async () => {
  await page.getByRole('button', { name: 'Play all' }).click();
  await expect(player().locator('.player-queue')).toHaveText(`1 of ${MARKERS} · In order`);
  await page.keyboard.press('n');
  await expect(player().locator('.player-queue')).toHaveText(`2 of ${MARKERS} · In order`);
  const playing = await playingId();
  // Words that find a few markers, in another order: the old queue's indexes mean others there.
  const words = hits.at(-1)!.primaryTag.name;
  const found = await own.countOf({ text: words });
  expect(found).toBeLessThan(MARKERS);
  await searchBox().fill(words);
  await expect(page.locator('.result-count')).toHaveText(markerCount(found));
  await player().focus();
  await page.keyboard.press('n');
  await page.keyboard.press('n');
  expect(await playingId()).toBe(playing);
  await expect(player().locator('.player-note')).toHaveText('Play all stopped: a new search changed the results.');
  await expect(player().locator('.player-queue')).toHaveCount(0);
  await expect(player().getByRole('button', { name: 'Next (N)' })).toBeDisabled();
  await expect.poll(() => page.locator('.player-video').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  await screenshot(page, 'play-all-search-changed');
  await page.keyboard.press('Escape');
  await expect(player()).toHaveCount(0);
  await searchBox().fill('');
  await expect(page.locator('.result-count')).toHaveText(markerCount(MARKERS));
});

test('at 800 px the wall and the player fit the window', async () => {
  await page.setViewportSize({ width: 800, height: 600 });
  await expect(tiles().first()).toBeVisible();
  // The wall lays its tiles out again once it has measured its new width.
  await expect.poll(() => sidewaysScrollersOf(page)).toEqual([]);
  await expect.poll(() => elementsOutsideOf(page, '.wall-tile')).toEqual([]);
  await screenshot(page, 'wall-800');
  await results().focus();
  await page.keyboard.press('Enter');
  await expect(player()).toBeVisible();
  await expect.poll(() => page.locator('.player-video').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  expect(await sidewaysScrollersOf(page)).toEqual([]);
  expect(await elementsOutsideOf(page, '.player')).toEqual([]);
  const box = (await player().boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(800);
  expect(box.y + box.height).toBeLessThanOrEqual(600);
  await screenshot(page, 'player-800');
  await page.keyboard.press('Escape');
  await page.setViewportSize(VIEWPORT);
});

test('a sync during play all waits for the player to close before it refreshes the results', async () => {
  await page.getByRole('button', { name: 'Play all' }).click();
  await page.keyboard.press('n');
  await expect(player().locator('.player-queue')).toHaveText(`2 of ${MARKERS} · In order`);
  // Stash loses the last result; a sync (the tray's or a periodic one) takes it out of the mirror.
  own.stash.library.deleteMarker(hits.at(-1)!.id);
  const response = await page.request.post(`${own.host.url}${HTTP_ROUTES.rpc('syncNow')}`, {
    headers: { Authorization: `Bearer ${HOST_TOKEN}` },
    data: {},
  });
  expect(await response.json()).toMatchObject({ ok: true });
  await expect.poll(() => own.countOf({})).toBe(MARKERS - 1);
  // Play all plays on through the results it started with.
  await player().focus();
  await page.keyboard.press('n');
  await expect(player().locator('.player-queue')).toHaveText(`3 of ${MARKERS} · In order`);
  expect(await playingId()).toBe(hits[2]!.id);
  await expect(page.locator('.result-count')).toHaveText(markerCount(MARKERS));
  await page.keyboard.press('Escape');
  await expect(page.locator('.result-count')).toHaveText(markerCount(MARKERS - 1));
});
