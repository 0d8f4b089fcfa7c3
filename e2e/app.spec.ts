/**
 * The app in a browser against the headless host, as a user goes through it: first run, settings,
 * a sync, searching, the keyboard, what goes wrong, and a library with no markers. One serial flow
 * on one page, starting from the empty data directory the host was started with.
 */
import { expect, test, type Page } from '@playwright/test';
import { startFakeStash } from '../tools/fake-stash/server';
import { HOST_TOKEN, HOST_URL, VIEWPORT } from './support/env';
import { slowDown, startSampleStash, STASH_API_KEY, type FakeStash } from './support/fake-stash';
import { hostCall, markerCount } from './support/host-api';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

let page: Page;
let stash: FakeStash;
/** Errors thrown in the page: a render loop or a crash blanks the whole app. */
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  stash = await startSampleStash();
  page = await browser.newPage({ baseURL: HOST_URL, viewport: VIEWPORT });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

test.afterEach(() => {
  expect(pageErrors, 'errors thrown in the page').toEqual([]);
});

test.afterAll(async () => {
  await page?.close();
  await stash?.close();
});

const nav = (name: 'Search' | 'Sync' | 'Settings') =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const resultCount = () => page.locator('.result-count');
const searchBox = () => page.getByLabel('Search markers');
const results = () => page.getByRole('listbox', { name: 'Results' });
const syncPill = (state: string) => page.getByRole('link', { name: `Sync status: ${state}` });

/** A tag name that is one plain word, to type into the search box. */
async function plainTagWord(): Promise<string> {
  const tags = await hostCall(page.request, 'suggest', { kind: 'tags', prefix: '', limit: 50 });
  return tags.map((tag) => tag.name).find((name) => /^[a-z]{4,}$/i.test(name))!;
}

/** Picks a suggestion from one of the autocompleting pickers. */
async function pick(picker: string, name: string): Promise<void> {
  await page.getByLabel(picker, { exact: true }).fill(name);
  await page.getByRole('listbox', { name: picker }).getByRole('option', { name, exact: true }).click();
}

/** What the Sync page shows whatever state the sync is in. */
async function expectSyncPage(): Promise<void> {
  await expect(nav('Sync')).toHaveAttribute('aria-current', 'page');
  for (const heading of ['Sync', 'Entities', 'History']) {
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  await expect(page.getByLabel('Full sync (re-read everything)')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByRole('row')).toHaveCount(5);
}

test('the Sync page opened directly on a fresh app renders', async () => {
  await page.goto(`/?token=${HOST_TOKEN}#/sync`);
  await expectSyncPage();
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await expect(page.getByText('No syncs have run yet.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByText('Never')).toHaveCount(4);
  await screenshot(page, 'sync-opened-directly');
});

test('an unreadable sync status leaves the Sync page up with the reason, and Sync now still starts', async () => {
  await page.route('**/api/rpc/getSyncStatus', (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'The mirror database is busy' }) }),
  );
  // The event stream starts with the status too: it stays shut, as from a host that is restarting.
  const eventStream = (url: URL) => url.pathname === '/api/events';
  await page.route(eventStream, (route) => route.fulfill({ status: 503 }));
  // Held, so the page shows a sync starting while it still has no status at all.
  let answerSyncNow!: () => void;
  const syncNowAnswered = new Promise<void>((resolve) => (answerSyncNow = resolve));
  await page.route('**/api/rpc/syncNow', async (route) => {
    await syncNowAnswered;
    await route.continue();
  });

  await page.reload();
  const statusAlert = page.getByRole('alert').filter({ hasText: 'Cannot read the sync status.' });
  await expect(statusAlert).toContainText('The mirror database is busy');
  await expect(page.getByRole('heading', { name: 'Entities', exact: true })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByRole('row')).toHaveCount(1);

  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('list', { name: 'Sync progress' }).getByText('Waiting')).toHaveCount(4);
  await screenshot(page, 'sync-status-unreadable');
  answerSyncNow();
  await expect(page.getByRole('alert').filter({ hasText: 'No Stash server is set' })).toBeVisible();
  await expect(statusAlert).toBeVisible();
  await page.unroute('**/api/rpc/syncNow');
  await page.unroute('**/api/rpc/getSyncStatus');
  await page.unroute(eventStream);
});

test('first run: no sync yet, with the way to Settings and to a sync', async () => {
  await page.goto(`/?token=${HOST_TOKEN}`);
  await expect(page.getByRole('heading', { name: 'No sync has completed yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open Settings' })).toBeVisible();
  await expect(page.getByText('Never synced')).toBeVisible();
  // The token moved out of the address bar into this tab's session.
  expect(page.url()).not.toContain('token=');
  await screenshot(page, 'first-run');

  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('alert')).toContainText(/Stash/i);
  await screenshot(page, 'first-run-sync-not-configured');
});

test('settings: inline validation, Test connection on typed values, save keeps the key hidden', async () => {
  await page.getByRole('link', { name: 'Open Settings' }).click();
  await expect(nav('Settings')).toHaveAttribute('aria-current', 'page');
  const stashUrl = page.getByLabel('Stash URL');
  const apiKey = page.getByLabel('API key');

  await stashUrl.fill('not an address');
  await page.getByLabel('Sync periodically').check();
  await page.getByLabel('Interval (minutes)').fill('2');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Expected an http:// or https:// address')).toBeVisible();
  await expect(page.getByText('Enter whole minutes, from 5 to 10080 (a week)')).toBeVisible();
  await screenshot(page, 'settings-validation');

  await stashUrl.fill(stash.origin);
  await page.getByLabel('Interval (minutes)').fill('60');
  await apiKey.fill('wrong-key');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/^Connection failed: .*refused the API key/)).toBeVisible();
  await screenshot(page, 'settings-test-wrong-key');

  await apiKey.fill(STASH_API_KEY);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/^Connected: Stash v\d/)).toBeVisible();
  await screenshot(page, 'settings-test-ok');

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await expect(page.getByText('Key saved')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remove key' })).toBeVisible();
  await expect(apiKey).toHaveValue('');
  await expect(page.getByText('stash-mirror.db')).toBeVisible();
  await screenshot(page, 'settings-saved');
});

test('Sync now shows live progress per entity, then the last sync time', async () => {
  slowDown(stash, 250);
  await nav('Sync').click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  for (const entity of ['Performers', 'Tags', 'Scenes', 'Markers']) {
    await expect(page.getByRole('progressbar', { name: `${entity} progress` })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^Sync status: Syncing scenes \d+%$/ })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/^[1-9][\d,]* \/ [\d,]+$/).first()).toBeVisible();
  await screenshot(page, 'sync-progress');
  stash.faults.clear();

  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 30_000 });
  await expect(syncPill('Up to date')).toBeVisible();
  const lastSync = page.locator('.last-sync time');
  await expect(lastSync).toHaveText('just now');
  expect(await lastSync.getAttribute('title')).toMatch(/\d{4}/);
});

test('the run history and the entities list the sync', async () => {
  const history = page.getByRole('table', { name: 'Sync history' });
  await expect(history.getByRole('row')).toHaveCount(5);
  await expect(history.getByText('Succeeded')).toHaveCount(4);
  const entities = page.getByRole('table', { name: 'Entities' });
  await expect(entities.getByText('just now')).toHaveCount(4);
  await screenshot(page, 'sync-done');
});

test('reloading the Sync page after a sync shows the same page again', async () => {
  await page.reload();
  await expectSyncPage();
  await expect(syncPill('Up to date')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByText('Succeeded')).toHaveCount(4);
  await expect(page.getByRole('table', { name: 'Sync history' }).getByRole('row')).toHaveCount(5);
});

test('search as you type follows the last words typed', async () => {
  await nav('Search').click();
  await expect(resultCount()).toHaveText(markerCount(8000));
  await expect(page.locator('#result-0 .result-title')).not.toBeEmpty();
  await screenshot(page, 'search-all');

  const word = await plainTagWord();
  const expected = await hostCall(page.request, 'searchMarkers', { text: word });
  expect(expected.total).toBeGreaterThan(0);
  expect(expected.total).toBeLessThan(8000);
  // The first keystroke alone filters nothing: the search waits for a second character.
  await searchBox().press(word[0]!);
  await expect(page.getByText('One more character to search')).toBeVisible();
  await expect(resultCount()).toHaveText(markerCount(8000));
  await screenshot(page, 'search-first-key');
  // Typed one key at a time: every keystroke's search may answer, only the last one counts.
  await searchBox().pressSequentially(word.slice(1), { delay: 40 });
  await expect(page.getByText('One more character to search')).toHaveCount(0);
  await expect(resultCount()).toHaveText(markerCount(expected.total));
  await expect(page.locator('#result-0 .result-title')).toHaveText(expected.hits[0]!.title || expected.hits[0]!.primaryTag.name);
  await screenshot(page, 'search-typed');

  await searchBox().press('Escape');
  await expect(searchBox()).toHaveValue('');
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('a tag filter with and without its sub-tags, and primary tag only', async () => {
  const library = stash.library;
  const parents = [...library.tags.values()].filter((tag) => [...library.tags.values()].some((t) => t.parentIds.includes(tag.id)));
  let chosen: { id: number; name: string; own: number; withSubtags: number } | undefined;
  for (const tag of parents) {
    const own = await hostCall(page.request, 'searchMarkers', { markerTags: { all: [{ id: tag.id }] }, perPage: 1, facetLimit: 0 });
    const all = await hostCall(page.request, 'searchMarkers', {
      markerTags: { all: [{ id: tag.id, withSubtags: true }] },
      perPage: 1,
      facetLimit: 0,
    });
    if (own.total > 0 && all.total > own.total) {
      chosen = { id: tag.id, name: tag.name, own: own.total, withSubtags: all.total };
      break;
    }
  }
  expect(chosen, 'the sample library has a tag whose sub-tags have markers').toBeDefined();
  const tag = chosen!;

  await pick('Add marker tag', tag.name);
  await expect(resultCount()).toHaveText(markerCount(tag.own));
  await page.getByLabel(`Include sub-tags of ${tag.name}`).check();
  await expect(resultCount()).toHaveText(markerCount(tag.withSubtags));
  await screenshot(page, 'search-tag-with-subtags');

  const primary = await hostCall(page.request, 'searchMarkers', {
    markerTags: { all: [{ id: tag.id, withSubtags: true }], on: 'primary' },
    perPage: 1,
    facetLimit: 0,
  });
  await page.getByLabel('Primary tag only').check();
  await expect(resultCount()).toHaveText(markerCount(primary.total));
  await page.getByLabel('Primary tag only').uncheck();
  await page.getByRole('button', { name: `Remove ${tag.name}` }).click();
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('a performer filter', async () => {
  const [performer] = await hostCall(page.request, 'suggest', { kind: 'performers', prefix: '', limit: 1 });
  const expected = await hostCall(page.request, 'searchMarkers', { performers: { all: [performer!.id] }, perPage: 1 });
  await pick('Add performer', performer!.name);
  await expect(resultCount()).toHaveText(markerCount(expected.total));
  await expect(page.locator('#result-0 .performers')).toContainText(performer!.name);
  await screenshot(page, 'search-performer');
  await page.getByRole('button', { name: `Remove ${performer!.name}` }).click();
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('clicking a facet narrows the results to it', async () => {
  const facets = page.getByRole('complementary', { name: 'Facets' });
  const facet = facets.getByRole('button', { name: /^Primary tags: / }).first();
  const [, name, count] = /^Primary tags: (.+) \(([\d,]+)\)$/.exec((await facet.getAttribute('aria-label'))!)!;
  await facet.click();
  await expect(resultCount()).toHaveText(`${count} ${count === '1' ? 'marker' : 'markers'}`);
  await expect(page.getByRole('group', { name: 'Marker tags: all of' })).toContainText(name!);
  await screenshot(page, 'search-facet');
  await page.getByRole('button', { name: /^Clear/ }).click();
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('changing the sort reorders the results', async () => {
  await page.getByLabel('Sort').selectOption('sceneDate');
  await page.getByLabel('Direction').selectOption('asc');
  const expected = await hostCall(page.request, 'searchMarkers', { sort: 'sceneDate', direction: 'asc', perPage: 1 });
  const first = expected.hits[0]!;
  await expect(page.locator('#result-0 .scene-date')).toHaveText(first.scene.date!);
  await expect(page.locator('#result-0 .result-title')).toHaveText(first.title || first.primaryTag.name);
  await screenshot(page, 'search-sorted-by-date');
  await page.getByLabel('Sort').selectOption('relevance');
});

test('the keyboard: / focuses the search, arrows move, Enter opens the scene in Stash', async () => {
  await page.locator('.brand').click();
  await page.keyboard.press('/');
  await expect(searchBox()).toBeFocused();
  const word = (await plainTagWord()).slice(0, 3);
  const expected = await hostCall(page.request, 'searchMarkers', { text: word, perPage: 100 });
  expect(expected.total).toBeLessThan(8000);
  const second = expected.hits[1]!;
  await page.keyboard.type(word);
  await expect(resultCount()).toHaveText(markerCount(expected.total));
  await expect(page.locator('#result-1 .result-title')).toHaveText(second.title || second.primaryTag.name);

  await page.keyboard.press('ArrowDown');
  await expect(results()).toBeFocused();
  await expect(results()).toHaveAttribute('aria-activedescendant', 'result-0');
  await page.keyboard.press('ArrowDown');
  await expect(results()).toHaveAttribute('aria-activedescendant', 'result-1');
  await expect(page.locator('#result-1')).toHaveAttribute('aria-selected', 'true');
  await screenshot(page, 'search-keyboard');

  const popup = page.context().waitForEvent('page');
  await page.keyboard.press('Enter');
  const opened = await popup;
  await opened.waitForLoadState('domcontentloaded');
  expect(opened.url()).toBe(second.urls!.scene);
  expect(opened.url()).toMatch(new RegExp(`^${stash.origin}/scenes/\\d+\\?t=\\d+$`));
  await opened.close();

  await page.keyboard.press('/');
  await expect(searchBox()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(searchBox()).toHaveValue('');
});

test('thousands of results scroll in a virtual list with only the visible rows in the page', async () => {
  await expect(resultCount()).toHaveText(markerCount(8000));
  const rows = results().getByRole('option');
  expect(await rows.count()).toBeLessThan(40);

  // Wheel down past the first pages: the rows there load as they come into view.
  await results().hover();
  const furthestRow = () =>
    rows.evaluateAll((options) => Math.max(...options.map((o) => Number(o.getAttribute('aria-posinset')))));
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, 8000);
      return furthestRow();
    })
    .toBeGreaterThan(300);
  await expect(results().locator('.skeleton')).toHaveCount(0);
  expect(await rows.count()).toBeLessThan(40);

  const lastPage = await hostCall(page.request, 'searchMarkers', { page: 80, perPage: 100, facetLimit: 0 });
  const last = lastPage.hits[99]!;
  await results().focus();
  await page.keyboard.press('End');
  await expect(page.locator('#result-7999 .result-title')).toHaveText(last.title || last.primaryTag.name);
  await expect(results()).toHaveAttribute('aria-activedescendant', 'result-7999');
  expect(await rows.count()).toBeLessThan(40);
  await screenshot(page, 'search-scrolled-to-end');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.keyboard.press('Home');
  await screenshot(page, 'search-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a failed search shows a one-line reason', async () => {
  await page.route('**/api/rpc/searchMarkers', (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'The mirror database is busy' }) }),
  );
  await searchBox().fill('anything');
  await expect(page.getByRole('alert')).toHaveText('The mirror database is busy');
  await expect(resultCount()).toHaveText('Search failed');
  await expect(results()).toHaveCount(0);
  await screenshot(page, 'search-failed');
  await page.unroute('**/api/rpc/searchMarkers');
  await searchBox().press('Escape');
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('a wrong API key makes Sync now fail with a readable reason', async () => {
  await nav('Settings').click();
  await page.getByLabel('API key').fill('a-wrong-key');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  await nav('Sync').click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The last sync failed.' });
  await expect(alert).toContainText('refused the API key', { timeout: 20_000 });
  await expect(syncPill('Last sync failed')).toBeVisible();
  await screenshot(page, 'sync-wrong-key');
});

test('Stash going away mid-sync ends the sync with a readable reason, and search still works', async () => {
  await nav('Settings').click();
  await page.getByLabel('API key').fill(STASH_API_KEY);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  slowDown(stash, 300);
  await nav('Sync').click();
  await page.getByLabel('Full sync (re-read everything)').check();
  await page.getByRole('button', { name: 'Sync now' }).click();
  // Stopped once it has answered some pages.
  await expect(page.getByText(/^[1-9][\d,]* \/ [\d,]+$/).first()).toBeVisible();
  await stash.close();

  const alert = page.getByRole('alert').filter({ hasText: 'The last sync failed.' });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert).toContainText(stash.origin);
  await expect(syncPill('Last sync failed')).toBeVisible();
  await screenshot(page, 'sync-stash-unreachable');

  await nav('Search').click();
  await expect(resultCount()).toHaveText(markerCount(8000));
  // Screenshots come from Stash, which is gone: rows show a placeholder instead.
  await expect(page.locator('#result-0 .thumb-placeholder')).toBeVisible();
  await screenshot(page, 'search-offline');
});

test('a library with no markers: the search says the mirror holds none, not that the filters found none', async () => {
  // A Stash whose library is empty, in place of the one that went away.
  const emptyStash = await startFakeStash({ apiKey: STASH_API_KEY });
  try {
    await nav('Settings').click();
    await page.getByLabel('Stash URL').fill(emptyStash.origin);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();

    await nav('Sync').click();
    // A full sync accepts that every marker in the mirror is gone from Stash.
    await page.getByLabel('Full sync (re-read everything)').check();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(syncPill('Up to date')).toBeVisible({ timeout: 30_000 });

    await nav('Search').click();
    await expect(resultCount()).toHaveText('No markers');
    await expect(page.getByText('The mirror holds no markers: the Stash library had none at the last sync.')).toBeVisible();
    await expect(page.getByText(/with these filters/)).toHaveCount(0);
    await screenshot(page, 'search-empty-mirror');

    // With words typed, an empty mirror cannot be told from a search too narrow: nothing matched.
    await searchBox().fill('anything');
    await expect(resultCount()).toHaveText('No markers match');
    await expect(page.getByText('No markers match “anything” with these filters.')).toBeVisible();
  } finally {
    await emptyStash.close();
  }
});
