/**
 * Minimum-cost one-to-one assignment of the rows of a rectangular cost matrix to its columns
 * (cluster ↔ class matching, code ↔ factor matching), by the `munkres` package (Kuhn–Munkres,
 * square and rectangular matrices). Exact for any finite real costs.
 */
import { assertFinite, assertLength, assertPositiveInt } from './arrays';

// `munkres` types itself as an ES module: TypeScript 5.0 (what `npx tsc` resolves here, tslab's
// copy) refuses to import that from CommonJS, so the one call is typed here and `require`d.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { munkres } = require('munkres') as { munkres: (costMatrix: number[][]) => [row: number, col: number][] };


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
  const matrix = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => cost[r * cols + c]));
  const assignment = new Int32Array(rows).fill(-1);
  for (const [r, c] of munkres(matrix)) assignment[r] = c;
  return assignment;
}
