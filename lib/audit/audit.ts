import type { DataFrame } from 'danfojs-node';
import type { Dataset } from '../data/dataset';
import { blendMiaScoreOfPredictions } from '../metrics/mia-blend-logit-auc';
import type { Classifier } from '../models/classifier';
import { danfojs } from '../report/dataframe';
import type { Table } from '../results/table';
import { checkDisjoint, checkModelFitsDataset, checkNonEmpty } from './checks';
import { sampleScores, scoreAccuracy, type SampleScores } from './scores';

export const AUDIT_SETS = ['forget', 'retain', 'test'] as const;
export type AuditSet = (typeof AUDIT_SETS)[number];

export interface AuditInputs {
  /** The model before unlearning (trained on forget + retain). */
  original: Classifier;
  /** The method's model. */
  unlearned: Classifier;
  /** The gold standard: a model trained on the retain set only. */
  retrain: Classifier;
  /** Name of the method (the unlearned model's label in tables and figures); default 'unlearned'. */
  method?: string;
  forget: Dataset;
  retain: Dataset;
  /** Samples no model trained on (non-members), e.g. the evaluation split of the test set. */
  test: Dataset;
  /** Seed of the paper's MIA score in the panel titles (its subsets and folds); default 0. */
  seed?: number | string;
}

export interface Audit {
  /** Model labels in order: 'original', the method, 'retrain'. */
  models: [string, string, string];
  method: string;
  sets: Record<AuditSet, Dataset>;
  /** scores[model][set]: per-sample loss, confidence, logit-confidence, entropy and prediction. */
  scores: Record<string, Record<AuditSet, SampleScores>>;
  /** The Blend/A-AMU paper's MIA score (logit-AUC x 100, forget vs test) of each model, without CI (miaSuite has it with one). */
  mia: Record<string, number>;
}

const WHERE = 'auditUnlearning';

/**
 * Measures the original, unlearned and Retrain models on the forget, retain and test sets, sample by
 * sample. Checks first that every model fits the data and that forget, retain and test share no ids.
 */
export async function auditUnlearning(inputs: AuditInputs): Promise<Audit> {
  const method = inputs.method ?? 'unlearned';
  if (method === 'original' || method === 'retrain') throw new Error(`${WHERE}: method '${method}' would clash with the '${method}' model's label; name the unlearned model otherwise.`);
  const sets: Record<AuditSet, Dataset> = { forget: inputs.forget, retain: inputs.retain, test: inputs.test };
  for (const s of AUDIT_SETS) {
    if (sets[s] == null) throw new Error(`${WHERE}: inputs.${s} is missing; pass the ${s} set as a Dataset.`);
    checkNonEmpty(WHERE, s, sets[s]);
  }
  checkDisjoint(WHERE, 'forget', sets.forget, 'test', sets.test, 'test samples must be ones the original model never trained on; draw the test set from another split or drop these ids.');
  checkDisjoint(WHERE, 'forget', sets.forget, 'retain', sets.retain, 'the retain set is the training set minus the forget set; build it with forgetByIds or a split function.');
  checkDisjoint(WHERE, 'retain', sets.retain, 'test', sets.test, 'test samples must be ones no model trained on.');
  const models: Array<[string, Classifier]> = [
    ['original', inputs.original],
    [method, inputs.unlearned],
    ['retrain', inputs.retrain],
  ];
  for (const [name, model] of models) {
    if (model == null) throw new Error(`${WHERE}: the ${name} model is missing; pass a Classifier.`);
    for (const s of AUDIT_SETS) checkModelFitsDataset(WHERE, name, model, s, sets[s]);
  }
  const scores: Record<string, Record<AuditSet, SampleScores>> = {};
  const mia: Record<string, number> = {};
  for (const [name, model] of models) {
    const byset = {} as Record<AuditSet, SampleScores>;
    for (const s of AUDIT_SETS) byset[s] = await sampleScores(model, sets[s]);
    scores[name] = byset;
    mia[name] = blendMiaScoreOfPredictions(byset.forget.predictions, byset.test.predictions, { seed: inputs.seed ?? 0 }).score;
  }
  return { models: [models[0][0], models[1][0], models[2][0]], method, sets, scores, mia };
}

/** Accuracy (%) and mean loss of every model on every set, and the paper's MIA score. */
export function auditAccuracyTable(a: Audit): Table {
  return {
    title: `Accuracy (%) and MIA score: original, ${a.method}, Retrain`,
    columns: ['model', ...AUDIT_SETS.map((s) => `${s} acc`), ...AUDIT_SETS.map((s) => `${s} loss`), 'MIA (logit-AUC)'],
    rows: a.models.map((m) => [
      m,
      ...AUDIT_SETS.map((s) => 100 * scoreAccuracy(a.scores[m][s])),
      ...AUDIT_SETS.map((s) => a.scores[m][s].loss.reduce((x, y) => x + y, 0) / a.scores[m][s].loss.length),
      a.mia[m],
    ]),
  };
}

/**
 * One row per (model, set, sample): model, set, id, label, loss, confidence, logitConfidence, entropy,
 * predicted, correct. A long table, for groupby / query in a notebook.
 */
export function auditFrame(a: Audit): DataFrame {
  const cols: Record<string, (string | number)[]> = { model: [], set: [], id: [], label: [], loss: [], confidence: [], logitConfidence: [], entropy: [], predicted: [], correct: [] };
  for (const m of a.models) {
    for (const s of AUDIT_SETS) {
      const sc = a.scores[m][s];
      for (let i = 0; i < sc.ids.length; i++) {
        cols.model.push(m);
        cols.set.push(s);
        cols.id.push(sc.ids[i]);
        cols.label.push(sc.labels[i]);
        cols.loss.push(sc.loss[i]);
        cols.confidence.push(sc.confidence[i]);
        cols.logitConfidence.push(sc.logitConfidence[i]);
        cols.entropy.push(sc.entropy[i]);
        cols.predicted.push(sc.predicted[i]);
        cols.correct.push(sc.predicted[i] === sc.labels[i] ? 1 : 0);
      }
    }
  }
  const dfd = danfojs();
  return new dfd.DataFrame(cols, { columns: Object.keys(cols) });
}
