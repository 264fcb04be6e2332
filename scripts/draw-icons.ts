// Draws the static icons in public/ from app/icon.svg, the one drawing of the logo:
//   npx tsx scripts/draw-icons.ts
// Run it again after changing app/icon.svg and commit what it writes. sharp (installed with Next
// for image optimisation) renders the SVG; favicon.ico holds PNG images, which every browser
// since IE 11 reads from an .ico.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

const root = path.resolve(import.meta.dirname, "..");
const svg = await readFile(path.join(root, "app/icon.svg"));

async function png(size: number): Promise<Buffer> {
  // A density that makes the 32-unit viewBox at least `size` pixels, so sharp scales down, never up.
  return sharp(svg, { density: Math.ceil((72 * size) / 32) }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();
}

/** An .ico whose images are PNGs: a 6-byte header, a 16-byte entry per image, then the images. */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size % 256, 0); // 0 means 256
    entry.writeUInt8(size % 256, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map(({ data }) => data)]);
}

const icoSizes = [16, 32, 48];
await writeFile(path.join(root, "public/favicon.ico"), ico(await Promise.all(icoSizes.map(async (size) => ({ size, data: await png(size) })))));
for (const [file, size] of [["apple-touch-icon.png", 180], ["icon-192.png", 192], ["icon-512.png", 512]] as const) {
  await writeFile(path.join(root, "public", file), await png(size));
}
console.log("wrote public/favicon.ico, apple-touch-icon.png, icon-192.png, icon-512.png");
