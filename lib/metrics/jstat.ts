// Typed access to the few jstat functions this folder uses (jstat ships no type declarations).
interface JStatSubset {
  studentt: { inv(p: number, dof: number): number; cdf(x: number, dof: number): number };
  normal: { inv(p: number, mean: number, std: number): number; cdf(x: number, mean: number, std: number): number; pdf(x: number, mean: number, std: number): number };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jStat = require('jstat') as JStatSubset;
