/**
 * Stash's video routes on the fake server: a scene's `/scene/S/stream` and a marker's
 * `/scene/S/scene_marker/M/stream` and `/preview`. Every one of them plays the same committed
 * asset (assets/stream.webm, made by assets/make-stream.sh): ten minutes of VP8, which Chromium
 * plays, with the playing time burned in. Scenes of the generated library run longer than that;
 * a browser seeking past the end stops at it, so specs that check seeking and loops use markers
 * inside the first ten minutes. Range requests are answered as Stash answers them (206, one range).
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FakeLibrary } from './library';

/** The asset's length in seconds (see assets/make-stream.sh). */
export const STREAM_ASSET_SECONDS = 600;

const STREAM_PATH = /^\/scene\/(\d+)\/(?:scene_marker\/(\d+)\/(?:stream|preview)|stream)$/;
let asset: Buffer | null = null;
const streamAsset = (): Buffer => (asset ??= readFileSync(fileURLToPath(new URL('./assets/stream.webm', import.meta.url))));

/** Answers a video route and returns true, or returns false for any other path. */
export function serveStream(library: FakeLibrary, path: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const match = STREAM_PATH.exec(path);
  if (!match) return false;
  const scene = library.scenes.get(Number(match[1]));
  const marker = match[2] === undefined ? undefined : library.markers.get(Number(match[2]));
  if (!scene || (match[2] !== undefined && marker?.sceneId !== scene.id)) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return true;
  }
  const body = streamAsset();
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'video/webm', 'Accept-Ranges': 'bytes' };
  let start = 0;
  let end = body.length - 1;
  if (range && (range[1] !== '' || range[2] !== '')) {
    start = range[1] === '' ? Math.max(0, body.length - Number(range[2])) : Number(range[1]);
    end = range[1] !== '' && range[2] !== '' ? Math.min(end, Number(range[2])) : end;
    if (start > end) {
      res.writeHead(416, { 'Content-Range': `bytes */${body.length}` });
      res.end();
      return true;
    }
    headers['Content-Range'] = `bytes ${start}-${end}/${body.length}`;
  }
  headers['Content-Length'] = end - start + 1;
  res.writeHead(headers['Content-Range'] ? 206 : 200, headers);
  res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
  return true;
}
