/**
 * The layout from a small 800 px window up to a full HD screen: on every page nothing is cut off,
 * nothing overlaps and nothing scrolls sideways; the search keeps its results readable and its
 * facets reachable, below the panels' breakpoint behind a toggle that works from the keyboard.
 */
import { expect, test, type Page } from '@playwright/test';
import type { MarkerHit } from '../src/shared/search-query';
import { connectStash, mainNav, syncNow } from './support/app-steps';
import { HOST_TOKEN, HOST_URL } from './support/env';
import { slowDown, startSampleStash, STASH_API_KEY, type FakeStash } from './support/fake-stash';
import { hostCall, markerCount } from './support/host-api';
import { elementsOutsideOf, sidewaysScrollersOf } from './support/layout-checks';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

/** Window sizes from a small laptop window up; below 1024 px the facets fold under the filters. */
const WINDOWS = [
  { width: 800, height: 600, facetsFolded: true },
  { width: 1024, height: 768, facetsFolded: false },
  { width: 1280, height: 800, facetsFolded: false },
  { width: 1920, height: 1080, facetsFolded: false },
];
const NARROWEST = WINDOWS[0]!;
/** The sizes whose screenshots are saved for review. */
const SCREENSHOT_WIDTHS = new Set([800, 1280]);

let page: Page;
let stash: FakeStash;

test.beforeAll(async ({ browser }) => {
  stash = await startSampleStash();
  page = await browser.newPage({ baseURL: HOST_URL, viewport: { width: NARROWEST.width, height: NARROWEST.height } });
});

test.afterAll(async () => {
  await page?.close();
  await stash?.close();
});

const resultCount = () => page.locator('.result-count');
const results = () => page.getByRole('listbox', { name: 'Results' });
const facetToggle = () => page.getByRole('button', { name: 'Facets' });
const facets = () => page.getByRole('complementary', { name: 'Facets' });

const sidewaysScrollers = () => sidewaysScrollersOf(page);
const elementsOutside = (containerSelector: string) => elementsOutsideOf(page, containerSelector);

/** Pairs of the given regions whose boxes overlap, or regions that leave the window: none expected. */
function overlappingRegions(selectors: string[]): Promise<string[]> {
  return page.evaluate((list) => {
    const boxes = list.map((selector) => ({ selector, box: document.querySelector(selector)!.getBoundingClientRect() }));
    const problems: string[] = [];
    for (const [i, a] of boxes.entries()) {
      if (a.box.left < 0 || a.box.right > window.innerWidth + 0.5) problems.push(`${a.selector} leaves the window`);
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.box.right <= b.box.left + 0.5 || b.box.right <= a.box.left + 0.5 || a.box.bottom <= b.box.top + 0.5 || b.box.bottom <= a.box.top + 0.5;
        if (!apart) problems.push(`${a.selector} overlaps ${b.selector}`);
      }
    }
    return problems;
  }, selectors);
}

/**
 * What is wrong with the result rows in view: a part sticking out of its row or line, a part cut
 * through, a title, scene or performer list squeezed below a readable width, a time range
 * shortened. A tag that does not fit is left out whole (on a line of its own, clipped away).
 */
function resultRowProblems(): Promise<string[]> {
  return page.evaluate(() => {
    const list = document.querySelector('[role="listbox"][aria-label="Results"]')!;
    const view = list.getBoundingClientRect();
    const problems: string[] = [];
    const rows = Array.from(list.querySelectorAll('[role="option"]')).filter((row) => {
      const box = row.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    });
    if (rows.length === 0) problems.push('no result row in view');
    /** Parts that may shorten with an ellipsis, and the width they keep at least. */
    const readableWidth: Record<string, number> = { 'result-title': 160, 'tag-primary': 100, 'scene-title': 100, performers: 100 };
    for (const row of rows) {
      const rowBox = row.getBoundingClientRect();
      if (rowBox.left < view.left - 0.5 || rowBox.right > view.right + 0.5) problems.push(`${row.id} sticks out of the list`);
      for (const part of Array.from(
        row.querySelectorAll<HTMLElement>('.thumb, .result-title, .result-time, .tag, .scene-title, .scene-date, .performers'),
      )) {
        const name = `${row.id} ${part.className} "${part.textContent}"`;
        const box = part.getBoundingClientRect();
        const line = (part.closest('.result-line') ?? row).getBoundingClientRect();
        const leftOut = box.left >= line.right - 0.5 || box.top >= line.bottom - 0.5;
        if (leftOut) {
          if (!part.matches('.tag:not(.tag-primary)')) problems.push(`${name} is not shown`);
          continue;
        }
        if (box.left < line.left - 0.5 || box.right > line.right + 0.5 || box.right > rowBox.right + 0.5 || box.left < rowBox.left - 0.5) {
          problems.push(`${name} is cut off (${box.left}-${box.right} in ${line.left}-${line.right})`);
        }
        const keeps = Object.entries(readableWidth).find(([cls]) => part.classList.contains(cls))?.[1];
        if (keeps !== undefined && part.clientWidth < Math.min(part.scrollWidth, keeps))
          problems.push(`${name} is squeezed to ${part.clientWidth} px`);
        if (part.matches('.result-time, .scene-date') && part.scrollWidth > part.clientWidth + 1) problems.push(`${name} is shortened`);
      }
    }
    return problems;
  });
}

/** How many tags of result row `index` are left out of their line (wrapped away). */
function tagsLeftOut(index: number): Promise<number> {
  return page.locator(`#result-${index} .result-tags`).evaluate((line) => {
    const box = line.getBoundingClientRect();
    return Array.from(line.querySelectorAll('.tag')).filter((tag) => tag.getBoundingClientRect().top >= box.bottom - 0.5).length;
  });
}

/** Expects the element's middle not to be covered by anything else: a user can see and click it. */
async function expectUncovered(selector: string): Promise<void> {
  const covered = await page.evaluate((sel) => {
    const el = document.querySelector(sel)!;
    const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit && (el === hit || el.contains(hit)) ? null : `${sel} is covered by ${hit?.tagName.toLowerCase()}.${hit?.className}`;
  }, selector);
  expect(covered).toBeNull();
}

// The first-run screen at 800 px is checked in app.spec.ts, which runs while the host is still fresh.
test('the sample library is synced for the layout checks', async () => {
  await page.goto(`/?token=${HOST_TOKEN}`);
  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);
  await mainNav(page, 'Search').click();
  await expect(page.locator('.result-count')).toHaveText(markerCount(8000), { timeout: 30_000 });
});

/** The first hundred names of `kind` the library has, longest first. */
async function longestNames(kind: 'tags' | 'performers'): Promise<string[]> {
  const refs = await hostCall(page.request, 'suggest', { kind, prefix: '', limit: 100 });
  return refs.map((ref) => ref.name).sort((a, b) => b.length - a.length);
}

/** The Sync page and the header above it: nothing scrolls sideways, sticks out or overlaps. */
async function expectSyncPageFits(): Promise<void> {
  expect(await sidewaysScrollers()).toEqual([]);
  expect(await elementsOutside('.panel')).toEqual([]);
  expect(await elementsOutside('.app-header')).toEqual([]);
  expect(await overlappingRegions(['.brand', '.app-header nav', '.sync-indicator'])).toEqual([]);
}

for (const size of WINDOWS) {
  const { width, height } = size;
  const name = (what: string) => `layout-${width}-${what}`;

  test.describe(`at ${width}×${height}`, () => {
    test.beforeAll(async () => {
      await page.setViewportSize({ width, height });
    });

    test('the search shows filters, readable results and facets side by side, without sideways scrolling', async () => {
      await mainNav(page, 'Search').click();
      await expect(resultCount()).toHaveText(markerCount(8000));
      await expect(page.locator('#result-0 .result-title')).not.toBeEmpty();
      await expect(page.locator('[role="option"] .skeleton')).toHaveCount(0);

      expect(await sidewaysScrollers()).toEqual([]);
      expect(await resultRowProblems()).toEqual([]);
      expect(await elementsOutside('.filter-panel')).toEqual([]);
      expect(await elementsOutside('.results-bar')).toEqual([]);
      expect(await overlappingRegions(['.app-header', '.filter-panel', '.results', '.facet-panel'])).toEqual([]);
      for (const part of ['.search-box input', '.result-count', '#sort', '.filter-panel-head button']) await expectUncovered(part);

      if (size.facetsFolded) {
        await expect(facetToggle()).toHaveAttribute('aria-expanded', 'false');
        await expect(facets().locator('.facet').first()).toBeHidden();
      } else {
        await expect(facetToggle()).toBeHidden();
        await expect(facets().locator('.facet').first()).toBeVisible();
        expect(await elementsOutside('.facet-panel')).toEqual([]);
        await expectUncovered('.facet');
      }
      if (SCREENSHOT_WIDTHS.has(width)) await screenshot(page, name('search'));
    });

    if (size.facetsFolded) {
      test('the facets fold under the filters, and open, narrow and close from the keyboard', async () => {
        const toggle = facetToggle();
        await toggle.focus();
        await page.keyboard.press('Enter');
        await expect(toggle).toHaveAttribute('aria-expanded', 'true');
        const first = facets().locator('.facet').first();
        await expect(first).toBeVisible();
        expect(await sidewaysScrollers()).toEqual([]);
        expect(await elementsOutside('.facet-panel')).toEqual([]);
        expect(await overlappingRegions(['.app-header', '.filter-panel', '.results', '.facet-panel'])).toEqual([]);
        await expectUncovered('.facet');
        // The filters keep room of their own above the open facets.
        expect((await page.locator('.filter-panel').boundingBox())!.height).toBeGreaterThan(height / 4);
        if (SCREENSHOT_WIDTHS.has(width)) await screenshot(page, name('search-facets-open'));

        // The next stop of Tab is the first facet, and Enter narrows the results to it.
        await page.keyboard.press('Tab');
        await expect(first).toBeFocused();
        const label = (await first.getAttribute('aria-label'))!;
        const count = Number(/\(([\d,]+)\)$/.exec(label)![1]!.replace(/,/g, ''));
        await page.keyboard.press('Enter');
        await expect(resultCount()).toHaveText(markerCount(count));
        expect(await resultRowProblems()).toEqual([]);

        await toggle.focus();
        await page.keyboard.press('Space');
        await expect(toggle).toHaveAttribute('aria-expanded', 'false');
        await expect(first).toBeHidden();
        await page.getByRole('button', { name: /^Clear/ }).click();
        await expect(resultCount()).toHaveText(markerCount(8000));
      });
    }

    if (size === NARROWEST) {
      test('a row with more tags than its line holds leaves the last ones out whole, never cut through', async () => {
        const { hits } = await hostCall(page.request, 'searchMarkers', { perPage: 200 });
        const tagLetters = (hit: MarkerHit) => [hit.primaryTag, ...hit.tags].reduce((sum, tag) => sum + tag.name.length + 2, 0);
        const index = hits.reduce((best, hit, at) => (tagLetters(hit) > tagLetters(hits[best]!) ? at : best), 0);
        await results().evaluate((list, at) => {
          list.scrollTop = at * list.querySelector<HTMLElement>('[role="option"]')!.offsetHeight;
        }, index);
        const row = page.locator(`#result-${index}`);
        await expect(row.locator('.tag')).toHaveCount(1 + hits[index]!.tags.length);
        await expect(page.locator('[role="option"] .skeleton')).toHaveCount(0);
        expect(await resultRowProblems()).toEqual([]);
        expect(await tagsLeftOut(index)).toBeGreaterThan(0);
        await screenshot(page, name('search-many-tags'));
        await results().evaluate((list) => list.scrollTo({ top: 0 }));
      });

      test('chosen tags and performers fit the filters, and the longest sort fits above the results', async () => {
        const [tag] = await longestNames('tags');
        const [performer] = await longestNames('performers');
        // Left out rather than required: the two together may match no marker.
        await page.getByLabel('Performer match').selectOption('none');
        for (const [picker, name] of [
          ['Add marker tag', tag!],
          ['Add performer', performer!],
        ] as const) {
          await page.getByLabel(picker, { exact: true }).fill(name);
          await page.getByRole('listbox', { name: picker }).getByRole('option', { name, exact: true }).click();
        }
        await page.getByLabel('Sort').selectOption('position');
        await expect(page.getByLabel('Direction')).toBeVisible();
        await expect(page.locator('[role="option"] .skeleton')).toHaveCount(0);
        expect(await sidewaysScrollers()).toEqual([]);
        expect(await elementsOutside('.filter-panel')).toEqual([]);
        expect(await elementsOutside('.results-bar')).toEqual([]);
        expect(await resultRowProblems()).toEqual([]);
        await screenshot(page, name('search-filtered'));

        await page.getByLabel('Sort').selectOption('relevance');
        // Clear puts the performer's match back to "all" as well.
        await page.getByRole('button', { name: /^Clear/ }).click();
        await expect(resultCount()).toHaveText(markerCount(8000));
      });

      test('a running sync and a refused one fit the Sync page and the header', async () => {
        await mainNav(page, 'Sync').click();
        slowDown(stash, 250);
        await page.getByRole('button', { name: 'Sync now' }).click();
        // The header's longest state: an entity's name and its share.
        await expect(page.getByRole('link', { name: /^Sync status: Syncing \w+ \d+%$/ })).toBeVisible({ timeout: 15_000 });
        await expect(page.getByRole('progressbar', { name: 'Markers progress' })).toBeVisible();
        await expectSyncPageFits();
        await screenshot(page, name('sync-running'));
        await page.getByRole('button', { name: 'Cancel' }).click();
        await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 30_000 });
        stash.faults.clear();

        await connectStash(page, stash.origin, 'a-wrong-key');
        await mainNav(page, 'Sync').click();
        await page.getByRole('button', { name: 'Sync now' }).click();
        const history = page.getByRole('table', { name: 'Sync history' });
        await expect(history.getByRole('row').filter({ hasText: 'Failed' }).first()).toContainText('refused the API key', { timeout: 20_000 });
        await expectSyncPageFits();
        // History's error column is the one that wraps: the screenshot shows it.
        await history.scrollIntoViewIfNeeded();
        await screenshot(page, name('sync-refused'));
        await connectStash(page, stash.origin, STASH_API_KEY);
        await syncNow(page);
      });
    }

    test('the Sync page fits its panels and tables', async () => {
      await mainNav(page, 'Sync').click();
      await expect(page.getByRole('table', { name: 'Sync history' })).toBeVisible();
      await expectSyncPageFits();
      if (SCREENSHOT_WIDTHS.has(width)) await screenshot(page, name('sync'));
    });

    test('the Settings page fits its panels and keeps Save in reach', async () => {
      await mainNav(page, 'Settings').click();
      await expect(page.getByLabel('Stash URL')).toHaveValue(stash.origin);
      expect(await sidewaysScrollers()).toEqual([]);
      expect(await elementsOutside('.panel')).toEqual([]);
      await expectUncovered('.form-footer button[type="submit"]');
      if (SCREENSHOT_WIDTHS.has(width)) await screenshot(page, name('settings'));
    });
  });
}
