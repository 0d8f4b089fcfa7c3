/**
 * The search lives in the address: a reload keeps the words, filters and sort; Back and Forward
 * step through deliberate changes (typing adds no entries); a hand-edited address that makes no
 * sense shows the default search, with no error. One serial flow against a small fake Stash,
 * through a host of its own, so it does not depend on what the other specs left in the shared one.
 */
import { expect, test, type Page } from '@playwright/test';
import { HTTP_ROUTES, type MarkerQueryInput, type NamedRef, type SuggestRequest } from '../src/shared/contract';
import { createClock } from '../tools/fake-stash/clock';
import { generateLibrary } from '../tools/fake-stash/generate';
import { startFakeStash, type FakeStash } from '../tools/fake-stash/server';
import { connectStash, mainNav, syncNow } from './support/app-steps';
import { HOST_TOKEN, VIEWPORT } from './support/env';
import { STASH_API_KEY } from './support/fake-stash';
import { markerCount } from './support/host-api';
import { startOwnHost, type OwnHost } from './support/own-host';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

const MARKERS = 400;
let page: Page;
let stash: FakeStash;
let host: OwnHost;
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  const library = generateLibrary({
    seed: 3,
    size: { performers: 30, tags: 20, scenes: 100, markers: MARKERS },
    clock: createClock({ mode: 'real' }),
  });
  stash = await startFakeStash({ library, apiKey: STASH_API_KEY });
  host = await startOwnHost('url-state');
  page = await browser.newPage({ baseURL: host.url, viewport: VIEWPORT });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`/?token=${HOST_TOKEN}`);
  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);
});

test.afterEach(() => {
  expect(pageErrors, 'errors thrown in the page').toEqual([]);
});

test.afterAll(async () => {
  await page?.close();
  await Promise.all([stash?.close(), host?.close()]);
});

const resultCount = () => page.locator('.result-count');
const searchBox = () => page.getByLabel('Search markers');
const sortSelect = () => page.getByLabel('Sort', { exact: true });
const chip = (name: string) => page.getByRole('button', { name: `Remove ${name}`, exact: true });
const addressQuery = () => new URL(page.url()).searchParams;

async function call<T>(method: 'searchMarkers' | 'suggest', argument: MarkerQueryInput | SuggestRequest): Promise<T> {
  const response = await page.request.post(`${host.url}${HTTP_ROUTES.rpc(method)}`, {
    headers: { Authorization: `Bearer ${HOST_TOKEN}` },
    data: argument,
  });
  expect(response.ok()).toBe(true);
  return (await response.json()) as T;
}

const countOf = async (query: MarkerQueryInput) => (await call<{ total: number }>('searchMarkers', { ...query, perPage: 1, facetLimit: 0 })).total;
const mostUsed = (kind: SuggestRequest['kind']) => call<NamedRef[]>('suggest', { kind, prefix: '', limit: 1 }).then((refs) => refs[0]!);

async function pick(picker: string, name: string): Promise<void> {
  await page.getByLabel(picker, { exact: true }).fill(name);
  await page.getByRole('listbox', { name: picker }).getByRole('option', { name, exact: true }).click();
}

/** The page shows what the host finds for `query`: the form searched it, not the untouched one. */
async function expectCountOf(query: MarkerQueryInput): Promise<void> {
  const total = await countOf(query);
  expect(total, `markers found for ${JSON.stringify(query)}`).toBeGreaterThan(0);
  expect(total).toBeLessThan(MARKERS);
  await expect(resultCount()).toHaveText(markerCount(total));
}

let tag: NamedRef;
let performer: NamedRef;

test('a reload keeps the words, the filters and the sort', async () => {
  await mainNav(page, 'Search').click();
  await expect(resultCount()).toHaveText(markerCount(MARKERS));
  tag = await mostUsed('tags');
  performer = await mostUsed('performers');

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
  const other = await browser.newPage({ baseURL: host.url, viewport: VIEWPORT });
  try {
    // A new tab: none of the names remembered by the first one, and the host token still to take.
    await other.goto(`/?token=${HOST_TOKEN}&tags=${tag.id}&sort=sceneTitle#/search`);
    const total = await countOf({ markerTags: { all: [{ id: tag.id }] } });
    await expect(other.locator('.result-count')).toHaveText(markerCount(total));
    await expect(other.getByRole('button', { name: `Remove ${tag.name}`, exact: true })).toBeVisible();
    expect(new URL(other.url()).search).toBe(`?tags=${tag.id}&sort=sceneTitle`);
  } finally {
    await other.close();
  }
});

test('an address that makes no sense shows the default search, with no error', async () => {
  await page.goto(
    `/?tags=abc,-1&performers=x*&sort=loudest&dir=up&end=maybe&date-from=2021-13&minutes-min=soon&q=${'w'.repeat(600)}&view=wall&utm_source=mail#/search`,
  );
  await expect(resultCount()).toHaveText(markerCount(MARKERS));
  await expect(searchBox()).toHaveValue('');
  await expect(sortSelect()).toHaveValue('relevance');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // What could not be read is gone from the address too.
  expect(new URL(page.url()).search).toBe('');
  await screenshot(page, 'url-state-bad-address');
});
