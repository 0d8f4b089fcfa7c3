/**
 * The search lives in the address: a reload keeps the words, filters and sort; Back and Forward
 * step through deliberate changes (typing adds no entries); a hand-edited address that makes no
 * sense shows the default search, with no error. One serial flow against a small fake Stash,
 * through a host of its own, so it does not depend on what the other specs left in the shared one.
 */
import { expect, test, type Page } from '@playwright/test';
import type { MarkerQueryInput, NamedRef } from '../src/shared/contract';
import { mainNav } from './support/app-steps';
import { HOST_TOKEN, VIEWPORT } from './support/env';
import { markerCount } from './support/host-api';
import { openOwnLibrary, type OwnLibrary } from './support/own-library';
import { searchForm } from './support/search-form';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

const MARKERS = 400;
let own: OwnLibrary;
let page: Page;
const { resultCount, chip, addressQuery, pick, expectCountOf, expectNoPageErrors } = searchForm(() => own, MARKERS);

test.beforeAll(async ({ browser }) => {
  own = await openOwnLibrary(browser, 'url-state', { seed: 3, markers: MARKERS });
  page = own.page;
});

test.afterEach(() => expectNoPageErrors());

test.afterAll(async () => own?.close());

const searchBox = () => page.getByLabel('Search markers');
const sortSelect = () => page.getByLabel('Sort', { exact: true });

let tag: NamedRef;
let performer: NamedRef;

test('a reload keeps the words, the filters and the sort', async () => {
  await mainNav(page, 'Search').click();
  await expect(resultCount()).toHaveText(markerCount(MARKERS));
  tag = await own.mostUsed('tags');
  performer = await own.mostUsed('performers');

  await pick('Add marker tag', tag.name);
  await expect(chip(tag.name)).toBeVisible();
  await sortSelect().selectOption('sceneTitle');
  const word = tag.name.split(/\s+/)[0]!.slice(0, 3).toLowerCase();
  await searchBox().fill(word);
  const query: MarkerQueryInput = { text: word, markerTags: { all: [{ id: tag.id }] }, sort: 'sceneTitle' };
  await expectCountOf(query);
  await expect.poll(() => addressQuery().get('q')).toBe(word);
  expect(addressQuery().get('tags')).toBe(String(tag.id));
  expect(addressQuery().get('sort')).toBe('sceneTitle');

  await page.reload();
  await expect(searchBox()).toHaveValue(word);
  // The name too, though the address carries only the id.
  await expect(chip(tag.name)).toBeVisible();
  await expect(sortSelect()).toHaveValue('sceneTitle');
  await expectCountOf(query);
  await screenshot(page, 'url-state-after-reload');
});

test('typing replaces the address instead of adding a history entry per keystroke', async () => {
  const entries = await page.evaluate(() => history.length);
  await searchBox().fill('');
  await searchBox().pressSequentially('abcd', { delay: 30 });
  await expect.poll(() => addressQuery().get('q')).toBe('abcd');
  expect(await page.evaluate(() => history.length)).toBe(entries);
  await searchBox().fill('');
  await expect.poll(() => addressQuery().has('q')).toBe(false);
});

test('Back restores the previous filters and Forward the later ones', async () => {
  const before: MarkerQueryInput = { markerTags: { all: [{ id: tag.id }] }, sort: 'sceneTitle' };
  const after: MarkerQueryInput = { ...before, performers: { none: [performer.id] } };
  await expectCountOf(before);
  await page.getByLabel('Performer match').selectOption('none');
  await pick('Add performer', performer.name);
  await expect(chip(performer.name)).toBeVisible();
  await expectCountOf(after);
  expect(addressQuery().get('performers-none')).toBe(String(performer.id));

  await page.goBack();
  await expect(chip(performer.name)).toHaveCount(0);
  await expect(chip(tag.name)).toBeVisible();
  await expectCountOf(before);

  await page.goForward();
  await expect(chip(performer.name)).toBeVisible();
  await expectCountOf(after);

  // Another page of the app and back: the search is still there.
  await mainNav(page, 'Sync').click();
  await page.goBack();
  await expect(chip(performer.name)).toBeVisible();
  await expectCountOf(after);
});

test('an address opened in another tab searches the same, naming its refs from what it finds', async ({ browser }) => {
  const other = await browser.newPage({ baseURL: own.host.url, viewport: VIEWPORT });
  try {
    // A new tab: none of the names remembered by the first one, and the host token still to take.
    await other.goto(`/?token=${HOST_TOKEN}&tags=${tag.id}&sort=sceneTitle#/search`);
    const total = await own.countOf({ markerTags: { all: [{ id: tag.id }] } });
    await expect(other.locator('.result-count')).toHaveText(markerCount(total));
    await expect(other.getByRole('button', { name: `Remove ${tag.name}`, exact: true })).toBeVisible();
    expect(new URL(other.url()).search).toBe(`?tags=${tag.id}&sort=sceneTitle`);
  } finally {
    await other.close();
  }
});

test('an address that makes no sense shows the default search, with no error', async () => {
  await page.goto(
    `/?tags=abc,-1&performers=x*&sort=loudest&dir=up&end=maybe&date-from=2021-13&minutes-min=soon&q=${'w'.repeat(600)}&view=grid&utm_source=mail#/search`,
  );
  await expect(resultCount()).toHaveText(markerCount(MARKERS));
  await expect(searchBox()).toHaveValue('');
  await expect(sortSelect()).toHaveValue('relevance');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // What could not be read is gone from the address too.
  expect(new URL(page.url()).search).toBe('');
  await screenshot(page, 'url-state-bad-address');
});
