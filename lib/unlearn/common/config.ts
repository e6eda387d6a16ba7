/**
 * Method settings: merge a partial config with the method's defaults, reject unknown keys and check
 * every value, so a typo or a nonsense value fails at once with a message that names the field.
 */

/** Returns null when the value is fine, otherwise what the value must be ("a positive integer"). */
export type Check = (value: unknown) => string | null;

export const positiveInt: Check = (v) => (Number.isInteger(v) && (v as number) > 0 ? null : 'a positive integer');
export const nonNegativeInt: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'an integer >= 0');
export const positiveNumber: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'a finite number > 0';
export const nonNegativeNumber: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'a finite number >= 0';
export const fraction: Check = (v) => (typeof v === 'number' && v > 0 && v <= 1 ? null : 'a number in (0, 1]');
export const unitInterval: Check = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? null : 'a number in [0, 1)');
export const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
export function oneOf(...choices: readonly string[]): Check {
  return (v) => (typeof v === 'string' && choices.includes(v) ? null : `one of ${choices.map((c) => `'${c}'`).join(', ')}`);
}

export type Checks<C> = { [K in keyof C]: Check };

/**
 * defaults + given (undefined fields ignored), after checking that every given key exists and every
 * resulting value passes its check. `method` names the method in error messages.
 */
export function resolveConfig<C extends object>(method: string, defaults: C, given: Partial<C> | undefined, checks: Checks<C>): C {
  if (given != null && (typeof given !== 'object' || Array.isArray(given))) {
    throw new Error(`${method}: config must be an object of settings, got ${JSON.stringify(given)}.`);
  }
  const known = Object.keys(defaults);
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!known.includes(key)) {
      throw new Error(`${method}: unknown config key '${key}'. Known keys: ${known.join(', ')}.`);
    }
    if (value !== undefined) merged[key] = value;
  }
  for (const key of Object.keys(checks) as Array<keyof C & string>) {
    const why = checks[key](merged[key]);
    if (why != null) throw new Error(`${method}: config.${key} must be ${why}, got ${JSON.stringify(merged[key])}.`);
  }
  return merged as C;
}
