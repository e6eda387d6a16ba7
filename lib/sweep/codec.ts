/**
 * JSON that keeps what plain JSON loses from a result: NaN and +-Infinity (JSON.stringify writes them as
 * null) and typed arrays (written as objects keyed by index). A cell's result read back must equal what
 * the run returned, or a merged table would differ from an uninterrupted run's.
 */
const NUM = '$num';
const F64 = '$f64';
const F32 = '$f32';
const I32 = '$i32';

export function encodeJson(x: unknown, indent?: number): string {
  return JSON.stringify(
    x,
    function (this: unknown, _key, value: unknown) {
      if (typeof value === 'number' && !Number.isFinite(value)) return { [NUM]: String(value) };
      if (value instanceof Float64Array) return { [F64]: Array.from(value, (v) => (Number.isFinite(v) ? v : { [NUM]: String(v) })) };
      if (value instanceof Float32Array) return { [F32]: Array.from(value, (v) => (Number.isFinite(v) ? v : { [NUM]: String(v) })) };
      if (value instanceof Int32Array) return { [I32]: Array.from(value) };
      return value;
    },
    indent,
  );
}

const number = (v: unknown): number => (typeof v === 'number' ? v : Number((v as Record<string, string>)[NUM]));

export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value == null || typeof value !== 'object' || Array.isArray(value)) return value;
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length !== 1) return value;
    if (keys[0] === NUM && typeof o[NUM] === 'string') return Number(o[NUM]);
    // The reviver runs innermost first: a typed array's non-finite entries are numbers by now.
    if (keys[0] === F64 && Array.isArray(o[F64])) return Float64Array.from(o[F64] as unknown[], number);
    if (keys[0] === F32 && Array.isArray(o[F32])) return Float32Array.from(o[F32] as unknown[], number);
    if (keys[0] === I32 && Array.isArray(o[I32])) return Int32Array.from(o[I32] as number[]);
    return value;
  });
}
