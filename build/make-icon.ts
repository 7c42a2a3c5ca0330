import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

// Draws build/icon.png (512×512): a key on a rounded teal square, written as a PNG by hand so
// the repository needs no image tools. electron-builder derives the .icns/.ico from it.
// Run: node build/make-icon.ts

const SIZE = 512;
const pixels = Buffer.alloc(SIZE * SIZE * 4);

function inRoundedSquare(x: number, y: number, r: number, m: number): boolean {
  const lo = m + r;
  const hi = SIZE - m - r;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= m && x < SIZE - m && y >= m && y < SIZE - m;
}

function inKey(x: number, y: number): boolean {
  const ring = Math.hypot(x - 190, y - 256);
  if (ring <= 95 && ring >= 48) return true; // the bow
  if (x >= 270 && x <= 420 && y >= 240 && y <= 272) return true; // the blade
  if (x >= 360 && x <= 384 && y >= 272 && y <= 320) return true; // a tooth
  if (x >= 396 && x <= 420 && y >= 272 && y <= 304) return true; // another tooth
  return false;
}

for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const i = (y * SIZE + x) * 4;
    if (!inRoundedSquare(x, y, 96, 16)) continue;
    const t = (x + y) / (2 * SIZE);
    const [r, g, b] = inKey(x, y) ? [255, 255, 255] : [Math.round(0 + 30 * t), Math.round(121 - 40 * t), Math.round(107 - 20 * t)];
    pixels[i] = r;
    pixels[i + 1] = g;
    pixels[i + 2] = b;
    pixels[i + 3] = 255;
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
process.stdout.write(`wrote build/icon.png (${png.length} bytes)\n`);
