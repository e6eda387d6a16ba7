import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../data/batches';
import { indicesOfIds, makeDataset, size, subsetByIds, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { embeddingScatter, tsne2d } from '../plot/embedding-scatter';
import type { Figure } from '../plot/figure';
import { gradCam } from '../plot/grad-cam';
import { heatmapOverlay, type HeatMap } from '../plot/heatmap-overlay';
import type { Table } from '../report/table';
import { evaluate } from '../train/evaluate';
import type { Experiment, RunOptions } from './experiment';
import { presetOf, type PresetName } from './presets';
import type { ExperimentOutput } from './results';
import { disposeScenario } from './scenario';
import { prepareSuliScenario, startSuliRun, suliLabel, withSuliMethod } from './suli-setting';

/** How many samples the pictures use, per preset. */
export interface FeatureSpaceSize {
  /** Retain samples per retained class in the t-SNE. */
  retainPerClass: number;
  /** Forget samples in the t-SNE. */
  forget: number;
  /** Forget images explained by Grad-CAM. */
  gradCamImages: number;
  tsneIterations: number;
  /** Unlearned models compared with the original (Fig. 4 shows several; Fig. 5 original vs unlearned). */
  methods: string[];
}

export const FEATURE_SPACE_SIZES: Record<PresetName, FeatureSpaceSize> = {
  smoke: { retainPerClass: 6, forget: 12, gradCamImages: 1, tsneIterations: 100, methods: ['suli'] },
  cpu: { retainPerClass: 30, forget: 60, gradCamImages: 4, tsneIterations: 500, methods: ['retrain', 'su', 'suli'] },
  'gpu-paper': { retainPerClass: 50, forget: 100, gradCamImages: 6, tsneIterations: 1000, methods: ['retrain', 'su', 'suli'] },
};

/** One model's picture of the feature space and its Grad-CAM maps. */
export interface FeatureSpaceModel {
  method: string;
  /** t-SNE coordinates of `sampleIds` (same order). */
  tsne: [number, number][];
  /**
   * How the forget samples sit in the feature space (penultimate features, not t-SNE): mean distance
   * of a forget sample to its 5 nearest other forget samples, over its mean distance to its 5
   * nearest retain samples. Below 1: the forget samples still form their own cluster; about 1 or
   * more: they are dispersed among the retained classes (Fig. 4 (d)).
   */
  forgetCohesion: number;
  /** Share of forget samples whose nearest retain sample (feature space) is of each retained class. */
  forgetNeighbourClasses: Record<string, number>;
  /** Forget accuracy of this model on the whole forget set (%), for the captions. */
  forgetAcc: number;
  /** Grad-CAM maps (forgotten class's logit) of `gradCamIds`, values as plain arrays. */
  gradCam: (HeatMap & { values: number[] })[];
  /** Pearson correlation of each map with the original model's map of the same image (1 for the original). */
  gradCamCorrelation: number[];
  seconds: number;
}

export interface SuliFeatureSpaceResult {
  experiment: 'suli-feature-space';
  preset: PresetName;
  setting: string;
  backend: string;
  forgetClass: number;
  classNames: string[];
  /** t-SNE samples: ids in the training set, and whether each is a forget sample. */
  sampleIds: number[];
  sampleLabels: number[];
  sampleIsForget: boolean[];
  gradCamIds: number[];
  /** The explained images (normalised pixels, one array per id) and what it takes to draw them. */
  gradCamImages: { name: string; shape: [number, number, number]; mean: number[]; std: number[]; labels: number[]; pixels: number[][] };
  models: FeatureSpaceModel[];
  seconds: number;
}

const NAME = 'suli-feature-space';

/** Penultimate features of the given samples, [n][d]. */
function embedRows(model: Classifier, ds: Dataset): number[][] {
  const rows: number[][] = [];
  for (const b of epochBatches(size(ds), 256)) {
    const f = tf.tidy(() => model.embed(batchTensors(ds, b).x, false));
    const d = f.shape[1];
    const v = f.dataSync();
    f.dispose();
    for (let i = 0; i < b.length; i++) rows.push(Array.from(v.subarray(i * d, (i + 1) * d)));
  }
  return rows;
}

function dist(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

const meanOf = (v: number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);

/** Forget cohesion and nearest-retain-class shares (see FeatureSpaceModel). */
export function forgetDispersion(
  features: number[][],
  isForget: boolean[],
  labels: number[],
  classNames: string[],
  k = 5,
): { cohesion: number; neighbourClasses: Record<string, number> } {
  const f = features.map((_, i) => i).filter((i) => isForget[i]);
  const r = features.map((_, i) => i).filter((i) => !isForget[i]);
  if (f.length < 2 || r.length < 1) throw new Error(`forgetDispersion: needs at least 2 forget and 1 retain samples, got ${f.length} and ${r.length}.`);
  const kNearest = (i: number, pool: number[]) =>
    meanOf(
      pool
        .filter((j) => j !== i)
        .map((j) => dist(features[i], features[j]))
        .sort((a, b) => a - b)
        .slice(0, k),
    );
  const ratio = meanOf(f.map((i) => kNearest(i, f) / Math.max(1e-12, kNearest(i, r))));
  const counts: Record<string, number> = {};
  for (const i of f) {
    let best = r[0];
    for (const j of r) if (dist(features[i], features[j]) < dist(features[i], features[best])) best = j;
    const name = classNames[labels[best]] ?? String(labels[best]);
    counts[name] = (counts[name] ?? 0) + 1 / f.length;
  }
  return { cohesion: ratio, neighbourClasses: counts };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const mx = meanOf(x);
  const my = meanOf(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * SULI paper (003) Figs. 4 and 5: class-wise unlearning of one class, then t-SNE of the penultimate
 * features of a few hundred retain and forget training samples, and Grad-CAM of a few forget images
 * (explaining the forgotten class), for the original model and each unlearned one.
 */
export async function runSuliFeatureSpace(o: RunOptions & { methods?: string[] }): Promise<SuliFeatureSpaceResult> {
  const modelNote = '--model is set by the preset (Grad-CAM needs a sequential conv model: fashion-mnist convnet).';
  const { setting, methods, log } = startSuliRun(NAME, o, () => presetOf(FEATURE_SPACE_SIZES, o.preset, NAME).methods, modelNote);
  const sz = presetOf(FEATURE_SPACE_SIZES, o.preset, NAME);
  const seed = 0;
  const t0 = performance.now();
  const s = await prepareSuliScenario(setting, { kind: 'class', classes: [setting.forgetClass] }, seed, o);
  try {
    const rng = new Rng(seed).fork(NAME);
    const retainIds: number[] = [];
    for (let c = 0; c < s.train.classNames.length; c++) {
      const ofClass = Array.from(s.retain.ids).filter((_, i) => s.retain.labels[i] === c);
      if (ofClass.length > 0) retainIds.push(...rng.fork(`retain-${c}`).sample(ofClass, Math.min(sz.retainPerClass, ofClass.length)));
    }
    const forgetIds = rng.fork('forget').sample(Array.from(s.forget.ids), Math.min(sz.forget, size(s.forget)));
    const sampleIds = [...retainIds, ...forgetIds];
    const samples = subsetByIds(s.train, sampleIds);
    // subsetByIds keeps the dataset's order: read ids/labels back from it.
    const ids = Array.from(samples.ids);
    const forgetSet = new Set(forgetIds);
    const isForget = ids.map((id) => forgetSet.has(id));
    const labels = Array.from(samples.labels);
    const gradCamIds = forgetIds.slice(0, sz.gradCamImages);
    const models: FeatureSpaceModel[] = [];
    const picture = (method: string, model: Classifier, seconds: number): FeatureSpaceModel => {
      const feats = embedRows(model, samples);
      const { cohesion, neighbourClasses } = forgetDispersion(feats, isForget, labels, s.train.classNames);
      // Plain arrays so the maps survive results.json.
      const cams = gradCam(model, s.train, gradCamIds, { target: setting.forgetClass }).map((h) => ({ ...h, values: Array.from(h.values, (v) => Math.round(v * 1e4) / 1e4) }));
      const base = models[0]?.gradCam ?? cams;
      return {
        method,
        tsne: tsne2d(feats, { seed, iterations: sz.tsneIterations }),
        forgetCohesion: cohesion,
        forgetNeighbourClasses: neighbourClasses,
        forgetAcc: 100 * evaluate(model, s.forget).accuracy,
        gradCam: cams,
        gradCamCorrelation: cams.map((c, i) => correlation(c.values, base[i].values)),
        seconds,
      };
    };
    models.push(picture('original', s.original, 0));
    log(`original: forget cohesion ${models[0].forgetCohesion.toFixed(3)}`);
    for (const method of methods) {
      const m = await withSuliMethod(setting, method, 'class', s, seed, o.onProgress, (res) => picture(method, res.model, res.timing.seconds));
      models.push(m);
      log(`${method}: forget acc ${m.forgetAcc.toFixed(2)}, forget cohesion ${m.forgetCohesion.toFixed(3)}, Grad-CAM: ${describeCams(m)}`);
    }
    return {
      experiment: NAME,
      preset: o.preset,
      setting: setting.label,
      backend: s.engine.backend,
      forgetClass: setting.forgetClass,
      classNames: s.train.classNames,
      sampleIds: ids,
      sampleLabels: labels,
      sampleIsForget: isForget,
      gradCamIds,
      gradCamImages: imagesOf(subsetByIds(s.train, gradCamIds), gradCamIds),
      models,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    disposeScenario(s);
  }
}

function imagesOf(ds: Dataset, ids: number[]): SuliFeatureSpaceResult['gradCamImages'] {
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const pos = indicesOfIds(ds, ids);
  return {
    name: ds.name,
    shape: [...ds.shape],
    mean: [...ds.mean],
    std: [...ds.std],
    labels: Array.from(pos, (i) => ds.labels[i]),
    pixels: Array.from(pos, (i) => Array.from(ds.images.subarray(i * per, (i + 1) * per), (v) => Math.round(v * 1e4) / 1e4)),
  };
}

/** The explained images as a Dataset (for heatmapOverlay), rebuilt from the result. */
export function gradCamDataset(r: SuliFeatureSpaceResult): Dataset {
  const g = r.gradCamImages;
  return makeDataset({
    name: g.name,
    split: 'train',
    images: Float32Array.from(g.pixels.flat()),
    labels: Int32Array.from(g.labels),
    ids: Int32Array.from(r.gradCamIds),
    shape: g.shape,
    classNames: r.classNames,
    mean: g.mean,
    std: g.std,
  });
}

/** Empty maps (no positive evidence for the class left) and the mean correlation of the others with the original's. */
function describeCams(m: FeatureSpaceModel): string {
  const empty = m.gradCam.filter((h) => Math.max(...h.values) === 0).length;
  const corr = m.gradCamCorrelation.filter(Number.isFinite);
  return `${empty} of ${m.gradCam.length} maps empty` + (corr.length ? `, mean correlation with the original ${meanOf(corr).toFixed(2)}` : '');
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
      title: `Fig. 4: t-SNE of features, ${suliLabel(m.method)} (forget acc ${m.forgetAcc.toFixed(1)}%, cohesion ${m.forgetCohesion.toFixed(2)})`,
    }),
  );
}

/** Fig. 5: Grad-CAM of each explained forget image, one overlay per model. */
export function suliGradCamFigures(r: SuliFeatureSpaceResult): Figure[] {
  const images = gradCamDataset(r);
  const out: Figure[] = [];
  r.gradCamIds.forEach((id, i) => {
    for (const m of r.models) {
      out.push(heatmapOverlay(images, id, m.gradCam[i], { title: `Fig. 5: Grad-CAM '${r.classNames[r.forgetClass]}', ${suliLabel(m.method)}, #${id}`, scale: 6 }));
    }
  });
  return out;
}

export function suliFeatureSpaceTable(r: SuliFeatureSpaceResult): Table {
  return {
    title: `Feature space after forgetting '${r.classNames[r.forgetClass]}' (${r.setting})`,
    columns: ['model', 'forget acc (%)', 'forget cohesion (<1: own cluster)', 'top nearest retain class of forget samples', 'empty Grad-CAM maps', 'Grad-CAM correlation with original', 'seconds'],
    rows: r.models.map((m) => {
      const top = Object.entries(m.forgetNeighbourClasses).sort((a, b) => b[1] - a[1])[0];
      const corr = m.gradCamCorrelation.filter(Number.isFinite);
      const empty = m.gradCam.filter((h) => Math.max(...h.values) === 0).length;
      return [suliLabel(m.method), m.forgetAcc, m.forgetCohesion, top ? `${top[0]} (${(100 * top[1]).toFixed(0)}%)` : null, `${empty} of ${m.gradCam.length}`, corr.length ? meanOf(corr) : null, m.seconds];
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

export const suliFeatureSpace: Experiment<SuliFeatureSpaceResult> = {
  name: NAME,
  title: 'SULI paper (003), Sec. 4, Figs. 4 and 5: t-SNE of the feature space and Grad-CAM before and after unlearning',
  run: (o) => runSuliFeatureSpace(o),
  output: (r): ExperimentOutput => ({
    title: suliFeatureSpace.title,
    meta: [`preset ${r.preset}`, `${r.setting}; forget class '${r.classNames[r.forgetClass]}'`, `backend ${r.backend}`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables: { features: suliFeatureSpaceTable(r) },
    figures: [...suliTsneFigures(r), ...suliGradCamFigures(r)].map((figure) => ({ figure })),
    notes: suliFeatureSpaceNotes(r),
  }),
};
