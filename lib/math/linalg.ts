/**
 * Small dense linear algebra in float64 (plain JS, row-major `Float64Array`), enough for the
 * closed-form Gaussian identities of docs/theory.md: products, Cholesky factorisation, log-
 * determinants, triangular and symmetric positive-definite solves. Sizes here are tiny
 * (≤ ~20), so clarity beats blocking or BLAS. The factorisation itself (and the SPD inverse)
 * is ml-matrix's CholeskyDecomposition; the triangular solves against a given factor L stay
 * here, because ml-matrix solves only through a decomposition object it computed itself.
 */
import { CholeskyDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { UserError } from '../util/errors';

/** A dense rows × cols matrix, row-major: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** A matrix from nested arrays (rows of equal length). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r ? rows[0].length : 0;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new UserError(`matrix row ${i} has ${row.length} entries, expected ${c}`);
    row.forEach((v, j) => (m.data[i * c + j] = v));
  });
  return m;
}

/** Nested arrays (for printing / JSON). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A diagonal matrix with the given diagonal. */
export function diag(d: ArrayLike<number>): Matrix {
  const n = d.length;
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = d[i];
  return m;
}

/** The diagonal of a square matrix. */
export function diagOf(m: Matrix): Float64Array {
  const n = Math.min(m.rows, m.cols);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = m.data[i * m.cols + i];
  return d;
}

export function get(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

export function transpose(m: Matrix): Matrix {
  const t = zeros(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  return t;
}

function assertSame(a: Matrix, b: Matrix, op: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`${op}: shapes ${a.rows}x${a.cols} and ${b.rows}x${b.cols} differ`);
}

/** α·A + β·B. */
export function axpby(alpha: number, a: Matrix, beta: number, b: Matrix): Matrix {
  assertSame(a, b, 'axpby');
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = alpha * a.data[i] + beta * b.data[i];
  return out;
}

export function add(a: Matrix, b: Matrix): Matrix {
  return axpby(1, a, 1, b);
}

export function sub(a: Matrix, b: Matrix): Matrix {
  return axpby(1, a, -1, b);
}

export function scale(a: Matrix, s: number): Matrix {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = s * a.data[i];
  return out;
}

/** A · B. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}x${a.cols} times ${b.rows}x${b.cols}`);
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k];
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += aik * b.data[k * b.cols + j];
    }
  }
  return out;
}

/** A · v. */
export function matvec(a: Matrix, v: ArrayLike<number>): Float64Array {
  if (a.cols !== v.length) throw new Error(`matvec: ${a.rows}x${a.cols} times vector of ${v.length}`);
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j] * v[j];
    out[i] = s;
  }
  return out;
}

export function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

export function vadd(u: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] + v[i];
  return out;
}

export function vsub(u: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] - v[i];
  return out;
}

export function vscale(u: ArrayLike<number>, s: number): Float64Array {
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = s * u[i];
  return out;
}

/** Trace of a square matrix. */
export function trace(m: Matrix): number {
  let s = 0;
  for (let i = 0; i < Math.min(m.rows, m.cols); i++) s += m.data[i * m.cols + i];
  return s;
}

/** (A + Aᵀ)/2: removes rounding asymmetry before a Cholesky factorisation. */
export function symmetrize(a: Matrix): Matrix {
  const n = a.rows;
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
  return out;
}

/** Sub-matrix rows [r0, r1) × cols [c0, c1). */
export function block(m: Matrix, r0: number, r1: number, c0: number, c1: number): Matrix {
  const out = zeros(r1 - r0, c1 - c0);
  for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) out.data[(i - r0) * (c1 - c0) + (j - c0)] = m.data[i * m.cols + j];
  return out;
}

/** Assemble [[A, B], [C, D]] from four blocks of matching sizes. */
export function blocks2(a: Matrix, b: Matrix, c: Matrix, d: Matrix): Matrix {
  if (a.rows !== b.rows || c.rows !== d.rows || a.cols !== c.cols || b.cols !== d.cols) throw new Error('blocks2: block shapes do not match');
  const rows = a.rows + c.rows;
  const cols = a.cols + b.cols;
  const out = zeros(rows, cols);
  const put = (m: Matrix, r0: number, c0: number): void => {
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.data[(r0 + i) * cols + c0 + j] = m.data[i * m.cols + j];
  };
  put(a, 0, 0);
  put(b, 0, a.cols);
  put(c, a.rows, 0);
  put(d, a.rows, a.cols);
  return out;
}

/** An ml-matrix Matrix of the lower triangle of A mirrored up (ml-matrix refuses inexact symmetry; we read the lower triangle). */
function mlSymmetricFromLower(a: Matrix): MlMatrix {
  const n = a.rows;
  const m = new MlMatrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a.data[i * n + j];
      m.set(i, j, v);
      m.set(j, i, v);
    }
  }
  return m;
}

function fromMl(m: MlMatrix): Matrix {
  const out = zeros(m.rows, m.columns);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = m.get(i, j);
  return out;
}

/** ml-matrix's Cholesky decomposition of A's lower triangle; a UserError naming `what` when A is not positive definite. */
function mlCholesky(a: Matrix, what: string): CholeskyDecomposition {
  if (a.rows !== a.cols) throw new Error(`cholesky: ${what} is ${a.rows}x${a.cols}, not square`);
  const dec = new CholeskyDecomposition(mlSymmetricFromLower(a));
  if (!dec.isPositiveDefinite()) {
    const l = dec.lowerTriangularMatrix;
    let pivot = 0;
    while (pivot < l.rows - 1 && l.get(pivot, pivot) > 0) pivot++;
    throw new UserError(`${what} is not positive definite (pivot ${pivot}); use a covariance with positive eigenvalues`);
  }
  return dec;
}

/**
 * Cholesky factor L (lower triangular, A = L Lᵀ) of a symmetric positive-definite matrix, by
 * ml-matrix's CholeskyDecomposition (only A's lower triangle is read).
 * Throws a UserError naming `what` when A is not positive definite.
 */
export function cholesky(a: Matrix, what = 'matrix'): Matrix {
  return fromMl(mlCholesky(a, what).lowerTriangularMatrix);
}

/** log det A from its Cholesky factor L: 2 Σ log L_ii. */
export function logDetFromCholesky(l: Matrix): number {
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.cols + i]);
  return 2 * s;
}

/** log det A for symmetric positive-definite A. */
export function logDetSpd(a: Matrix, what = 'matrix'): number {
  return logDetFromCholesky(cholesky(a, what));
}

/** Solve L x = b for lower-triangular L (forward substitution). */
export function solveLower(l: Matrix, b: ArrayLike<number>): Float64Array {
  const n = l.rows;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l.data[i * n + k] * x[k];
    x[i] = s / l.data[i * n + i];
  }
  return x;
}

/** Solve Lᵀ x = b for lower-triangular L (back substitution). */
export function solveUpperT(l: Matrix, b: ArrayLike<number>): Float64Array {
  const n = l.rows;
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l.data[k * n + i] * x[k];
    x[i] = s / l.data[i * n + i];
  }
  return x;
}

/** Solve A x = b given A's Cholesky factor L. */
export function cholSolve(l: Matrix, b: ArrayLike<number>): Float64Array {
  return solveUpperT(l, solveLower(l, b));
}

/** A⁻¹ B (column by column) given A's Cholesky factor L. */
export function cholSolveMatrix(l: Matrix, b: Matrix): Matrix {
  const out = zeros(b.rows, b.cols);
  const col = new Float64Array(b.rows);
  for (let j = 0; j < b.cols; j++) {
    for (let i = 0; i < b.rows; i++) col[i] = b.data[i * b.cols + j];
    const x = cholSolve(l, col);
    for (let i = 0; i < b.rows; i++) out.data[i * b.cols + j] = x[i];
  }
  return out;
}

/** A⁻¹ for symmetric positive-definite A (ml-matrix's CholeskyDecomposition.solve against I). */
export function inverseSpd(a: Matrix, what = 'matrix'): Matrix {
  return symmetrize(fromMl(mlCholesky(a, what).solve(MlMatrix.eye(a.rows))));
}

/** xᵀ A⁻¹ x given A's Cholesky factor L (= ‖L⁻¹x‖²). */
export function mahalanobisSq(l: Matrix, x: ArrayLike<number>): number {
  const z = solveLower(l, x);
  return dot(z, z);
}
