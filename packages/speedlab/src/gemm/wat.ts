/**
 * The WebAssembly text of divelab's single-precision GEMM: C (+)= op(A)·op(B), row-major, any
 * strides, in the style of BLIS/GotoBLAS — operands are packed into panels that stream through
 * a 4×8 register-blocked micro-kernel.
 *
 * Why our own: XNNPACK in tfjs-backend-wasm 4.22 is compiled for plain wasm SIMD, which has no
 * fused multiply-add, so each 4-lane multiply-add costs two instructions. The relaxed-SIMD
 * `f32x4.relaxed_madd` compiles to one `vfmadd` on x86-64 with FMA3 (and `fmla` on arm64),
 * doubling the arithmetic per instruction. When the engine lacks relaxed SIMD the same text is
 * generated with `f32x4.add(f32x4.mul(…))` (see `gemmWat({ fma: false })`).
 *
 * Memory is imported (`env.memory`): the module runs directly on the tfjs wasm heap, so no
 * operand is copied. All pointers are byte addresses, all strides and sizes are in elements.
 *
 * Exports:
 * - `pack(src, sl, sk, len, kc, w, dst)`: A[0:mc, 0:kc] into ⌈mc/MR⌉ panels of MR rows, or
 *   B[0:kc, 0:nc] into ⌈nc/NR⌉ panels of NR columns, each [kc][w], zero-padded (see PACK).
 * - `macro(mc, nc, kc, ap, bp, c, ldc, accumulate, tile)`: C[0:mc, 0:nc] (+)= Ap·Bp over the
 *   packed blocks; partial tiles at the edges go through the 32-float scratch `tile`.
 * - `fill_rows(c, ldc, m, n, v)`: C[i, j] = v[j] (a bias broadcast over rows).
 * - `relu(p, count)`: in-place max(0, x).
 * - `adam(p, g, m, v, pOut, mOut, vOut, count, scale, b1, b2, c1, c2, eps, lr, lrWd)`: one
 *   fused Adam/AdamW update (lib/train/adam.ts has the formula), 4 lanes at a time.
 * - `colsum(x, m, n, out)`: out[j] = Σ_i x[i, j] over a row-major [m, n] (bias gradients).
 * - `sumsq(p, count) → f32`: Σ p² (gradient norms), four 4-lane partial sums.
 * - `relu_to(x, out, count)`, `relu_grad(dy, x, out, count)`: ReLU and its gradient dy·step(x),
 *   4 lanes at a time, with tfjs's values for NaN, ±0 and ±∞ (see ELEMENTWISE).
 * - `add_rows(x, b, out, m, n)`: out[i, j] = x[i, j] + b[j] (a bias added to every row).
 * - `transpose(src, dst, rows, cols, lds, ldd)`: dst[j, i] = src[i, j] in 4×4 register blocks.
 * - `sqdiff_sum(a, b, count) → f64`: Σ (a − b)², each square rounded to float32 (as tfjs's
 *   SquaredDifference) and summed in float64; `scaled_diff(a, b, s, out, count)`: out = s·(a − b).
 * - `tile_middle(src, dst, outer, reduced, inner)`: dst[o, r, i] = src[o, i] (the gradient of a
 *   sum or mean over the middle axes: dy repeated along them).
 */

/** Rows (MR) and columns (NR) of the register tile. */
export const MR = 4;
export const NR = 8;

export interface GemmWatOptions {
  /** Use `f32x4.relaxed_madd` (needs relaxed SIMD); otherwise a multiply then an add. */
  fma: boolean;
  /** Rows of the register tile (default MR). */
  mr?: number;
}

const acc = (r: number, h: number): string => `$c${r}${h}`;

function madd(fma: boolean, a: string, b: string, c: string): string {
  return fma ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add (f32x4.mul ${a} ${b}) ${c})`;
}

/** The 4×8 micro-kernel: C[4×8] (+)= Σ_p Ap[p][0:4] ⊗ Bp[p][0:8]; ldc in bytes. */
function kernel(fma: boolean, MR: number): string {
  const locals: string[] = [];
  for (let r = 0; r < MR; r++) for (let h = 0; h < 2; h++) locals.push(`(local ${acc(r, h)} v128)`);
  const load: string[] = [];
  const store: string[] = [];
  for (let r = 0; r < MR; r++) {
    const row = `(i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const ${r})))`;
    for (let h = 0; h < 2; h++) {
      load.push(`(local.set ${acc(r, h)} (v128.load offset=${16 * h} ${row}))`);
      store.push(`(v128.store offset=${16 * h} ${row} (local.get ${acc(r, h)}))`);
    }
  }
  const step: string[] = [];
  step.push('(local.set $b0 (v128.load (local.get $bp)))', '(local.set $b1 (v128.load offset=16 (local.get $bp)))');
  for (let r = 0; r < MR; r++) {
    step.push(`(local.set $a (v128.load32_splat offset=${4 * r} (local.get $ap)))`);
    for (let h = 0; h < 2; h++) step.push(`(local.set ${acc(r, h)} ${madd(fma, '(local.get $a)', `(local.get $b${h})`, `(local.get ${acc(r, h)})`)})`);
  }
  return `
  (func $kernel (param $kc i32) (param $ap i32) (param $bp i32) (param $c i32) (param $ldc i32) (param $accumulate i32)
    ${locals.join(' ')} (local $a v128) (local $b0 v128) (local $b1 v128) (local $end i32)
    (if (local.get $accumulate) (then ${load.join('\n      ')}))
    (local.set $end (i32.add (local.get $ap) (i32.mul (local.get $kc) (i32.const ${4 * MR}))))
    (block $done
      (br_if $done (i32.eqz (local.get $kc)))
      (loop $k
        ${step.join('\n        ')}
        (local.set $ap (i32.add (local.get $ap) (i32.const ${4 * MR})))
        (local.set $bp (i32.add (local.get $bp) (i32.const ${4 * NR})))
        (br_if $k (i32.lt_u (local.get $ap) (local.get $end)))))
    ${store.join('\n    ')})`;
}

/**
 * Panel packing for both operands: `len` rows of op(A) (panel width MR) or columns of op(B)
 * (width NR), each element (l, p) read at src + 4·(l·sl + p·sk), into ⌈len/w⌉ panels, each
 * [kc][w], zero past len. A: (sl, sk) = (rsA, csA); B: (sl, sk) = (csB, rsB).
 */
const PACK = `
  (func $pack (export "pack") (param $src i32) (param $sl i32) (param $sk i32) (param $len i32) (param $kc i32) (param $w i32) (param $dst i32)
    (local $l0 i32) (local $p i32) (local $r i32) (local $l i32)
    (block $done_l (loop $ll
      (br_if $done_l (i32.ge_s (local.get $l0) (local.get $len)))
      (local.set $p (i32.const 0))
      (block $done_p (loop $lp
        (br_if $done_p (i32.ge_s (local.get $p) (local.get $kc)))
        (local.set $r (i32.const 0))
        (block $done_r (loop $lr
          (br_if $done_r (i32.ge_s (local.get $r) (local.get $w)))
          (local.set $l (i32.add (local.get $l0) (local.get $r)))
          (f32.store (local.get $dst)
            (if (result f32) (i32.lt_s (local.get $l) (local.get $len))
              (then (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $l) (local.get $sl)) (i32.mul (local.get $p) (local.get $sk))) (i32.const 2)))))
              (else (f32.const 0))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $lr)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $lp)))
      (local.set $l0 (i32.add (local.get $l0) (local.get $w)))
      (br $ll))))`;

/** Copy an mr×nr block between C (ldc bytes) and the tile (32 bytes per row); dir 0: C→tile. */
const TILE_COPY = `
  (func $tile_copy (param $c i32) (param $ldc i32) (param $tile i32) (param $mr i32) (param $nr i32) (param $toC i32)
    (local $r i32) (local $j i32) (local $pc i32) (local $pt i32)
    (block $done_r (loop $lr
      (br_if $done_r (i32.ge_s (local.get $r) (local.get $mr)))
      (local.set $j (i32.const 0))
      (block $done_j (loop $lj
        (br_if $done_j (i32.ge_s (local.get $j) (local.get $nr)))
        (local.set $pc (i32.add (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $pt (i32.add (local.get $tile) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2))))
        (if (local.get $toC)
          (then (f32.store (local.get $pc) (f32.load (local.get $pt))))
          (else (f32.store (local.get $pt) (f32.load (local.get $pc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lj)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $lr))))`;

/** Tile loops over one packed block; full tiles in place, edge tiles via the scratch tile. */
const macro = (MR: number): string => `
  (func $macro (export "macro") (param $mc i32) (param $nc i32) (param $kc i32) (param $ap i32) (param $bp i32)
      (param $c i32) (param $ldc i32) (param $accumulate i32) (param $tile i32)
    (local $jr i32) (local $ir i32) (local $mr i32) (local $nr i32) (local $ldcb i32) (local $ct i32) (local $apanel i32) (local $bpanel i32)
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
    (block $done_j (loop $lj
      (br_if $done_j (i32.ge_s (local.get $jr) (local.get $nc)))
      (local.set $nr (i32.sub (local.get $nc) (local.get $jr)))
      (if (i32.gt_s (local.get $nr) (i32.const ${NR})) (then (local.set $nr (i32.const ${NR}))))
      (local.set $bpanel (i32.add (local.get $bp) (i32.mul (i32.shl (local.get $jr) (i32.const 2)) (local.get $kc))))
      (local.set $ir (i32.const 0))
      (block $done_i (loop $li
        (br_if $done_i (i32.ge_s (local.get $ir) (local.get $mc)))
        (local.set $mr (i32.sub (local.get $mc) (local.get $ir)))
        (if (i32.gt_s (local.get $mr) (i32.const ${MR})) (then (local.set $mr (i32.const ${MR}))))
        (local.set $apanel (i32.add (local.get $ap) (i32.mul (i32.shl (local.get $ir) (i32.const 2)) (local.get $kc))))
        (local.set $ct (i32.add (local.get $c) (i32.add (i32.mul (local.get $ir) (local.get $ldcb)) (i32.shl (local.get $jr) (i32.const 2)))))
        (if (i32.and (i32.eq (local.get $mr) (i32.const ${MR})) (i32.eq (local.get $nr) (i32.const ${NR})))
          (then (call $kernel (local.get $kc) (local.get $apanel) (local.get $bpanel) (local.get $ct) (local.get $ldcb) (local.get $accumulate)))
          (else
            (if (local.get $accumulate) (then (call $tile_copy (local.get $ct) (local.get $ldcb) (local.get $tile) (local.get $mr) (local.get $nr) (i32.const 0))))
            (call $kernel (local.get $kc) (local.get $apanel) (local.get $bpanel) (local.get $tile) (i32.const ${4 * NR}) (local.get $accumulate))
            (call $tile_copy (local.get $ct) (local.get $ldcb) (local.get $tile) (local.get $mr) (local.get $nr) (i32.const 1))))
        (local.set $ir (i32.add (local.get $ir) (i32.const ${MR})))
        (br $li)))
      (local.set $jr (i32.add (local.get $jr) (i32.const ${NR})))
      (br $lj))))`;

const EPILOGUE = `
  ;; C[i, j] = v[j] for i < m, j < n (ldc in elements), 4 columns at a time.
  (func $fill_rows (export "fill_rows") (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $v i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n4 i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done_i (loop $li
      (br_if $done_i (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $ldc)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $done_v (loop $lv
        (br_if $done_v (i32.ge_s (local.get $j) (local.get $n4)))
        (v128.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))) (v128.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $lv)))
      (block $done_j (loop $lj
        (br_if $done_j (i32.ge_s (local.get $j) (local.get $n)))
        (f32.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))) (f32.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lj)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $li))))

  ;; p[0:count] = max(0, p[0:count]) (NaN stays NaN, as in tf.relu).
  (func $relu (export "relu") (param $p i32) (param $count i32)
    (local $end i32) (local $x f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $x (f32.load (local.get $p)))
      (if (f32.lt (local.get $x) (f32.const 0)) (then (f32.store (local.get $p) (f32.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l))))`;

/**
 * Fused Adam: g ← scale·g; m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g²;
 * p ← p − lr·(m·c1)/(√(v·c2) + eps) − lrWd·p, with c1 = 1/(1−b1ᵗ), c2 = 1/(1−b2ᵗ).
 * Plain multiply and add (no FMA), so both binaries give the same numbers.
 */
const ADAM = `
  (func $adam (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32)
      (param $po i32) (param $mo i32) (param $vo i32) (param $count i32)
      (param $scale f32) (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32) (param $eps f32) (param $lr f32) (param $lrWd f32)
    (local $i i32) (local $end4 i32) (local $off i32)
    (local $gs v128) (local $m2 v128) (local $v2 v128) (local $pv v128)
    (local $vscale v128) (local $vb1 v128) (local $v1b1 v128) (local $vb2 v128) (local $v1b2 v128)
    (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vlr v128) (local $vlrWd v128)
    (local.set $vscale (f32x4.splat (local.get $scale)))
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $v1b1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $v1b2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vlrWd (f32x4.splat (local.get $lrWd)))
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $end4)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gs (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $off))) (local.get $vscale)))
      (local.set $m2 (f32x4.add (f32x4.mul (local.get $vb1) (v128.load (i32.add (local.get $m) (local.get $off)))) (f32x4.mul (local.get $v1b1) (local.get $gs))))
      (local.set $v2 (f32x4.add (f32x4.mul (local.get $vb2) (v128.load (i32.add (local.get $v) (local.get $off)))) (f32x4.mul (local.get $v1b2) (f32x4.mul (local.get $gs) (local.get $gs)))))
      (local.set $pv (v128.load (i32.add (local.get $p) (local.get $off))))
      (v128.store (i32.add (local.get $mo) (local.get $off)) (local.get $m2))
      (v128.store (i32.add (local.get $vo) (local.get $off)) (local.get $v2))
      (v128.store (i32.add (local.get $po) (local.get $off))
        (f32x4.sub
          (f32x4.sub (local.get $pv)
            (f32x4.mul (local.get $vlr) (f32x4.div (f32x4.mul (local.get $m2) (local.get $vc1)) (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $v2) (local.get $vc2))) (local.get $veps)))))
          (f32x4.mul (local.get $vlrWd) (local.get $pv))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_s (local.get $i) (local.get $count)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gs (f32x4.splat (f32.load (i32.add (local.get $g) (local.get $off)))))
      (local.set $gs (f32x4.mul (local.get $gs) (local.get $vscale)))
      (local.set $m2 (f32x4.add (f32x4.mul (local.get $vb1) (f32x4.splat (f32.load (i32.add (local.get $m) (local.get $off))))) (f32x4.mul (local.get $v1b1) (local.get $gs))))
      (local.set $v2 (f32x4.add (f32x4.mul (local.get $vb2) (f32x4.splat (f32.load (i32.add (local.get $v) (local.get $off))))) (f32x4.mul (local.get $v1b2) (f32x4.mul (local.get $gs) (local.get $gs)))))
      (local.set $pv (f32x4.splat (f32.load (i32.add (local.get $p) (local.get $off)))))
      (f32.store (i32.add (local.get $mo) (local.get $off)) (f32x4.extract_lane 0 (local.get $m2)))
      (f32.store (i32.add (local.get $vo) (local.get $off)) (f32x4.extract_lane 0 (local.get $v2)))
      (f32.store (i32.add (local.get $po) (local.get $off)) (f32x4.extract_lane 0
        (f32x4.sub
          (f32x4.sub (local.get $pv)
            (f32x4.mul (local.get $vlr) (f32x4.div (f32x4.mul (local.get $m2) (local.get $vc1)) (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $v2) (local.get $vc2))) (local.get $veps)))))
          (f32x4.mul (local.get $vlrWd) (local.get $pv)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))`;

/** Reductions: column sums (4 lanes at a time, rows in order) and the sum of squares. */
const REDUCE = `
  (func $colsum (export "colsum") (param $x i32) (param $m i32) (param $n i32) (param $out i32)
    (local $i i32) (local $j i32) (local $n4 i32) (local $row i32) (local $o i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    ;; out = row 0, then add rows 1..m−1 in order
    (memory.copy (local.get $out) (local.get $x) (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 1))
    (block $done_i (loop $li
      (br_if $done_i (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $done_j (loop $lj
        (br_if $done_j (i32.ge_s (local.get $j) (local.get $n4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $o))) (v128.load (i32.add (local.get $row) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $lj)))
      (block $done_t (loop $lt
        (br_if $done_t (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.add (f32.load (i32.add (local.get $out) (local.get $o))) (f32.load (i32.add (local.get $row) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lt)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $li))))

  (func $sumsq (export "sumsq") (param $p i32) (param $count i32) (result f32)
    (local $end16 i32) (local $end i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $x v128) (local $s f32) (local $y f32)
    (local.set $end16 (i32.add (local.get $p) (i32.shl (i32.and (local.get $count) (i32.const -16)) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end16)))
      (local.set $x (v128.load (local.get $p)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (local.get $x))))
      (local.set $x (v128.load offset=16 (local.get $p)))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (local.get $x))))
      (local.set $x (v128.load offset=32 (local.get $p)))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (local.get $x))))
      (local.set $x (v128.load offset=48 (local.get $p)))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (local.get $x))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $l)))
    (local.set $x (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $x)) (f32x4.extract_lane 1 (local.get $x)))
                           (f32.add (f32x4.extract_lane 2 (local.get $x)) (f32x4.extract_lane 3 (local.get $x)))))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $y (f32.load (local.get $p)))
      (local.set $s (f32.add (local.get $s) (f32.mul (local.get $y) (local.get $y))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l1)))
    (local.get $s))`;

/**
 * Element-wise kernels, 4 lanes at a time with a scalar tail. Their values equal tfjs's own
 * kernels bit for bit: ReLU keeps NaN and maps −0 to +0 (x > 0 or NaN selects x, else +0); its
 * gradient is dy·step(x) with step = 1 for x > 0, NaN for NaN, else 0 (so dy·0 keeps tfjs's −0
 * and ∞·0 = NaN); `add_rows` is one float32 addition per element.
 */
const ELEMENTWISE = `
  (func $relu_to (export "relu_to") (param $x i32) (param $out i32) (param $count i32)
    (local $i i32) (local $end4 i32) (local $v v128) (local $f f32)
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $end4)))
      (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (v128.and (local.get $v) (v128.or (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.ne (local.get $v) (local.get $v)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_s (local.get $i) (local.get $count)))
      (local.set $f (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (select (local.get $f) (f32.const 0) (i32.or (f32.gt (local.get $f) (f32.const 0)) (f32.ne (local.get $f) (local.get $f)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))

  (func $relu_grad (export "relu_grad") (param $dy i32) (param $x i32) (param $out i32) (param $count i32)
    (local $i i32) (local $end4 i32) (local $v v128) (local $s v128) (local $o i32) (local $f f32) (local $t f32)
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $end4)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $o))))
      ;; step(x): 1 where x > 0, else 0; then NaN where x is NaN (x itself)
      (local.set $s (v128.and (v128.const f32x4 1 1 1 1) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
      (local.set $s (v128.bitselect (local.get $v) (local.get $s) (f32x4.ne (local.get $v) (local.get $v))))
      (v128.store (i32.add (local.get $out) (local.get $o)) (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $o))) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_s (local.get $i) (local.get $count)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $f (f32.load (i32.add (local.get $x) (local.get $o))))
      (local.set $t (select (f32.const 1) (f32.const 0) (f32.gt (local.get $f) (f32.const 0))))
      (local.set $t (select (local.get $f) (local.get $t) (f32.ne (local.get $f) (local.get $f))))
      (f32.store (i32.add (local.get $out) (local.get $o)) (f32.mul (f32.load (i32.add (local.get $dy) (local.get $o))) (local.get $t)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))

  ;; out[i, j] = x[i, j] + b[j] for a row-major [m, n] (out may be x).
  (func $add_rows (export "add_rows") (param $x i32) (param $b i32) (param $out i32) (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $n4 i32) (local $rx i32) (local $ro i32) (local $o i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done_i (loop $li
      (br_if $done_i (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $rx (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (local.set $ro (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $done_j (loop $lj
        (br_if $done_j (i32.ge_s (local.get $j) (local.get $n4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (v128.store (i32.add (local.get $ro) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $rx) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $lj)))
      (block $done_t (loop $lt
        (br_if $done_t (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (f32.store (i32.add (local.get $ro) (local.get $o))
          (f32.add (f32.load (i32.add (local.get $rx) (local.get $o))) (f32.load (i32.add (local.get $b) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lt)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $li))))

  ;; dst[j, i] = src[i, j] for i < rows, j < cols; row strides lds, ldd (elements); 4-byte elements.
  (func $transpose (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $lds i32) (param $ldd i32)
    (local $i i32) (local $j i32) (local $r4 i32) (local $c4 i32) (local $ps i32) (local $pd i32) (local $sb i32) (local $db i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $sb (i32.shl (local.get $lds) (i32.const 2)))
    (local.set $db (i32.shl (local.get $ldd) (i32.const 2)))
    (block $done_i (loop $li
      (br_if $done_i (i32.ge_s (local.get $i) (local.get $r4)))
      (local.set $j (i32.const 0))
      (block $done_j (loop $lj
        (br_if $done_j (i32.ge_s (local.get $j) (local.get $c4)))
        (local.set $ps (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $lds)) (local.get $j)) (i32.const 2))))
        (local.set $a (v128.load (local.get $ps)))
        (local.set $b (v128.load (i32.add (local.get $ps) (local.get $sb))))
        (local.set $c (v128.load (i32.add (local.get $ps) (i32.shl (local.get $sb) (i32.const 1)))))
        (local.set $d (v128.load (i32.add (local.get $ps) (i32.mul (local.get $sb) (i32.const 3)))))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $d)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $d)))
        (local.set $pd (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $ldd)) (local.get $i)) (i32.const 2))))
        (v128.store (local.get $pd) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $pd) (local.get $db)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $pd) (i32.shl (local.get $db) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store (i32.add (local.get $pd) (i32.mul (local.get $db) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $lj)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $li)))
    ;; the edges element by element: rows past r4 (every column), then columns past c4 of the first r4 rows
    (local.set $i (i32.const 0))
    (block $done_e (loop $le
      (br_if $done_e (i32.ge_s (local.get $i) (local.get $rows)))
      (local.set $j (select (i32.const 0) (local.get $c4) (i32.ge_s (local.get $i) (local.get $r4))))
      (block $done_k (loop $lk
        (br_if $done_k (i32.ge_s (local.get $j) (local.get $cols)))
        (i32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $ldd)) (local.get $i)) (i32.const 2)))
          (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $lds)) (local.get $j)) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lk)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $le))))

  ;; Σ (a − b)² over count floats, accumulated in float64 (two f64x2 partial sums, then the tail).
  (func $sqdiff_sum (export "sqdiff_sum") (param $a i32) (param $b i32) (param $count i32) (result f64)
    (local $i i32) (local $end4 i32) (local $d v128) (local $lo v128) (local $hi v128) (local $s f64) (local $e f64)
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $end4)))
      (local.set $d (f32x4.sub (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                               (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $d (f32x4.mul (local.get $d) (local.get $d)))
      (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $d))))
      (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_s (local.get $i) (local.get $count)))
      (local.set $e (f64.promote_f32 (f32.sub (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                                               (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.demote_f64 (f64.mul (local.get $e) (local.get $e))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (local.get $s))

  ;; dst[o, r, i] = src[o, i] for o < outer, r < reduced, i < inner (4-byte elements): per o, one
  ;; row copied, then the filled part doubled with memory.copy until all reduced rows are there.
  (func $tile_middle (export "tile_middle") (param $src i32) (param $dst i32) (param $outer i32) (param $reduced i32) (param $inner i32)
    (local $o i32) (local $row i32) (local $block i32) (local $done i32) (local $n i32) (local $total i32)
    (local.set $row (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $total (i32.mul (local.get $row) (local.get $reduced)))
    (block $end_o (loop $lo
      (br_if $end_o (i32.ge_s (local.get $o) (local.get $outer)))
      (local.set $block (i32.add (local.get $dst) (i32.mul (local.get $o) (local.get $total))))
      (memory.copy (local.get $block) (i32.add (local.get $src) (i32.mul (local.get $o) (local.get $row))) (local.get $row))
      (local.set $done (local.get $row))
      (block $end_d (loop $ld
        (br_if $end_d (i32.ge_u (local.get $done) (local.get $total)))
        (local.set $n (select (local.get $done) (i32.sub (local.get $total) (local.get $done)) (i32.le_u (local.get $done) (i32.sub (local.get $total) (local.get $done)))))
        (memory.copy (i32.add (local.get $block) (local.get $done)) (local.get $block) (local.get $n))
        (local.set $done (i32.add (local.get $done) (local.get $n)))
        (br $ld)))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $lo))))

  ;; out = s · (a − b) over count floats (s a float32 scalar).
  (func $scaled_diff (export "scaled_diff") (param $a i32) (param $b i32) (param $s f32) (param $out i32) (param $count i32)
    (local $i i32) (local $end4 i32) (local $vs v128) (local $o i32)
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $end4)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $out) (local.get $o))
        (f32x4.mul (local.get $vs) (f32x4.sub (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_s (local.get $i) (local.get $count)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $out) (local.get $o))
        (f32.mul (local.get $s) (f32.sub (f32.load (i32.add (local.get $a) (local.get $o))) (f32.load (i32.add (local.get $b) (local.get $o))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))`

/** The module text. */
export function gemmWat(options: GemmWatOptions): string {
  const mr = options.mr ?? MR;
  return `(module
  (import "env" "memory" (memory 1))
  ${kernel(options.fma, mr)}
  ${PACK}
  ${TILE_COPY}
  ${macro(mr)}
  ${EPILOGUE}
  ${ADAM}
  ${REDUCE}
  ${ELEMENTWISE})`;
}
