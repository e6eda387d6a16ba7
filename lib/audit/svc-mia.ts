import { Rng } from '../engine/rng';
import { checkFinite } from '../metrics/checks';

/**
 * SalUn's SVC membership attack (Fan et al. 2024, "SalUn", evaluation/SVC_MIA.py, as its main_forget.py
 * calls it for "MIA-efficacy"): an RBF support-vector classifier, sklearn SVC(C=3, gamma='auto', kernel='rbf'),
 * is fitted on one per-sample feature of retain samples (members, label 1) against test samples
 * (non-members, label 0); the retain samples are |test| of them (SalUn takes the first |test|, we take a
 * seeded random subset). MIA-efficacy = the fraction of forget samples it calls non-members.
 * What it measures: how much of the forget set looks unseen. Higher = more forgotten; the target is
 * Retrain's value (not 100: some forget samples look like training data to any model).
 *
 * The SVM is libsvm itself (npm libsvm-js, the emscripten build of the C library that sklearn's SVC wraps),
 * so the solver is the one SalUn used. gamma 'auto' = 1 / number of features = 1 for one feature.
 */
interface LibSvm {
  new (options: Record<string, unknown>): { train(x: number[][], y: number[]): void; predict(x: number[][]): number[]; free(): void };
  SVM_TYPES: { C_SVC: unknown };
  KERNEL_TYPES: { RBF: unknown };
}
let libsvm: LibSvm | null = null;
function svmClass(): LibSvm {
  // The asm.js build loads synchronously and quietly (the wasm one prints a fetch warning in Node).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  libsvm ??= require('libsvm-js/asm') as LibSvm;
  return libsvm;
}

export interface SvcMiaOptions {
  /** sklearn's C; SalUn 3. */
  C?: number;
  /** RBF gamma; SalUn 'auto' = 1 / features = 1. */
  gamma?: number;
}

/** A fitted SVC attack: which values it calls non-members. Free it when done (libsvm memory). */
export interface SvcAttack {
  /** 1 where the value is called a non-member (unseen), else 0. */
  calledNonMember(values: ArrayLike<number>): Uint8Array;
  free(): void;
}

/** Fits the SVC on member (retain, label 1) vs non-member (test, label 0) values of one feature. */
export function fitSvcAttack(members: ArrayLike<number>, nonMembers: ArrayLike<number>, opts: SvcMiaOptions = {}): SvcAttack {
  const where = 'fitSvcAttack';
  checkFinite(where, 'members (retain feature values)', members);
  checkFinite(where, 'nonMembers (test feature values)', nonMembers);
  const SVM = svmClass();
  const svm = new SVM({ type: SVM.SVM_TYPES.C_SVC, kernel: SVM.KERNEL_TYPES.RBF, cost: opts.C ?? 3, gamma: opts.gamma ?? 1, quiet: true });
  try {
    svm.train([...Array.from(members, (v) => [v]), ...Array.from(nonMembers, (v) => [v])], [...Array.from(members, () => 1), ...Array.from(nonMembers, () => 0)]);
  } catch (e) {
    svm.free();
    throw e;
  }
  return {
    calledNonMember: (values) => {
      checkFinite(where, 'target (forget feature values)', values);
      return Uint8Array.from(svm.predict(Array.from(values, (v) => [v])), (c) => (c === 0 ? 1 : 0));
    },
    free: () => svm.free(),
  };
}

/**
 * Fits the SVC on member (retain) vs non-member (test) values of one feature and returns the share of
 * `target` values (the forget set) it calls non-members, in [0, 1].
 */
export function svcMiaEfficacy(members: ArrayLike<number>, nonMembers: ArrayLike<number>, target: ArrayLike<number>, opts: SvcMiaOptions = {}): number {
  const attack = fitSvcAttack(members, nonMembers, opts);
  try {
    const called = attack.calledNonMember(target);
    return called.reduce((a, b) => a + b, 0) / called.length;
  } finally {
    attack.free();
  }
}

/** SalUn's shadow-train draw: min(|test|, |retain|) retain positions, a seeded random subset. */
export function svcShadowRetainPositions(retainSize: number, testSize: number, seed: number | string): Int32Array {
  return new Rng(seed).permutation(retainSize).subarray(0, Math.min(retainSize, testSize));
}
