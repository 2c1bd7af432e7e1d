/**
 * The Hungarian (Kuhn–Munkres) algorithm: a minimum-cost one-to-one assignment of the rows of
 * a rectangular cost matrix to its columns, O(r² c) with potentials (Jonker–Volgenant style
 * shortest augmenting paths). Exact for any real costs; meant for small matrices (cluster ↔
 * class matching, k ≲ a few hundred).
 */
import { UserError } from '../util/errors';
import { assertFinite, assertLength, assertPositiveInt } from './arrays';

/**
 * Minimum-cost assignment.
 * @param cost row-major [rows, cols] costs.
 * @returns `assignment[r]` = the column given to row r, or −1 when rows > cols and row r is left
 *   over. Every column is used at most once; min(rows, cols) rows are assigned.
 */
export function hungarian(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  assertPositiveInt(rows, 'rows');
  assertPositiveInt(cols, 'cols');
  assertLength(cost, rows * cols, 'cost matrix');
  assertFinite(cost, cols, 'cost', 'assignment costs must be finite numbers');
  if (rows > cols) {
    // Solve the transpose (each column gets a row), then invert.
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = cost[r * cols + c];
    const colToRow = hungarian(t, cols, rows);
    const out = new Int32Array(rows).fill(-1);
    colToRow.forEach((r, c) => {
      out[r] = c;
    });
    return out;
  }
  // 1-based arrays; column 0 is a virtual column holding the row being inserted.
  const n = rows;
  const m = cols;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = -1;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      if (j1 < 0) throw new UserError('Hungarian assignment failed to find an augmenting path (non-finite costs?)');
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j] > 0) assignment[p[j] - 1] = j - 1;
  return assignment;
}
