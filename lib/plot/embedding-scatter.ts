import { TSNE } from '@keckelt/tsne';
import { Rng } from '../engine/rng';
import { axis, baseLayout, PALETTE, type Figure } from './figure';

export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  /** Seed of the initial layout, so the same features give the same picture (default 0). */
  seed?: number;
  learningRate?: number;
}

/** t-SNE whose random initial layout comes from a seeded Rng instead of Math.random. */
class SeededTsne extends TSNE {
  constructor(
    opt: Record<string, number>,
    private readonly rng: Rng,
  ) {
    super(opt);
  }

  override gaussRandom(): number {
    return this.rng.normal();
  }
}

/**
 * 2-D t-SNE of feature vectors (@keckelt/tsne, exact O(N^2) gradient: keep N to a few thousand).
 * `features` is N rows of equal length, or a flat array with `dim` values per row.
 */
export function tsne2d(features: number[][] | { values: ArrayLike<number>; dim: number }, opts: TsneOptions = {}): [number, number][] {
  const rows = Array.isArray(features) ? features : splitRows(features.values, features.dim);
  const n = rows.length;
  if (n < 2) throw new Error(`tsne2d: needs at least 2 feature vectors, got ${n}.`);
  const d = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== d) throw new Error(`tsne2d: row ${i} has ${r.length} values, row 0 has ${d}; all feature vectors need one length.`);
    if (!r.every(Number.isFinite)) throw new Error(`tsne2d: row ${i} holds a NaN or Infinity.`);
  });
  const perplexity = opts.perplexity ?? Math.min(30, Math.max(2, Math.floor((n - 1) / 3)));
  if (!(perplexity > 0 && perplexity < n)) throw new Error(`tsne2d: perplexity ${perplexity} must be in (0, ${n}) for ${n} points.`);
  const iterations = opts.iterations ?? 500;
  const model = new SeededTsne({ dim: 2, perplexity, epsilon: opts.learningRate ?? 10 }, new Rng(opts.seed ?? 0).fork('tsne'));
  model.initDataRaw(rows);
  for (let k = 0; k < iterations; k++) model.step();
  return (model.getSolution() as number[][]).map((p) => [p[0], p[1]]);
}

function splitRows(values: ArrayLike<number>, dim: number): number[][] {
  if (!Number.isInteger(dim) || dim < 1 || values.length % dim !== 0) {
    throw new Error(`tsne2d: ${values.length} values do not split into rows of dim=${dim}.`);
  }
  return Array.from({ length: values.length / dim }, (_, i) => Array.from(values).slice(i * dim, (i + 1) * dim));
}

export interface EmbeddingScatterOptions {
  title?: string;
  /** Names of the label values (class names, or e.g. ['retain', 'forget']). */
  labelNames?: string[];
  /** Hover text per point (for example sample ids). */
  text?: string[];
  markerSize?: number;
}

/** 2-D scatter of embedded points coloured by label (class, or forget vs retain), one trace per label. */
export function embeddingScatter(points: [number, number][], labels: ArrayLike<number>, opts: EmbeddingScatterOptions = {}): Figure {
  if (points.length === 0) throw new Error('embeddingScatter: no points given.');
  if (labels.length !== points.length) throw new Error(`embeddingScatter: ${points.length} points but ${labels.length} labels; give one label per point.`);
  const byLabel = new Map<number, number[]>();
  Array.from(labels).forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  const keys = [...byLabel.keys()].sort((a, b) => a - b);
  return {
    data: keys.map((l, k) => {
      const idx = byLabel.get(l)!;
      return {
        type: 'scatter',
        mode: 'markers',
        name: opts.labelNames?.[l] ?? String(l),
        x: idx.map((i) => points[i][0]),
        y: idx.map((i) => points[i][1]),
        ...(opts.text ? { text: idx.map((i) => opts.text![i]) } : {}),
        marker: { size: opts.markerSize ?? 6, color: PALETTE[k % PALETTE.length], opacity: 0.8 },
      };
    }),
    layout: baseLayout(opts.title ?? 't-SNE of embeddings', { xaxis: axis('t-SNE 1', { showticklabels: false }), yaxis: axis('t-SNE 2', { showticklabels: false }) }),
  };
}
