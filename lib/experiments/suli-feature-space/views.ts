import type { Dataset } from '../../data/dataset';
import { embeddingScatter } from '../../plot/embedding-scatter';
import type { Figure } from '../../plot/figure';
import { heatmapOverlayGrid } from '../../plot/heatmap-overlay';
import type { Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { percent } from '../shared/percent';
import { restoreImages } from '../shared/stored-images';
import { suliLabel } from '../shared/suli-setting';
import { describeCams, type SuliFeatureSpaceResult } from './run';
import { SULI_FEATURE_SPACE } from './settings';

/** The explained images as a Dataset (for heatmapOverlayGrid), rebuilt from the result. */
export function gradCamDataset(r: SuliFeatureSpaceResult): Dataset {
  return restoreImages(r.gradCamImages, { ids: r.gradCamIds, classNames: r.classNames, split: 'train' });
}

/** Fig. 4: one t-SNE scatter per model; retain samples coloured by class, forget samples as their own trace. */
export function suliTsneFigures(r: SuliFeatureSpaceResult): Figure[] {
  const k = r.classNames.length;
  const labelNames = [...r.classNames, `forget (${r.classNames[r.forgetClass]})`];
  const pointLabels = r.sampleLabels.map((y, i) => (r.sampleIsForget[i] ? k : y));
  return r.models.map((m) =>
    embeddingScatter(m.tsne, pointLabels, {
      labelNames,
      text: r.sampleIds.map((id) => `#${id}`),
      title: `Fig. 4: t-SNE of features, ${suliLabel(m.method)} (forget acc ${percent(m.forgetAcc).toFixed(1)}%, cohesion ${m.forgetCohesion.toFixed(2)})`,
    }),
  );
}

/**
 * Fig. 5: Grad-CAM of the explained forget images as one grid, a row per model and a column per image
 * (a list of one figure, none without images, so callers treat it like the other figure lists).
 */
export function suliGradCamFigures(r: SuliFeatureSpaceResult): Figure[] {
  if (r.gradCamIds.length === 0) return [];
  const rows = r.models.map((m) => ({ name: suliLabel(m.method), maps: m.gradCam }));
  return [heatmapOverlayGrid(gradCamDataset(r), r.gradCamIds, rows, { title: `Fig. 5: Grad-CAM of class '${r.classNames[r.forgetClass]}' before and after unlearning` })];
}

export function suliFeatureSpaceTable(r: SuliFeatureSpaceResult): Table {
  return {
    title: `Feature space after forgetting '${r.classNames[r.forgetClass]}' (${r.setting})`,
    columns: ['model', 'forget acc (%)', 'forget cohesion (<1: own cluster)', 'top nearest retain class of forget samples', 'empty Grad-CAM maps', 'Grad-CAM correlation with original', 'seconds'],
    rows: r.models.map((m) => {
      const top = Object.entries(m.forgetNeighbourClasses).sort((a, b) => b[1] - a[1])[0];
      const corr = m.gradCamCorrelation.filter(Number.isFinite);
      const empty = m.gradCam.filter((h) => Math.max(...h.values) === 0).length;
      return [suliLabel(m.method), percent(m.forgetAcc), m.forgetCohesion, top ? `${top[0]} (${(100 * top[1]).toFixed(0)}%)` : null, `${empty} of ${m.gradCam.length}`, corr.length ? corr.reduce((a, x) => a + x, 0) / corr.length : null, m.seconds];
    }),
  };
}

/** A change of forget cohesion in words; changes under 0.05 count as none (sampling noise of a few hundred points). */
function dispersionWords(delta: number): string {
  if (delta >= 0.05) return "forget samples more dispersed among the retained classes, as in the paper's Fig. 4 (d)";
  if (delta <= -0.05) return 'forget samples more clustered than before';
  return "about the same: the forget samples' place in the feature space hardly moved";
}

export function suliFeatureSpaceNotes(r: SuliFeatureSpaceResult): string[] {
  const o = r.models[0];
  return r.models.slice(1).map(
    (m) =>
      `${suliLabel(m.method)}: forget cohesion ${o.forgetCohesion.toFixed(2)} -> ${m.forgetCohesion.toFixed(2)} ` +
      `(${dispersionWords(m.forgetCohesion - o.forgetCohesion)}); ` +
      `Grad-CAM of the forgotten class: ${describeCams(m)} (paper Fig. 5: attention moves away from the primary features).`,
  );
}

/** The feature-space table, Figs. 4 and 5, and what changed in sentences. */
export function suliFeatureSpaceOutput(r: SuliFeatureSpaceResult): ExperimentOutput {
  return {
    title: SULI_FEATURE_SPACE.title,
    meta: [`preset ${r.preset}`, `${r.setting}; forget class '${r.classNames[r.forgetClass]}'`, `backend ${r.backend}`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables: { features: suliFeatureSpaceTable(r) },
    figures: [...suliTsneFigures(r), ...suliGradCamFigures(r)].map((figure) => ({ figure })),
    notes: suliFeatureSpaceNotes(r),
  };
}
