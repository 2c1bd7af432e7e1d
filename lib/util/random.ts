/**
 * Seeded pseudo-random numbers (float64, pure JS). The same seed gives the same stream on
 * every machine: sfc32 seeded through splitmix32, normals by Box–Muller.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A 32-bit integer, for seeding tfjs ops or child generators. */
  nextSeed(): number;
}

function splitmix32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t = t ^ (t >>> 15);
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/**
 * The sfc32 state (a, b, c, d) of `seed`: seeded through splitmix32, the first 12 draws
 * discarded. Advance it with `nextUint32s`.
 */
export function rngState(seed: number): Int32Array {
  const sm = splitmix32(Math.floor(seed) >>> 0);
  const state = Int32Array.of(sm(), sm(), sm(), sm());
  nextUint32s(state, new Uint32Array(12));
  return state;
}

/**
 * Fill `out` with the generator's next draws (uint32), advancing `state`. The loop keeps the
 * state in int32 locals: it is how `makeRng` draws too (64 at a time), and what dropout masks
 * use directly (`dropoutMultipliers` below, drawn by the dropout op of lib/models/nn.ts and by
 * the speed lab's dropout kernel) — one definition of the stream.
 */
export function nextUint32s(state: Int32Array, out: Uint32Array): void {
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < out.length; i++) {
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    out[i] = t;
  }
  state[0] = a; state[1] = b; state[2] = c; state[3] = d;
}

/**
 * The inverted-dropout multipliers m [n]: 1/(1 − rate) (rounded to float32) where the i-th
 * uniform of makeRng(seed) is ≥ rate, else 0 — drawn in one block by `nextUint32s` (through
 * makeRng's per-draw closure one step's 64 k draws took ≈ 0.9 ms, a fifth of a gait step). The
 * one definition of the mask: lib/models/nn.ts's dropout multiplies by it, and so does the speed
 * lab's dropout kernel, so every backend gets the same mask and the same numbers bit for bit.
 */
export function dropoutMultipliers(n: number, rate: number, seed: number): Float32Array {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  const scale = Math.fround(1 / (1 - rate));
  // u = t / 2³² ≥ rate ⇔ t ≥ rate·2³² (both exact: scaling by a power of two).
  const threshold = rate * 4294967296;
  const draws = new Uint32Array(n);
  nextUint32s(rngState(seed), draws);
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = draws[i] >= threshold ? scale : 0;
  return m;
}

export function makeRng(seed: number): Rng {
  const state = rngState(seed);
  const block = new Uint32Array(64);
  let pos = block.length;
  const next = (): number => {
    if (pos === block.length) {
      nextUint32s(state, block);
      pos = 0;
    }
    return block[pos++];
  };
  let spare: number | undefined;
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(uniform() * n),
    nextSeed: () => next() | 0,
  };
}

/** Fisher–Yates shuffle of 0..n-1 with the given generator. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Deterministic 32-bit seed from several integers (step, phase, draw index, …). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  }
  return makeRng(h >>> 0).nextSeed() >>> 0;
}
