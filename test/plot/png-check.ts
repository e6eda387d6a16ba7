import { PNG } from 'pngjs';

/** Fraction of pixels that differ clearly from the top-left (background) pixel of a PNG. */
export function nonBackgroundFraction(png: Buffer): { width: number; height: number; fraction: number } {
  const img = PNG.sync.read(png);
  const bg = img.data.subarray(0, 4);
  let differ = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const d = Math.abs(img.data[i * 4] - bg[0]) + Math.abs(img.data[i * 4 + 1] - bg[1]) + Math.abs(img.data[i * 4 + 2] - bg[2]);
    if (d > 30) differ++;
  }
  return { width: img.width, height: img.height, fraction: differ / (img.width * img.height) };
}
