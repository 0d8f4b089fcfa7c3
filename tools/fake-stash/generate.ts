/**
 * Seeded generator of realistic and deliberately nasty libraries: unicode everywhere, very long
 * names, partial and missing dates, null and empty titles, scenes with no or two files, file basenames
 * in the shapes downloads and cameras leave (dotted, spaced, unicode), files over
 * 2^31 bytes, multi-parent tag hierarchies, id gaps, and many rows sharing one second.
 *
 * faker only fills small pools up front; rows are assembled from the pools with a fast PRNG, so
 * the benchmark library (263k rows) builds in a few seconds.
 */
import {
  type Faker,
  fakerAR,
  fakerDE,
  fakerEN,
  fakerES,
  fakerFR,
  fakerHE,
  fakerJA,
  fakerKO,
  fakerPL,
  fakerPT_BR,
  fakerRU,
  fakerVI,
  fakerZH_CN,
} from '@faker-js/faker';
import { clockOffset, createClock, type FakeClock, offsetMinutes, type StashOffset } from './clock';
import { FakeLibrary, type FakeMarker, type FakePerformer, type FakeScene, type FakeStudio, type FakeTag, GENDERS } from './library';
import { createRng, mixSeed, pick, randInt, type Rng } from './rng';

export interface LibrarySize {
  performers: number;
  tags: number;
  scenes: number;
  markers: number;
}

/** A demo library. */
export const SAMPLE_SIZE: LibrarySize = { performers: 300, tags: 150, scenes: 2000, markers: 8000 };
/** What the benchmark serves. */
export const BENCH_SIZE: LibrarySize = { performers: 10_000, tags: 3_000, scenes: 50_000, markers: 200_000 };

export interface GenerateOptions {
  seed: number;
  size: LibrarySize;
  /** The library's clock; generated history ends at its current time. */
  clock?: FakeClock;
  /** Offset of the generated stamps; defaults to the clock's (or '+01:00' for a new clock). */
  offset?: StashOffset;
  /**
   * Stamp summer rows one hour ahead (EU rules), as a server in a DST zone does: string order then
   * disagrees with time order around every switch. Default false.
   */
  dst?: boolean;
  /** How far back the library's history starts, in days; default 3 years. */
  historyDays?: number;
  /** Share of scenes without a file (made by hand or by a scraper), 0 to 1; default 0.03. */
  filelessShare?: number;
}

const DAY = 86_400_000;

/** Scenes per studio: `--size` names no studio count, it follows from the scenes. */
const SCENES_PER_STUDIO = 50;

export function studioCountOf(size: LibrarySize): number {
  return Math.ceil(size.scenes / SCENES_PER_STUDIO);
}

/** Whole-second RFC3339 formatter with a fixed (or EU-DST) offset, without per-call parsing. */
function stamper(offset: StashOffset, dst: boolean): (ms: number) => string {
  const base = offsetMinutes(offset);
  const suffixFor = (minutes: number): string => {
    if (minutes === 0) return 'Z';
    const a = Math.abs(minutes);
    return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  };
  const lastSunday = (year: number, month: number): number => {
    const d = new Date(Date.UTC(year, month + 1, 0, 1)); // last day of month, 01:00 UTC
    return d.getTime() - d.getUTCDay() * DAY;
  };
  const summerCache = new Map<number, [number, number]>();
  const isSummer = (ms: number): boolean => {
    const y = new Date(ms).getUTCFullYear();
    let span = summerCache.get(y);
    if (!span) summerCache.set(y, (span = [lastSunday(y, 2), lastSunday(y, 9)]));
    return ms >= span[0] && ms < span[1];
  };
  return (ms) => {
    const minutes = dst && isSummer(ms) ? base + 60 : base;
    const whole = Math.floor(ms / 1000) * 1000;
    return new Date(whole + minutes * 60_000).toISOString().slice(0, 19) + suffixFor(minutes);
  };
}

interface Pools {
  names: string[];
  words: string[];
  tagWords: string[];
  sentences: string[];
  paragraphs: string[];
  emoji: string[];
  markerTitles: string[];
}

function times<T>(n: number, f: () => T): T[] {
  return Array.from({ length: n }, f);
}

const EXTENSIONS = ['mp4', 'mp4', 'mp4', 'mkv', 'wmv', 'mov', 'webm'];

/** File names as downloads and cameras leave them: dotted release names, plain words, camera counters, unicode. */
function basenames(r: Rng, pools: Pools): () => string {
  return () => {
    const ext = pick(r, EXTENSIONS);
    const k = r();
    if (k < 0.4) {
      const words = times(randInt(r, 2, 5), () => capitalize(pick(r, pools.words)));
      return `${words.join('.')}.${randInt(r, 1995, 2025)}.${pick(r, ['720p', '1080p', '2160p'])}.${ext}`;
    }
    if (k < 0.7) return `${times(randInt(r, 1, 4), () => pick(r, pools.words)).join(' ')}.${ext}`;
    if (k < 0.85) return `IMG_${String(randInt(r, 1, 9999)).padStart(4, '0')}.${ext.toUpperCase()}`;
    return `${pick(r, pools.names)} - ${pick(r, pools.words)}_${randInt(r, 1, 99)}.${ext}`;
  };
}

function buildPools(seed: number): Pools {
  const locales: [Faker, number][] = [
    [fakerEN, 400],
    [fakerDE, 60],
    [fakerFR, 60],
    [fakerES, 60],
    [fakerPT_BR, 40],
    [fakerPL, 40],
    [fakerVI, 30],
    [fakerRU, 50],
    [fakerJA, 50],
    [fakerZH_CN, 50],
    [fakerKO, 30],
    [fakerAR, 20],
    [fakerHE, 20],
  ];
  locales.forEach(([f], i) => f.seed(mixSeed(seed, 100 + i)));
  const names = locales.flatMap(([f, n]) => times(n, () => f.person.fullName()));
  const words = [
    ...times(300, () => fakerEN.word.sample()),
    ...times(60, () => fakerDE.word.noun()),
    ...times(60, () => fakerFR.word.adjective()),
    ...times(40, () => fakerJA.lorem.word()),
    ...times(40, () => fakerZH_CN.lorem.word()),
    ...times(30, () => fakerRU.word.noun()),
  ];
  const tagWords = [
    ...times(200, () => fakerEN.word.noun()),
    ...times(80, () => fakerEN.word.adjective()),
    ...times(40, () => fakerEN.music.genre()),
    ...times(40, () => fakerEN.color.human()),
    ...times(30, () => fakerFR.word.noun()),
    ...times(30, () => fakerJA.lorem.word()),
    ...times(20, () => fakerKO.lorem.word()),
  ];
  const sentences = [
    ...times(200, () => fakerEN.lorem.sentence()),
    ...times(80, () => fakerEN.hacker.phrase()),
    ...times(40, () => fakerJA.lorem.sentence()),
    ...times(40, () => fakerRU.lorem.sentence()),
    ...times(30, () => fakerDE.lorem.sentence()),
  ];
  const paragraphs = [...times(60, () => fakerEN.lorem.paragraph(8)), ...times(20, () => fakerJA.lorem.paragraph(6))];
  const emoji = [...times(60, () => fakerEN.internet.emoji()), '👩‍🎤', '🏳️‍🌈', '👨‍👩‍👧‍👦', '🇯🇵', '❤️', '✨', '🔥', '🎬'];
  const emojiRng = createRng(mixSeed(seed, 99));
  const markerTitles = [
    ...times(120, () => fakerEN.word.words({ count: { min: 1, max: 3 } })),
    ...times(30, () => fakerJA.lorem.word()),
    ...times(20, () => `${fakerEN.word.adjective()} ${pick(emojiRng, emoji)}`),
  ];
  return { names, words, tagWords, sentences, paragraphs, emoji, markerTitles };
}

/** 'e' + U+0301: the same text as 'é' to a reader, different bytes to a database. */
function decomposed(s: string): string {
  return s.normalize('NFD');
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toUpperCase() + s.slice(1);
}

/** Monotonic creation times over [from, to]: bursts share one second, like a scan creating rows. */
function creationTimes(rng: Rng, n: number, from: number, to: number): number[] {
  const gaps = new Array<number>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = rng();
    const g = r < 0.55 ? 0 : r < 0.85 ? 1 + rng() * 4 : r < 0.97 ? 60 + rng() * 3600 : 86_400 * rng() * 10;
    gaps[i] = g;
    total += g;
  }
  const scale = total > 0 ? (to - from) / 1000 / total : 0;
  const out = new Array<number>(n);
  let t = from;
  for (let i = 0; i < n; i++) {
    // Keep zero gaps zero so bursts survive the rescaling.
    t += (gaps[i] as number) === 0 ? 0 : Math.max(1000, (gaps[i] as number) * scale * 1000);
    out[i] = Math.min(t, to);
  }
  return out;
}

/**
 * updated_at for a row created at `created`: often untouched, often swept up by one of a few bulk
 * edits (every row of an edit shares its second), otherwise edited once at a random later time.
 */
function updateTime(rng: Rng, created: number, now: number, bulkEvents: number[]): number {
  const r = rng();
  if (r < 0.5) return created;
  if (r < 0.8 && bulkEvents.length > 0) {
    let lo = 0;
    let hi = bulkEvents.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((bulkEvents[mid] as number) < created) lo = mid + 1;
      else hi = mid;
    }
    if (lo < bulkEvents.length) return bulkEvents[randInt(rng, lo, bulkEvents.length - 1)] as number;
    return created;
  }
  return created + rng() * (now - created);
}

function bulkEventTimes(rng: Rng, count: number, from: number, to: number): number[] {
  const out = times(count, () => from + rng() * (to - from));
  out.sort((a, b) => a - b);
  return out;
}

/** Ids with holes (rows deleted long ago); the first few ids always exist. */
function idSequence(rng: Rng, n: number): number[] {
  const out = new Array<number>(n);
  let id = 1;
  for (let i = 0; i < n; i++) {
    if (i >= 10 && rng() < 0.01) id += randInt(rng, 1, 5);
    out[i] = id++;
  }
  return out;
}

/** Cumulative weights for skewed picks (popular performers, common tags, scenes with many markers). */
function skewedPicker(rng: Rng, n: number, zeroShare: number): (r: Rng) => number {
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = rng() < zeroShare ? 0 : Math.log(1 - rng() * 0.999) ** 2;
    total += w;
    cum[i] = total;
  }
  if (total === 0) return (r) => Math.floor(r() * n);
  return (r) => {
    const x = r() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function pickDistinct(r: Rng, count: number, draw: (r: Rng) => number, limit: number): number[] {
  const out = new Set<number>();
  const want = Math.min(count, limit);
  for (let tries = 0; out.size < want && tries < want * 8; tries++) out.add(draw(r));
  return [...out];
}

export function generateLibrary(opts: GenerateOptions): FakeLibrary {
  const { seed, size } = opts;
  const clock = opts.clock ?? createClock({ offset: opts.offset ?? '+01:00' });
  const stamp = stamper(opts.offset ?? clockOffset(clock), opts.dst ?? false);
  const lib = new FakeLibrary(clock);
  const pools = buildPools(seed);
  const now = clock.epochMs - 3_600_000; // history ends an hour before "now"
  const start = now - (opts.historyDays ?? 3 * 365) * DAY;
  const stream = (n: number) => createRng(mixSeed(seed, n));

  // ---- tags: created first, over the first tenth of the history ----
  const tagRng = stream(1);
  const tagIds = idSequence(tagRng, size.tags);
  const tagCreated = creationTimes(tagRng, size.tags, start, start + (now - start) * 0.1);
  const tagBulk = bulkEventTimes(tagRng, 6, start, now);
  const tagNames = new Set<string>();
  const uniqueTagName = (base: string): string => {
    let name = base.trim() === '' ? 'tag' : base;
    for (let n = 2; tagNames.has(name.toLowerCase()); n++) name = `${base} ${n}`;
    tagNames.add(name.toLowerCase());
    return name;
  };
  const depth: number[] = [];
  const tagRows: FakeTag[] = [];
  for (let i = 0; i < size.tags; i++) {
    const r = tagRng();
    let base: string;
    if (r < 0.55) base = capitalize(pick(tagRng, pools.tagWords));
    else if (r < 0.8) base = `${capitalize(pick(tagRng, pools.tagWords))} ${pick(tagRng, pools.tagWords)}`;
    else if (r < 0.88) base = `${pick(tagRng, pools.emoji)} ${capitalize(pick(tagRng, pools.tagWords))}`;
    else if (r < 0.94) base = pick(tagRng, pools.words);
    else if (r < 0.97) base = decomposed(`${capitalize(pick(tagRng, pools.tagWords))} café`);
    else if (r < 0.99) base = `${capitalize(pick(tagRng, pools.tagWords))} ${randInt(tagRng, 1, 120)}`;
    else
      base = times(12, () => pick(tagRng, pools.tagWords))
        .join(' ')
        .padEnd(210, ' …')
        .slice(0, 230);
    const name = uniqueTagName(base);

    let parents: number[] = [];
    if (i > 0 && i < 4 && size.tags >= 6) {
      parents = [i - 1]; // a guaranteed chain 0 <- 1 <- 2 <- 3
    } else if (i === 4 && size.tags >= 6) {
      parents = [1, 3]; // and a guaranteed multi-parent tag
    } else if (i > 0 && tagRng() > 0.15) {
      const want = tagRng() < 0.18 ? randInt(tagRng, 2, 3) : 1;
      const set = new Set<number>();
      for (let tries = 0; set.size < want && tries < 20; tries++) {
        const p = randInt(tagRng, 0, i - 1);
        if ((depth[p] ?? 0) < 6) set.add(p);
      }
      parents = [...set];
    }
    depth.push(parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depth[p] ?? 0)));
    const created = tagCreated[i] as number;
    const sortName = tagRng() < 0.05 ? (tagRng() < 0.4 ? '000 pinned' : pick(tagRng, pools.tagWords)) : null;
    tagRows.push({
      id: tagIds[i] as number,
      name,
      sort_name: sortName,
      parentIds: parents.map((p) => tagIds[p] as number),
      created_at: stamp(created),
      updated_at: stamp(updateTime(tagRng, created, now, tagBulk)),
    });
  }
  for (const t of tagRows) lib.tags.set(t.id, t);

  // ---- performers ----
  const pRng = stream(2);
  const performerIds = idSequence(pRng, size.performers);
  const pCreated = creationTimes(pRng, size.performers, start, now - DAY);
  const pBulk = bulkEventTimes(pRng, 8, start, now);
  const perfRows: FakePerformer[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < size.performers; i++) {
    const r = pRng();
    let name: string;
    const prev = perfRows[perfRows.length - 1];
    if (prev && r < 0.006) {
      // Same name but for case: a tie under Stash's case-insensitive name collation.
      name = prev.name === prev.name.toUpperCase() ? prev.name.toLowerCase() : prev.name.toUpperCase();
    } else {
      let base = pick(pRng, pools.names);
      // The first rows always include each kind of nasty name, so even tiny libraries have them.
      const v = i >= 1 && i <= 4 ? ([0, 0.01, 0.04, 0.05, 0.058][i] ?? 1) : pRng();
      if (v < 0.03) base = `${base} ${pick(pRng, pools.emoji)}`;
      else if (v < 0.045) base = decomposed(`${base} Chloé`);
      else if (v < 0.055) base = `${base} "${pick(pRng, pools.words)}" ${pick(pRng, pools.names)}`;
      else if (v < 0.06) base = `${base} ${times(30, () => pick(pRng, pools.words)).join(' ')}`.padEnd(220, '.');
      name = base;
      for (let n = 2; usedNames.has(name); n++) name = `${base} ${n}`;
    }
    usedNames.add(name);
    const created = pCreated[i] as number;
    const row: FakePerformer = {
      id: performerIds[i] as number,
      name,
      gender: pRng() < 0.12 ? null : pRng() < 0.7 ? 'FEMALE' : pick(pRng, GENDERS),
      hasImage: pRng() < 0.75,
      favorite: false,
      tagIds: [],
      created_at: stamp(created),
      updated_at: stamp(updateTime(pRng, created, now, pBulk)),
    };
    if (prev && r < 0.006) {
      row.created_at = prev.created_at;
      row.updated_at = prev.updated_at;
    }
    perfRows.push(row);
  }
  // Favourites and tags from streams of their own, so every value drawn before stays as it was.
  const favRng = stream(10);
  const pickPerformerTag = skewedPicker(stream(11), size.tags, 0.2);
  for (const p of perfRows) {
    p.favorite = favRng() < 0.15;
    const nTags = size.tags === 0 || favRng() < 0.6 ? 0 : randInt(favRng, 1, 4);
    p.tagIds = pickDistinct(favRng, nTags, pickPerformerTag, size.tags).map((k) => tagIds[k] as number);
  }
  for (const p of perfRows) lib.performers.set(p.id, p);

  // ---- studios: about one per 50 scenes; a third are sub-studios of an earlier one ----
  const stRng = stream(12);
  const studioCount = studioCountOf(size);
  const studioIds = idSequence(stRng, studioCount);
  const stCreated = creationTimes(stRng, studioCount, start, now - DAY);
  const studioNames = new Set<string>();
  for (let i = 0; i < studioCount; i++) {
    const base = `${capitalize(pick(stRng, pools.words))} ${pick(stRng, ['Studios', 'Pictures', 'Films', 'Media', 'Productions'])}`;
    let name = base;
    for (let n = 2; studioNames.has(name.toLowerCase()); n++) name = `${base} ${n}`;
    studioNames.add(name.toLowerCase());
    const created = stCreated[i] as number;
    const row: FakeStudio = {
      id: studioIds[i] as number,
      name,
      parentId: i > 0 && stRng() < 0.35 ? (studioIds[randInt(stRng, 0, i - 1)] as number) : null,
      hasImage: stRng() < 0.6,
      created_at: stamp(created),
      updated_at: stamp(updateTime(stRng, created, now, [])),
    };
    lib.studios.set(row.id, row);
  }

  // ---- scenes ----
  const sRng = stream(3);
  const sceneIds = idSequence(sRng, size.scenes);
  const sCreated = creationTimes(sRng, size.scenes, start + (now - start) * 0.05, now - DAY);
  const sBulk = bulkEventTimes(sRng, 25, start, now);
  const pickPerformer = skewedPicker(stream(4), size.performers, 0.1);
  const pickTag = skewedPicker(stream(5), size.tags, 0.2);
  // Its own stream, so basenames leave every other generated value as it was.
  const basenameOf = basenames(stream(8), pools);
  const fileless = opts.filelessShare ?? 0.03;
  const sharedTitles = ['Untitled', 'untitled', 'Scene', 'IMG_0001', '無題', 'Без названия'];
  const startYear = 1995;
  const lastYear = new Date(now).getUTCFullYear();
  const hugeDetails = (r: Rng): string => {
    const target = 10_240 + r() * 20_000;
    let s = '';
    while (s.length < target) s += `${pick(r, pools.paragraphs)}\n\n`;
    return s;
  };
  const sceneRows: FakeScene[] = [];
  for (let i = 0; i < size.scenes; i++) {
    const created = sCreated[i] as number;
    const r = sRng();
    let title: string | null;
    if (r < 0.1) title = null;
    else if (r < 0.12) title = '';
    else if (r < 0.17) title = pick(sRng, sharedTitles);
    else if (r < 0.6) title = capitalize(pick(sRng, pools.sentences).replace(/\.$/, ''));
    else if (r < 0.9) title = `${capitalize(pick(sRng, pools.words))} ${pick(sRng, pools.words)} ${randInt(sRng, 1, 40)}`;
    else if (r < 0.96) title = `${pick(sRng, pools.emoji)} ${pick(sRng, pools.names)} – ${pick(sRng, pools.words)}`;
    else if (r < 0.99) title = decomposed(`Déjà vu ${pick(sRng, pools.words)}`);
    else
      title = times(40, () => pick(sRng, pools.words))
        .join(' ')
        .padEnd(240, '!');

    const d = sRng();
    const details =
      i === 7 || d < 0.01
        ? hugeDetails(sRng)
        : d < 0.4
          ? null
          : d < 0.45
            ? ''
            : times(randInt(sRng, 1, 4), () => pick(sRng, pools.sentences)).join(' ');

    const y = randInt(sRng, startYear, lastYear);
    const m = String(randInt(sRng, 1, 12)).padStart(2, '0');
    const dd = String(randInt(sRng, 1, 28)).padStart(2, '0');
    const dk = sRng();
    const date = dk < 0.6 ? `${y}-${m}-${dd}` : dk < 0.7 ? `${y}-${m}` : dk < 0.8 ? `${y}` : null;

    const pc = sRng();
    const nPerf = pc < 0.2 ? 0 : pc < 0.6 ? 1 : pc < 0.9 ? randInt(sRng, 2, 3) : randInt(sRng, 4, 10);
    const tc = sRng();
    const nTags = tc < 0.15 ? 0 : tc < 0.8 ? randInt(sRng, 1, 5) : randInt(sRng, 6, 14);

    const fc = sRng();
    const nFiles = i === 3 ? 0 : i === 5 ? 2 : fc < fileless ? 0 : fc < fileless + 0.05 ? 2 : 1;
    const files = times(nFiles, () => {
      const duration = Math.round((30 + sRng() * 7200) * 1000) / 1000;
      const big = sRng() < 0.3;
      // Bytes per second: big files are high-bitrate 4K rips and cross 2^31 easily.
      const rate = big ? 600_000 + sRng() * 4_000_000 : 50_000 + sRng() * 500_000;
      let sz = Math.floor(duration * rate);
      if (big && sz <= 2 ** 31) sz = 2 ** 31 + Math.floor(sRng() * 2 ** 33);
      const fileTime = sRng() < 0.9 ? created : created + sRng() * (now - created);
      return { basename: basenameOf(), size: sz, duration, updated_at: stamp(fileTime) };
    });
    if (i === 5 && files[0]) files[0].size = 2 ** 31 + 12_345; // always at least one > 2^31

    sceneRows.push({
      id: sceneIds[i] as number,
      title,
      details,
      date,
      rating100: null,
      organized: false,
      studioId: null,
      performerIds: size.performers > 0 ? pickDistinct(sRng, nPerf, pickPerformer, size.performers).map((k) => performerIds[k] as number) : [],
      tagIds: size.tags > 0 ? pickDistinct(sRng, nTags, pickTag, size.tags).map((k) => tagIds[k] as number) : [],
      files,
      created_at: stamp(created),
      updated_at: stamp(updateTime(sRng, created, now, sBulk)),
    });
  }
  const extraRng = stream(13);
  for (const s of sceneRows) {
    const rated = extraRng();
    s.rating100 = rated < 0.45 ? null : rated < 0.5 ? 0 : randInt(extraRng, 1, 5) * 20;
    s.organized = extraRng() < 0.3;
    s.studioId = studioCount > 0 && extraRng() < 0.8 ? (studioIds[randInt(extraRng, 0, studioCount - 1)] as number) : null;
  }
  for (const s of sceneRows) lib.scenes.set(s.id, s);

  // ---- markers: drawn per scene, then numbered in creation order ----
  const mRng = stream(6);
  const mBulk = bulkEventTimes(mRng, 12, start, now);
  if (size.markers > 0 && (size.scenes === 0 || size.tags === 0)) {
    throw new Error('markers need at least one scene and one tag');
  }
  const pickScene = skewedPicker(stream(7), size.scenes, 0.4);
  const drafts: { scene: number; created: number; row: Omit<FakeMarker, 'id' | 'created_at' | 'updated_at'> }[] = [];
  const lastSecondsOf = new Map<number, number>();
  for (let i = 0; i < size.markers; i++) {
    const si = pickScene(mRng);
    const scene = sceneRows[si] as FakeScene;
    const sceneCreated = sCreated[si] as number;
    const duration = scene.files[0]?.duration ?? 3600;
    const prevSeconds = lastSecondsOf.get(si);
    // A few markers sit on exactly the same second as another in the scene: a full tie.
    const scale = mRng() < 0.5 ? 1 : 1000; // whole seconds or milliseconds
    const seconds = prevSeconds !== undefined && mRng() < 0.03 ? prevSeconds : Math.round(mRng() * duration * scale) / scale;
    lastSecondsOf.set(si, seconds);
    const primary = tagIds[pickTag(mRng)] as number;
    const extra = mRng() < 0.5 ? [] : pickDistinct(mRng, randInt(mRng, 1, 3), pickTag, size.tags).map((k) => tagIds[k] as number);
    const tags = extra.filter((t) => t !== primary);
    if (mRng() < 0.02) tags.push(primary); // stored, but never listed among the marker's tags
    const tr = mRng();
    drafts.push({
      scene: si,
      // Markers are added at scan time (same second as the scene) or later by hand.
      created: tr < 0.3 ? sceneCreated : sceneCreated + mRng() ** 3 * (now - sceneCreated),
      row: {
        sceneId: scene.id,
        title: tr < 0.2 || mRng() < 0.15 ? '' : pick(mRng, pools.markerTitles),
        seconds,
        end_seconds: mRng() < 0.6 ? null : Math.round((seconds + 5 + mRng() * 120) * 1000) / 1000,
        primaryTagId: primary,
        tagIds: tags,
      },
    });
  }
  drafts.sort((a, b) => a.created - b.created || a.scene - b.scene);
  const markerIds = idSequence(mRng, drafts.length);
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i] as (typeof drafts)[number];
    const id = markerIds[i] as number;
    lib.markers.set(id, {
      id,
      ...d.row,
      created_at: stamp(d.created),
      updated_at: stamp(updateTime(mRng, d.created, now, mBulk)),
    });
  }
  return lib;
}
