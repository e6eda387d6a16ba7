import { size, type Dataset } from '../../data/dataset';
import type { Classifier } from '../../models/classifier';

/**
 * Config handling shared by SU, SULI and the re-labelling baselines: merge a partial config over a
 * base preset (rejecting unknown keys, so a typo never silently falls back to a default) and check
 * each field with an error that names the method, the field and the fix.
 */
export function mergeConfig<C extends object>(method: string, base: C, given: Partial<C> | undefined): C {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!(k in base)) {
      throw new Error(`${method}: unknown config field '${k}'. Known fields: ${Object.keys(base).join(', ')}.`);
    }
    if (v !== undefined) out[k] = v;
  }
  return out as C;
}

export function checkInt(method: string, field: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${method}: config.${field} must be an integer >= ${min}, got ${String(v)}.`);
  }
}

export function checkNumber(method: string, field: string, v: unknown, min: number, max = Infinity, openMin = false): void {
  const ok = typeof v === 'number' && Number.isFinite(v) && (openMin ? v > min : v >= min) && v <= max;
  if (!ok) {
    const range = `${openMin ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}`;
    throw new Error(`${method}: config.${field} must be a finite number ${range}, got ${String(v)}.`);
  }
}

export function checkOneOf<T extends string>(method: string, field: string, v: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(v as T)) {
    throw new Error(`${method}: config.${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}.`);
  }
}

function checkSameTask(method: string, what: string, ds: Dataset, model: Classifier): void {
  if (ds.shape.join() !== model.spec.inputShape.join()) {
    throw new Error(
      `${method}: the ${what} set has images of shape [${ds.shape.join(', ')}] but the model expects [${model.spec.inputShape.join(', ')}]. ` +
        'Use the dataset the model was trained on.',
    );
  }
  if (ds.classNames.length !== model.numClasses) {
    throw new Error(`${method}: the ${what} set has ${ds.classNames.length} classes but the model has ${model.numClasses} outputs.`);
  }
}

/** The forget set must be non-empty and match the model; so must the reference set when given. */
export function checkForgetInputs(method: string, original: Classifier, forget: Dataset, reference?: Dataset): void {
  if (size(forget) === 0) {
    throw new Error(`${method}: the forget set is empty. Pass at least one sample to unlearn (inputs.forget).`);
  }
  checkSameTask(method, 'forget', forget, original);
  if (reference != null) {
    if (size(reference) === 0) throw new Error(`${method}: the reference set is empty. Pass a non-empty inputs.reference or leave it out.`);
    checkSameTask(method, 'reference', reference, original);
  }
}

/** 'code': the public reference code's settings (SPEC 5.5); 'paper': the paper's text (SPEC 11). */
export type SuliVariant = 'code' | 'paper';
export const SULI_VARIANTS: readonly SuliVariant[] = ['code', 'paper'];

/**
 * SU and SULI have one preset per (variant, mode): the given config's `variant` and `mode` (or the
 * defaults') pick the preset, and the given fields override it. So { mode: 'instance' } alone gets
 * every instance-wise setting of the public code, not the class-wise learning rate.
 */
export function resolvePreset<C extends { mode: string; variant: string }>(
  method: string,
  presets: Record<SuliVariant, Record<'class' | 'instance', C>>,
  defaults: C,
  given: Partial<C> | undefined,
): C {
  const variant = (given?.variant ?? defaults.variant) as SuliVariant;
  const mode = (given?.mode ?? defaults.mode) as 'class' | 'instance';
  checkOneOf(method, 'variant', variant, SULI_VARIANTS);
  checkOneOf(method, 'mode', mode, ['class', 'instance'] as const);
  return mergeConfig(method, presets[variant][mode], given);
}
