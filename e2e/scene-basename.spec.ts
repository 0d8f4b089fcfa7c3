/**
 * A scene without a title is named in its markers' rows by its primary file's basename, as Stash
 * names it, and the basename's words find it; a scene with neither title nor file keeps its number.
 */
import { expect, test, type Page } from '@playwright/test';
import { createClock, FakeLibrary } from '../tools/fake-stash';
import { mainNav } from './support/app-steps';
import { markerCount } from './support/host-api';
import { openOwnLibrary, type OwnLibrary } from './support/own-library';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

let own: OwnLibrary;
let page: Page;
let fileless: number;

test.beforeAll(async ({ browser }) => {
  const library = new FakeLibrary(createClock());
  const tag = library.createTag({ name: 'Paddling' });
  const performer = library.createPerformer({ name: 'Rhea Lind' });
  const titled = library.createScene({ title: 'Lake morning', date: '2020-07-01', files: [{ basename: 'titled.mp4', size: 5, duration: 600 }] });
  const untitled = library.createScene({
    date: '2020-07-02',
    performerIds: [performer.id],
    files: [{ basename: 'Kayak.Trip.Kittiwake.2020.1080p.mp4', size: 5, duration: 600 }],
  });
  fileless = library.createScene({ date: '2020-07-03' }).id;
  library.createMarker({ sceneId: titled.id, primaryTagId: tag.id, title: 'Launch', seconds: 10, end_seconds: 40 });
  library.createMarker({ sceneId: untitled.id, primaryTagId: tag.id, title: 'Kittiwake flyby', seconds: 95, end_seconds: 130 });
  library.createMarker({ sceneId: fileless, primaryTagId: tag.id, title: 'Drift', seconds: 5 });
  // Its own host: this small library must not meet the shared host's mirror of the sample one.
  own = await openOwnLibrary(browser, 'scene-basename', { library });
  page = own.page;
  await mainNav(page, 'Search').click();
});

test.afterAll(async () => own?.close());

const results = () => page.getByRole('listbox', { name: 'Results' });
const rowOf = (marker: string) => results().getByRole('option').filter({ hasText: marker });

test("an untitled scene's marker row names the scene by its file basename", async () => {
  await expect(page.locator('.result-count')).toHaveText(markerCount(3));
  const sceneTitle = rowOf('Kittiwake flyby').locator('.scene-title');
  await expect(sceneTitle).toHaveText('Kayak.Trip.Kittiwake.2020.1080p.mp4');
  await expect(sceneTitle).toHaveAttribute('title', 'Kayak.Trip.Kittiwake.2020.1080p.mp4');
  await expect(rowOf('Launch').locator('.scene-title')).toHaveText('Lake morning');
  await expect(rowOf('Drift').locator('.scene-title')).toHaveText(`Scene ${fileless}`);
  await screenshot(page, 'search-scene-names');
});

test('a word found only in the basename finds the marker', async () => {
  await page.getByLabel('Search markers').fill('kayak');
  await expect(page.locator('.result-count')).toHaveText(markerCount(1));
  await expect(results().getByRole('option')).toHaveCount(1);
  await expect(rowOf('Kittiwake flyby').locator('.scene-title')).toHaveText('Kayak.Trip.Kittiwake.2020.1080p.mp4');
  await screenshot(page, 'search-untitled-scene-basename');
});
