/**
 * Offline marker search over a mirror filled by the real sync from a small hand-built library
 * (tests/support/search-library.ts). Every expected answer is written out by hand from that file:
 * result sets as marker names, orders as exact lists (or, for descending sorts with ties, groups
 * whose members are ordered by id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FacetCount, MarkerHit, MarkerQueryInput, MarkerSearchResult } from '../src/core/search/query';
import { searchMarkers } from '../src/core/search/search';
import { describeEachDialect, staleIds, startHarness, type Harness } from './support/harness';
import { buildSearchLibrary, type MarkerName, type PerformerName, type SceneName, type SearchLibrary, type TagName } from './support/search-library';

type LiveScene = Exclude<SceneName, 'doomedScene'>;

/** The live markers of each live scene, in id order, read off the fixture. */
const SCENE_MARKERS: Record<LiveScene, MarkerName[]> = {
  beachMorning: ['sunriseStretch', 'deepLungeHold', 'emptyTitle', 'beachYogaFlow'],
  cafeConversations: ['openingRemarks', 'cafeBreak', 'standingOvation', 'joseInterview'],
  untitled: ['quietKneel', 'lungePractice'],
  winterStudio: ['wellKnownPose', 'studioWarmup', 'loopEntry', 'kneelingStretch'],
  nightShift: ['neonWalk', 'streetStretch'],
  rooftopSession: ['skylineYoga', 'tailEnd', 'sunsetSalute'],
  gardenParty: ['flowerToast', 'gardenLunge'],
  archiveReel: ['oldBlooper', 'reelEnding'],
  zebraFinale: ['grandFinale', 'kneelingBow', 'zebraCrossing', 'studioWrap'],
};

const ALL_SCENES = Object.keys(SCENE_MARKERS) as LiveScene[];

/** Live markers with an end (21 of the 27). */
const WITH_END: MarkerName[] = [
  'sunriseStretch',
  'deepLungeHold',
  'openingRemarks',
  'cafeBreak',
  'quietKneel',
  'lungePractice',
  'wellKnownPose',
  'studioWarmup',
  'neonWalk',
  'skylineYoga',
  'tailEnd',
  'flowerToast',
  'gardenLunge',
  'oldBlooper',
  'grandFinale',
  'kneelingBow',
  'zebraCrossing',
  'beachYogaFlow',
  'joseInterview',
  'kneelingStretch',
  'studioWrap',
];
const WITHOUT_END: MarkerName[] = ['emptyTitle', 'standingOvation', 'loopEntry', 'streetStretch', 'reelEnding', 'sunsetSalute'];

const byNumber = (a: number, b: number) => a - b;

describeEachDialect('marker search', (dialect) => {
  let h: Harness;
  let fx: SearchLibrary;

  beforeAll(async () => {
    fx = buildSearchLibrary();
    h = await startHarness({ dialect, library: fx.library });
    await h.sync();
    fx.changeAfterFirstSync();
    await h.sync();
    fx.changeAfterSecondSync();
    await h.sync({ entities: ['tags'] });
  });
  afterAll(async () => h?.close());

  // ---- helpers: names to ids, and queries ----

  /** Ids of the named markers, in the order given. */
  const ids = (...names: MarkerName[]): number[] => names.map((n) => fx.markers[n]);
  /** Ids of the named markers, as a sorted set. */
  const set = (...names: MarkerName[]): number[] => ids(...names).sort(byNumber);
  /** Ids of every live marker of the named scenes, as a sorted set. */
  const inScenes = (...scenes: LiveScene[]): number[] => set(...scenes.flatMap((s) => SCENE_MARKERS[s]));
  const ALL = (): number[] => inScenes(...ALL_SCENES);
  const allBut = (...names: MarkerName[]): number[] => {
    const drop = new Set(ids(...names));
    return ALL().filter((id) => !drop.has(id));
  };
  const tag = (name: TagName, withSubtags = false) => ({ id: fx.tags[name], withSubtags });
  const perf = (...names: PerformerName[]) => names.map((n) => fx.performers[n]);

  const search = (input: MarkerQueryInput, options?: { stashUrl?: string }): Promise<MarkerSearchResult> => searchMarkers(h.store, input, options);

  /** The matching set (every page at once), checked against the reported total. */
  async function matching(input: MarkerQueryInput): Promise<number[]> {
    const r = await search({ perPage: 500, facetLimit: 0, ...input });
    expect(r.total).toBe(r.hits.length);
    const got = r.hits.map((x) => x.id);
    expect(new Set(got).size, 'no marker listed twice').toBe(got.length);
    return got.sort(byNumber);
  }

  /** The ids in result order (every page at once). */
  async function ordered(input: MarkerQueryInput): Promise<number[]> {
    const r = await search({ perPage: 500, facetLimit: 0, ...input });
    expect(r.total).toBe(r.hits.length);
    return r.hits.map((x) => x.id);
  }

  /**
   * Groups in order; within a group the sort key ties and marker id decides. For a descending
   * sort the id tiebreak may run either way, but the same way in every group.
   */
  function expectGroups(actual: number[], groups: MarkerName[][]): void {
    const asc = groups.flatMap((g) => ids(...g).sort(byNumber));
    const desc = groups.flatMap((g) => ids(...g).sort((a, b) => b - a));
    expect([asc, desc]).toContainEqual(actual);
  }

  const singles = (...names: MarkerName[]): MarkerName[][] => names.map((n) => [n]);

  async function hitOf(name: MarkerName, options?: { stashUrl?: string }): Promise<MarkerHit> {
    const r = await search({ perPage: 500, facetLimit: 0, sort: 'position' }, options);
    const hit = r.hits.find((x) => x.id === fx.markers[name]);
    expect(hit, `hit for ${name}`).toBeDefined();
    return hit!;
  }

  const tagFacet = (name: TagName, label: string, count: number): FacetCount => ({ id: fx.tags[name], name: label, count });
  const perfFacet = (name: PerformerName, label: string, count: number): FacetCount => ({
    id: fx.performers[name],
    name: label,
    count,
  });

  async function expectInvalid(input: unknown, field: RegExp): Promise<void> {
    await expect(async () => searchMarkers(h.store, input as MarkerQueryInput)).rejects.toThrow(field);
  }

  // ---- the fixture itself ----

  describe('fixture', () => {
    it('holds stale rows of every kind the search must hide', async () => {
      expect(await staleIds(h.store, 'stash_scene_markers')).toEqual(
        [fx.markers.doomedStretch, fx.markers.doomedFinale, fx.markers.deletedMarker].sort(byNumber),
      );
      expect(await staleIds(h.store, 'stash_scenes')).toEqual([fx.scenes.doomedScene]);
      expect(await staleIds(h.store, 'stash_performers')).toEqual([fx.performers.vera]);
      expect(await staleIds(h.store, 'stash_tags')).toEqual([fx.tags.spotlight, fx.tags.encore].sort(byNumber));
    });

    it('still points at the stale tags from scenes and markers, which the last sync did not re-read', async () => {
      const stale = [fx.tags.spotlight, fx.tags.encore];
      expect(await h.read('SELECT marker_id, tag_id FROM stash_scene_marker_tags WHERE tag_id IN (?, ?)', stale)).toEqual([
        { marker_id: fx.markers.grandFinale, tag_id: fx.tags.spotlight },
      ]);
      expect(await h.read('SELECT scene_id, tag_id FROM stash_scene_tags WHERE tag_id IN (?, ?)', stale)).toEqual([
        { scene_id: fx.scenes.zebraFinale, tag_id: fx.tags.spotlight },
      ]);
      expect(await h.read('SELECT id FROM stash_scene_markers WHERE primary_tag_id IN (?, ?)', stale)).toEqual([{ id: fx.markers.studioWrap }]);
    });

    it('the second sync mirrored the edits made after the first', async () => {
      const names = await h.read<{ id: number; name: string }>('SELECT id, name FROM stash_tags WHERE id = ?', [fx.tags.interview]);
      expect(names).toEqual([{ id: fx.tags.interview, name: 'Interview' }]);
    });

    it('an empty query returns every live marker and nothing stale', async () => {
      const r = await search({});
      expect(r.total).toBe(27);
      expect(r.page).toBe(1);
      expect(r.perPage).toBe(50);
      expect(r.hits.map((x) => x.id).sort(byNumber)).toEqual(ALL());
    });
  });

  // ---- text ----

  describe('text', () => {
    it('matches a word of the marker title, and a prefix of it', async () => {
      expect(await matching({ text: 'ovation' })).toEqual(set('standingOvation'));
      expect(await matching({ text: 'ovat' })).toEqual(set('standingOvation'));
    });

    it('matches prefixes only, never the inside of a word', async () => {
      expect(await matching({ text: 'stret' })).toEqual(set('sunriseStretch', 'streetStretch', 'kneelingStretch'));
      expect(await matching({ text: 'unge' })).toEqual([]);
      expect(await matching({ text: 'tretch' })).toEqual([]);
    });

    it('requires every word, in any order', async () => {
      expect(await matching({ text: 'stretch kneel' })).toEqual(set('kneelingStretch'));
      expect(await matching({ text: 'kneel stretch' })).toEqual(set('kneelingStretch'));
      expect(await matching({ text: 'grand finale' })).toEqual(set('grandFinale'));
      expect(await matching({ text: 'stretch zebra' })).toEqual([]);
    });

    it('ignores case', async () => {
      expect(await matching({ text: 'GRAND Finale' })).toEqual(set('grandFinale'));
      expect(await matching({ text: 'OvAtIoN' })).toEqual(set('standingOvation'));
    });

    it('splits words on anything that is not a letter or digit', async () => {
      expect(await matching({ text: 'known' })).toEqual(set('wellKnownPose'));
      expect(await matching({ text: 'well-known' })).toEqual(set('wellKnownPose'));
      expect(await matching({ text: '"well"...(pose)' })).toEqual(set('wellKnownPose'));
    });

    it('ignores accents in the data: Jose finds José, alvarez finds Álvarez', async () => {
      const joseScenes = inScenes('beachMorning', 'winterStudio', 'gardenParty');
      expect(await matching({ text: 'alvarez' })).toEqual(joseScenes);
      // The title 'José interview' as well as every scene José is in.
      expect(await matching({ text: 'Jose' })).toEqual([...joseScenes, fx.markers.joseInterview].sort(byNumber));
      expect(await matching({ text: 'brulee' })).toEqual(set('openingRemarks', 'grandFinale'));
    });

    it('ignores accents in the query: ZOË finds zoe, CAFÉ finds cafe', async () => {
      const zoeScenes = inScenes('beachMorning', 'cafeConversations');
      expect(await matching({ text: 'ZOË' })).toEqual(zoeScenes);
      expect(await matching({ text: 'zoe' })).toEqual(zoeScenes);
      // 'cafe break' is unaccented, the scene title 'Café Conversations' is not: both match both.
      expect(await matching({ text: 'CAFÉ' })).toEqual(inScenes('cafeConversations'));
      expect(await matching({ text: 'cafe' })).toEqual(inScenes('cafeConversations'));
      expect(await matching({ text: 'nïght' })).toEqual(inScenes('nightShift'));
      expect(await matching({ text: 'JOSÉ ÁLVAREZ' })).toEqual(inScenes('beachMorning', 'winterStudio', 'gardenParty'));
      expect(await matching({ text: 'CRÈME' })).toEqual(set('openingRemarks', 'grandFinale'));
      expect(await matching({ text: 'müller' })).toEqual(inScenes('winterStudio', 'zebraFinale'));
      expect(await matching({ text: 'muller' })).toEqual(inScenes('winterStudio', 'zebraFinale'));
    });

    it('applies compatibility decomposition to the query (a ligature)', async () => {
      expect(await matching({ text: '\uFB01nale' })).toEqual(inScenes('zebraFinale'));
    });

    it('matches a CJK name by a prefix of its run of letters, not by its middle', async () => {
      expect(await matching({ text: '山田' })).toEqual(inScenes('untitled', 'gardenParty'));
      expect(await matching({ text: '山田花子' })).toEqual(inScenes('untitled', 'gardenParty'));
      expect(await matching({ text: '花子' })).toEqual([]);
    });

    it('matches primary and secondary tag names', async () => {
      // Highlight: secondary of emptyTitle and standingOvation, primary of flowerToast and grandFinale.
      expect(await matching({ text: 'highlight' })).toEqual(set('emptyTitle', 'standingOvation', 'flowerToast', 'grandFinale'));
      expect(await matching({ text: 'position' })).toEqual(set('wellKnownPose'));
      expect(await matching({ text: 'gamma' })).toEqual(set('tailEnd', 'reelEnding'));
      expect(await matching({ text: 'blooper' })).toEqual(set('standingOvation', 'oldBlooper'));
      expect(await matching({ text: 'loop' })).toEqual(set('loopEntry', 'neonWalk', 'tailEnd', 'reelEnding', 'beachYogaFlow'));
    });

    it('matches the scene title', async () => {
      expect(await matching({ text: 'morning' })).toEqual(inScenes('beachMorning'));
      expect(await matching({ text: 'rooftop' })).toEqual(inScenes('rooftopSession'));
      expect(await matching({ text: 'finale' })).toEqual(inScenes('zebraFinale'));
    });

    it('matches the scene details', async () => {
      expect(await matching({ text: 'espresso' })).toEqual(inScenes('cafeConversations'));
      expect(await matching({ text: 'vault' })).toEqual(inScenes('untitled', 'archiveReel'));
      expect(await matching({ text: 'panorama dusk' })).toEqual(inScenes('rooftopSession'));
    });

    it("matches the scene's primary file basename", async () => {
      // 'kittiwake' is nowhere but in the untitled scene's file name.
      expect(await matching({ text: 'kittiwake' })).toEqual(inScenes('untitled'));
      expect(await matching({ text: 'vid_0412 kitti' })).toEqual(inScenes('untitled'));
      expect(await matching({ text: 'kittiwake quiet' })).toEqual(set('quietKneel'));
    });

    it('matches the names of the scene performers', async () => {
      expect(await matching({ text: 'marta' })).toEqual(inScenes('cafeConversations', 'nightShift', 'zebraFinale'));
      expect(await matching({ text: 'nilsen kai' })).toEqual(inScenes('zebraFinale'));
    });

    it('does not search scene tag names', async () => {
      // zebraFinale carries the scene tag Night, but none of its markers mentions night.
      expect(await matching({ text: 'night' })).toEqual(inScenes('nightShift'));
      expect(await matching({ text: 'interview' })).toEqual(set('openingRemarks', 'cafeBreak', 'joseInterview'));
    });

    it('finds nothing of deleted scenes, markers and performers', async () => {
      expect(await matching({ text: 'doomed' })).toEqual([]);
      expect(await matching({ text: 'zeppelin' })).toEqual([]);
      expect(await matching({ text: 'deleted' })).toEqual([]);
      expect(await matching({ text: 'vera' })).toEqual([]);
      expect(await matching({ text: 'vanish' })).toEqual([]);
    });

    it('follows edits synced after the first sync: renamed tags and performers, edited details', async () => {
      expect(await matching({ text: 'interveiw' })).toEqual([]);
      expect(await matching({ text: 'caramel' })).toEqual([]);
      expect(await matching({ text: 'olsen' })).toEqual([]);
      expect(await matching({ text: 'attic' })).toEqual([]);
      expect(await matching({ text: 'nilsen' })).toEqual(inScenes('cafeConversations', 'nightShift', 'zebraFinale'));
      expect(await matching({ text: 'vault' })).toEqual(inScenes('untitled', 'archiveReel'));
      expect(await matching({ text: 'interview' })).toEqual(set('openingRemarks', 'cafeBreak', 'joseInterview'));
    });

    it('matches digits as words, by prefix', async () => {
      expect(await matching({ text: '1987' })).toEqual(set('oldBlooper'));
      expect(await matching({ text: '198' })).toEqual(set('oldBlooper'));
      expect(await matching({ text: '987' })).toEqual([]);
    });

    it('treats words that are operators in a search syntax as plain words', async () => {
      // 'and' is only in the details of gardenParty.
      expect(await matching({ text: 'AND' })).toEqual(inScenes('gardenParty'));
      expect(await matching({ text: 'and' })).toEqual(inScenes('gardenParty'));
      expect(await matching({ text: 'NEAR' })).toEqual([]);
      expect(await matching({ text: 'flowers OR zebra' })).toEqual([]);
      expect(await matching({ text: 'flowers -friends' })).toEqual(inScenes('gardenParty'));
      expect(await matching({ text: 'lemon*' })).toEqual(inScenes('gardenParty'));
      expect(await matching({ text: '"garden" & !party | (x)' })).toEqual([]);
    });

    it('finds nothing for an unknown word', async () => {
      expect(await matching({ text: 'xylophone' })).toEqual([]);
    });

    it('a text without words matches everything', async () => {
      expect(await matching({ text: '' })).toEqual(ALL());
      expect(await matching({ text: '  -- ' })).toEqual(ALL());
    });

    it('sort relevance returns the same set as the filter', async () => {
      expect(await matching({ text: 'stretch', sort: 'relevance' })).toEqual(set('sunriseStretch', 'streetStretch', 'kneelingStretch'));
    });
  });

  // ---- relevance ----

  describe('relevance', () => {
    // 'br' is in the title 'cafe break' (10), the tag Crème Brûlée (5) and beachMorning's details (2).
    const BR_BEST_FIRST: MarkerName[] = [
      'cafeBreak',
      'openingRemarks',
      'grandFinale',
      'sunriseStretch',
      'deepLungeHold',
      'emptyTitle',
      'beachYogaFlow',
    ];

    it('weighs where a word is found: title, then tags, then scene title and details; ties by marker id', async () => {
      expect(await ordered({ text: 'br' })).toEqual(ids(...BR_BEST_FIRST));
      // Title, primary tag and scene title (17), then tag (5), then scene title (2).
      expect(await ordered({ text: 'beach' })).toEqual(
        ids('beachYogaFlow', 'gardenLunge', 'zebraCrossing', 'sunriseStretch', 'deepLungeHold', 'emptyTitle'),
      );
    });

    it('a performer weighs less than a title and more than the scene', async () => {
      // The title 'José interview' (10), then José's scenes (3).
      expect(await ordered({ text: 'jose' })).toEqual(
        ids(
          'joseInterview',
          'sunriseStretch',
          'deepLungeHold',
          'emptyTitle',
          'wellKnownPose',
          'studioWarmup',
          'loopEntry',
          'flowerToast',
          'gardenLunge',
          'beachYogaFlow',
          'kneelingStretch',
        ),
      );
      // One letter: the title and scene title 'Zebra' (12), Zoë's scenes (3), the scene title 'Zebra Finale' (2).
      expect(await ordered({ text: 'z' })).toEqual(
        ids(
          'zebraCrossing',
          'sunriseStretch',
          'deepLungeHold',
          'emptyTitle',
          'openingRemarks',
          'cafeBreak',
          'standingOvation',
          'beachYogaFlow',
          'joseInterview',
          'grandFinale',
          'kneelingBow',
          'studioWrap',
        ),
      );
    });

    it('a rarer word weighs more', async () => {
      // Each marker has one word in its title and scene (12) and the other in its scene only (2);
      // 'garden' is in 2 markers' text, 'flow' in 3 (beachYogaFlow's title too), so the marker
      // titled with 'garden' ranks first, where equal weights would put the lower id first.
      expect(await ordered({ text: 'garden flow' })).toEqual(ids('gardenLunge', 'flowerToast'));
      // 'interview' (3 markers) is rarer than 'cafe' (the 4 markers of cafeConversations): joseInterview
      // (interview 15, cafe 2) before cafeBreak (interview 5, cafe 12).
      expect(await ordered({ text: 'cafe interview' })).toEqual(ids('joseInterview', 'cafeBreak', 'openingRemarks'));
    });

    it('is the same order under a filter that leaves few rows to look words up in', async () => {
      // Zoë's scenes: beachMorning and cafeConversations.
      expect(await ordered({ text: 'br', performers: { any: perf('zoe') } })).toEqual(
        ids('cafeBreak', 'openingRemarks', 'sunriseStretch', 'deepLungeHold', 'emptyTitle', 'beachYogaFlow'),
      );
      // Among 山田花子's scenes alone, 'flow' is in 2 markers as 'garden' is: the weights still come
      // from the whole library.
      expect(await ordered({ text: 'garden flow', performers: { any: perf('yamada') } })).toEqual(ids('gardenLunge', 'flowerToast'));
    });

    it('ascending lists the least relevant first, ties still by marker id, and pages through that order', async () => {
      const leastFirst: MarkerName[] = [
        'sunriseStretch',
        'deepLungeHold',
        'emptyTitle',
        'beachYogaFlow',
        'openingRemarks',
        'grandFinale',
        'cafeBreak',
      ];
      expect(await ordered({ text: 'br', direction: 'asc' })).toEqual(ids(...leastFirst));
      expect(await ordered({ text: 'br', direction: 'desc' })).toEqual(ids(...BR_BEST_FIRST));
      const page = await search({ text: 'br', direction: 'asc', perPage: 3, page: 2, facetLimit: 0 });
      expect(page.hits.map((x) => x.id)).toEqual(ids(...leastFirst.slice(3, 6)));
    });

    it('without words every marker is equally relevant: marker id order, either direction', async () => {
      expect(await ordered({ sort: 'relevance' })).toEqual(ALL());
      expect(await ordered({ sort: 'relevance', direction: 'asc' })).toEqual(ALL());
    });
  });

  // ---- marker tags ----

  describe('marker tags', () => {
    it('any: a tag as primary or secondary (the default)', async () => {
      expect(await matching({ markerTags: { any: [tag('standing')] } })).toEqual(
        set('sunriseStretch', 'standingOvation', 'wellKnownPose', 'studioWarmup', 'streetStretch', 'grandFinale'),
      );
      expect(await matching({ markerTags: { any: [tag('standing')], on: 'primaryOrSecondary' } })).toEqual(
        set('sunriseStretch', 'standingOvation', 'wellKnownPose', 'studioWarmup', 'streetStretch', 'grandFinale'),
      );
    });

    it('any on primary only', async () => {
      expect(await matching({ markerTags: { any: [tag('standing')], on: 'primary' } })).toEqual(
        set('standingOvation', 'studioWarmup', 'streetStretch'),
      );
    });

    it('any of several tags', async () => {
      expect(await matching({ markerTags: { any: [tag('interview'), tag('blooper')] } })).toEqual(
        set('openingRemarks', 'cafeBreak', 'standingOvation', 'oldBlooper', 'joseInterview'),
      );
    });

    it('withSubtags reaches three levels down (Position > Standing > Lunge > Deep Lunge)', async () => {
      expect(await matching({ markerTags: { any: [tag('position', true)], on: 'primary' } })).toEqual(
        set(
          'sunriseStretch',
          'deepLungeHold',
          'emptyTitle',
          'standingOvation',
          'quietKneel',
          'lungePractice',
          'wellKnownPose',
          'studioWarmup',
          'streetStretch',
          'skylineYoga',
          'gardenLunge',
          'kneelingBow',
          'kneelingStretch',
          'sunsetSalute',
        ),
      );
      expect(await matching({ markerTags: { any: [tag('position')], on: 'primary' } })).toEqual(set('wellKnownPose'));
    });

    it('follows a parent added after the first sync (Kneeling under Position)', async () => {
      expect(await matching({ markerTags: { any: [tag('position', true)], none: [tag('standing', true)] } })).toEqual(
        // kneelingStretch is Kneeling too, but its secondary tag Lunge is below Standing.
        set('emptyTitle', 'quietKneel', 'kneelingBow'),
      );
    });

    it('withSubtags on a middle level', async () => {
      expect(await matching({ markerTags: { any: [tag('lunge', true)], on: 'primary' } })).toEqual(
        set('deepLungeHold', 'lungePractice', 'gardenLunge'),
      );
      expect(await matching({ markerTags: { any: [tag('lunge')], on: 'primary' } })).toEqual(set('lungePractice', 'gardenLunge'));
      expect(await matching({ markerTags: { any: [tag('lunge', true)] } })).toEqual(
        set('deepLungeHold', 'lungePractice', 'gardenLunge', 'kneelingStretch'),
      );
      expect(await matching({ markerTags: { any: [tag('standing', true)] } })).toEqual(
        set(
          'sunriseStretch',
          'deepLungeHold',
          'standingOvation',
          'lungePractice',
          'wellKnownPose',
          'studioWarmup',
          'streetStretch',
          'skylineYoga',
          'gardenLunge',
          'grandFinale',
          'beachYogaFlow',
          'kneelingStretch',
          'sunsetSalute',
        ),
      );
    });

    it('a tag with two parents is a subtag of both (Yoga under Standing and under Beach)', async () => {
      const yogaPrimary: MarkerName[] = ['sunriseStretch', 'skylineYoga', 'sunsetSalute'];
      expect(await matching({ markerTags: { any: [tag('standing', true)], on: 'primary' } })).toEqual(
        set(...yogaPrimary, 'deepLungeHold', 'standingOvation', 'lungePractice', 'studioWarmup', 'streetStretch', 'gardenLunge'),
      );
      expect(await matching({ markerTags: { any: [tag('outdoor', true)], on: 'primary' } })).toEqual(
        set(...yogaPrimary, 'zebraCrossing', 'beachYogaFlow'),
      );
      expect(await matching({ markerTags: { any: [tag('beach', true)] } })).toEqual(
        set(...yogaPrimary, 'studioWarmup', 'gardenLunge', 'zebraCrossing', 'beachYogaFlow'),
      );
    });

    it('a cycle in the hierarchy terminates, and each tag on it has the whole cycle below it', async () => {
      const loop = set('loopEntry', 'neonWalk', 'tailEnd', 'reelEnding', 'beachYogaFlow');
      expect(await matching({ markerTags: { any: [tag('loopAlpha', true)] } })).toEqual(loop);
      expect(await matching({ markerTags: { any: [tag('loopBeta', true)] } })).toEqual(loop);
      expect(await matching({ markerTags: { any: [tag('loopGamma', true)] } })).toEqual(loop);
      expect(await matching({ markerTags: { any: [tag('loopGamma', true)], on: 'primary' } })).toEqual(
        set('loopEntry', 'neonWalk', 'tailEnd', 'reelEnding'),
      );
    });

    it('a tag below the cycle has only itself below it; without subtags a cycle tag is just itself', async () => {
      expect(await matching({ markerTags: { any: [tag('loopTail', true)] } })).toEqual(set('tailEnd', 'beachYogaFlow'));
      expect(await matching({ markerTags: { any: [tag('loopGamma')] } })).toEqual(set('tailEnd', 'reelEnding'));
    });

    it('all: every listed tag must match', async () => {
      expect(await matching({ markerTags: { all: [tag('standing'), tag('yoga')] } })).toEqual(set('sunriseStretch', 'studioWarmup'));
      expect(await matching({ markerTags: { all: [tag('highlight'), tag('creme')] } })).toEqual(set('grandFinale'));
    });

    it('all with subtags: each listed tag is expanded on its own, and one marker tag may satisfy several', async () => {
      expect(await matching({ markerTags: { all: [tag('standing', true), tag('beach', true)] } })).toEqual(
        set('sunriseStretch', 'studioWarmup', 'skylineYoga', 'gardenLunge', 'beachYogaFlow', 'sunsetSalute'),
      );
    });

    it('all on primary: two different tags can never both be the primary', async () => {
      expect(await matching({ markerTags: { all: [tag('standing'), tag('yoga')], on: 'primary' } })).toEqual([]);
      expect(await matching({ markerTags: { all: [tag('position', true), tag('standing', true)], on: 'primary' } })).toEqual(
        set(
          'sunriseStretch',
          'deepLungeHold',
          'standingOvation',
          'lungePractice',
          'studioWarmup',
          'streetStretch',
          'skylineYoga',
          'gardenLunge',
          'sunsetSalute',
        ),
      );
    });

    it('none: no listed tag may match', async () => {
      expect(await matching({ markerTags: { none: [tag('standing', true)] } })).toEqual(
        set(
          'emptyTitle',
          'openingRemarks',
          'cafeBreak',
          'quietKneel',
          'loopEntry',
          'neonWalk',
          'tailEnd',
          'flowerToast',
          'oldBlooper',
          'reelEnding',
          'kneelingBow',
          'zebraCrossing',
          'joseInterview',
          'studioWrap',
        ),
      );
      expect(await matching({ markerTags: { none: [tag('highlight')] } })).toEqual(
        allBut('emptyTitle', 'standingOvation', 'flowerToast', 'grandFinale'),
      );
      expect(await matching({ markerTags: { none: [tag('highlight')], on: 'primary' } })).toEqual(allBut('flowerToast', 'grandFinale'));
    });

    it('any and none together', async () => {
      expect(await matching({ markerTags: { any: [tag('kneeling')], none: [tag('highlight')] } })).toEqual(
        set('quietKneel', 'kneelingBow', 'kneelingStretch'),
      );
    });

    it('a tag id that does not exist matches nothing, and excludes nothing', async () => {
      expect(await matching({ markerTags: { any: [{ id: 999 }] } })).toEqual([]);
      expect(await matching({ markerTags: { none: [{ id: 999, withSubtags: true }] } })).toEqual(ALL());
    });
  });

  // ---- scene tags ----

  describe('scene tags', () => {
    it('any', async () => {
      expect(await matching({ sceneTags: { any: [tag('studio')] } })).toEqual(inScenes('cafeConversations', 'winterStudio', 'zebraFinale'));
      expect(await matching({ sceneTags: { any: [tag('highlight')] } })).toEqual(inScenes('beachMorning', 'zebraFinale'));
      expect(await matching({ sceneTags: { any: [tag('outdoor')] } })).toEqual(inScenes('nightShift', 'rooftopSession', 'gardenParty'));
    });

    it('any with subtags, through a tag with two parents and through the cycle', async () => {
      expect(await matching({ sceneTags: { any: [tag('outdoor', true)] } })).toEqual(
        inScenes('beachMorning', 'nightShift', 'rooftopSession', 'gardenParty'),
      );
      expect(await matching({ sceneTags: { any: [tag('standing', true)] } })).toEqual(inScenes('rooftopSession'));
      expect(await matching({ sceneTags: { any: [tag('beach', true)] } })).toEqual(inScenes('beachMorning', 'rooftopSession'));
      expect(await matching({ sceneTags: { any: [tag('loopAlpha', true)] } })).toEqual(inScenes('gardenParty'));
    });

    it('all', async () => {
      expect(await matching({ sceneTags: { all: [tag('studio'), tag('night')] } })).toEqual(inScenes('zebraFinale'));
      expect(await matching({ sceneTags: { all: [tag('outdoor', true), tag('position', true)] } })).toEqual(inScenes('rooftopSession'));
    });

    it('none, including scenes without tags', async () => {
      expect(await matching({ sceneTags: { none: [tag('studio')] } })).toEqual(
        inScenes('beachMorning', 'untitled', 'nightShift', 'rooftopSession', 'gardenParty', 'archiveReel'),
      );
    });

    it('are the scene tags, not the marker tags', async () => {
      expect(await matching({ sceneTags: { any: [tag('kneeling')] } })).toEqual([]);
    });
  });

  // ---- stale tags ----

  describe('stale tags (Spotlight deleted, Encore merged away; scenes and markers not re-synced)', () => {
    it('match no tag filter, with or without sub-tags, on either side', async () => {
      for (const withSubtags of [false, true]) {
        expect(await matching({ markerTags: { any: [tag('spotlight', withSubtags)] } })).toEqual([]);
        expect(await matching({ markerTags: { all: [tag('spotlight', withSubtags)] } })).toEqual([]);
        expect(await matching({ markerTags: { any: [tag('encore', withSubtags)], on: 'primary' } })).toEqual([]);
        expect(await matching({ sceneTags: { any: [tag('spotlight', withSubtags)] } })).toEqual([]);
      }
    });

    it('exclude nothing', async () => {
      expect(await matching({ markerTags: { none: [tag('spotlight', true), tag('encore')] } })).toEqual(ALL());
      expect(await matching({ sceneTags: { none: [tag('spotlight')] } })).toEqual(ALL());
    });

    it('end the hierarchy where they were: Blooper is no longer below Night', async () => {
      expect(await matching({ markerTags: { any: [tag('night', true)] } })).toEqual(set('neonWalk'));
      expect(await matching({ sceneTags: { any: [tag('night', true)] } })).toEqual(inScenes('nightShift', 'zebraFinale'));
    });

    it('are found by no word of their names', async () => {
      expect(await matching({ text: 'spotlight' })).toEqual([]);
      expect(await matching({ text: 'encore' })).toEqual([]);
    });

    it('are in no facet and no list of secondary tags', async () => {
      // zebraFinale's markers, whose scene has the tag Spotlight and whose studioWrap has Encore as its primary tag.
      const r = await search({ performers: { all: perf('kai', 'marta') }, facetLimit: 100 });
      expect(r.total).toBe(4);
      expect(r.facets).toEqual({
        primaryTags: [tagFacet('highlight', 'Highlight', 1), tagFacet('kneeling', 'Kneeling', 1), tagFacet('outdoor', 'Outdoor', 1)],
        performers: [perfFacet('kai', 'Kai Müller', 4), perfFacet('marta', 'Marta Nilsen', 4)],
        sceneTags: [tagFacet('highlight', 'Highlight', 4), tagFacet('night', 'Night', 4), tagFacet('studio', 'Studio', 4)],
        studios: [],
      });
      expect((await hitOf('grandFinale')).tags).toEqual([
        { id: fx.tags.creme, name: 'Crème Brûlée' },
        { id: fx.tags.standing, name: 'Standing' },
      ]);
    });

    it('a marker shows its primary tag as the mirror has it, stale or not: it has no other', async () => {
      expect((await hitOf('studioWrap')).primaryTag).toEqual({ id: fx.tags.encore, name: 'Encore' });
    });
  });

  // ---- performers and genders ----

  describe('performers', () => {
    it('any', async () => {
      expect(await matching({ performers: { any: perf('jose') } })).toEqual(inScenes('beachMorning', 'winterStudio', 'gardenParty'));
      expect(await matching({ performers: { any: perf('zoe', 'yamada') } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'gardenParty'),
      );
    });

    it('all', async () => {
      expect(await matching({ performers: { all: perf('jose', 'zoe') } })).toEqual(inScenes('beachMorning'));
      expect(await matching({ performers: { all: perf('kai', 'marta') } })).toEqual(inScenes('zebraFinale'));
    });

    it('none, including scenes without performers', async () => {
      expect(await matching({ performers: { none: perf('marta') } })).toEqual(
        inScenes('beachMorning', 'untitled', 'winterStudio', 'rooftopSession', 'gardenParty', 'archiveReel'),
      );
    });

    it('any and none together', async () => {
      expect(await matching({ performers: { any: perf('jose'), none: perf('kai') } })).toEqual(inScenes('beachMorning', 'gardenParty'));
    });

    it('a deleted performer is in no scene', async () => {
      expect(await matching({ performers: { any: perf('vera') } })).toEqual([]);
      expect(await matching({ performers: { none: perf('vera') } })).toEqual(ALL());
    });

    it('genders: the scene has a performer of one of them', async () => {
      expect(await matching({ performerGenders: ['MALE'] })).toEqual(inScenes('beachMorning', 'winterStudio', 'gardenParty'));
      expect(await matching({ performerGenders: ['NON_BINARY'] })).toEqual(inScenes('winterStudio', 'zebraFinale'));
      expect(await matching({ performerGenders: ['MALE', 'NON_BINARY'] })).toEqual(
        inScenes('beachMorning', 'winterStudio', 'gardenParty', 'zebraFinale'),
      );
      expect(await matching({ performerGenders: ['FEMALE'] })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'nightShift', 'gardenParty', 'zebraFinale'),
      );
    });

    it('genders: only a deleted performer had this one', async () => {
      expect(await matching({ performerGenders: ['TRANSGENDER_FEMALE'] })).toEqual([]);
    });
  });

  // ---- ranges ----

  describe('scene date', () => {
    it('from a year covers the whole year, including partial dates in it', async () => {
      expect(await matching({ sceneDate: { from: '2021' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'rooftopSession', 'gardenParty', 'zebraFinale'),
      );
      expect(await matching({ sceneDate: { from: '2022' } })).toEqual(inScenes('rooftopSession'));
    });

    it('to a month covers the whole month, and earlier partial dates', async () => {
      expect(await matching({ sceneDate: { to: '2021-05' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'winterStudio', 'archiveReel', 'zebraFinale'),
      );
    });

    it('to a year covers the whole year', async () => {
      expect(await matching({ sceneDate: { to: '2020' } })).toEqual(inScenes('winterStudio', 'archiveReel'));
      expect(await matching({ sceneDate: { to: '2019' } })).toEqual(inScenes('archiveReel'));
    });

    it('to a day includes partial dates that sort before it', async () => {
      expect(await matching({ sceneDate: { to: '2021-05-01' } })).toEqual(
        inScenes('cafeConversations', 'untitled', 'winterStudio', 'archiveReel', 'zebraFinale'),
      );
    });

    it('both bounds, inclusive', async () => {
      expect(await matching({ sceneDate: { from: '2021-05', to: '2021-05' } })).toEqual(inScenes('beachMorning', 'cafeConversations', 'zebraFinale'));
      expect(await matching({ sceneDate: { from: '2021', to: '2021-05' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'zebraFinale'),
      );
      expect(await matching({ sceneDate: { from: '2020-12-31', to: '2020-12-31' } })).toEqual(inScenes('winterStudio'));
      expect(await matching({ sceneDate: { from: '2021-05-17', to: '2021-05-17' } })).toEqual(inScenes('beachMorning'));
    });

    it('a partial date stands for its first day against a from bound of a day or month', async () => {
      // '2021-05' is 2021-05-01 and '2021' is 2021-01-01.
      expect(await matching({ sceneDate: { from: '2021-05-01' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'rooftopSession', 'gardenParty', 'zebraFinale'),
      );
      expect(await matching({ sceneDate: { from: '2021-05-02' } })).toEqual(inScenes('beachMorning', 'rooftopSession', 'gardenParty'));
      expect(await matching({ sceneDate: { from: '2021-01' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'rooftopSession', 'gardenParty', 'zebraFinale'),
      );
      expect(await matching({ sceneDate: { from: '2021-01-01', to: '2021-01-01' } })).toEqual(inScenes('untitled'));
      expect(await matching({ sceneDate: { from: '2021-05-01', to: '2021-05-01' } })).toEqual(inScenes('cafeConversations', 'zebraFinale'));
      expect(await matching({ sceneDate: { from: '2021-01-02', to: '2021-04-30' } })).toEqual([]);
    });

    it('bounds on the last day of a month, February 29 of a leap year included', async () => {
      expect(await matching({ sceneDate: { to: '2020-02-29' } })).toEqual(inScenes('archiveReel'));
      expect(await matching({ sceneDate: { from: '2000-02-29', to: '2019-12-31' } })).toEqual(inScenes('archiveReel'));
      expect(await matching({ sceneDate: { from: '2020-12-31', to: '2021-04-30' } })).toEqual(inScenes('winterStudio', 'untitled'));
    });

    it('follows a date edited after the first sync', async () => {
      expect(await matching({ sceneDate: { to: '2018' } })).toEqual([]);
    });

    it('an upper bound at the end of the calendar still covers every dated scene', async () => {
      expect(await matching({ sceneDate: { to: '9999' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'winterStudio', 'rooftopSession', 'gardenParty', 'archiveReel', 'zebraFinale'),
      );
      expect(await matching({ sceneDate: { to: '2021-12' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'winterStudio', 'gardenParty', 'archiveReel', 'zebraFinale'),
      );
    });

    it('scenes without a date never match a range', async () => {
      expect(await matching({ sceneDate: { from: '1900' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'winterStudio', 'rooftopSession', 'gardenParty', 'archiveReel', 'zebraFinale'),
      );
      expect(await matching({ sceneDate: { to: '2999' } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'winterStudio', 'rooftopSession', 'gardenParty', 'archiveReel', 'zebraFinale'),
      );
    });
  });

  describe('scene duration', () => {
    it('min and max, inclusive', async () => {
      expect(await matching({ sceneDuration: { min: 1200, max: 1800 } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'archiveReel', 'zebraFinale'),
      );
    });

    it('one bound only', async () => {
      expect(await matching({ sceneDuration: { max: 900 } })).toEqual(inScenes('untitled', 'nightShift'));
      expect(await matching({ sceneDuration: { min: 2400 } })).toEqual(inScenes('winterStudio', 'rooftopSession'));
    });

    it('a scene without a file never matches', async () => {
      expect(await matching({ sceneDuration: { min: 0 } })).toEqual(
        inScenes('beachMorning', 'cafeConversations', 'untitled', 'winterStudio', 'nightShift', 'rooftopSession', 'archiveReel', 'zebraFinale'),
      );
    });
  });

  describe('marker length and end', () => {
    it('min and max, inclusive', async () => {
      expect(await matching({ markerLength: { min: 30, max: 60 } })).toEqual(
        set(
          'deepLungeHold',
          'quietKneel',
          'gardenLunge',
          'zebraCrossing',
          'openingRemarks',
          'joseInterview',
          'sunriseStretch',
          'studioWarmup',
          'neonWalk',
          'flowerToast',
          'kneelingStretch',
          'studioWrap',
        ),
      );
    });

    it('one bound only, and fractional lengths', async () => {
      expect(await matching({ markerLength: { min: 90 } })).toEqual(
        set('cafeBreak', 'beachYogaFlow', 'wellKnownPose', 'skylineYoga', 'tailEnd', 'grandFinale'),
      );
      expect(await matching({ markerLength: { max: 10 } })).toEqual(set('lungePractice', 'oldBlooper', 'kneelingBow'));
      expect(await matching({ markerLength: { min: 59.75, max: 59.75 } })).toEqual(set('joseInterview'));
      expect(await matching({ markerLength: { min: 59.8, max: 60 } })).toEqual(
        set('sunriseStretch', 'studioWarmup', 'neonWalk', 'flowerToast', 'kneelingStretch', 'studioWrap'),
      );
    });

    it('markers without an end have no length', async () => {
      expect(await matching({ markerLength: { min: 0 } })).toEqual(set(...WITH_END));
    });

    it('hasEnd', async () => {
      expect(await matching({ hasEnd: true })).toEqual(set(...WITH_END));
      expect(await matching({ hasEnd: false })).toEqual(set(...WITHOUT_END));
    });
  });

  describe('combined filters', () => {
    it('all filters must hold at once', async () => {
      expect(await matching({ performers: { any: perf('marta') }, sceneTags: { any: [tag('night')] }, hasEnd: true })).toEqual(
        set('neonWalk', 'grandFinale', 'kneelingBow', 'zebraCrossing', 'studioWrap'),
      );
      expect(await matching({ text: 'stretch', sceneDate: { from: '2021' } })).toEqual(set('sunriseStretch'));
      expect(await matching({ text: 'kneel', markerTags: { none: [tag('highlight')] }, sceneDuration: { min: 1000 } })).toEqual(
        set('kneelingBow', 'kneelingStretch'),
      );
    });

    it('words with tag and performer filters: words found in any of the markers’ rows', async () => {
      // Marta is in cafeConversations, nightShift and zebraFinale.
      expect(await matching({ text: 'loop', performers: { any: perf('marta') } })).toEqual(set('neonWalk'));
      expect(await matching({ text: 'highlight', performers: { any: perf('marta') } })).toEqual(set('standingOvation', 'grandFinale'));
      // Found through the performer's own name, and through the scene title.
      expect(await matching({ text: 'marta', markerTags: { any: [tag('highlight')] } })).toEqual(set('standingOvation', 'grandFinale'));
      expect(await matching({ text: 'finale', performers: { any: perf('marta') } })).toEqual(inScenes('zebraFinale'));
      expect(await matching({ text: 'stretch kneel', sort: 'position', markerTags: { any: [tag('position', true)] } })).toEqual(
        set('kneelingStretch'),
      );
    });

    it('words and filters together give exactly the markers and order each gives alone', async () => {
      const texts = ['stretch', 'loop', 'jose', 'highlight', 'marta', 'interview', 'stretch kneel', 'grand finale', 'nilsen kai'];
      const filters: MarkerQueryInput[] = [
        { performers: { any: perf('marta') } },
        { performers: { all: perf('jose', 'zoe') } },
        { markerTags: { any: [tag('position', true)] } },
        { markerTags: { all: [tag('highlight'), tag('blooper')] } },
        { markerTags: { any: [tag('loopAlpha', true)], on: 'primary' } },
        { sceneTags: { any: [tag('night', true)] }, performers: { none: perf('kai') } },
        { sceneTags: { any: [tag('outdoor', true)] }, hasEnd: true },
      ];
      const sorts: MarkerQueryInput[] = [{}, { sort: 'position' }, { sort: 'sceneTitle', direction: 'desc' }];
      let nonEmpty = 0;
      for (const text of texts) {
        for (const sort of sorts) {
          const byText = await ordered({ text, ...sort });
          for (const filter of filters) {
            const byFilter = new Set(await matching(filter));
            const both = await ordered({ text, ...filter, ...sort });
            expect(both, `${text} ${JSON.stringify(filter)} ${JSON.stringify(sort)}`).toEqual(byText.filter((id) => byFilter.has(id)));
            if (both.length > 0) nonEmpty++;
          }
        }
      }
      expect(nonEmpty).toBeGreaterThan(30);
    });
  });

  // ---- sorting ----

  const POSITION_ORDER: MarkerName[] = [
    'sunriseStretch',
    'emptyTitle',
    'deepLungeHold',
    'beachYogaFlow',
    'openingRemarks',
    'cafeBreak',
    'joseInterview',
    'standingOvation',
    'quietKneel',
    'lungePractice',
    'studioWarmup',
    'wellKnownPose',
    'loopEntry',
    'kneelingStretch',
    'neonWalk',
    'streetStretch',
    'skylineYoga',
    'sunsetSalute',
    'tailEnd',
    'flowerToast',
    'gardenLunge',
    'oldBlooper',
    'reelEnding',
    'studioWrap',
    'zebraCrossing',
    'grandFinale',
    'kneelingBow',
  ];

  /** Scenes in this order, each scene's markers together by position (seconds, then marker id). */
  const inSceneOrder = (...scenes: LiveScene[]): number[] =>
    scenes.flatMap((scene) => ids(...[...SCENE_MARKERS[scene]].sort((x, y) => POSITION_ORDER.indexOf(x) - POSITION_ORDER.indexOf(y))));

  describe('sort', () => {
    it('position: scene id, then seconds, then marker id (ascending by default)', async () => {
      // quietKneel and lungePractice both start at 10 s in the same scene: the lower id first.
      expect(await ordered({ sort: 'position' })).toEqual(ids(...POSITION_ORDER));
      expect(await ordered({ sort: 'position', direction: 'asc' })).toEqual(ids(...POSITION_ORDER));
    });

    it('position descending', async () => {
      const groups = singles(...POSITION_ORDER).reverse();
      // The one tie stays one group.
      const tie = groups.findIndex((g) => g[0] === 'lungePractice');
      groups.splice(tie, 2, ['quietKneel', 'lungePractice']);
      expectGroups(await ordered({ sort: 'position', direction: 'desc' }), groups);
    });

    it('sceneDate: newest first by default, partial dates as strings, undated scenes last', async () => {
      expect(await ordered({ sort: 'sceneDate' })).toEqual(
        inSceneOrder(
          'rooftopSession',
          'gardenParty',
          'beachMorning',
          'zebraFinale',
          'cafeConversations',
          'untitled',
          'winterStudio',
          'archiveReel',
          'nightShift',
        ),
      );
    });

    it('sceneDate ascending: still undated last, a scene’s markers by position', async () => {
      expect(await ordered({ sort: 'sceneDate', direction: 'asc' })).toEqual(
        inSceneOrder(
          'archiveReel',
          'winterStudio',
          'untitled',
          'cafeConversations',
          'zebraFinale',
          'beachMorning',
          'gardenParty',
          'rooftopSession',
          'nightShift',
        ),
      );
    });

    it('sceneTitle: A to Z by default, ignoring case, a scene’s markers by position', async () => {
      // Without 山田花子's scenes, which leaves out the one scene without a title. 'archive reel' is
      // in lower case: first all the same, where byte order would put it after 'Zebra Finale'.
      const order = ['archiveReel', 'beachMorning', 'cafeConversations', 'nightShift', 'rooftopSession', 'winterStudio', 'zebraFinale'] as const;
      expect(await ordered({ sort: 'sceneTitle', performers: { none: perf('yamada') } })).toEqual(inSceneOrder(...order));
      expect(await ordered({ sort: 'sceneTitle', direction: 'desc', performers: { none: perf('yamada') } })).toEqual(
        inSceneOrder(...[...order].reverse()),
      );
    });

    it('sceneTitle: a scene without a title sorts by its file basename, the name its rows show', async () => {
      // 'VID_0412 kittiwake.mkv' sorts between 'Rooftop Session' and 'Winter Studio'.
      const order = [
        'archiveReel',
        'beachMorning',
        'cafeConversations',
        'gardenParty',
        'nightShift',
        'rooftopSession',
        'untitled',
        'winterStudio',
        'zebraFinale',
      ] as const;
      expect(await ordered({ sort: 'sceneTitle' })).toEqual(inSceneOrder(...order));
    });

    it('length: longest first by default', async () => {
      expectGroups(await ordered({ sort: 'length', hasEnd: true }), [
        ['cafeBreak'],
        ['beachYogaFlow'],
        ['wellKnownPose', 'skylineYoga', 'tailEnd', 'grandFinale'],
        ['sunriseStretch', 'studioWarmup', 'neonWalk', 'flowerToast', 'kneelingStretch', 'studioWrap'],
        ['joseInterview'],
        ['openingRemarks'],
        ['deepLungeHold', 'quietKneel', 'gardenLunge', 'zebraCrossing'],
        ['lungePractice', 'oldBlooper', 'kneelingBow'],
      ]);
    });

    it('length ascending, ties by marker id', async () => {
      expect(await ordered({ sort: 'length', direction: 'asc', hasEnd: true })).toEqual(
        ids(
          'lungePractice',
          'oldBlooper',
          'kneelingBow',
          'deepLungeHold',
          'quietKneel',
          'gardenLunge',
          'zebraCrossing',
          'openingRemarks',
          'joseInterview',
          'sunriseStretch',
          'studioWarmup',
          'neonWalk',
          'flowerToast',
          'kneelingStretch',
          'studioWrap',
          'wellKnownPose',
          'skylineYoga',
          'tailEnd',
          'grandFinale',
          'beachYogaFlow',
          'cafeBreak',
        ),
      );
    });

    const UPDATED_ASC: MarkerName[] = [
      'sunriseStretch',
      'deepLungeHold',
      'emptyTitle',
      'openingRemarks',
      'cafeBreak',
      'standingOvation',
      'lungePractice',
      'wellKnownPose',
      'studioWarmup',
      'loopEntry',
      'neonWalk',
      'streetStretch',
      'tailEnd',
      'flowerToast',
      'gardenLunge',
      'oldBlooper',
      'reelEnding',
      'grandFinale',
      'kneelingBow',
      'zebraCrossing', // one second
      'beachYogaFlow',
      'joseInterview',
      'kneelingStretch',
      'sunsetSalute',
      'studioWrap',
      'quietKneel',
      'skylineYoga', // edited last, skylineYoga after the clocks went back
    ];

    it('updated compares instants, not the stamps Stash writes in its local offset', async () => {
      const stamps = await h.read<{ stash_updated_at: string }>(
        'SELECT stash_updated_at FROM stash_scene_markers WHERE id IN (?, ?) ORDER BY id',
        ids('quietKneel', 'skylineYoga'),
      );
      // skylineYoga's stamp sorts first as text, and is 40 minutes later.
      expect(stamps.map((r) => r.stash_updated_at)).toEqual(['2025-10-26T02:29:00+02:00', '2025-10-26T02:09:00+01:00']);
      const latest = await search({ sort: 'updated', perPage: 2, facetLimit: 0 });
      expect(latest.hits.map((x) => x.id)).toEqual(ids('skylineYoga', 'quietKneel'));
    });

    it('updated: most recently updated first by default', async () => {
      const groups = singles(...UPDATED_ASC).reverse();
      const tie = groups.findIndex((g) => g[0] === 'zebraCrossing');
      groups.splice(tie, 3, ['grandFinale', 'kneelingBow', 'zebraCrossing']);
      expectGroups(await ordered({ sort: 'updated' }), groups);
    });

    it('updated ascending, ties by marker id', async () => {
      expect(await ordered({ sort: 'updated', direction: 'asc' })).toEqual(ids(...UPDATED_ASC));
    });

    it('random: the same seed gives the same order, another seed another order', async () => {
      const first = await ordered({ sort: 'random', seed: 1 });
      expect([...first].sort(byNumber)).toEqual(ALL());
      expect(await ordered({ sort: 'random', seed: 1 })).toEqual(first);
      expect(await ordered({ sort: 'random', seed: 2 })).not.toEqual(first);
      expect(first).not.toEqual(ALL());
    });

    it('random: pages of one seed partition its order', async () => {
      const whole = await ordered({ sort: 'random', seed: 7 });
      const pages: number[] = [];
      for (const page of [1, 2, 3]) {
        const r = await search({ sort: 'random', seed: 7, perPage: 10, page, facetLimit: 0 });
        expect(r.total).toBe(27);
        pages.push(...r.hits.map((x) => x.id));
      }
      expect(pages).toEqual(whole);
    });
  });

  // ---- pagination ----

  describe('pagination', () => {
    it('pages through the whole order, total counting every match', async () => {
      const pages: MarkerSearchResult[] = [];
      for (const page of [1, 2, 3, 4]) pages.push(await search({ sort: 'position', perPage: 10, page }));
      expect(pages.map((p) => p.total)).toEqual([27, 27, 27, 27]);
      expect(pages.map((p) => [p.page, p.perPage])).toEqual([
        [1, 10],
        [2, 10],
        [3, 10],
        [4, 10],
      ]);
      expect(pages[0]!.hits.map((x) => x.id)).toEqual(ids(...POSITION_ORDER.slice(0, 10)));
      expect(pages[1]!.hits.map((x) => x.id)).toEqual(ids(...POSITION_ORDER.slice(10, 20)));
      expect(pages[2]!.hits.map((x) => x.id)).toEqual(
        ids('gardenLunge', 'oldBlooper', 'reelEnding', 'studioWrap', 'zebraCrossing', 'grandFinale', 'kneelingBow'),
      );
      expect(pages[3]!.hits).toEqual([]);
    });

    it('total counts a filtered result beyond the page', async () => {
      const r = await search({ sort: 'position', markerTags: { any: [tag('standing', true)] }, perPage: 5, page: 3 });
      expect(r.total).toBe(13);
      expect(r.hits.map((x) => x.id)).toEqual(ids('sunsetSalute', 'gardenLunge', 'grandFinale'));
    });
  });

  // ---- facets ----

  describe('facets', () => {
    const primaryAll = (): FacetCount[] => [
      tagFacet('kneeling', 'Kneeling', 4),
      tagFacet('interview', 'Interview', 3),
      tagFacet('standing', 'Standing', 3),
      tagFacet('yoga', 'Yoga', 3),
      tagFacet('highlight', 'Highlight', 2),
      tagFacet('lunge', 'Lunge', 2),
      tagFacet('beach', 'Beach', 1),
      tagFacet('blooper', 'Blooper', 1),
      tagFacet('deepLunge', 'Deep Lunge', 1),
      tagFacet('loopAlpha', 'Loop Alpha', 1),
      tagFacet('loopBeta', 'Loop Beta', 1),
      tagFacet('loopGamma', 'Loop Gamma', 1),
      tagFacet('loopTail', 'Loop Tail', 1),
      tagFacet('outdoor', 'Outdoor', 1),
      tagFacet('position', 'Position', 1),
      // Not Encore, studioWrap's primary tag in the mirror: stale, merged into Studio in Stash.
    ];

    const performersAll = (): FacetCount[] => [
      perfFacet('jose', 'José Álvarez', 10),
      perfFacet('marta', 'Marta Nilsen', 10),
      perfFacet('kai', 'Kai Müller', 8),
      perfFacet('zoe', 'Zoë', 8),
      perfFacet('yamada', '山田花子', 4),
    ];

    const sceneTagsAll = (): FacetCount[] => [
      tagFacet('studio', 'Studio', 12),
      tagFacet('highlight', 'Highlight', 8),
      tagFacet('outdoor', 'Outdoor', 7),
      tagFacet('night', 'Night', 6),
      tagFacet('beach', 'Beach', 4),
      tagFacet('interview', 'Interview', 4),
      tagFacet('yoga', 'Yoga', 3),
      tagFacet('blooper', 'Blooper', 2),
      tagFacet('loopBeta', 'Loop Beta', 2),
    ];

    it('over the whole library: exact counts, count desc then name, top 10 by default, nothing stale', async () => {
      const r = await search({});
      expect(r.facets).toEqual({
        primaryTags: primaryAll().slice(0, 10),
        performers: performersAll(),
        sceneTags: sceneTagsAll(),
        studios: [],
      });
    });

    it('facetLimit raises and lowers the number of entries', async () => {
      expect((await search({ facetLimit: 100 })).facets).toEqual({
        primaryTags: primaryAll(),
        performers: performersAll(),
        sceneTags: sceneTagsAll(),
        studios: [],
      });
      expect((await search({ facetLimit: 3 })).facets).toEqual({
        primaryTags: primaryAll().slice(0, 3),
        performers: performersAll().slice(0, 3),
        sceneTags: sceneTagsAll().slice(0, 3),
        studios: [],
      });
    });

    it('facetLimit 0 skips facets', async () => {
      expect((await search({ facetLimit: 0 })).facets).toEqual({ primaryTags: [], performers: [], sceneTags: [], studios: [] });
    });

    it('count the whole filtered result, not the page', async () => {
      const r = await search({ text: 'zoe', perPage: 3, sort: 'position' });
      expect(r.total).toBe(8);
      expect(r.hits.map((x) => x.id)).toEqual(ids('sunriseStretch', 'emptyTitle', 'deepLungeHold'));
      expect(r.facets).toEqual({
        primaryTags: [
          tagFacet('interview', 'Interview', 3),
          tagFacet('beach', 'Beach', 1),
          tagFacet('deepLunge', 'Deep Lunge', 1),
          tagFacet('kneeling', 'Kneeling', 1),
          tagFacet('standing', 'Standing', 1),
          tagFacet('yoga', 'Yoga', 1),
        ],
        performers: [perfFacet('zoe', 'Zoë', 8), perfFacet('jose', 'José Álvarez', 4), perfFacet('marta', 'Marta Nilsen', 4)],
        sceneTags: [
          tagFacet('beach', 'Beach', 4),
          tagFacet('highlight', 'Highlight', 4),
          tagFacet('interview', 'Interview', 4),
          tagFacet('studio', 'Studio', 4),
        ],
        studios: [],
      });
    });

    it('are computed for a page past the end too', async () => {
      const r = await search({ page: 99 });
      expect(r.total).toBe(27);
      expect(r.hits).toEqual([]);
      expect(r.facets.performers).toEqual(performersAll());
    });

    it('are empty when nothing matches', async () => {
      const r = await search({ text: 'xylophone' });
      expect(r.total).toBe(0);
      expect(r.facets).toEqual({ primaryTags: [], performers: [], sceneTags: [], studios: [] });
    });
  });

  // ---- hits ----

  describe('hit payload', () => {
    it('carries the marker, its tags by name, its scene and its performers by name; no urls without a Stash address', async () => {
      const r = await search({ text: 'grand finale' });
      expect(r.hits).toEqual([
        {
          id: fx.markers.grandFinale,
          title: 'Grand finale',
          seconds: 1100,
          endSeconds: 1190,
          primaryTag: { id: fx.tags.highlight, name: 'Highlight' },
          tags: [
            { id: fx.tags.creme, name: 'Crème Brûlée' },
            { id: fx.tags.standing, name: 'Standing' },
          ],
          scene: { id: fx.scenes.zebraFinale, title: 'Zebra Finale', basename: `${fx.scenes.zebraFinale}_1.mp4`, date: '2021-05-01', studio: null },
          performers: [
            { id: fx.performers.kai, name: 'Kai Müller' },
            { id: fx.performers.marta, name: 'Marta Nilsen' },
          ],
          urls: null,
        },
      ]);
    });

    it('builds Stash urls from the origin of the address, with the start second rounded down', async () => {
      const s = fx.scenes.beachMorning;
      const m = fx.markers.emptyTitle;
      const expected: MarkerHit = {
        id: m,
        title: '',
        seconds: 100.6,
        endSeconds: null,
        primaryTag: { id: fx.tags.kneeling, name: 'Kneeling' },
        tags: [{ id: fx.tags.highlight, name: 'Highlight' }],
        scene: { id: s, title: 'Beach Morning', basename: `${s}_1.mp4`, date: '2021-05-17', studio: null },
        performers: [
          { id: fx.performers.jose, name: 'José Álvarez' },
          { id: fx.performers.zoe, name: 'Zoë' },
        ],
        urls: {
          stream: `http://stash.example:9999/scene/${s}/scene_marker/${m}/stream`,
          preview: `http://stash.example:9999/scene/${s}/scene_marker/${m}/preview`,
          screenshot: `http://stash.example:9999/scene/${s}/scene_marker/${m}/screenshot`,
          scene: `http://stash.example:9999/scenes/${s}?t=100`,
        },
      };
      expect(await hitOf('emptyTitle', { stashUrl: 'http://stash.example:9999/graphql' })).toEqual(expected);
      expect(await hitOf('emptyTitle', { stashUrl: 'http://stash.example:9999' })).toEqual(expected);
      expect(await hitOf('emptyTitle')).toEqual({ ...expected, urls: null });
    });

    it('rounds a fractional start down in the scene url', async () => {
      const hit = await hitOf('joseInterview', { stashUrl: 'https://stash.example/' });
      expect(hit.seconds).toBe(900.25);
      expect(hit.endSeconds).toBe(960);
      expect(hit.urls?.scene).toBe(`https://stash.example/scenes/${fx.scenes.cafeConversations}?t=900`);
    });

    it('a scene without a title (its file basename instead), a marker without secondary tags', async () => {
      expect(await hitOf('quietKneel')).toEqual({
        id: fx.markers.quietKneel,
        title: 'Quiet kneel',
        seconds: 10,
        endSeconds: 40,
        primaryTag: { id: fx.tags.kneeling, name: 'Kneeling' },
        tags: [],
        scene: { id: fx.scenes.untitled, title: null, basename: 'VID_0412 kittiwake.mkv', date: '2021', studio: null },
        performers: [{ id: fx.performers.yamada, name: '山田花子' }],
        urls: null,
      });
    });

    it('a scene without a date and a deleted performer: only live performers are listed', async () => {
      expect(await hitOf('neonWalk')).toEqual({
        id: fx.markers.neonWalk,
        title: 'Neon walk',
        seconds: 120,
        endSeconds: 180,
        primaryTag: { id: fx.tags.loopBeta, name: 'Loop Beta' },
        tags: [{ id: fx.tags.night, name: 'Night' }],
        scene: { id: fx.scenes.nightShift, title: 'Night Shift', basename: `${fx.scenes.nightShift}_1.mp4`, date: null, studio: null },
        performers: [{ id: fx.performers.marta, name: 'Marta Nilsen' }],
        urls: null,
      });
      expect((await hitOf('oldBlooper')).performers).toEqual([]);
      expect((await hitOf('skylineYoga')).performers).toEqual([]);
    });

    it('secondary tags are sorted by name', async () => {
      expect((await hitOf('standingOvation')).tags).toEqual([
        { id: fx.tags.blooper, name: 'Blooper' },
        { id: fx.tags.highlight, name: 'Highlight' },
      ]);
      expect((await hitOf('beachYogaFlow')).tags).toEqual([
        { id: fx.tags.loopTail, name: 'Loop Tail' },
        { id: fx.tags.yoga, name: 'Yoga' },
      ]);
    });
  });

  // ---- invalid input ----

  describe('invalid input', () => {
    it('is rejected with an error naming the field', async () => {
      await expectInvalid({ perPage: 0 }, /perPage/);
      await expectInvalid({ perPage: 501 }, /perPage/);
      await expectInvalid({ page: 0 }, /page/);
      await expectInvalid({ sceneDate: { from: '21' } }, /from/);
      await expectInvalid({ sceneDate: { to: '2021-5' } }, /sceneDate/);
      await expectInvalid({ sceneDate: { from: '2021-13' } }, /no such date/);
      await expectInvalid({ sceneDate: { from: '2021-00' } }, /no such date/);
      await expectInvalid({ sceneDate: { to: '2021-02-30' } }, /no such date/);
      await expectInvalid({ sceneDate: { to: '2021-04-31' } }, /no such date/);
      await expectInvalid({ sceneDate: { to: '2023-02-29' } }, /no such date/);
      await expectInvalid({ sceneDate: { to: '1900-02-29' } }, /no such date/);
      await expectInvalid({ sort: 'newest' }, /sort/);
      await expectInvalid({ direction: 'up' }, /direction/);
      await expectInvalid({ markerTags: { any: [{ id: -1 }] } }, /markerTags/);
      await expectInvalid({ markerTags: { any: [tag('standing')], on: 'secondary' } }, /markerTags/);
      await expectInvalid({ performers: { any: [1.5] } }, /performers/);
      await expectInvalid({ facetLimit: 1001 }, /facetLimit/);
      await expectInvalid({ seed: 0.5 }, /seed/);
    });
  });
});
