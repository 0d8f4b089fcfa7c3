/**
 * The app in a browser against the headless host, as a user goes through it: first run, settings,
 * a sync and a cancelled one, searching and its filters, the keyboard, what goes wrong, and a
 * library with no markers. One serial flow
 * on one page, starting from the empty data directory the host was started with.
 */
import { expect, test, type Page, type Request } from '@playwright/test';
import { formatEnumWord } from '../src/renderer/src/lib/format';
import { HTTP_ROUTES, type MarkerQueryInput, type NamedRef, type SuggestRequest } from '../src/shared/contract';
import { startFakeStash } from '../tools/fake-stash/server';
import { DELETIONS_LEFT, growPerformersWhileListed } from '../tools/fake-stash/restless';
import { connectStash, syncNow } from './support/app-steps';
import { HOST_TOKEN, HOST_URL, VIEWPORT } from './support/env';
import { slowDown, startSampleStash, STASH_API_KEY, type FakeStash } from './support/fake-stash';
import { hostCall, markerCount } from './support/host-api';
import { elementsOutsideOf, sidewaysScrollersOf } from './support/layout-checks';
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

const nav = (name: 'Search' | 'Sync' | 'Settings') => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const resultCount = () => page.locator('.result-count');
const searchBox = () => page.getByLabel('Search markers');
const results = () => page.getByRole('listbox', { name: 'Results' });
const syncPill = (state: string) => page.getByRole('link', { name: `Sync status: ${state}` });
const genderCheckbox = (gender: string) =>
  page.getByRole('group', { name: 'Performer gender' }).getByRole('checkbox', { name: formatEnumWord(gender), exact: true });

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

/**
 * Expects the page to count what the host's search finds for `query`, and that to be some of the
 * library but not all of it: a filter the page left out would count every marker.
 */
async function expectCountOf(query: MarkerQueryInput): Promise<number> {
  const { total } = await hostCall(page.request, 'searchMarkers', { ...query, perPage: 1, facetLimit: 0 });
  expect(total, `markers found for ${JSON.stringify(query)}`).toBeGreaterThan(0);
  expect(total).toBeLessThan(8000);
  await expect(resultCount()).toHaveText(markerCount(total));
  return total;
}

async function clearFilters(): Promise<void> {
  await page.getByRole('button', { name: /^Clear/ }).click();
  await expect(resultCount()).toHaveText(markerCount(8000));
}

/** The value `share` of the way through `values` in order. */
function quantile<T extends number | string>(values: readonly T[], share: number): T {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor(share * (sorted.length - 1))]!;
}

/** Filter bounds from the fake library's quartiles, so each bound keeps some markers and drops others. */
function sampleBounds() {
  const scenes = [...stash.library.scenes.values()];
  const dates = scenes.flatMap((scene) => scene.date ?? []);
  const minutes = scenes.flatMap((scene) => scene.files.slice(0, 1).map((file) => file.duration / 60));
  const lengths = [...stash.library.markers.values()].flatMap((marker) => (marker.end_seconds === null ? [] : [marker.end_seconds - marker.seconds]));
  const quartiles = (values: number[]) => ({ min: Math.round(quantile(values, 0.25)), max: Math.round(quantile(values, 0.75)) });
  return {
    // A year: a partial bound covers all of it.
    dateFrom: quantile(dates, 0.25).slice(0, 4),
    dateTo: quantile(dates, 0.75),
    sceneMinutes: quartiles(minutes),
    markerSeconds: quartiles(lengths),
  };
}

/**
 * Types a minimum, then a maximum, into a pair of range fields, expecting after each what the host
 * finds for the same range; `toQuery` puts the typed numbers into the query, in its units.
 */
async function expectRangeFilter(
  [minLabel, maxLabel]: [string, string],
  bounds: { min: number; max: number },
  toQuery: (range: { min: number; max?: number }) => MarkerQueryInput,
): Promise<void> {
  await page.getByLabel(minLabel, { exact: true }).fill(String(bounds.min));
  const atLeastMin = await expectCountOf(toQuery({ min: bounds.min }));
  await page.getByLabel(maxLabel, { exact: true }).fill(String(bounds.max));
  expect(await expectCountOf(toQuery(bounds))).toBeLessThan(atLeastMin);
  await clearFilters();
}

/**
 * Chooses a tag or performer with the keyboard alone: types `prefix` into the picker, steps down
 * from the first suggestion to the second and presses Enter. Returns the one the host ranks second,
 * leaving out those already chosen as the picker does.
 */
async function pickSecondSuggestion(
  picker: string,
  kind: SuggestRequest['kind'],
  prefix: string,
  chosenIds: readonly number[] = [],
): Promise<NamedRef> {
  const suggested = await hostCall(page.request, 'suggest', { kind, prefix, limit: chosenIds.length + 2 });
  const [first, second] = suggested.filter((ref) => !chosenIds.includes(ref.id));
  expect(second, `two ${kind} suggested for "${prefix}"`).toBeDefined();
  const input = page.getByRole('combobox', { name: picker, exact: true });
  const answered = page.waitForResponse(
    (response) => response.url().endsWith(HTTP_ROUTES.rpc('suggest')) && response.request().postDataJSON()?.prefix === prefix,
  );
  await input.focus();
  await page.keyboard.type(prefix);
  await answered;
  const options = page.getByRole('listbox', { name: picker }).getByRole('option');
  await expect(options.first()).toHaveText(first!.name);
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveText(second!.name);
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(input).toHaveValue('');
  await expect(input).toBeFocused();
  return second!;
}

/** What the Sync page shows whatever state the sync is in. */
async function expectSyncPage(): Promise<void> {
  await expect(nav('Sync')).toHaveAttribute('aria-current', 'page');
  for (const heading of ['Sync', 'Entities', 'History']) {
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  await expect(page.getByLabel('Full sync (re-read everything)')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByRole('row')).toHaveCount(6);
}

test('the Sync page opened directly on a fresh app renders', async () => {
  await page.goto(`/?token=${HOST_TOKEN}#/sync`);
  await expectSyncPage();
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await expect(page.getByText('No syncs have run yet.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByText('Never')).toHaveCount(5);
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
  await expect(page.getByRole('list', { name: 'Sync progress' }).getByText('Waiting')).toHaveCount(5);
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
  // The host is fresh only here, the first spec: the first-run screen also fits an 800 px window.
  await page.setViewportSize({ width: 800, height: 600 });
  expect(await sidewaysScrollersOf(page)).toEqual([]);
  expect(await elementsOutsideOf(page, '.first-run')).toEqual([]);
  await screenshot(page, 'layout-800-first-run');
  await page.setViewportSize(VIEWPORT);

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
  for (const entity of ['Performers', 'Tags', 'Studios', 'Scenes', 'Markers']) {
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
  // The metadata sync's end: the pictures step after it may have taken a few seconds more.
  await expect(lastSync).toHaveText(/^(just now|\d+ seconds ago)$/);
  expect(await lastSync.getAttribute('title')).toMatch(/\d{4}/);
});

test('the run history and the entities list the sync', async () => {
  const history = page.getByRole('table', { name: 'Sync history' });
  // The heading, a row per entity, and the run's picture counts on a line of their own.
  await expect(history.getByRole('row')).toHaveCount(7);
  await expect(history.getByText('Succeeded')).toHaveCount(5);
  await expect(history.getByRole('row').last()).toHaveText(/^Pictures: [\d,]+ downloaded/);
  const entities = page.getByRole('table', { name: 'Entities' });
  await expect(entities.getByText(/^(just now|\d+ seconds ago)$/)).toHaveCount(5);
  await screenshot(page, 'sync-done');
});

test('reloading the Sync page after a sync shows the same page again', async () => {
  await page.reload();
  await expectSyncPage();
  await expect(syncPill('Up to date')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Entities' }).getByText('Succeeded')).toHaveCount(5);
  await expect(page.getByRole('table', { name: 'Sync history' }).getByRole('row')).toHaveCount(7);
});

test('Cancel stops a running sync: the page and the history say so, and the next Sync now completes', async () => {
  slowDown(stash, 300);
  const fullSync = page.getByLabel('Full sync (re-read everything)');
  await fullSync.check();
  await page.getByRole('button', { name: 'Sync now' }).click();
  // Cancelled once it has answered some pages.
  await expect(page.getByText(/^[1-9][\d,]* \/ [\d,]+$/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Sync cancelled' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Sync progress' })).toHaveCount(0);
  const history = page.getByRole('table', { name: 'Sync history' });
  const cancelledRun = history.getByRole('row').filter({ hasText: 'Cancelled' });
  await expect(cancelledRun).toHaveCount(1);
  await expect(cancelledRun).toContainText('Full');
  await screenshot(page, 'sync-cancelled');
  stash.faults.clear();

  const succeededBefore = await history.getByText('Succeeded').count();
  await fullSync.uncheck();
  await syncNow(page);
  await expect(history.getByText('Succeeded')).toHaveCount(succeededBefore + 5);
  await expect(cancelledRun).toHaveCount(1);
  await expect(page.getByRole('status').filter({ hasText: 'Sync cancelled' })).toHaveCount(0);
  await expect(syncPill('Up to date')).toBeVisible();
});

test('a sync that leaves deletions for the next one lists why on the Sync page, until the next sync', async () => {
  await page.goto(`/?token=${HOST_TOKEN}#/sync`);
  await connectStash(page, stash.origin, STASH_API_KEY);
  const restless = growPerformersWhileListed(stash);
  await syncNow(page);
  restless.calm();
  const warnings = page.getByRole('list', { name: 'Sync warnings' });
  await expect(warnings.getByRole('listitem')).toHaveText([DELETIONS_LEFT]);
  await expect(syncPill('Up to date')).toBeVisible();
  // What the restless Stash added goes again; the next, quiet sync marks it stale and leaves nothing.
  for (const id of restless.created) stash.library.deletePerformer(id);
  await syncNow(page);
  await expect(warnings).toHaveCount(0);
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

test('performer genders: a checked gender narrows the results, a second one widens them', async () => {
  const genders = await hostCall(page.request, 'listGenders');
  const counted = await Promise.all(
    genders.map(async (gender) => {
      const { total } = await hostCall(page.request, 'searchMarkers', { performerGenders: [gender], perPage: 1, facetLimit: 0 });
      return { gender, total };
    }),
  );
  // The rarest gender, then one counting more: checked as well, it can only make the count grow.
  const [rarest, ...others] = counted.filter(({ total }) => total > 0).sort((a, b) => a.total - b.total);
  const commoner = others.find(({ total }) => total > rarest!.total);
  expect(commoner, 'two genders with different counts').toBeDefined();
  await expect(page.getByRole('group', { name: 'Performer gender' }).getByRole('checkbox')).toHaveCount(genders.length);

  await genderCheckbox(rarest!.gender).check();
  await expectCountOf({ performerGenders: [rarest!.gender] });
  await genderCheckbox(commoner!.gender).check();
  await expectCountOf({ performerGenders: [rarest!.gender, commoner!.gender] });
  await genderCheckbox(rarest!.gender).uncheck();
  await expectCountOf({ performerGenders: [commoner!.gender] });
  await genderCheckbox(commoner!.gender).uncheck();
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('a scene date range, and a date that does not exist is flagged and left out of the search', async () => {
  const { dateFrom, dateTo } = sampleBounds();
  const from = page.getByLabel('Date from', { exact: true });
  const to = page.getByLabel('Date to', { exact: true });
  await from.fill(dateFrom);
  const sinceFrom = await expectCountOf({ sceneDate: { from: dateFrom } });
  await to.fill(dateTo);
  expect(await expectCountOf({ sceneDate: { from: dateFrom, to: dateTo } })).toBeLessThan(sinceFrom);

  const noSuchDate = `${dateTo.slice(0, 4)}-02-30`;
  const searchedBodies: string[] = [];
  const recordSearch = (request: Request) => {
    if (request.url().endsWith(HTTP_ROUTES.rpc('searchMarkers'))) searchedBodies.push(request.postData() ?? '');
  };
  page.on('request', recordSearch);
  await to.fill(noSuchDate);
  await expect(to).toHaveAttribute('aria-invalid', 'true');
  await expect(to).toHaveAccessibleDescription('No such date');
  // The rest of the form still searches: the valid bound alone.
  await expect(resultCount()).toHaveText(markerCount(sinceFrom));
  page.off('request', recordSearch);
  expect(
    searchedBodies.filter((body) => body.includes(noSuchDate)),
    'searches sent with the impossible date',
  ).toEqual([]);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await screenshot(page, 'search-date-invalid');

  await clearFilters();
  await expect(to).toHaveValue('');
  await expect(to).not.toHaveAttribute('aria-invalid');
});

test('a scene duration range, in minutes', async () => {
  await expectRangeFilter(['Min duration (min)', 'Max duration (min)'], sampleBounds().sceneMinutes, ({ min, max }) => ({
    sceneDuration: { min: min * 60, max: max === undefined ? undefined : max * 60 },
  }));
});

test('a marker length range, in seconds', async () => {
  await expectRangeFilter(['Min length (s)', 'Max length (s)'], sampleBounds().markerSeconds, (markerLength) => ({ markerLength }));
});

test('the end time filter: with or without, only with, only without', async () => {
  const endTime = page.getByLabel('End time', { exact: true });
  await endTime.selectOption({ label: 'Has an end time' });
  const withEnd = await expectCountOf({ hasEnd: true });
  await endTime.selectOption({ label: 'No end time' });
  const withoutEnd = await expectCountOf({ hasEnd: false });
  expect(withEnd + withoutEnd).toBe(8000);
  await endTime.selectOption({ label: 'With or without' });
  await expect(resultCount()).toHaveText(markerCount(8000));
});

test('the filters combine, and Clear counts them', async () => {
  const { dateFrom, sceneMinutes, markerSeconds } = sampleBounds();
  const [gender] = await hostCall(page.request, 'listGenders');
  await page.getByLabel('Date from', { exact: true }).fill(dateFrom);
  await page.getByLabel('Min duration (min)', { exact: true }).fill(String(sceneMinutes.min));
  await page.getByLabel('Max length (s)', { exact: true }).fill(String(markerSeconds.max));
  await page.getByLabel('End time', { exact: true }).selectOption({ label: 'Has an end time' });
  await genderCheckbox(gender!).check();
  await expectCountOf({
    sceneDate: { from: dateFrom },
    sceneDuration: { min: sceneMinutes.min * 60 },
    markerLength: { max: markerSeconds.max },
    hasEnd: true,
    performerGenders: [gender!],
  });
  await expect(page.getByRole('button', { name: /^Clear/ })).toHaveText('Clear (5)');
  await screenshot(page, 'search-filters-combined');
  await clearFilters();
});

test('tags and performers chosen and removed with the keyboard alone, focus staying in their filter', async () => {
  const tagFilter = page.getByRole('group', { name: 'Marker tags', exact: true });
  const chosenTags = tagFilter.getByRole('group', { name: 'Marker tags: all of' });
  const tagPrefix = (await plainTagWord()).slice(0, 1);
  const firstTag = await pickSecondSuggestion('Add marker tag', 'tags', tagPrefix);
  await expect(chosenTags).toContainText(firstTag.name);
  await expectCountOf({ markerTags: { all: [{ id: firstTag.id }] } });
  const secondTag = await pickSecondSuggestion('Add marker tag', 'tags', tagPrefix, [firstTag.id]);
  await expect(chosenTags).toContainText(secondTag.name);
  await expectCountOf({ markerTags: { all: [{ id: firstTag.id }, { id: secondTag.id }] } });

  // From the name box, past the match select and the first chip's sub-tags box, to its remove button.
  for (let step = 0; step < 3; step++) await page.keyboard.press('Tab');
  const removeButton = (ref: NamedRef) => page.getByRole('button', { name: `Remove ${ref.name}`, exact: true });
  await expect(removeButton(firstTag)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(removeButton(firstTag)).toHaveCount(0);
  // Focus moves to the chip that is left, ready to remove it too.
  await expect(removeButton(secondTag)).toBeFocused();
  await expectCountOf({ markerTags: { all: [{ id: secondTag.id }] } });
  await page.keyboard.press('Enter');
  await expect(chosenTags).toHaveCount(0);
  await expect(tagFilter.getByRole('combobox', { name: 'Add marker tag' })).toBeFocused();
  await expect(resultCount()).toHaveText(markerCount(8000));

  const performers = await hostCall(page.request, 'suggest', { kind: 'performers', prefix: '', limit: 50 });
  const performerPrefix = performers
    .map((performer) => performer.name)
    .find((name) => /^[a-z]/i.test(name))!
    .slice(0, 1);
  const performer = await pickSecondSuggestion('Add performer', 'performers', performerPrefix);
  await expectCountOf({ performers: { all: [performer.id] } });
  // Past the match select to the chip's remove button; Space presses it as well as Enter does.
  for (let step = 0; step < 2; step++) await page.keyboard.press('Tab');
  await expect(removeButton(performer)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(removeButton(performer)).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Add performer', exact: true })).toBeFocused();
  await expect(resultCount()).toHaveText(markerCount(8000));
  // Closes the suggestions that focusing the name box opened.
  await page.keyboard.press('Escape');
});

test('clicking a facet narrows the results to it', async () => {
  const facets = page.getByRole('complementary', { name: 'Facets' });
  const facet = facets.getByRole('button', { name: /^Primary tags: / }).first();
  const [, name, count] = /^Primary tags: (.+) \(([\d,]+)\)$/.exec((await facet.getAttribute('aria-label'))!)!;
  await facet.click();
  await expect(resultCount()).toHaveText(`${count} ${count === '1' ? 'marker' : 'markers'}`);
  await expect(page.getByRole('group', { name: 'Marker tags: all of' })).toContainText(name!);
  await screenshot(page, 'search-facet');
  await clearFilters();
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

test('the keyboard: / focuses the search, arrows move, Enter plays the marker, which opens in Stash', async () => {
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

  // Enter plays the marker in the app; the player opens it in Stash.
  await page.keyboard.press('Enter');
  const popup = page.context().waitForEvent('page');
  await page.getByRole('dialog').getByRole('button', { name: 'Open in Stash' }).click();
  const opened = await popup;
  await opened.waitForLoadState('domcontentloaded');
  expect(opened.url()).toBe(second.urls!.scene);
  expect(opened.url()).toMatch(new RegExp(`^${stash.origin}/scenes/\\d+\\?t=\\d+$`));
  await opened.close();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

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
  const furthestRow = () => rows.evaluateAll((options) => Math.max(...options.map((o) => Number(o.getAttribute('aria-posinset')))));
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
  // Stash is gone, but the screenshots the earlier syncs cached still show.
  await expect(page.locator('.result-list img.thumb').first()).toBeVisible();
  await screenshot(page, 'search-offline');
});

test('a library with no markers: the search says the mirror holds none, not that the filters found none', async () => {
  // A Stash whose library is empty, in place of the one that went away.
  const emptyStash = await startFakeStash({ apiKey: STASH_API_KEY });
  try {
    await nav('Settings').click();
    await page.getByLabel('Stash URL').fill(emptyStash.origin);
    // A new address drops the saved key: the key goes with it.
    await page.getByLabel('API key').fill(STASH_API_KEY);
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
