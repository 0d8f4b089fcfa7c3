/**
 * A small, hand-built Stash library for the marker search suite. Every row is written out here so
 * each expected answer in tests/search.test.ts can be worked out by hand from this file alone.
 *
 * Ids are offset per kind (tags from 1, performers from 41, scenes from 201, markers from 1001), so
 * an id of one kind used where another is meant matches nothing.
 *
 * Tag hierarchy (child <- parents):
 *   Position
 *     Standing <- Position            Kneeling <- Position
 *       Lunge <- Standing
 *         Deep Lunge <- Lunge         (three levels below Position)
 *   Outdoor
 *     Beach <- Outdoor
 *   Yoga <- Standing, Beach           (two parents)
 *   Loop Alpha <- Loop Gamma          (a cycle already present in Stash's data:
 *   Loop Beta  <- Loop Alpha           Alpha -> Beta -> Gamma -> Alpha)
 *   Loop Gamma <- Loop Beta
 *   Loop Tail  <- Loop Gamma          (hangs off the cycle)
 *   Studio, Night, Interview, Crème Brûlée, Highlight, Blooper (no parents)
 *   Spotlight, Encore                 (stale, see the last paragraph; until it was deleted,
 *                                      Spotlight <- Night and Blooper <- Spotlight)
 *
 * Performers: José Álvarez (MALE), Zoë (FEMALE), 山田花子 (FEMALE), Kai Müller (NON_BINARY),
 * Marta Nilsen (FEMALE), Vera Vanish (TRANSGENDER_FEMALE, deleted after the first sync).
 *
 * Scenes (title | date | primary file duration | performers | scene tags | details):
 *   beachMorning       'Beach Morning'      '2021-05-17' 1200  José, Zoë     Beach, Highlight
 *                      'A bright sunrise session on the coast.'
 *   cafeConversations  'Café Conversations' '2021-05'    1800  Zoë, Marta    Interview, Studio
 *                      'Quiet talk over espresso.'
 *   untitled           null                 '2021'        600  山田花子       (none)
 *                      'Untitled footage from the vault.'   primary file 'VID_0412 kittiwake.mkv'
 *   winterStudio       'Winter Studio'      '2020-12-31' 2400  Kai, José     Studio
 *                      null
 *   nightShift         'Night Shift'        null          900  Marta, Vera   Night, Outdoor
 *                      'Neon lights downtown.'
 *   rooftopSession     'Rooftop Session'    '2022-01-10' 3000  (none)        Outdoor, Yoga
 *                      'Skyline panorama at dusk.'
 *   gardenParty        'Garden Party'       '2021-06-01' (no file) José, 山田花子  Outdoor, Loop Beta
 *                      'Flowers, friends and lemonade.'
 *   archiveReel        'archive reel'       '2019'       1500  Vera          Blooper
 *                      'Grainy classics from the vault.'
 *   doomedScene        'Doomed Scene'       '2021-05-20' 1000  Zoë           Highlight, Studio
 *                      'Doomed details zeppelin.'   (deleted after the first sync, with its markers)
 *   zebraFinale        'Zebra Finale'       '2021-05-01' 1200  Kai, Marta    Studio, Night, Highlight, Spotlight
 *                      'Stripes everywhere.'
 *   Every other scene with a file has the fake's default basename, '<scene id>_1.mp4'.
 *
 * Markers, in id order (scene | title | seconds | end | primary tag | secondary tags):
 *   1001 sunriseStretch   beachMorning      'Sunrise stretch'   30     90    Yoga        Standing
 *   1002 deepLungeHold    beachMorning      'Deep lunge hold'   200    230   Deep Lunge  -
 *   1003 emptyTitle       beachMorning      ''                  100.6  -     Kneeling    Highlight
 *   1004 openingRemarks   cafeConversations 'Opening remarks'   0      45    Interview   Crème Brûlée
 *   1005 cafeBreak        cafeConversations 'cafe break'        600    720   Interview   -
 *   1006 standingOvation  cafeConversations 'Standing ovation'  1700   -     Standing    Highlight, Blooper
 *   1007 quietKneel       untitled          'Quiet kneel'       10     40    Kneeling    -
 *   1008 lungePractice    untitled          'Lunge practice'    10     20    Lunge       Deep Lunge
 *   1009 wellKnownPose    winterStudio      'Well-known pose'   300    390   Position    Standing
 *   1010 studioWarmup     winterStudio      'Studio warmup'     60     120   Standing    Yoga
 *   1011 loopEntry        winterStudio      'Loop entry'        900    -     Loop Alpha  -
 *   1012 neonWalk         nightShift        'Neon walk'         120    180   Loop Beta   Night
 *   1013 streetStretch    nightShift        'Street stretch'    400    -     Standing    -
 *   1014 skylineYoga      rooftopSession    'Skyline yoga'      1000   1090  Yoga        Outdoor
 *   1015 tailEnd          rooftopSession    'Tail end'          2900   2990  Loop Tail   Loop Gamma
 *   1016 flowerToast      gardenParty       'Flower toast'      15     75    Highlight   -
 *   1017 gardenLunge      gardenParty       'Garden lunge'      500    530   Lunge       Beach
 *   1018 oldBlooper       archiveReel       'Old blooper 1987'  5      15    Blooper     -
 *   1019 reelEnding       archiveReel       'Reel ending'       1400   -     Loop Gamma  Loop Alpha
 *   1020 doomedStretch    doomedScene       'Doomed stretch'    10     40    Yoga        Standing   (stale)
 *   1021 doomedFinale     doomedScene       'Doomed finale'     100    -     Highlight   -          (stale)
 *   1022 grandFinale      zebraFinale       'Grand finale'      1100   1190  Highlight   Crème Brûlée, Standing, Spotlight
 *   1023 kneelingBow      zebraFinale       'Kneeling bow'      1150   1160  Kneeling    -
 *   1024 zebraCrossing    zebraFinale       'Zebra crossing'    20     50    Outdoor     Beach
 *   1025 deletedMarker    zebraFinale       'Deleted marker'    600    660   Standing    Yoga       (stale)
 *   1026 beachYogaFlow    beachMorning      'Beach yoga flow'   600    700   Beach       Yoga, Loop Tail
 *   1027 joseInterview    cafeConversations 'José interview'    900.25 960   Interview   -
 *   1028 kneelingStretch  winterStudio      'Kneeling stretch'  1200   1260  Kneeling    Lunge
 *   1029 sunsetSalute     rooftopSession    'Sunset salute'     2000   -     Yoga        -
 *   1030 studioWrap       zebraFinale       'Studio wrap'       5      65    Encore      -
 *
 * Marker updated_at: Stash stamps in its local offset, here Central European time on the night
 * summer time ends. The clock starts at 02:00+02:00 and moves 60 s before each marker is created,
 * except that 1022, 1023 and 1024 share one second; afterwards 1007 is edited (02:29+02:00), the
 * clocks go back at 03:00+02:00 to 02:00+01:00, and 1014 is edited at 02:09+01:00: the last of
 * all, though its stamp sorts as text among the first markers'.
 *
 * Between the first and the second sync, changeAfterFirstSync() deletes the scene doomedScene (and
 * with it markers 1020, 1021), the marker 1025 and the performer Vera Vanish, so the mirror holds
 * stale rows of each kind. It also edits rows the first sync already mirrored, none of them a
 * marker, so the search must follow writes that do not touch the markers themselves:
 *   - the tag Interview was first named 'Interveiw' (a primary tag only);
 *   - the tag Crème Brûlée was first named 'Crème Caramel' (a secondary tag only);
 *   - Kneeling first had no parent, and gets Position as its parent;
 *   - Marta Nilsen was first named 'Marta Olsen';
 *   - the details of untitled first read 'Untitled footage from the attic.';
 *   - rooftopSession was first dated '2018'.
 *
 * After the second sync, Stash deletes the tag Spotlight (dropping it from grandFinale, zebraFinale
 * and the hierarchy, Blooper left without a parent) and merges Encore into Studio (studioWrap's
 * primary tag becomes Studio), and only tags are synced, as `sync:stash --entities tags` does: the
 * mirror marks both tags stale and re-reads their neighbours (Blooper loses its parent), but its
 * scenes and markers still point at them (studioWrap's primary tag is still Encore).
 * Everything listed above this paragraph is the state after those changes, which every test sees.
 */
import { createClock, FakeLibrary, type Gender } from '../../tools/fake-stash';

export const TAG_NAMES = [
  'position',
  'standing',
  'kneeling',
  'lunge',
  'deepLunge',
  'outdoor',
  'beach',
  'yoga',
  'loopAlpha',
  'loopBeta',
  'loopGamma',
  'loopTail',
  'studio',
  'night',
  'interview',
  'creme',
  'highlight',
  'spotlight',
  'blooper',
  'encore',
] as const;
export type TagName = (typeof TAG_NAMES)[number];

export type PerformerName = 'jose' | 'zoe' | 'yamada' | 'kai' | 'marta' | 'vera';

export type SceneName =
  | 'beachMorning'
  | 'cafeConversations'
  | 'untitled'
  | 'winterStudio'
  | 'nightShift'
  | 'rooftopSession'
  | 'gardenParty'
  | 'archiveReel'
  | 'doomedScene'
  | 'zebraFinale';

export type MarkerName =
  | 'sunriseStretch'
  | 'deepLungeHold'
  | 'emptyTitle'
  | 'openingRemarks'
  | 'cafeBreak'
  | 'standingOvation'
  | 'quietKneel'
  | 'lungePractice'
  | 'wellKnownPose'
  | 'studioWarmup'
  | 'loopEntry'
  | 'neonWalk'
  | 'streetStretch'
  | 'skylineYoga'
  | 'tailEnd'
  | 'flowerToast'
  | 'gardenLunge'
  | 'oldBlooper'
  | 'reelEnding'
  | 'doomedStretch'
  | 'doomedFinale'
  | 'grandFinale'
  | 'kneelingBow'
  | 'zebraCrossing'
  | 'deletedMarker'
  | 'beachYogaFlow'
  | 'joseInterview'
  | 'kneelingStretch'
  | 'sunsetSalute'
  | 'studioWrap';

export interface SearchLibrary {
  library: FakeLibrary;
  tags: Record<TagName, number>;
  performers: Record<PerformerName, number>;
  scenes: Record<SceneName, number>;
  markers: Record<MarkerName, number>;
  /** The deletions and edits made between the first and the second sync. */
  changeAfterFirstSync(): void;
  /** The tag deletion and merge made after the second sync, before a sync of tags only. */
  changeAfterSecondSync(): void;
}

export function buildSearchLibrary(): SearchLibrary {
  // 02:00 summer time in Central Europe, an hour before the clocks go back.
  const clock = createClock({ start: '2025-10-26T00:00:00Z', offset: '+02:00' });
  const library = new FakeLibrary(clock);
  library.skipIds('performer', 40);
  library.skipIds('scene', 200);
  library.skipIds('marker', 1000);

  // ---- tags ----
  const tags = {} as Record<TagName, number>;
  const tag = (name: TagName, label: string, parents: TagName[] = []): void => {
    tags[name] = library.createTag({ name: label, parentIds: parents.map((p) => tags[p]) }).id;
  };
  tag('position', 'Position');
  tag('standing', 'Standing', ['position']);
  tag('kneeling', 'Kneeling'); // gets its parent Position after the first sync
  tag('lunge', 'Lunge', ['standing']);
  tag('deepLunge', 'Deep Lunge', ['lunge']);
  tag('outdoor', 'Outdoor');
  tag('beach', 'Beach', ['outdoor']);
  tag('yoga', 'Yoga', ['standing', 'beach']);
  tag('loopAlpha', 'Loop Alpha');
  tag('loopBeta', 'Loop Beta', ['loopAlpha']);
  tag('loopGamma', 'Loop Gamma', ['loopBeta']);
  tag('loopTail', 'Loop Tail', ['loopGamma']);
  tag('studio', 'Studio');
  tag('night', 'Night');
  tag('interview', 'Interveiw'); // renamed after the first sync
  tag('creme', 'Crème Caramel'); // renamed after the first sync
  tag('highlight', 'Highlight');
  tag('spotlight', 'Spotlight', ['night']); // deleted after the second sync
  tag('blooper', 'Blooper', ['spotlight']);
  tag('encore', 'Encore'); // merged into Studio after the second sync
  // The fake's helpers refuse a cycle; Stash's data may hold one anyway, so close it by hand.
  library.tags.get(tags.loopAlpha)!.parentIds = [tags.loopGamma];
  library.invalidate();

  // ---- performers ----
  const performers = {} as Record<PerformerName, number>;
  const performer = (key: PerformerName, name: string, gender: Gender): void => {
    performers[key] = library.createPerformer({ name, gender }).id;
  };
  performer('jose', 'José Álvarez', 'MALE');
  performer('zoe', 'Zoë', 'FEMALE');
  performer('yamada', '山田花子', 'FEMALE');
  performer('kai', 'Kai Müller', 'NON_BINARY');
  performer('marta', 'Marta Olsen', 'FEMALE'); // renamed after the first sync
  performer('vera', 'Vera Vanish', 'TRANSGENDER_FEMALE');

  // ---- scenes ----
  const scenes = {} as Record<SceneName, number>;
  const scene = (
    key: SceneName,
    s: {
      title: string | null;
      date: string | null;
      duration: number | null;
      performers: PerformerName[];
      tags: TagName[];
      details: string | null;
      basename?: string;
    },
  ): void => {
    scenes[key] = library.createScene({
      title: s.title,
      date: s.date,
      details: s.details,
      performerIds: s.performers.map((p) => performers[p]),
      tagIds: s.tags.map((t) => tags[t]),
      files: s.duration === null ? [] : [{ basename: s.basename, size: 1_000_000 + s.duration, duration: s.duration }],
    }).id;
  };
  scene('beachMorning', {
    title: 'Beach Morning',
    date: '2021-05-17',
    duration: 1200,
    performers: ['jose', 'zoe'],
    tags: ['beach', 'highlight'],
    details: 'A bright sunrise session on the coast.',
  });
  scene('cafeConversations', {
    title: 'Café Conversations',
    date: '2021-05',
    duration: 1800,
    performers: ['zoe', 'marta'],
    tags: ['interview', 'studio'],
    details: 'Quiet talk over espresso.',
  });
  scene('untitled', {
    title: null,
    date: '2021',
    duration: 600,
    performers: ['yamada'],
    tags: [],
    details: 'Untitled footage from the attic.', // edited after the first sync
    basename: 'VID_0412 kittiwake.mkv',
  });
  scene('winterStudio', {
    title: 'Winter Studio',
    date: '2020-12-31',
    duration: 2400,
    performers: ['kai', 'jose'],
    tags: ['studio'],
    details: null,
  });
  scene('nightShift', {
    title: 'Night Shift',
    date: null,
    duration: 900,
    performers: ['marta', 'vera'],
    tags: ['night', 'outdoor'],
    details: 'Neon lights downtown.',
  });
  scene('rooftopSession', {
    title: 'Rooftop Session',
    date: '2018', // edited after the first sync
    duration: 3000,
    performers: [],
    tags: ['outdoor', 'yoga'],
    details: 'Skyline panorama at dusk.',
  });
  scene('gardenParty', {
    title: 'Garden Party',
    date: '2021-06-01',
    duration: null,
    performers: ['jose', 'yamada'],
    tags: ['outdoor', 'loopBeta'],
    details: 'Flowers, friends and lemonade.',
  });
  scene('archiveReel', {
    title: 'archive reel',
    date: '2019',
    duration: 1500,
    performers: ['vera'],
    tags: ['blooper'],
    details: 'Grainy classics from the vault.',
  });
  scene('doomedScene', {
    title: 'Doomed Scene',
    date: '2021-05-20',
    duration: 1000,
    performers: ['zoe'],
    tags: ['highlight', 'studio'],
    details: 'Doomed details zeppelin.',
  });
  scene('zebraFinale', {
    title: 'Zebra Finale',
    date: '2021-05-01',
    duration: 1200,
    performers: ['kai', 'marta'],
    tags: ['studio', 'night', 'highlight', 'spotlight'],
    details: 'Stripes everywhere.',
  });

  // ---- markers ----
  const markers = {} as Record<MarkerName, number>;
  const marker = (
    key: MarkerName,
    sceneKey: SceneName,
    title: string,
    seconds: number,
    end: number | null,
    primary: TagName,
    secondary: TagName[] = [],
    opts: { sameSecond?: boolean } = {},
  ): void => {
    if (!opts.sameSecond) clock.advance(60);
    markers[key] = library.createMarker({
      sceneId: scenes[sceneKey],
      title,
      seconds,
      end_seconds: end,
      primaryTagId: tags[primary],
      tagIds: secondary.map((t) => tags[t]),
    }).id;
  };
  marker('sunriseStretch', 'beachMorning', 'Sunrise stretch', 30, 90, 'yoga', ['standing']);
  marker('deepLungeHold', 'beachMorning', 'Deep lunge hold', 200, 230, 'deepLunge');
  marker('emptyTitle', 'beachMorning', '', 100.6, null, 'kneeling', ['highlight']);
  marker('openingRemarks', 'cafeConversations', 'Opening remarks', 0, 45, 'interview', ['creme']);
  marker('cafeBreak', 'cafeConversations', 'cafe break', 600, 720, 'interview');
  marker('standingOvation', 'cafeConversations', 'Standing ovation', 1700, null, 'standing', ['highlight', 'blooper']);
  marker('quietKneel', 'untitled', 'Quiet kneel', 10, 40, 'kneeling');
  marker('lungePractice', 'untitled', 'Lunge practice', 10, 20, 'lunge', ['deepLunge']);
  marker('wellKnownPose', 'winterStudio', 'Well-known pose', 300, 390, 'position', ['standing']);
  marker('studioWarmup', 'winterStudio', 'Studio warmup', 60, 120, 'standing', ['yoga']);
  marker('loopEntry', 'winterStudio', 'Loop entry', 900, null, 'loopAlpha');
  marker('neonWalk', 'nightShift', 'Neon walk', 120, 180, 'loopBeta', ['night']);
  marker('streetStretch', 'nightShift', 'Street stretch', 400, null, 'standing');
  marker('skylineYoga', 'rooftopSession', 'Skyline yoga', 1000, 1090, 'yoga', ['outdoor']);
  marker('tailEnd', 'rooftopSession', 'Tail end', 2900, 2990, 'loopTail', ['loopGamma']);
  marker('flowerToast', 'gardenParty', 'Flower toast', 15, 75, 'highlight');
  marker('gardenLunge', 'gardenParty', 'Garden lunge', 500, 530, 'lunge', ['beach']);
  marker('oldBlooper', 'archiveReel', 'Old blooper 1987', 5, 15, 'blooper');
  marker('reelEnding', 'archiveReel', 'Reel ending', 1400, null, 'loopGamma', ['loopAlpha']);
  marker('doomedStretch', 'doomedScene', 'Doomed stretch', 10, 40, 'yoga', ['standing']);
  marker('doomedFinale', 'doomedScene', 'Doomed finale', 100, null, 'highlight');
  marker('grandFinale', 'zebraFinale', 'Grand finale', 1100, 1190, 'highlight', ['creme', 'standing', 'spotlight']);
  marker('kneelingBow', 'zebraFinale', 'Kneeling bow', 1150, 1160, 'kneeling', [], { sameSecond: true });
  marker('zebraCrossing', 'zebraFinale', 'Zebra crossing', 20, 50, 'outdoor', ['beach'], { sameSecond: true });
  marker('deletedMarker', 'zebraFinale', 'Deleted marker', 600, 660, 'standing', ['yoga']);
  marker('beachYogaFlow', 'beachMorning', 'Beach yoga flow', 600, 700, 'beach', ['yoga', 'loopTail']);
  marker('joseInterview', 'cafeConversations', 'José interview', 900.25, 960, 'interview');
  marker('kneelingStretch', 'winterStudio', 'Kneeling stretch', 1200, 1260, 'kneeling', ['lunge']);
  marker('sunsetSalute', 'rooftopSession', 'Sunset salute', 2000, null, 'yoga');
  marker('studioWrap', 'zebraFinale', 'Studio wrap', 5, 65, 'encore');

  // Later edits: these two become the most recently updated markers, 1014 last, after summer time
  // ends at 01:00Z: Stash's local clock goes back from 03:00+02:00 to 02:00+01:00.
  clock.advance(60);
  library.updateMarker(markers.quietKneel);
  clock.advance(40 * 60);
  clock.setOffset('+01:00');
  library.updateMarker(markers.skylineYoga);

  return {
    library,
    tags,
    performers,
    scenes,
    markers,
    changeAfterFirstSync() {
      clock.advance(3600);
      library.deleteScene(scenes.doomedScene);
      library.deleteMarker(markers.deletedMarker);
      library.deletePerformer(performers.vera);
      clock.advance(60);
      library.updateTag(tags.interview, { name: 'Interview' });
      library.updateTag(tags.creme, { name: 'Crème Brûlée' });
      library.setTagParents(tags.kneeling, [tags.position]);
      library.updatePerformer(performers.marta, { name: 'Marta Nilsen' });
      library.updateScene(scenes.untitled, { details: 'Untitled footage from the vault.' });
      library.updateScene(scenes.rooftopSession, { date: '2022-01-10' });
    },
    changeAfterSecondSync() {
      clock.advance(3600);
      library.deleteTag(tags.spotlight);
      library.mergeTags([tags.encore], tags.studio);
    },
  };
}
