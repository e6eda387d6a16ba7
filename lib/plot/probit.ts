import { jStat } from '../metrics/jstat';
import { axis, baseLayout, colourFor, toGroups, type Figure, type Groups } from './figure';

export interface ProbitOptions {
  title?: string;
  /**
   * Whose empirical CDF maps losses to (0,1): 'pooled' (all groups together, default: groups that
   * differ stay apart) or 'own' (each group by its own CDF, as eq. 4 of the Blend / A-AMU paper; every
   * group then becomes close to N(0,1)).
   */
  reference?: 'pooled' | 'own';
  /** Apply log(1 + loss) first, as the paper does before the transform (default true). */
  log1p?: boolean;
  bins?: number;
}

/**
 * Probability-integral transform followed by the probit: z_i = Phi^-1(F(x_i)) with F the empirical
 * CDF of `reference`, taken as (rank - 0.5) / N (mid-ranks for ties) so z stays finite.
 */
export function probitTransform(values: ArrayLike<number>, reference: ArrayLike<number> = values): number[] {
  const ref = Float64Array.from(reference).sort();
  const n = ref.length;
  if (n === 0) throw new Error('probitTransform: the reference sample is empty.');
  const lowerBound = (x: number, strict: boolean) => {
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >> 1;
      if (strict ? ref[m] < x : ref[m] <= x) a = m + 1;
      else b = m;
    }
    return a;
  };
  return Array.from(values, (x) => {
    const below = lowerBound(x, true);
    const upTo = lowerBound(x, false);
    const p = Math.min(Math.max((below + upTo) / 2 / n, 0.5 / n), 1 - 0.5 / n);
    return jStat.normal.inv(p, 0, 1);
  });
}

/** Histograms of probit-transformed losses (forget vs test ...) with the N(0,1) density for reference. */
export function probitLossDistribution(groups: Groups, opts: ProbitOptions = {}): Figure {
  const list = toGroups(groups, 'probitLossDistribution');
  const reference = opts.reference ?? 'pooled';
  if (reference !== 'pooled' && reference !== 'own') throw new Error(`probitLossDistribution: reference must be 'pooled' or 'own', got '${String(reference)}'.`);
  const prep = (v: ArrayLike<number>) => (opts.log1p ?? true ? Array.from(v, (x) => Math.log1p(Math.max(x, 0))) : Array.from(v));
  const prepared = list.map((g) => prep(g.values));
  const pooled = prepared.flat();
  const zs = prepared.map((v) => probitTransform(v, reference === 'pooled' ? pooled : v));
  const grid = Array.from({ length: 121 }, (_, k) => -4 + k / 15);
  return {
    data: [
      ...list.map((g, i) => ({
        type: 'histogram',
        name: `${g.name} (n=${g.values.length})`,
        x: zs[i],
        xbins: { start: -4, end: 4, size: 8 / (opts.bins ?? 40) },
        histnorm: 'probability density',
        opacity: 0.55,
        marker: { color: colourFor(g.name, i) },
      })),
      { type: 'scatter', mode: 'lines', name: 'N(0,1)', x: grid, y: grid.map((z) => jStat.normal.pdf(z, 0, 1)), line: { color: 'black', dash: 'dash', width: 1.5 } },
    ],
    layout: baseLayout(opts.title ?? `Probit-transformed losses (${reference} CDF)`, {
      barmode: 'overlay',
      xaxis: axis('z = probit(F(log(1 + loss)))'.replace('log(1 + loss)', opts.log1p ?? true ? 'log(1 + loss)' : 'loss'), { range: [-4, 4] }),
      yaxis: axis('density'),
    }),
  };
}
