/**
 * One-dimensional adaptive Gauss–Kronrod quadrature (the 7/15-point pair of QUADPACK's QK15)
 * in float64, and expectations under a scalar Gaussian computed with it.
 *
 * Accuracy: panels are bisected, worst first, until Σ|K15 − G7| ≤ max(absTol, relTol·∫|f|);
 * |K15 − G7| over-estimates the K15 error by orders of magnitude for smooth integrands, so the
 * defaults (relTol 1e-13) give ~1e-13 relative accuracy for the E3 integrands, which are smooth
 * except for kinks at component centres (Laplace); those are passed as breakpoints so every
 * kink sits on a panel edge. Gaussian expectations integrate over mean ± 14 sd: the mass outside
 * is 1.6e-44, negligible against integrands that grow at most polynomially.
 */
import { LOG_2PI } from '../util/math';
import { UserError } from '../util/errors';

const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
/** Gauss 7-point weights for the nodes XGK[1], XGK[3], XGK[5], XGK[7]. */
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

interface Panel {
  readonly kronrod: number;
  readonly gauss: number;
  readonly absKronrod: number;
}

function qk15(f: (x: number) => number, a: number, b: number): Panel {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let k = WGK[7] * fc;
  let g = WG[3] * fc;
  let ak = WGK[7] * Math.abs(fc);
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const f1 = f(c - dx);
    const f2 = f(c + dx);
    k += WGK[j] * (f1 + f2);
    ak += WGK[j] * (Math.abs(f1) + Math.abs(f2));
    if (j % 2 === 1) g += WG[(j - 1) / 2] * (f1 + f2);
  }
  return { kronrod: k * h, gauss: g * h, absKronrod: ak * Math.abs(h) };
}

export interface QuadratureOptions {
  /** Absolute error target for the whole integral (default 1e-300: purely relative). */
  readonly absTol?: number;
  /** Error target relative to ∫|f| (default 1e-13). */
  readonly relTol?: number;
  /** Points inside (a, b) where f has a kink or a sharp feature; become panel edges. */
  readonly breakpoints?: readonly number[];
  /** Maximum number of panels (default 2000; each costs 15 evaluations). */
  readonly maxPanels?: number;
}

export interface QuadratureResult {
  readonly value: number;
  /** Sum of the panels' |K15 − G7| (a conservative error bound; round-off-level panels count 0). */
  readonly errorBound: number;
  readonly evaluations: number;
}

interface Open {
  readonly a: number;
  readonly b: number;
  readonly p: Panel;
  /** |K15 − G7|, or 0 once it is at the round-off level and cannot improve by bisection. */
  readonly err: number;
}

/**
 * ∫_a^b f(x) dx by globally adaptive Gauss–Kronrod 7/15 (as QUADPACK's QAG): repeatedly bisect
 * the panel with the largest error estimate until the total is ≤ max(absTol, relTol·∫|f|) or
 * maxPanels is reached. Panels whose |K15 − G7| is below 50 ε ∫|f| over the panel are at the
 * round-off floor and are not refined further.
 */
export function integrate(f: (x: number) => number, a: number, b: number, opts: QuadratureOptions = {}): QuadratureResult {
  if (!(b > a) || !Number.isFinite(a) || !Number.isFinite(b)) throw new UserError(`integration interval [${a}, ${b}] must be finite with a < b`);
  const absTol = opts.absTol ?? 1e-300;
  const relTol = opts.relTol ?? 1e-13;
  const maxPanels = opts.maxPanels ?? 2000;
  const edges = [a, ...(opts.breakpoints ?? []).filter((p) => p > a && p < b).sort((u, v) => u - v), b];
  let evaluations = 0;
  const counted = (x: number): number => {
    evaluations++;
    return f(x);
  };
  const open = (lo: number, hi: number): Open => {
    const p = qk15(counted, lo, hi);
    const raw = Math.abs(p.kronrod - p.gauss);
    return { a: lo, b: hi, p, err: raw <= 50 * Number.EPSILON * p.absKronrod ? 0 : raw };
  };
  // A binary max-heap on err.
  const heap: Open[] = [];
  const push = (o: Open): void => {
    heap.push(o);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].err >= heap[i].err) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const pop = (): Open => {
    const top = heap[0];
    const last = heap.pop() as Open;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l].err > heap[m].err) m = l;
        if (r < heap.length && heap[r].err > heap[m].err) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  let totalErr = 0;
  let absTotal = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    if (edges[i + 1] <= edges[i]) continue;
    const o = open(edges[i], edges[i + 1]);
    push(o);
    totalErr += o.err;
    absTotal += o.p.absKronrod;
  }
  while (heap.length < maxPanels && heap[0].err > 0 && totalErr > Math.max(absTol, relTol * absTotal)) {
    const worst = pop();
    const mid = 0.5 * (worst.a + worst.b);
    const left = open(worst.a, mid);
    const right = open(mid, worst.b);
    push(left);
    push(right);
    totalErr += left.err + right.err - worst.err;
    absTotal += left.p.absKronrod + right.p.absKronrod - worst.p.absKronrod;
    if (!Number.isFinite(totalErr)) break;
  }
  // Sum smallest-first for accuracy.
  const parts = heap.map((o) => o.p.kronrod).sort((u, v) => Math.abs(u) - Math.abs(v));
  let value = 0;
  for (const v of parts) value += v;
  return { value, errorBound: heap.reduce((s, o) => s + o.err, 0), evaluations };
}

/** A scalar normal N(mean, sd²). */
export interface Normal1d {
  readonly mean: number;
  readonly sd: number;
}

/** Half-width of the integration window for Gaussian expectations, in standard deviations. */
export const GAUSS_WINDOW_SD = 14;

/** log N(b; mean, sd²). */
export function normal1dLogPdf(q: Normal1d, b: number): number {
  const z = (b - q.mean) / q.sd;
  return -0.5 * z * z - Math.log(q.sd) - 0.5 * LOG_2PI;
}

/** E_{b~q}[f(b)] by adaptive quadrature over mean ± 14 sd (breakpoints: kinks of f). */
export function gaussianExpectation(q: Normal1d, f: (b: number) => number, opts: QuadratureOptions = {}): number {
  if (!(q.sd > 0)) throw new UserError(`normal q has sd ${q.sd}; give sd > 0`);
  const lo = q.mean - GAUSS_WINDOW_SD * q.sd;
  const hi = q.mean + GAUSS_WINDOW_SD * q.sd;
  return integrate((b) => {
    const w = Math.exp(normal1dLogPdf(q, b));
    return w === 0 ? 0 : w * f(b);
  }, lo, hi, opts).value;
}

/** erf(x) to double precision: the positive series e^{−x²}·Σ 2ⁿx^{2n+1}/(2n+1)!! for |x| < 2.5, 1 − erfc otherwise. */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x >= 2.5) return 1 - erfc(x);
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 3);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** erfc(x) = 1 − erf(x), with the Laplace continued fraction (modified Lentz) for x ≥ 2.5. */
export function erfc(x: number): number {
  if (x < 2.5) return 1 - erf(x);
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return x < 0 ? 0.5 * erfc(-x / Math.SQRT2) : 1 - 0.5 * erfc(x / Math.SQRT2);
}

/**
 * Golden-section-refined grid search for the minimiser of f on [lo, hi]: evaluate on `grid`
 * points, then refine within the bracket of the best point to `tol`. Finds the global minimum
 * when the grid resolves the basins.
 */
export function argminScalar(f: (x: number) => number, lo: number, hi: number, grid = 81, tol = 1e-9): { x: number; value: number } {
  let best = 0;
  let bestV = Infinity;
  const xs: number[] = [];
  for (let i = 0; i < grid; i++) {
    const x = lo + ((hi - lo) * i) / (grid - 1);
    xs.push(x);
    const v = f(x);
    if (v < bestV) {
      bestV = v;
      best = i;
    }
  }
  let a = xs[Math.max(0, best - 1)];
  let b = xs[Math.min(grid - 1, best + 1)];
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol * Math.max(1, Math.abs(a) + Math.abs(b))) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  const x = 0.5 * (a + b);
  const v = f(x);
  return v <= bestV ? { x, value: v } : { x: xs[best], value: bestV };
}
