/**
 * The checks the conformance suite runs on every registered unlearning method (scikit-learn's
 * check_estimator for this project). Each returns the problems it found (empty = conforms), so a test
 * can also show that a broken method is caught.
 */
import { createHash } from 'node:crypto';
import type { Classifier } from '../../lib/models/classifier';
import type { Unlearner } from '../../lib/unlearn';
import { shownValue } from '../../lib/unlearn/framework/config';

/** The one rule vocabulary and, per rule, values that break it (the suite's own list, not the method's). */
const BAD_VALUES: Record<string, unknown[]> = {
  'a positive integer': [0, -1, 1.5, '2'],
  'an integer >= 0': [-1, 0.5, '0'],
  'a finite number > 0': [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1'],
  'a finite number >= 0': [-1, Number.NaN, Number.POSITIVE_INFINITY],
  'a number in (0, 1]': [0, 1.5, -0.5],
  'a number in [0, 1)': [1, -0.1, 2],
  'true or false': ['yes', 1, null],
  'a string': [1, null, true],
};
const ONE_OF = /^one of ('[^']+'(, |$))+/;

function badValuesFor(rule: string): unknown[] | null {
  if (rule in BAD_VALUES) return BAD_VALUES[rule];
  if (ONE_OF.test(rule)) return ['no-such-choice', 3];
  return null;
}

function thrown(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The contract's declarations: a check in the one vocabulary for every key, valid defaults and smoke config, modes. */
export function declarationProblems(u: Unlearner): string[] {
  const out: string[] = [];
  const keys = Object.keys(u.defaults);
  for (const k of keys) {
    const c = u.checks[k];
    if (c == null) out.push(`${u.name}: config key '${k}' has no check`);
    else if (badValuesFor(c.rule) == null) out.push(`${u.name}: config.${k} has rule '${c.rule}', not one of the shared rules`);
  }
  for (const k of Object.keys(u.checks)) if (!keys.includes(k)) out.push(`${u.name}: check for '${k}' which has no default`);
  for (const [what, given] of [['defaults', {}], ['smokeConfig', u.smokeConfig]] as const) {
    const err = thrown(() => u.resolveConfig({ ...given }));
    if (err != null) out.push(`${u.name}: its ${what} are rejected: ${err}`);
  }
  if (('mode' in u.defaults) !== u.modes.length > 0) out.push(`${u.name}: declares modes [${u.modes.join(', ')}] but config.mode is ${'mode' in u.defaults ? '' : 'not '}a key`);
  for (const m of u.modes) {
    const err = thrown(() => u.resolveConfig({ mode: m }));
    if (err != null) out.push(`${u.name}: mode '${m}' is rejected: ${err}`);
  }
  return out;
}

/** Unknown keys and every declared field's bad values are rejected with the one wording, exactly. */
export function rejectionProblems(u: Unlearner): string[] {
  const out: string[] = [];
  const expectError = (given: Record<string, unknown>, want: string) => {
    const got = thrown(() => u.resolveConfig(given));
    if (got !== want) out.push(`${u.name}: ${JSON.stringify(given)} gave ${got == null ? 'no error' : `'${got}'`}, expected '${want}'`);
  };
  expectError({ noSuchKey: 1 }, `${u.name}: unknown config key 'noSuchKey'. Known keys: ${Object.keys(u.defaults).join(', ')}.`);
  for (const [k, c] of Object.entries(u.checks)) {
    for (const bad of badValuesFor(c.rule) ?? []) expectError({ [k]: bad }, `${u.name}: config.${k} must be ${c.rule}, got ${shownValue(bad)}.`);
  }
  return out;
}

/** A digest of every parameter and buffer of a model. */
export function weightsHash(m: Classifier): string {
  const h = createHash('sha256');
  for (const [, v] of [...m.namedParameters(), ...m.namedBuffers()]) h.update(Buffer.from(v.dataSync().buffer));
  return h.digest('hex');
}
