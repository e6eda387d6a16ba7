import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { indicesOfIds, size, subsetByIds, type Dataset } from '../../data/dataset';
import { readAndDispose } from '../../engine/read';
import { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { tsne2d } from '../../plot/embedding-scatter';
import { gradCam } from '../../plot/grad-cam';
import type { HeatMap } from '../../plot/heatmap-overlay';
import { accuracy } from '../../train/evaluate';
import type { RunOptions } from '../shared/experiment';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { storeImages, type StoredImages } from '../shared/stored-images';
import { startSuliRun, withSuliMethod } from '../shared/suli-setting';
import { FEATURE_SPACE_SIZES, SULI_FEATURE_SPACE } from './settings';

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
  /** Forget accuracy of this model on the whole forget set (fraction), for the captions. */
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
  gradCamImages: StoredImages;
  models: FeatureSpaceModel[];
  seconds: number;
}


/** Penultimate features of the given samples, [n][d]. */
async function embedRows(model: Classifier, ds: Dataset): Promise<number[][]> {
  const rows: number[][] = [];
  for (const b of epochBatches(size(ds), 256)) {
    const f = tf.tidy(() => model.embed(batchTensors(ds, b).x, false));
    const d = f.shape[1];
    const [v] = await readAndDispose([f]);
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
export async function runSuliFeatureSpace(o: RunOptions): Promise<SuliFeatureSpaceResult> {
  const sz = presetOf(FEATURE_SPACE_SIZES, o.preset);
  const { setting, run } = await startSuliRun(SULI_FEATURE_SPACE, o, sz.methods);
  const log = run.log;
  const seed = 0;
  return run.withScenario(setting, { kind: 'class', classes: [setting.forgetClass] }, seed, async (s) => {
    const rng = new Rng(seed).fork('suli-feature-space');
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
    const picture = async (method: string, model: Classifier, seconds: number): Promise<FeatureSpaceModel> => {
      const feats = await embedRows(model, samples);
      const { cohesion, neighbourClasses } = forgetDispersion(feats, isForget, labels, s.train.classNames);
      // Plain arrays so the maps survive results.json.
      const cams = (await gradCam(model, s.train, gradCamIds, { target: setting.forgetClass })).map((h) => ({ ...h, values: Array.from(h.values, (v) => Math.round(v * 1e4) / 1e4) }));
      const base = models[0]?.gradCam ?? cams;
      return {
        method,
        tsne: tsne2d(feats, { seed, iterations: sz.tsneIterations }),
        forgetCohesion: cohesion,
        forgetNeighbourClasses: neighbourClasses,
        forgetAcc: await accuracy(model, s.forget),
        gradCam: cams,
        gradCamCorrelation: cams.map((c, i) => correlation(c.values, base[i].values)),
        seconds,
      };
    };
    models.push(await picture('original', s.original, 0));
    log(`original: forget cohesion ${models[0].forgetCohesion.toFixed(3)}`);
    for (const method of run.methods) {
      const m = await withSuliMethod(setting, method, 'class', s, seed, run.onProgress, (res) => picture(method, res.model, res.timing.seconds));
      models.push(m);
      log(`${method}: forget acc ${percent(m.forgetAcc).toFixed(2)}, forget cohesion ${m.forgetCohesion.toFixed(3)}, Grad-CAM: ${describeCams(m)}`);
    }
    return {
      experiment: 'suli-feature-space',
      preset: o.preset,
      setting: setting.label,
      backend: run.backend,
      forgetClass: setting.forgetClass,
      classNames: s.train.classNames,
      sampleIds: ids,
      sampleLabels: labels,
      sampleIsForget: isForget,
      gradCamIds,
      gradCamImages: storeImages(s.train, indicesOfIds(s.train, gradCamIds)),
      models,
      seconds: run.seconds(),
    };
  });
}

/** Empty maps (no positive evidence for the class left) and the mean correlation of the others with the original's. */
export function describeCams(m: FeatureSpaceModel): string {
  const empty = m.gradCam.filter((h) => Math.max(...h.values) === 0).length;
  const corr = m.gradCamCorrelation.filter(Number.isFinite);
  return `${empty} of ${m.gradCam.length} maps empty` + (corr.length ? `, mean correlation with the original ${meanOf(corr).toFixed(2)}` : '');
}

