/**
 * Input checks shared by the metric modules: every metric takes plain typed arrays, checks
 * shapes and finiteness up front, and fails with a one-line UserError naming the argument,
 * the offending position and the fix.
 */
import { UserError } from '../util/errors';

/** Any numeric array a metric accepts (float32 model outputs, float64 statistics, plain arrays). */
export type NumericArray = Float32Array | Float64Array | Int32Array | readonly number[];

/** A non-negative integer array of class / bin ids. */
export type LabelArray = Int32Array | Uint8Array | Uint16Array | Uint32Array | readonly number[];

/**
 * Throw unless `a` has exactly `length` entries.
 * @param what a human name for the argument, e.g. "prediction".
 */
export function assertLength(a: ArrayLike<number>, length: number, what: string): void {
  if (a.length !== length) {
    throw new UserError(
      `${what} has ${a.length} entries but ${length} were expected; pass arrays of the same shape`,
    );
  }
}

/**
 * Throw unless `n` is a positive integer; used for channel / dimension counts.
 */
export function assertPositiveInt(n: number, what: string): void {
  if (!Number.isInteger(n) || n <= 0) {
    throw new UserError(`${what} must be a positive integer, got ${n}`);
  }
}

/**
 * Throw on the first NaN or ±Infinity, naming its row and column of a row-major [*, cols] array.
 * @param hint the fix to suggest, appended to the message.
 */
export function assertFinite(a: ArrayLike<number>, cols: number, what: string, hint: string): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / cols);
      const col = i - row * cols;
      throw new UserError(`${what} is ${v} at row ${row}, column ${col}; ${hint}`);
    }
  }
}

/**
 * Throw unless every entry is a non-negative integer (a class id); returns the largest id + 1.
 */
export function assertLabels(a: ArrayLike<number>, what: string): number {
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new UserError(
        `${what}[${i}] is ${v}; class ids must be non-negative integers (0, 1, …, k-1)`,
      );
    }
    if (v + 1 > k) k = v + 1;
  }
  return k;
}

/**
 * Copy the listed columns of a row-major [n, cols] array into a new row-major
 * [n, indices.length] float64 array — e.g. the a-dims or the b-dims of a latent code, to score
 * them separately with MIG.
 */
export function selectColumns(values: NumericArray, cols: number, indices: readonly number[]): Float64Array {
  assertPositiveInt(cols, 'cols');
  if (values.length % cols !== 0) {
    throw new UserError(`values have ${values.length} entries, not a multiple of cols=${cols}`);
  }
  for (const j of indices) {
    if (!Number.isInteger(j) || j < 0 || j >= cols) {
      throw new UserError(`column index ${j} is outside 0..${cols - 1}; pick columns of the ${cols}-wide array`);
    }
  }
  const n = values.length / cols;
  const k = indices.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = values[i * cols + indices[c]];
  return out;
}
