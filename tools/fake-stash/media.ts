/**
 * The fake's picture routes: performer images, scene and marker screenshots, marker previews.
 * As real Stash does, a marker picture not generated is answered with a small "pending generate"
 * PNG (no Last-Modified, no-store), a performer without an image with a default picture, and real
 * pictures carry Last-Modified. Pictures change with the marker's updated_at, which Stash's URLs
 * carry as ?t=. Every picture request is logged so tests can count them and see which carried a key.
 */
import type http from 'node:http';
import zlib from 'node:zlib';
import type { FakeLibrary } from './library';

export interface MediaRequestRecord {
  path: string;
  /** Whether an ApiKey header or apikey parameter came with it. */
  withKey: boolean;
  status: number;
}

export interface FakeMedia {
  /** Every picture request, in order of arrival. */
  requests: MediaRequestRecord[];
  /** Picture requests being answered now, and the most ever at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Markers whose screenshot and preview Stash has not generated (besides every 17th marker). */
  ungenerated: Set<number>;
  /** Whether a marker's pictures are generated: tests ask the fake instead of restating its rule. */
  isGenerated(markerId: number): boolean;
}

type Send = (status: number, contentType: string, body: string | Buffer, headers?: http.OutgoingHttpHeaders) => Promise<void>;

export const SCREENSHOT_SIZE = { width: 160, height: 90 } as const;
const PREVIEW_SIZE = { width: 80, height: 45 } as const;
const PREVIEW_FRAMES = 4;
const EVERY_NTH_UNGENERATED = 17;

export function createFakeMedia(): FakeMedia {
  let inFlight = 0;
  let maxInFlight = 0;
  const media: FakeMedia & { enter(): void; leave(): void } = {
    requests: [],
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    ungenerated: new Set(),
    isGenerated(markerId) {
      return markerId % EVERY_NTH_UNGENERATED !== 0 && !this.ungenerated.has(markerId);
    },
    enter() {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
    },
    leave() {
      inFlight--;
    },
  };
  return media;
}

/** Answers a picture route and returns true, or returns false for a path that is none. */
export async function serveMedia(
  media: FakeMedia,
  library: FakeLibrary,
  request: { path: string; method: string; withKey: boolean; authorized: boolean },
  send: Send,
  latencyMs: number,
): Promise<boolean> {
  const { path, withKey } = request;
  const route = request.method === 'GET' || request.method === 'HEAD' ? pictureRoute(path) : null;
  if (!route) return false;
  const internal = media as FakeMedia & { enter(): void; leave(): void };
  internal.enter();
  const record: MediaRequestRecord = { path, withKey, status: 0 };
  media.requests.push(record);
  try {
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const answer = request.authorized ? answerPicture(media, library, route) : unauthorized;
    record.status = answer.status;
    await send(answer.status, answer.contentType, answer.body, answer.headers);
  } finally {
    internal.leave();
  }
  return true;
}

type Route =
  | { kind: 'performer'; id: number }
  | { kind: 'scene'; sceneId: number }
  | { kind: 'marker-screenshot' | 'marker-preview'; sceneId: number; markerId: number };

function pictureRoute(path: string): Route | null {
  const performer = /^\/performer\/(\d+)\/image$/.exec(path);
  if (performer) return { kind: 'performer', id: Number(performer[1]) };
  const scene = /^\/scene\/(\d+)\/screenshot$/.exec(path);
  if (scene) return { kind: 'scene', sceneId: Number(scene[1]) };
  const marker = /^\/scene\/(\d+)\/scene_marker\/(\d+)\/(screenshot|preview)$/.exec(path);
  if (marker) {
    const kind = marker[3] === 'preview' ? 'marker-preview' : 'marker-screenshot';
    return { kind, sceneId: Number(marker[1]), markerId: Number(marker[2]) };
  }
  return null;
}

interface Answer {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: http.OutgoingHttpHeaders;
}

const notFound = (what: string): Answer => ({ status: 404, contentType: 'text/plain; charset=utf-8', body: `${what} not found\n` });
const unauthorized: Answer = { status: 401, contentType: 'text/plain; charset=utf-8', body: 'Unauthorized\n' };
const lastModified = (stamp: string) => ({ 'Last-Modified': new Date(stamp).toUTCString() });

function answerPicture(media: FakeMedia, library: FakeLibrary, route: Route): Answer {
  if (route.kind === 'performer') {
    const p = library.performers.get(route.id);
    if (!p) return notFound('performer');
    const headers = p.hasImage ? lastModified(p.updated_at) : undefined;
    return { status: 200, contentType: 'image/svg+xml', body: performerSvg(p.id, p.hasImage), headers };
  }
  const scene = library.scenes.get(route.sceneId);
  if (!scene) return notFound('scene');
  if (route.kind === 'scene')
    return { status: 200, contentType: 'image/png', body: screenshotPng(scene.id, null, 0), headers: lastModified(scene.updated_at) };
  const marker = library.markers.get(route.markerId);
  if (marker?.sceneId !== scene.id) return notFound('scene marker');
  if (!media.isGenerated(marker.id)) {
    return { status: 200, contentType: 'image/png', body: PENDING_GENERATE_PNG, headers: { 'Cache-Control': 'no-store' } };
  }
  const version = versionNumber(marker.updated_at);
  const body = route.kind === 'marker-preview' ? previewPng(scene.id, marker.id, version) : screenshotPng(scene.id, marker.id, version);
  return { status: 200, contentType: 'image/png', body, headers: lastModified(marker.updated_at) };
}

/** A small number from an updated_at, so a marker's picture changes when the marker does. */
function versionNumber(stamp: string): number {
  let h = 0;
  for (const c of stamp) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

function performerSvg(id: number, hasImage: boolean): string {
  const hue = (id * 47) % 360;
  const fill = hasImage ? `hsl(${hue},55%,55%)` : '#888';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="300" viewBox="0 0 200 300"><rect width="200" height="300" fill="${fill}"/><circle cx="100" cy="110" r="50" fill="#eee"/><rect x="40" y="180" width="120" height="120" rx="50" fill="#eee"/></svg>`;
}

type Rgb = [number, number, number];

/** A landscape in the scene's hue with a sun placed by the marker (and moved by its version). */
function landscape(sceneId: number, markerId: number | null, version: number, width: number, height: number, frame = 0) {
  const hue = (sceneId * 47) % 360;
  const sky = hslToRgb(hue, 0.55, 0.72);
  const ground = hslToRgb(hue, 0.45, 0.35);
  const sun = hslToRgb((hue + 180 + (version % 90)) % 360, 0.8, 0.85);
  const span = width - 2 * Math.round(width / 8);
  const base = markerId === null ? width / 2 : Math.round(width / 8) + ((markerId * 37 + version) % span);
  const sunX = (base + frame * Math.round(width / 10)) % width;
  const sunY = Math.round(height / 3);
  const radius = Math.round(height / 6);
  const horizon = Math.round(height * 0.62);
  return (x: number, y: number): Rgb => {
    if ((x - sunX) ** 2 + (y - sunY) ** 2 < radius ** 2) return sun;
    return y < horizon ? sky : ground;
  };
}

function screenshotPng(sceneId: number, markerId: number | null, version: number): Buffer {
  const { width, height } = SCREENSHOT_SIZE;
  return encodePng(width, height, [landscape(sceneId, markerId, version, width, height)]);
}

/** The marker's preview: a few frames of the sun moving, as an animated PNG (Chromium plays APNG). */
function previewPng(sceneId: number, markerId: number, version: number): Buffer {
  const { width, height } = PREVIEW_SIZE;
  const frames = Array.from({ length: PREVIEW_FRAMES }, (_, f) => landscape(sceneId, markerId, version, width, height, f));
  return encodePng(width, height, frames);
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - (chroma / 2) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v, i * 4));
  return b;
}

/**
 * An 8-bit RGB PNG of unfiltered rows; with more than one frame an animated PNG: acTL, then per
 * frame an fcTL and its data (IDAT for the first, which still decoders show; fdAT after).
 */
function encodePng(width: number, height: number, frames: ((x: number, y: number) => Rgb)[]): Buffer {
  const rowBytes = 1 + width * 3;
  const deflated = frames.map((pixel) => {
    const raw = Buffer.alloc(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * rowBytes + 1 + x * 3);
    }
    return zlib.deflateSync(raw);
  });
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, default compression, filter, no interlace
  const chunks = [chunk('IHDR', header)];
  if (frames.length === 1) chunks.push(chunk('IDAT', deflated[0]!));
  else {
    chunks.push(chunk('acTL', u32s(frames.length, 0)));
    let sequence = 0;
    deflated.forEach((data, i) => {
      // fcTL: sequence, size, offset 0,0, delay 1/4 s, dispose none, blend source.
      const control = Buffer.concat([u32s(sequence++, width, height, 0, 0), Buffer.from([0, 1, 0, 4, 0, 0])]);
      chunks.push(chunk('fcTL', control));
      chunks.push(i === 0 ? chunk('IDAT', data) : chunk('fdAT', Buffer.concat([u32s(sequence++), data])));
    });
  }
  chunks.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** What Stash sends for a picture it has not generated: a tiny PNG of its own. */
const PENDING_GENERATE_PNG = encodePng(1, 1, [() => [128, 128, 128]]);
