import { describe, expect, it } from 'vitest';
import { lossHistogramPanels } from '../../lib/plot/loss-histogram-panels';

describe('side-by-side loss histogram panels (original | method | Retrain)', () => {
  const fig = lossHistogramPanels([
    { title: 'original: MIA 61.0', groups: { forget: [0, 0.1, 0.2], test: [1, 2, 3] } },
    { title: 'scrub: MIA 55.0', groups: { forget: [0.5, 1], test: [1, 2] } },
    { title: 'retrain: MIA 50.2', groups: { forget: [1, 4], test: [1, 3] } },
  ], { bins: 8 });

  it('one panel per model on its own axes, side by side, titled with its MIA', () => {
    expect(fig.data).toHaveLength(6);
    expect(fig.data.map((d) => d.xaxis)).toEqual(['x', 'x', 'x2', 'x2', 'x3', 'x3']);
    const domains = ['xaxis', 'xaxis2', 'xaxis3'].map((k) => (fig.layout[k] as { domain: number[] }).domain);
    for (let i = 1; i < 3; i++) expect(domains[i][0]).toBeGreaterThan(domains[i - 1][1]);
    expect(domains[2][1]).toBeCloseTo(1, 10);
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(['original: MIA 61.0', 'scrub: MIA 55.0', 'retrain: MIA 50.2']);
  });

  it('shares bins and x range across panels, so shifts are real, and shows each set once in the legend', () => {
    const bins = fig.data.map((d) => JSON.stringify(d.xbins));
    expect(new Set(bins).size).toBe(1);
    expect((fig.data[0].xbins as { start: number; size: number }).start).toBe(0);
    expect((fig.data[0].xbins as { size: number }).size).toBeCloseTo(0.5, 10);
    for (const k of ['xaxis', 'xaxis2', 'xaxis3']) expect((fig.layout[k] as { range: number[] }).range).toEqual([0, 4]);
    expect(fig.data.filter((d) => d.showlegend).map((d) => d.name)).toEqual(['forget', 'test']);
    expect(fig.data.filter((d) => d.name === 'forget').every((d) => JSON.stringify(d.marker) === JSON.stringify({ color: '#d62728' }))).toBe(true);
  });

  it('rejects no panels, NaN losses and bad bins, naming the panel', () => {
    expect(() => lossHistogramPanels([])).toThrow(/no panels/);
    expect(() => lossHistogramPanels([{ title: 'a', groups: { forget: [1] } }, { title: 'b', groups: { forget: [NaN] } }])).toThrow(/panel 1 \('b'\).*'forget'.*NaN/);
    expect(() => lossHistogramPanels([{ title: 'a', groups: { forget: [1] } }], { bins: 0 })).toThrow(/bins must be a positive integer/);
  });
});
