#!/usr/bin/env node
/**
 * Single products on OpenBLAS (1 and 2 threads, through lib/backend/blas) and on our wasm GEMM
 * (lib/backend/gemm), both reading the same WebAssembly memory, in GFLOP per CPU-second (robust
 * on a shared machine) and per wall-second; plus the FFI call overhead on a 4×4×4 product.
 * Needs `npm run build`. Usage: node bench/blas-products.js ['[[m,n,k,tA,tB],…]']
 */
const path = require('node:path');
const dist = path.join(__dirname, '..', 'packages', 'speedlab', 'dist');
const { loadOpenBlas } = require(path.join(dist, 'blas', 'openblas.js'));
const { gemmFor } = require(path.join(dist, 'gemm', 'gemm.js'));

const loaded = loadOpenBlas();
if (!loaded.ok) {
  console.error(`OpenBLAS unavailable: ${loaded.reason}`);
  process.exit(1);
}
const blas = loaded.blas;
const DEFAULT = [
  [256, 512, 2048, 0, 0], [2048, 512, 256, 1, 0], [256, 512, 2048, 0, 1], [256, 512, 512, 0, 0], [64, 128, 400, 0, 0],
  [20544, 128, 128, 0, 0], [64, 53928, 128, 0, 0], [168, 128, 20544, 1, 0], [20544, 128, 168, 0, 0], [256, 256, 256, 0, 0],
];
const shapes = process.argv[2] ? JSON.parse(process.argv[2]) : DEFAULT;
const memory = new WebAssembly.Memory({ initial: 4096 }); // 256 MiB
const f = new Float32Array(memory.buffer);
for (let i = 0; i < f.length; i++) f[i] = (i % 97) / 97 - 0.5;
const gemm = gemmFor(memory);
const A = 0, B = 64e6, C = 128e6, SCRATCH = 192e6; // byte offsets

function time(fn, reps) {
  fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  const u = process.cpuUsage(c0);
  return { cpu: (u.user + u.system) / 1000 / reps, wall: (performance.now() - t0) / reps };
}

console.log(`${blas.config} (${blas.path})`);
{
  const view = (p, n) => new Float32Array(memory.buffer, p, n);
  blas.setThreads(1);
  const viaBlas = time(() => blas.sgemm(4, 4, 4, 1, { data: view(A, 16), ld: 4, trans: false }, { data: view(B, 16), ld: 4, trans: false }, 0, view(C, 16), 4), 20000);
  const viaWasm = time(() => gemm.gemm({ m: 4, n: 4, k: 4, a: { ptr: A, rs: 4, cs: 1 }, b: { ptr: B, rs: 4, cs: 1 }, c: C, ldc: 4, scratch: SCRATCH }), 20000);
  console.log(`4×4×4 per call: OpenBLAS via koffi ${(1000 * viaBlas.wall).toFixed(2)} µs, wasm GEMM ${(1000 * viaWasm.wall).toFixed(2)} µs`);
}
for (const [m, n, k, ta, tb] of shapes) {
  const reps = Math.max(2, Math.round(2e8 / (m * n * k)));
  const run = () => {
    const buf = memory.buffer;
    blas.sgemm(m, n, k, 1, { data: new Float32Array(buf, A, m * k), ld: ta ? m : k, trans: !!ta }, { data: new Float32Array(buf, B, k * n), ld: tb ? k : n, trans: !!tb }, 0, new Float32Array(buf, C, m * n), n);
  };
  blas.setThreads(1);
  const b1 = time(run, reps);
  blas.setThreads(2);
  const b2 = time(run, reps);
  const ours = time(() => gemm.gemm({ m, n, k, a: ta ? { ptr: A, rs: 1, cs: m } : { ptr: A, rs: k, cs: 1 }, b: tb ? { ptr: B, rs: 1, cs: k } : { ptr: B, rs: n, cs: 1 }, c: C, ldc: n, scratch: SCRATCH }), reps);
  const gf = (ms) => ((2 * m * n * k) / ms / 1e6).toFixed(1);
  console.log(`${m}×${n}×${k}${ta ? ' tA' : ''}${tb ? ' tB' : ''}  GFLOP/CPU-s: blas1 ${gf(b1.cpu)} blas2 ${gf(b2.cpu)} wasm ${gf(ours.cpu)}  GFLOP/s wall: blas1 ${gf(b1.wall)} blas2 ${gf(b2.wall)} wasm ${gf(ours.wall)}`);
}
