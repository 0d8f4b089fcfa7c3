/**
 * The studio, performer and scene filters narrow the results to what the host finds for the same
 * query; the studio facet narrows as the other facets do; sorted by scene, each scene's markers
 * stand under one header and the keyboard moves over markers only. One serial flow against a small
 * fake Stash, through a host of its own.
 */
import { expect, test, type Page } from '@playwright/test';
import type { MarkerQueryInput, NamedRef } from '../src/shared/contract';
import type { MarkerSearchResult } from '../src/shared/search-query';
import { mainNav } from './support/app-steps';
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
  own = await openOwnLibrary(browser, 'filters', { seed: 5, markers: MARKERS });
  page = own.page;
  await mainNav(page, 'Search').click();
  await expect(resultCount()).toHaveText(markerCount(MARKERS));
});

test.afterEach(async () => {
  expectNoPageErrors();
  // Each test starts from the whole mirror.
  const clear = page.getByRole('button', { name: /^Clear/ });
  if (await clear.isEnabled()) await clear.click();
  await page.getByLabel('Sort', { exact: true }).selectOption('relevance');
  await expect(resultCount()).toHaveText(markerCount(MARKERS));
});

test.afterAll(async () => own?.close());

/** The most used tag that some performer carries (the most used marker tag need not be one). */
async function performerTag(): Promise<NamedRef> {
  for (const tag of await own.call<NamedRef[]>('suggest', { kind: 'tags', prefix: '', limit: 100 })) {
    if ((await own.countOf({ performerTags: { all: [{ id: tag.id }] } })) > 0) return tag;
  }
  throw new Error('no performer of the library carries a tag');
}

test('a studio, in any of or none of, with and without its child studios', async () => {
  const studio = await own.mostUsed('studios');
  await pick('Add studio', studio.name);
  await expect(chip(studio.name)).toBeVisible();
  await expectCountOf({ studios: { any: [{ id: studio.id }] } });
  await page.getByLabel(`Include child studios of ${studio.name}`).check();
  await expectCountOf({ studios: { any: [{ id: studio.id, withChildren: true }] } });
  expect(addressQuery().get('studios-any')).toBe(`${studio.id}*`);
  // Every result names the studio (or one of its children).
  await expect(page.locator('.result-row .scene-studio').first()).toBeVisible();
  await screenshot(page, 'filters-studio');

  await chip(studio.name).click();
  await page.getByLabel('Studio match').selectOption('none');
  await pick('Add studio', studio.name);
  await expectCountOf({ studios: { none: [{ id: studio.id }] } });
});

test('performer tags with their sub-tags, favourites only and the number of performers', async () => {
  const tag = await performerTag();
  await pick('Add performer tag', tag.name);
  await expectCountOf({ performerTags: { all: [{ id: tag.id }] } });
  await page.getByLabel(`Include sub-tags of ${tag.name}`).check();
  await expectCountOf({ performerTags: { all: [{ id: tag.id, withSubtags: true }] } });
  await chip(tag.name).click();

  await page.getByLabel('Favourite performers only').check();
  await expectCountOf({ favoritePerformersOnly: true });
  expect(addressQuery().get('favorites')).toBe('1');
  await page.getByLabel('Favourite performers only').uncheck();

  await page.getByLabel('Min performers').fill('2');
  await expectCountOf({ performerCount: { min: 2 } });
  await page.getByLabel('Max performers').fill('2');
  await expectCountOf({ performerCount: { min: 2, max: 2 } });
  await page.getByLabel('Max performers').fill('1');
  await expect(page.getByText('Below the minimum')).toBeVisible();
  await screenshot(page, 'filters-performers');
});

test('the scene rating and the organized flag, kept by a reload', async () => {
  await page.getByLabel('Min rating (0-100)').fill('40');
  await expectCountOf({ sceneRating: { min: 40 } });
  await page.getByLabel('Max rating (0-100)').fill('120');
  await expect(page.getByText('Enter a whole number from 0 to 100')).toBeVisible();
  await page.getByLabel('Max rating (0-100)').fill('90');
  await page.getByLabel('Organized').selectOption('yes');
  const query: MarkerQueryInput = { sceneRating: { min: 40, max: 90 }, sceneOrganized: true };
  await expectCountOf(query);
  await expect.poll(() => addressQuery().get('organized')).toBe('yes');

  await page.reload();
  await expect(page.getByLabel('Min rating (0-100)')).toHaveValue('40');
  await expect(page.getByLabel('Organized')).toHaveValue('yes');
  await expectCountOf(query);
  await page.getByLabel('Organized').selectOption('no');
  await expectCountOf({ sceneRating: { min: 40, max: 90 }, sceneOrganized: false });
});

test('the studio facet narrows to the markers it counted', async () => {
  const { facets } = await own.call<MarkerSearchResult>('searchMarkers', { perPage: 1, facetLimit: 12 });
  const top = facets.studios[0]!;
  await page.getByRole('button', { name: `Studios: ${top.name} (${top.count.toLocaleString('en-US')})` }).click();
  await expect(chip(top.name)).toBeVisible();
  await expect(resultCount()).toHaveText(markerCount(top.count));
});

test('sorted by scene, each scene’s markers stand under one header, and the keyboard skips the headers', async () => {
  await page.getByLabel('Sort', { exact: true }).selectOption('sceneTitle');
  const headers = page.locator('.scene-header');
  await expect(headers.first()).toBeInViewport();

  // In list order: a header before the first marker of each scene, none between markers of one.
  const rows = await page.locator('.result-canvas > *').evaluateAll((elements) =>
    elements
      .map((element) => ({
        top: new DOMMatrixReadOnly(getComputedStyle(element).transform).m42,
        height: (element as HTMLElement).offsetHeight,
        header: element.classList.contains('scene-header'),
        scene: (element.querySelector('.scene-header-title, .scene-title')?.textContent ?? '').trim(),
      }))
      .sort((a, b) => a.top - b.top),
  );
  expect(rows[0]!.header).toBe(true);
  // Each row below the one before it, none covering another.
  for (let at = 1; at < rows.length; at++) expect(rows[at]!.top).toBe(rows[at - 1]!.top + rows[at - 1]!.height);
  let scene = '';
  for (const [at, row] of rows.entries()) {
    if (row.header) {
      expect(row.scene, `header at row ${at} starts another scene`).not.toBe(scene);
      scene = row.scene;
    } else expect(row.scene, `marker at row ${at} is under its scene's header`).toBe(scene);
  }
  await screenshot(page, 'filters-grouped-by-scene');

  // Options are markers only: ArrowDown goes from one marker to the next across a header.
  const list = page.getByRole('listbox', { name: 'Results' });
  await list.focus();
  const options = await list.getByRole('option').count();
  expect(options).toBeLessThan(rows.length);
  for (let index = 1; index <= 4; index++) {
    await page.keyboard.press('ArrowDown');
    await expect(list).toHaveAttribute('aria-activedescendant', `result-${index}`);
  }
  await page.keyboard.press('End');
  await expect(list).toHaveAttribute('aria-activedescendant', `result-${MARKERS - 1}`);
  await expect(page.locator(`#result-${MARKERS - 1}`)).toBeInViewport();
  await page.keyboard.press('Home');
  await expect(list).toHaveAttribute('aria-activedescendant', 'result-0');
  // The first marker brings its scene's header into view.
  await expect(headers.first()).toBeInViewport();

  // Sorted otherwise, the list has no headers.
  await page.getByLabel('Sort', { exact: true }).selectOption('position');
  await expect(headers).toHaveCount(0);
});
