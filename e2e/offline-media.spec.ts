/**
 * Pictures with Stash away: the host answers from the picture cache the sync filled, a screenshot
 * Stash never generated says so, and with the cache turned off the thumbnails wait for Stash and
 * come back by themselves once it returns.
 */
import { expect, test, type Page } from '@playwright/test';
import { HTTP_ROUTES } from '../src/shared/contract';
import { startFakeStash, type FakeStash } from '../tools/fake-stash/server';
import { mainNav } from './support/app-steps';
import { HOST_TOKEN } from './support/env';
import { STASH_API_KEY } from './support/fake-stash';
import { openOwnLibrary, type OwnLibrary } from './support/own-library';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

let library: OwnLibrary;
let page: Page;
let restarted: FakeStash | null = null;

const NOT_GENERATED = 'No screenshot generated in Stash';
const results = () => page.getByRole('listbox', { name: 'Results' });

test.beforeAll(async ({ browser }) => {
  library = await openOwnLibrary(browser, 'offline-media', { seed: 14, markers: 120 });
  page = library.page;
  // A failed screenshot is retried after a minute: the test moves the page's clock instead of waiting.
  await page.clock.install();
  await page.goto(`/?token=${HOST_TOKEN}`);
});

test.afterAll(async () => {
  await restarted?.close();
  await library?.close();
});

type ThumbnailState = 'loaded' | 'loading' | 'failed' | 'placeholder' | 'not generated' | 'pending row';

/** What each result row in view shows where its screenshot goes. */
function thumbnailsInView(): Promise<ThumbnailState[]> {
  return results().evaluate((list) => {
    const view = list.getBoundingClientRect();
    return Array.from(list.querySelectorAll('[role="option"]'))
      .filter((row) => {
        const box = row.getBoundingClientRect();
        return box.bottom > view.top && box.top < view.bottom;
      })
      .map((row): ThumbnailState => {
        if (row.querySelector('.skeleton')) return 'pending row';
        if (row.querySelector('.thumb-not-generated')) return 'not generated';
        const image = row.querySelector<HTMLImageElement>('img.thumb');
        if (!image) return 'placeholder';
        if (!image.complete) return 'loading';
        return image.naturalWidth > 0 ? 'loaded' : 'failed';
      });
  });
}

/** Waits until every row in view shows one of `states`, and at least one row shows the first. */
async function expectThumbnailsInView(...states: ThumbnailState[]): Promise<void> {
  await expect
    .poll(async () => {
      const shown = await thumbnailsInView();
      return shown.includes(states[0]!) && shown.every((s) => states.includes(s)) ? 'as expected' : shown.join(', ');
    })
    .toBe('as expected');
}

async function openSearch(): Promise<void> {
  await mainNav(page, 'Search').click();
  await expect(page.locator('.result-count')).toContainText('120');
}

test('with Stash stopped, cached screenshots show and one Stash never generated says so', async () => {
  await library.stash.close();
  await openSearch();
  await expectThumbnailsInView('loaded', 'not generated');

  // Every 17th marker's screenshot was never generated in Stash: page on until one is in view.
  await results().focus();
  const label = results().getByRole('img', { name: NOT_GENERATED });
  for (let pages = 0; pages < 12 && (await label.count()) === 0; pages++) {
    await page.keyboard.press('PageDown');
    await expectThumbnailsInView('loaded', 'not generated');
  }
  await expect(label.first()).toBeVisible();
  await expect(label.first()).toHaveAttribute('title', NOT_GENERATED);
  await screenshot(page, 'offline-media-not-generated');
});

test('with the picture cache off, thumbnails wait for Stash and come back once it returns', async () => {
  const saved = await page.request.post(`${library.host.url}${HTTP_ROUTES.rpc('updateSettings')}`, {
    headers: { Authorization: `Bearer ${HOST_TOKEN}` },
    data: { media: { enabled: false, budgetGb: 1, includePreviews: false } },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  await page.goto(`/?token=${HOST_TOKEN}`);
  await openSearch();
  await expectThumbnailsInView('placeholder');
  await expect(results().getByRole('img', { name: NOT_GENERATED })).toHaveCount(0);
  await screenshot(page, 'offline-media-cache-off-stash-away');

  restarted = await startFakeStash({ library: library.stash.library, apiKey: STASH_API_KEY, port: Number(new URL(library.stash.origin).port) });
  await page.clock.runFor(61_000);
  await expectThumbnailsInView('loaded', 'not generated');
  await screenshot(page, 'offline-media-cache-off-stash-back');
});
