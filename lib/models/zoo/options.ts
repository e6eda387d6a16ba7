/**
 * Reading architecture options with clear errors: a typo in an option name or a wrong type fails at
 * createModel() instead of silently building the default architecture.
 */
export class ModelOptions {
  private readonly used = new Set<string>();

  constructor(
    readonly arch: string,
    private readonly opts: Record<string, unknown>,
  ) {
    if (opts == null || typeof opts !== 'object' || Array.isArray(opts)) {
      throw new Error(`${arch}: options must be an object such as { width: 64 }, got ${JSON.stringify(opts)}.`);
    }
  }

  private raw(key: string): unknown {
    this.used.add(key);
    return this.opts[key];
  }

  int(key: string, dflt: number, min = 1): number {
    const v = this.raw(key) ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new Error(`${this.arch}: option '${key}' must be an integer >= ${min}, got ${JSON.stringify(v)}.`);
    }
    return v;
  }

  number(key: string, dflt: number, min: number, maxExclusive: number): number {
    const v = this.raw(key) ?? dflt;
    if (typeof v !== 'number' || !(v >= min && v < maxExclusive)) {
      throw new Error(`${this.arch}: option '${key}' must be a number in [${min}, ${maxExclusive}), got ${JSON.stringify(v)}.`);
    }
    return v;
  }

  choice<T extends string>(key: string, dflt: T, values: readonly T[]): T {
    const v = this.raw(key) ?? dflt;
    if (typeof v !== 'string' || !values.includes(v as T)) {
      throw new Error(`${this.arch}: option '${key}' must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(v)}.`);
    }
    return v as T;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw(key) ?? dflt;
    if (typeof v !== 'boolean') throw new Error(`${this.arch}: option '${key}' must be true or false, got ${JSON.stringify(v)}.`);
    return v;
  }

  intList(key: string, dflt: number[], length?: number): number[] {
    const v = this.raw(key) ?? dflt;
    const ok = Array.isArray(v) && v.every((x) => Number.isInteger(x) && x > 0) && (length == null || v.length === length);
    if (!ok) {
      const what = length == null ? 'a list of positive integers' : `a list of ${length} positive integers`;
      throw new Error(`${this.arch}: option '${key}' must be ${what}, got ${JSON.stringify(v)}.`);
    }
    return v as number[];
  }

  /** Call after reading every option: rejects names the architecture does not know. */
  done(): void {
    const unknown = Object.keys(this.opts).filter((k) => !this.used.has(k));
    if (unknown.length > 0) {
      throw new Error(`${this.arch}: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')}. Known options: ${[...this.used].join(', ')}.`);
    }
  }
}

/** Output size of a conv/pool along one axis, PyTorch's formula. */
export function outSize(inSize: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((inSize + 2 * padding - kernel) / stride) + 1;
}

/** Throws when a stack of layers shrinks the image to nothing. */
export function checkSpatial(arch: string, h: number, w: number, where: string): void {
  if (h < 1 || w < 1) {
    throw new Error(`${arch}: the input image is too small; the feature map is ${h}x${w} after ${where}. Use larger images (e.g. 32x32) or fewer pooling stages.`);
  }
}
