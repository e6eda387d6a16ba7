import { describe, expect, it } from 'vitest';
import { centerCropSquare, resizeBilinear } from '../../lib/data/loaders/images';

describe('resizeBilinear (pure, antialiased like PIL BILINEAR)', () => {
  it('keeps an image unchanged at the same size', () => {
    const src = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 29) % 256);
    expect(Array.from(resizeBilinear(src, 5, 4, 3, 5, 4))).toEqual(Array.from(src));
  });

  it('shrinks with a widened triangle filter (hand-computed 4 -> 2)', () => {
    const out = resizeBilinear([0, 10, 20, 30], 1, 4, 1, 1, 2);
    // out[0]: weights 0.75, 0.75, 0.25 on 0, 10, 20; out[1]: 0.25, 0.75, 0.75 on 10, 20, 30.
    expect(out[0]).toBeCloseTo(12.5 / 1.75, 5);
    expect(out[1]).toBeCloseTo(40 / 1.75, 5);
  });

  it('enlarges by bilinear interpolation with half-pixel centres (2 -> 4)', () => {
    expect(Array.from(resizeBilinear([0, 10], 2, 1, 1, 4, 1))).toEqual([0, 2.5, 7.5, 10]);
  });

  it('keeps a constant image constant and channels apart', () => {
    const src = new Uint8Array(7 * 9 * 3);
    for (let i = 0; i < src.length; i += 3) src.set([10, 100, 200], i);
    const out = resizeBilinear(src, 7, 9, 3, 3, 4);
    for (let i = 0; i < out.length; i += 3) {
      expect(out[i]).toBeCloseTo(10, 4);
      expect(out[i + 1]).toBeCloseTo(100, 4);
      expect(out[i + 2]).toBeCloseTo(200, 4);
    }
  });

  it('rejects wrong sizes', () => {
    expect(() => resizeBilinear([1, 2, 3], 2, 2, 1, 1, 1)).toThrow(/3 values do not make a 2x2x1 image/);
    expect(() => resizeBilinear([1, 2, 3, 4], 2, 2, 1, 0, 1)).toThrow(/positive integers/);
  });
});

describe('centerCropSquare', () => {
  it('takes the centred square of a tall image', () => {
    // width 2, height 4: rows 1..2 are kept.
    const data = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => i);
    const c = centerCropSquare({ width: 2, height: 4, data });
    expect(c.width).toBe(2);
    expect(c.height).toBe(2);
    expect(Array.from(c.data)).toEqual(Array.from(data.subarray(6, 18)));
  });
});
