// Input checks shared by the metrics: clear errors that name the input and the fix.

export type Numbers = ArrayLike<number>;

/** Throws unless `xs` is non-empty and every value is finite. */
export function checkFinite(where: string, name: string, xs: Numbers): void {
  if (xs.length === 0) throw new Error(`${where}: ${name} is empty; pass at least one value.`);
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) {
      throw new Error(`${where}: ${name}[${i}] is ${xs[i]}; every value must be finite (check the model for NaN/Inf losses or logits).`);
    }
  }
}

export function checkSameLength(where: string, aName: string, a: { length: number }, bName: string, b: { length: number }): void {
  if (a.length !== b.length) throw new Error(`${where}: ${aName} has ${a.length} entries but ${bName} has ${b.length}; they must match one to one.`);
}

/** Binary labels: only 0/1, and both classes present. */
export function checkBinaryLabels(where: string, labels: Numbers): void {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`${where}: labels[${i}] is ${labels[i]}; labels must be 0 or 1.`);
    pos += labels[i];
  }
  if (pos === 0 || pos === labels.length) {
    throw new Error(`${where}: only one class present (${labels.length} labels, all ${pos === 0 ? 0 : 1}); need both members (1) and non-members (0).`);
  }
}

export function mean(xs: Numbers): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function sampleStd(xs: Numbers): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}
