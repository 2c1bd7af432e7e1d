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
  ;; C[i, j] = v[j] for i < m, j < n (ldc in elements).
  (func $fill_rows (export "fill_rows") (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $v i32)
    (local $i i32) (local $j i32) (local $row i32)
    (block $done_i (loop $li
      (br_if $done_i (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $ldc)) (i32.const 2))))
      (local.set $j (i32.const 0))
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
  ${REDUCE})`;
}
