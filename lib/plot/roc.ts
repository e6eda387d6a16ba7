import { axis, baseLayout, colourFor, finiteValues, logAxis, type Figure } from './figure';

/** One ROC curve: false- and true-positive rates from the lowest to the highest threshold. */
export interface RocCurve {
  name: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc?: number;
}

/** Scores of an attack with 1 = member, 0 = non-member; higher score = "member". */
export interface AttackScores {
  name: string;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/** ROC points (every distinct threshold) and the trapezoid AUC of scores against 0/1 labels. */
export function rocFromScores(s: AttackScores): RocCurve {
  const scores = finiteValues(s.scores, `rocFromScores '${s.name}': scores`);
  const labels = Array.from(s.labels);
  if (labels.length !== scores.length) throw new Error(`rocFromScores '${s.name}': ${scores.length} scores but ${labels.length} labels; give one 0/1 label per score.`);
  if (labels.some((l) => l !== 0 && l !== 1)) throw new Error(`rocFromScores '${s.name}': labels must be 0 (non-member) or 1 (member).`);
  const pos = labels.filter((l) => l === 1).length;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) throw new Error(`rocFromScores '${s.name}': needs both members (1) and non-members (0), got ${pos} and ${neg}.`);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]] === 1) tp++;
    else fp++;
    // Emit a point only after the last sample of a run of tied scores.
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]]) {
      fpr.push(fp / neg);
      tpr.push(tp / pos);
    }
  }
  let auc = 0;
  for (let k = 1; k < fpr.length; k++) auc += ((fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1])) / 2;
  return { name: s.name, fpr, tpr, auc };
}

export interface RocOptions {
  title?: string;
  /** Log-log axes, to read the true-positive rate at low false-positive rates (default true). */
  logLog?: boolean;
  /** Smallest rate drawn on log axes (default 1e-3); zeros are clipped to it. */
  floor?: number;
}

/** MIA ROC curves (log-log by default, as LiRA-style audits report them) with the chance diagonal. */
export function rocCurves(curves: Array<RocCurve | AttackScores>, opts: RocOptions = {}): Figure {
  if (curves.length === 0) throw new Error('rocCurves: no curves given; pass RocCurve or {name, scores, labels} objects.');
  const logLog = opts.logLog ?? true;
  const floor = opts.floor ?? 1e-3;
  const clip = (v: number) => (logLog ? Math.max(v, floor) : v);
  const list = curves.map((c) => ('scores' in c ? rocFromScores(c) : c));
  const data = list.map((c, i) => {
    const fpr = finiteValues(c.fpr, `rocCurves '${c.name}': fpr`);
    const tpr = finiteValues(c.tpr, `rocCurves '${c.name}': tpr`);
    if (fpr.length !== tpr.length) throw new Error(`rocCurves '${c.name}': fpr has ${fpr.length} points, tpr ${tpr.length}.`);
    return {
      type: 'scatter',
      mode: 'lines',
      name: c.auc != null ? `${c.name} (AUC ${c.auc.toFixed(3)})` : c.name,
      x: fpr.map(clip),
      y: tpr.map(clip),
      line: { color: colourFor(c.name, i), width: 2, shape: 'hv' },
    };
  });
  const lo = logLog ? floor : 0;
  // The axes span [floor, 1] whatever the curves hold, so curves compare across figures.
  const rates = logLog ? logAxis([floor, 1], { range: [Math.log10(floor), 0] }) : { range: [0, 1] };
  return {
    data: [...data, { type: 'scatter', mode: 'lines', name: 'chance', x: [lo, 1], y: [lo, 1], line: { color: 'gray', dash: 'dash', width: 1 } }],
    layout: baseLayout(opts.title ?? 'Membership-inference ROC', {
      xaxis: axis('false-positive rate', rates),
      yaxis: axis('true-positive rate', rates),
    }),
  };
}
