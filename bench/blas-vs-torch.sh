#!/usr/bin/env bash
# One dive bench run with every product path side by side:
# our wasm GEMM with the current element-wise kernels (wasm-gemm),
# OpenBLAS through koffi on 1 and 2 threads (the default), and PyTorch on 1 and 2 threads, for
# the three workloads. Prints the machine's load before and after (the numbers are only
# comparable within one run on a shared machine). Usage: bench/blas-vs-torch.sh [OUT.json]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out/bench/blas-vs-torch.json}"
mkdir -p "$(dirname "$out")"
echo "before: $(uptime)" >&2
node bin/dive.js bench --workload mlp-vae,deepdive-electricity,deepdive-gait \
  --backend wasm-gemm,wasm,torch --threads 1,2 --torch-threads 1,2 --steps 20 --warmup 5 --json > "$out.tmp"
mv "$out.tmp" "$out"
echo "after: $(uptime)" >&2
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const r of d.results) if (r.status === "ok") console.log(r.workload.padEnd(22), (r.backend + (r.details?.blas ? " blas " + r.details.blas.threads + "t" : r.backend === "torch" ? " " + r.details.threads + "t" : "")).padEnd(16), r.medianMs.toFixed(1).padStart(9), "ms", r.gflops.toFixed(2).padStart(7), "GFLOP/s", (r.medianCpuMs ?? 0).toFixed(1).padStart(9), "CPU ms");
for (const c of d.comparisons) console.log(`${c.workload}: ${c.ours} / torch ${c.torchThreads}t ratio ${c.ratio.toFixed(2)}`);
' "$out"
