import { candidatePositions, idsAt, resolveClasses, type ForgetSplit, type SplitSource } from './common';

export interface ClassSplitOptions {
  /** Classes to forget, by index or name (SULI: [1] = automobile; DC_Unlearning k_classwise: [1, 2, 3]). */
  classes: (number | string)[];
  within?: ArrayLike<number>;
}

/** Whole-class forgetting: every sample of the given classes is forgotten. Deterministic. */
export function classSplit(ds: SplitSource, opts: ClassSplitOptions): ForgetSplit {
  const classes = resolveClasses(ds, opts.classes);
  const pool = candidatePositions(ds, opts.within);
  const wanted = new Set(classes);
  const forget = Array.from(pool).filter((p) => wanted.has(ds.labels[p]));
  const retain = Array.from(pool).filter((p) => !wanted.has(ds.labels[p]));
  const present = new Set(forget.map((p) => ds.labels[p]));
  const missing = classes.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new Error(`${ds.name}/${ds.split}: class(es) ${missing.map((c) => `${c}=${ds.classNames[c]}`).join(', ')} have no samples to forget.`);
  }
  if (retain.length === 0) throw new Error(`${ds.name}/${ds.split}: forgetting classes ${classes.join(', ')} leaves no samples to retain.`);
  return { forget: idsAt(ds, forget), retain: idsAt(ds, retain) };
}
