// Draws the app's icons with Node's built-ins only: `node resources/generate-icons.mjs`.
//   icon.png                          512 px, the installers' application icon
//   tray.png, tray@2x.png             16/32 px, the tray on Windows and Linux
//   trayTemplate.png, @2x             16/32 px, black and alpha: macOS tints template images itself
// The glyph: a magnifying glass over a list (a searchable local copy).
import { writeFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';

const here = new URL('.', import.meta.url);

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, pixel) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) rows.set(pixel(x, y, size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in a unit square, (0,0) top left.
const inRoundedSquare = (x, y, inset, radius) => {
  const cx = Math.min(Math.max(x, inset + radius), 1 - inset - radius);
  const cy = Math.min(Math.max(y, inset + radius), 1 - inset - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset;
};
const inRect = (x, y, left, top, right, bottom) => x >= left && x <= right && y >= top && y <= bottom;
const lens = { x: 0.58, y: 0.5, outer: 0.25, inner: 0.16 };
const inRing = (x, y) => {
  const d = Math.hypot(x - lens.x, y - lens.y);
  return d <= lens.outer && d >= lens.inner;
};
const inLensGlass = (x, y) => Math.hypot(x - lens.x, y - lens.y) < lens.inner;
const inHandle = (x, y) => {
  // A thick segment from the ring towards the bottom right corner.
  const [ax, ay, bx, by] = [lens.x + 0.17, lens.y + 0.17, 0.8, 0.8];
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= 0.065;
};
const inList = (x, y) => inRect(x, y, 0.14, 0.2, 0.5, 0.3) || inRect(x, y, 0.14, 0.38, 0.4, 0.48) || inRect(x, y, 0.14, 0.56, 0.36, 0.66);
const inGlyph = (x, y) => (inRing(x, y) || inHandle(x, y) || inList(x, y)) && !inLensGlass(x, y);

/** Colour of a point, or null for transparent. */
function colouredIcon(x, y) {
  if (!inRoundedSquare(x, y, 0.04, 0.2)) return null;
  if (inGlyph(x, y)) return [255, 255, 255];
  return [31, 94, 140];
}
const templateIcon = (x, y) => (inGlyph(x, y) ? [0, 0, 0] : null);

/** 4×4 supersampling for smooth edges at tray sizes. */
function sampled(shape) {
  return (px, py, size) => {
    let r = 0,
      g = 0,
      b = 0,
      covered = 0;
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const colour = shape((px + (sx + 0.5) / 4) / size, (py + (sy + 0.5) / 4) / size);
        if (!colour) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        covered++;
      }
    }
    if (covered === 0) return [0, 0, 0, 0];
    return [r / covered, g / covered, b / covered, (covered / 16) * 255].map(Math.round);
  };
}

const outputs = [
  ['icon.png', 512, colouredIcon],
  ['tray.png', 16, colouredIcon],
  ['tray@2x.png', 32, colouredIcon],
  ['trayTemplate.png', 16, templateIcon],
  ['trayTemplate@2x.png', 32, templateIcon],
];
for (const [name, size, shape] of outputs) writeFileSync(new URL(name, here), png(size, sampled(shape)));
