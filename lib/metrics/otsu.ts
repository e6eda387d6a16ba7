/**
 * Otsu's threshold over a list of numbers, as scikit-image's `threshold_otsu(values, nbins=256)` computes it for
 * float data: a histogram of `bins` equal-width bins over [min, max] (numpy.histogram: the last bin is closed),
 * then the bin centre that maximises the between-class variance w1 * w2 * (mu1 - mu2)^2 of the split "bins up to
 * and including this one" vs "the rest" (the first maximum on ties, as numpy's argmax). Values above the threshold
 * are the upper class (skimage: `image > threshold`). Constant values have no threshold: skimage returns the value
 * itself, which would put every sample on one side without saying so; this throws instead.
 *
 * The 2024 modular paper's MIA defence (docs/reference/modular-2024.md B8) puts the samples whose overfitting metric
 * is <= this threshold in the forget set.
 *
 * The npm package `otsu` (0.0.5, its only release) thresholds 8-bit intensities (integers 0..255); these values are
 * real numbers on any scale, so this file bins them as skimage does instead.
 */

export interface OtsuOptions {
  /** Number of histogram bins (default 256, skimage's nbins). */
  bins?: number;
}

export interface Histogram {
  /** Count per bin. */
  counts: Float64Array;
  /** bins + 1 edges, numpy.linspace(min, max, bins + 1). */
  edges: Float64Array;
  /** (edges[i] + edges[i + 1]) / 2. */
  centers: Float64Array;
}

function checkValues(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new Error(`${what}: values is empty; give at least one number.`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${what}: values[${i}] is ${values[i]}; every value must be finite (drop or fix NaN / Infinity first).`);
  }
}

function checkBins(bins: number, what: string): void {
  if (!(Number.isInteger(bins) && bins >= 2)) throw new Error(`${what}: bins must be an integer >= 2 (skimage's default is 256), got ${bins}.`);
}

/** numpy.histogram(values, bins, range=(min, max)) with bin centres; min < max is required. */
export function equalWidthHistogram(values: ArrayLike<number>, bins: number): Histogram {
  checkValues(values, 'equalWidthHistogram');
  checkBins(bins, 'equalWidthHistogram');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  if (!(lo < hi)) throw new Error(`equalWidthHistogram: every value equals ${lo}; a histogram over [min, max] needs two distinct values.`);
  // numpy.linspace: start + i * step, the last edge set to stop exactly.
  const step = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = lo + i * step;
  edges[bins] = hi;
  const counts = new Float64Array(bins);
  const norm = bins / (hi - lo);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    // numpy's fast path: floor((v - lo) * norm), the max into the last bin, then a one-step correction against the edges.
    let i = Math.floor((v - lo) * norm);
    if (i === bins) i--;
    if (v < edges[i]) i--;
    else if (i !== bins - 1 && v >= edges[i + 1]) i++;
    counts[i]++;
  }
  const centers = new Float64Array(bins);
  for (let i = 0; i < bins; i++) centers[i] = (edges[i] + edges[i + 1]) / 2;
  return { counts, edges, centers };
}

/** The index of the bin whose centre is Otsu's threshold for this histogram (skimage's argmax of variance12). */
export function otsuBinIndex(counts: ArrayLike<number>, centers: ArrayLike<number>): number {
  const n = counts.length;
  if (n < 2 || centers.length !== n) throw new Error(`otsuBinIndex: need >= 2 bins and one centre per bin, got ${n} counts and ${centers.length} centres.`);
  // weight1[i] = sum counts[0..i], mean1[i] = their mean centre; weight2[i] = sum counts[i..], mean2[i] likewise.
  const w1 = new Float64Array(n);
  const m1 = new Float64Array(n);
  const w2 = new Float64Array(n);
  const m2 = new Float64Array(n);
  let w = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    w += counts[i];
    s += counts[i] * centers[i];
    w1[i] = w;
    m1[i] = s / w;
  }
  w = 0;
  s = 0;
  for (let i = n - 1; i >= 0; i--) {
    w += counts[i];
    s += counts[i] * centers[i];
    w2[i] = w;
    m2[i] = s / w;
  }
  let best = -Infinity;
  let idx = 0;
  for (let i = 0; i < n - 1; i++) {
    const v = w1[i] * w2[i + 1] * (m1[i] - m2[i + 1]) ** 2;
    // On a histogram of data the first and last bins are never empty, so no 0/0 mean arises; given other counts,
    // a NaN entry is skipped (numpy's argmax would return the first NaN).
    if (v > best) {
      best = v;
      idx = i;
    }
  }
  return idx;
}

/** Otsu's threshold of the values (skimage.filters.threshold_otsu for float data). */
export function otsuThreshold(values: ArrayLike<number>, options: OtsuOptions = {}): number {
  checkValues(values, 'otsuThreshold');
  const bins = options.bins ?? 256;
  checkBins(bins, 'otsuThreshold');
  let allSame = true;
  for (let i = 1; i < values.length && allSame; i++) allSame = values[i] === values[0];
  if (allSame) {
    throw new Error(
      `otsuThreshold: all ${values.length} values equal ${values[0]}, so there is nothing to separate. ` +
        'Check what produced them (e.g. a model that outputs the same loss for every sample), or choose the set another way.',
    );
  }
  const h = equalWidthHistogram(values, bins);
  return h.centers[otsuBinIndex(h.counts, h.centers)];
}
