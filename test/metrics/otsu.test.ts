import { describe, expect, it } from 'vitest';
import { equalWidthHistogram, otsuBinIndex, otsuThreshold } from '../../lib/metrics/otsu';

describe("Otsu's threshold (skimage.filters.threshold_otsu on float data)", () => {
  /*
   * values [0, 0, 1, 1, 1, 4, 5, 5], 5 bins over [min, max] = [0, 5]:
   *   edges   0, 1, 2, 3, 4, 5 (width 1; the last bin [4, 5] is closed, as numpy.histogram's)
   *   centres 0.5, 1.5, 2.5, 3.5, 4.5
   *   counts  [2, 3, 0, 0, 3]   (0,0 -> bin 0; 1,1,1 -> bin 1; 4 -> bin 4; 5,5 -> bin 4)
   * Class 1 = bins 0..k, class 2 = bins k+1..4:
   *   weight1 = cumsum(counts)          = [2, 5, 5, 5, 8]
   *   weight2 = reverse cumsum          = [8, 6, 3, 3, 3]
   *   counts * centres                  = [1, 4.5, 0, 0, 13.5]
   *   mean1 = cumsum(c*x) / weight1     = [1/2, 5.5/5, 5.5/5, 5.5/5, 19/8] = [0.5, 1.1, 1.1, 1.1, 2.375]
   *   mean2 = rev cumsum(c*x) / weight2 = [19/8, 18/6, 13.5/3, 13.5/3, 13.5/3] = [2.375, 3, 4.5, 4.5, 4.5]
   *   variance12[k] = weight1[k] * weight2[k+1] * (mean1[k] - mean2[k+1])^2:
   *     k = 0: 2 * 6 * (0.5 - 3)^2 = 12 * 6.25  = 75
   *     k = 1: 5 * 3 * (1.1 - 4.5)^2 = 15 * 11.56 = 173.4
   *     k = 2: 5 * 3 * (1.1 - 4.5)^2 = 173.4   (empty bins 2 and 3 move nothing between the classes)
   *     k = 3: 5 * 3 * (1.1 - 4.5)^2 = 173.4
   *   argmax (first of the tie) = 1 -> threshold = centre 1 = 1.5.
   */
  it('matches the hand-computed histogram and threshold', () => {
    const values = [0, 0, 1, 1, 1, 4, 5, 5];
    const h = equalWidthHistogram(values, 5);
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(h.centers)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
    expect(Array.from(h.counts)).toEqual([2, 3, 0, 0, 3]);
    expect(otsuBinIndex(h.counts, h.centers)).toBe(1);
    expect(otsuThreshold(values, { bins: 5 })).toBe(1.5);
    // The order of the values does not matter.
    expect(otsuThreshold([5, 1, 4, 0, 1, 5, 0, 1], { bins: 5 })).toBe(1.5);
  });

  /*
   * Two bins only: values [1, 2, 2, 3], bins 2 over [1, 3]: edges 1, 2, 3, centres 1.5, 2.5; 2 falls in the second
   * bin ([2, 3], numpy's bins are closed on the left), so counts [1, 3]. One split (k = 0): threshold = 1.5.
   */
  it('puts a value on an inner edge in the upper bin, as numpy does', () => {
    const h = equalWidthHistogram([1, 2, 2, 3], 2);
    expect(Array.from(h.counts)).toEqual([1, 3]);
    expect(otsuThreshold([1, 2, 2, 3], { bins: 2 })).toBe(1.5);
  });

  it('separates two well-separated groups with the default 256 bins', () => {
    // 60 values in [0, 0.059] and 40 in [10, 10.39]: the threshold lies between the groups.
    const low = Array.from({ length: 60 }, (_, i) => i * 0.001);
    const high = Array.from({ length: 40 }, (_, i) => 10 + i * 0.01);
    const t = otsuThreshold([...high, ...low]);
    expect(t).toBeGreaterThan(0.059);
    expect(t).toBeLessThan(10);
    expect(low.every((v) => v <= t) && high.every((v) => v > t)).toBe(true);
    // A bin centre of the 256 bins over [0, 10.39].
    const width = 10.39 / 256;
    const k = Math.round(t / width - 0.5);
    expect(t).toBeCloseTo((k + 0.5) * width, 10);
  });

  it('works on typed arrays', () => {
    expect(otsuThreshold(new Float32Array([0, 0, 1, 1, 1, 4, 5, 5]), { bins: 5 })).toBe(1.5);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => otsuThreshold([])).toThrow(/values is empty/);
    expect(() => otsuThreshold([1, NaN, 2])).toThrow(/values\[1\] is NaN; every value must be finite/);
    expect(() => otsuThreshold([1, 2], { bins: 1 })).toThrow(/bins must be an integer >= 2/);
    expect(() => otsuThreshold([1, 2], { bins: 2.5 })).toThrow(/bins must be an integer >= 2/);
    expect(() => equalWidthHistogram([3, 3], 4)).toThrow(/every value equals 3/);
    expect(() => otsuThreshold([0.25, 0.25, 0.25])).toThrow(/all 3 values equal 0.25, so there is nothing to separate/);
  });
});
