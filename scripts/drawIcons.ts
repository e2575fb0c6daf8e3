/**
 * Draws the Teams app icons (appPackage/color.png 192×192, appPackage/outline.png 32×32) from code,
 * so the artwork is reviewable, reproducible and needs no image editor.
 *
 * The symbol is an open door frame with an arrow leaving it: "sign out". Shapes are signed-distance
 * functions (rounded strokes and a polygon), anti-aliased analytically, and written as RGBA PNGs with
 * node's zlib. Usage: `ts-node scripts/drawIcons.ts` or `node dist/scripts/drawIcons.js`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export type Rgba = Uint8ClampedArray;
type Vec = [number, number];

/** Accent colour of the app (manifest.json "accentColor"), also the base of the colour icon. */
export const ACCENT = '#283593';
const GRADIENT_TOP: RGB = [0x3f, 0x51, 0xb5];
const GRADIENT_BOTTOM: RGB = [0x1a, 0x23, 0x7e];
type RGB = [number, number, number];

// ---------------------------------------------------------------------------------------------
// Geometry of the symbol, in a unit box (x right, y down). One definition serves both icons.

/** Door frame, open on the right where the arrow leaves. */
const FRAME: Vec[] = [
  [0.6, 0.3],
  [0.6, 0.1],
  [0.1, 0.1],
  [0.1, 0.9],
  [0.6, 0.9],
  [0.6, 0.7],
];
/** Arrow: shaft and the two strokes of its head. */
const ARROW: [Vec, Vec][] = [
  [
    [0.36, 0.5],
    [0.94, 0.5],
  ],
  [
    [0.94, 0.5],
    [0.76, 0.32],
  ],
  [
    [0.94, 0.5],
    [0.76, 0.68],
  ],
];
/** The door leaf, swung open towards the viewer (colour icon only). */
const LEAF: Vec[] = [
  [0.1, 0.1],
  [0.38, 0.2],
  [0.38, 0.96],
  [0.1, 0.9],
];

// ---------------------------------------------------------------------------------------------
// Signed distances (negative inside), in pixels.

function sdSegment(p: Vec, a: Vec, b: Vec): number {
  const pax = p[0] - a[0];
  const pay = p[1] - a[1];
  const bax = b[0] - a[0];
  const bay = b[1] - a[1];
  const h = Math.max(0, Math.min(1, (pax * bax + pay * bay) / (bax * bax + bay * bay)));
  const dx = pax - bax * h;
  const dy = pay - bay * h;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Signed distance to a simple polygon (Inigo Quilez's formulation). */
function sdPolygon(p: Vec, v: Vec[]): number {
  let d = (p[0] - v[0][0]) ** 2 + (p[1] - v[0][1]) ** 2;
  let s = 1;
  for (let i = 0, j = v.length - 1; i < v.length; j = i, i++) {
    const ex = v[j][0] - v[i][0];
    const ey = v[j][1] - v[i][1];
    const wx = p[0] - v[i][0];
    const wy = p[1] - v[i][1];
    const h = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
    const bx = wx - ex * h;
    const by = wy - ey * h;
    d = Math.min(d, bx * bx + by * by);
    const c1 = p[1] >= v[i][1];
    const c2 = p[1] < v[j][1];
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
  }
  return s * Math.sqrt(d);
}

/** Coverage of a pixel by a shape, from its signed distance in pixels (box filter approximation). */
const coverage = (distancePx: number) => Math.max(0, Math.min(1, 0.5 - distancePx));

// ---------------------------------------------------------------------------------------------
// Rendering

interface Placement {
  /** Where the unit box starts and how many pixels it spans. */
  origin: number;
  span: number;
  /** Stroke half-width in pixels. */
  radius: number;
  /** Snap stroke end points to pixel corners, so even-width strokes land on whole pixels. */
  snap: boolean;
}

/** The symbol's strokes (frame and arrow) as segments in pixel coordinates. */
function strokeSegments(pl: Placement): [Vec, Vec][] {
  const place = ([u, v]: Vec): Vec => {
    const p: Vec = [pl.origin + u * pl.span, pl.origin + v * pl.span];
    return pl.snap ? [Math.round(p[0]), Math.round(p[1])] : p;
  };
  const segments: [Vec, Vec][] = [];
  for (let i = 0; i + 1 < FRAME.length; i++) segments.push([place(FRAME[i]), place(FRAME[i + 1])]);
  for (const [a, b] of ARROW) segments.push([place(a), place(b)]);
  return segments;
}

function sdStrokes(p: Vec, segments: [Vec, Vec][], radius: number): number {
  let d = Infinity;
  for (const [a, b] of segments) d = Math.min(d, sdSegment(p, a, b));
  return d - radius;
}

function blend(dst: Rgba, i: number, rgb: RGB, alpha: number): void {
  if (alpha <= 0) return;
  const a0 = dst[i + 3] / 255;
  const a = alpha + a0 * (1 - alpha);
  for (let c = 0; c < 3; c++) {
    dst[i + c] = Math.round((rgb[c] * alpha + dst[i + c] * a0 * (1 - alpha)) / a);
  }
  dst[i + 3] = Math.round(a * 255);
}

/** 192×192 full-colour icon: indigo gradient, white door and arrow, translucent door leaf. */
export function drawColorIcon(size = 192): Rgba {
  const pl: Placement = { origin: size * 0.2, span: size * 0.6, radius: size * 0.036, snap: false };
  const strokes = strokeSegments(pl);
  const leaf = LEAF.map(([u, v]): Vec => [pl.origin + u * pl.span, pl.origin + v * pl.span]);
  const px = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const p: Vec = [x + 0.5, y + 0.5];
      // Diagonal gradient, top-left light to bottom-right dark.
      const t = (x + y) / (2 * (size - 1));
      const bg = GRADIENT_TOP.map((c, k) => c + (GRADIENT_BOTTOM[k] - c) * t) as RGB;
      blend(px, i, bg, 1);
      blend(px, i, [255, 255, 255], 0.3 * coverage(sdPolygon(p, leaf)));
      blend(px, i, [255, 255, 255], coverage(sdStrokes(p, strokes, pl.radius)));
    }
  }
  return px;
}

/** 32×32 outline icon: the same symbol in 2 px strokes, white on transparent, no leaf. */
export function drawOutlineIcon(size = 32): Rgba {
  const pl: Placement = { origin: 2, span: size - 4, radius: 1, snap: true };
  const strokes = strokeSegments(pl);
  const px = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = coverage(sdStrokes([x + 0.5, y + 0.5], strokes, pl.radius));
      if (a > 0) px.set([255, 255, 255, Math.round(a * 255)], (y * size + x) * 4);
    }
  }
  return px;
}

// ---------------------------------------------------------------------------------------------
// PNG encoding (8-bit RGBA, no interlace, filter type 0 on every row)

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function encodePng(width: number, height: number, rgba: Rgba): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function writeIcons(appPackageDir: string): void {
  fs.writeFileSync(path.join(appPackageDir, 'color.png'), encodePng(192, 192, drawColorIcon(192)));
  fs.writeFileSync(path.join(appPackageDir, 'outline.png'), encodePng(32, 32, drawOutlineIcon(32)));
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? path.join(process.cwd(), 'appPackage'));
  writeIcons(dir);
  console.log(`wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}`);
}
