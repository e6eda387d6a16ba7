/**
 * Method settings: defaults (or a mode/variant preset) + the given fields, unknown keys rejected, every
 * value checked by its field's rule, then the method's cross-field rules. One wording for every method:
 *   `<method>: unknown config key '<k>'. Known keys: a, b, c.`
 *   `<method>: config.<k> must be <rule>, got <json>.`
 */

/** A field's rule: the phrase that completes "config.<k> must be ..." and the test a value must pass. */
export interface Check {
  readonly rule: string;
  accepts(value: unknown): boolean;
}

const check = (rule: string, accepts: (v: unknown) => boolean): Check => ({ rule, accepts });
const isNumber = (v: unknown): v is number => typeof v === 'number';

export const positiveInt = check('a positive integer', (v) => Number.isInteger(v) && (v as number) > 0);
export const nonNegativeInt = check('an integer >= 0', (v) => Number.isInteger(v) && (v as number) >= 0);
export const positiveNumber = check('a finite number > 0', (v) => isNumber(v) && Number.isFinite(v) && v > 0);
export const nonNegativeNumber = check('a finite number >= 0', (v) => isNumber(v) && Number.isFinite(v) && v >= 0);
export const fraction = check('a number in (0, 1]', (v) => isNumber(v) && v > 0 && v <= 1);
export const unitInterval = check('a number in [0, 1)', (v) => isNumber(v) && v >= 0 && v < 1);
export const boolean = check('true or false', (v) => typeof v === 'boolean');
export const text = check('a string', (v) => typeof v === 'string');
export function oneOf(...choices: readonly string[]): Check {
  return check(`one of ${choices.map((c) => `'${c}'`).join(', ')}`, (v) => typeof v === 'string' && choices.includes(v));
}

/** A check for every config field (the compiler makes sure none is missing). */
export type Checks<C> = { [K in keyof C]-?: Check };

/**
 * Presets picked by the values of some fields (SU/SULI: variant and mode). The given value of each key
 * field (or the default's) is checked, the values joined with '/' name the row of `table` that the
 * given fields override. So { mode: 'instance' } alone gets every instance-wise setting.
 */
export interface ConfigPresets<C> {
  keys: readonly (keyof C & string)[];
  table: Readonly<Record<string, C>>;
}

/** Everything config resolution needs from a method. */
export interface ConfigSpec<C> {
  defaults: C;
  checks: Checks<C>;
  /**
   * Rules across fields, after the per-field ones (e.g. noL1Epochs <= epochs): the broken field and what it
   * must be, or null. resolveConfig words the error, naming the method that runs (A-AMU wrappers too).
   */
  validate?: (config: C) => { key: keyof C & string; rule: string } | null;
  presets?: ConfigPresets<C>;
}

/** A value as the messages show it: JSON, except what JSON cannot say (NaN and infinities would read "null"). */
export function shownValue(value: unknown): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return String(value);
  return JSON.stringify(value) ?? String(value);
}

export function configError(method: string, key: string, rule: string, value: unknown): Error {
  return new Error(`${method}: config.${key} must be ${rule}, got ${shownValue(value)}.`);
}

function checkField<C>(method: string, checks: Checks<C>, key: keyof C & string, value: unknown): void {
  if (!checks[key].accepts(value)) throw configError(method, key, checks[key].rule, value);
}

/** The full config a method runs with: base (defaults or preset row) + given, checked field by field and across fields. */
export function resolveConfig<C extends object>(method: string, spec: ConfigSpec<C>, given: unknown): C {
  if (given != null && (typeof given !== 'object' || Array.isArray(given))) {
    throw new Error(`${method}: config must be an object of settings, got ${shownValue(given)}.`);
  }
  const fields = (given ?? {}) as Record<string, unknown>;
  const known = Object.keys(spec.defaults);
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) throw new Error(`${method}: unknown config key '${key}'. Known keys: ${known.join(', ')}.`);
  }
  let base = spec.defaults;
  if (spec.presets != null) {
    const values = spec.presets.keys.map((k) => {
      const v = fields[k] ?? spec.defaults[k];
      checkField(method, spec.checks, k, v);
      return String(v);
    });
    base = spec.presets.table[values.join('/')] ?? spec.defaults;
  }
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) merged[key] = value;
  for (const key of Object.keys(spec.checks) as Array<keyof C & string>) checkField(method, spec.checks, key, merged[key]);
  const config = merged as C;
  const broken = spec.validate?.(config) ?? null;
  if (broken != null) throw configError(method, broken.key, broken.rule, merged[broken.key]);
  return config;
}
