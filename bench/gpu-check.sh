#!/usr/bin/env bash
# The prepared GPU check (issue 26; docs/performance.md, "GPU"): on a machine with a GPU, in at
# most ~5 minutes, one JSON with
#   inventory   GPU (nvidia-smi, /dev), driver, Vulkan ICD files, Vulkan loader, Mesa
#   adapter     what Dawn offers tfjs (`DIVE_BACKEND=webgpu dive backend --json`)
#   parity      tests/backend/webgpu.test.ts: every named op, a DeepDIVE step, a tiny 2-epoch
#               dive train on webgpu against wasm, leaks (vitest's JSON summary)
#   bench       `dive bench` of mlp-vae, deepdive-electricity and deepdive-gait on webgpu vs wasm
# Each part has its own time limit, so a slow or hanging part leaves the others' results.
#
# Usage (from the repository root, after npm ci && npm run build):
#   bench/gpu-check.sh [--out FILE] [--steps N] [--workloads a,b] [--quick]
#     --out FILE     the JSON (default gpu-check.json)
#     --steps N      timed steps per bench run (default 20; warm-up: 5 steps and 2 s)
#     --workloads L  bench workloads (default mlp-vae,deepdive-electricity,deepdive-gait)
#     --quick        a smoke run (2 steps, mlp-vae only): proves the script on a CPU machine
# An NVIDIA GPU whose driver's Vulkan ICD file is not in the standard folders: point the loader
# at it, e.g. VK_DRIVER_FILES=/usr/share/vulkan/icd.d/nvidia_icd.json (the script also looks for
# the driver's libGLX_nvidia.so.0 and writes an ICD file for it when none is found).
set -uo pipefail
cd "$(dirname "$0")/.."

out=gpu-check.json steps=20 workloads=mlp-vae,deepdive-electricity,deepdive-gait warmup=5 warmupSeconds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --quick) steps=2; warmup=1; warmupSeconds=0; workloads=mlp-vae; shift ;;
    *) echo "gpu-check: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[ -f dist/lib/index.js ] || { echo "gpu-check: dist/ is missing; run npm ci && npm run build first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
started=$(date +%s)

# --- inventory ---------------------------------------------------------------------------
{
  echo "== nvidia-smi"; (command -v nvidia-smi >/dev/null && timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader) 2>&1 || echo "(none)"
  echo "== devices"; { ls /dev/dri/renderD* /dev/nvidia[0-9]* 2>/dev/null || true; } | grep . || echo "(none)"
  echo "== lspci"; (command -v lspci >/dev/null && lspci | grep -iE 'vga|3d|display') 2>/dev/null || echo "(no lspci or no display controller)"
  echo "== icd"; { ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true; } | grep . || echo "(none)"
  echo "== loader"; ldconfig -p 2>/dev/null | grep 'libvulkan\.so' || echo "(libvulkan.so.1 not found)"
  echo "== mesa"; dpkg-query -W -f='${Version}\n' mesa-vulkan-drivers 2>/dev/null || echo "(mesa-vulkan-drivers not installed)"
  echo "== env"; env | grep -E '^(VK_|CUDA_VISIBLE|NVIDIA_|OPENBLAS_CORETYPE)' || echo "(none)"
} > "$tmp/inventory.txt" 2>&1
# NVIDIA driver present but no ICD file for it: write one for the loader (the driver's Vulkan entry is libGLX_nvidia.so.0).
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ls /dev/nvidia[0-9]* >/dev/null 2>&1 && ! ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json >/dev/null 2>&1; then
  lib=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')
  if [ -n "$lib" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" > "$tmp/nvidia_icd.json"
    export VK_DRIVER_FILES="$tmp/nvidia_icd.json"
    echo "== wrote an ICD file for $lib (VK_DRIVER_FILES)" >> "$tmp/inventory.txt"
  fi
fi

# --- the adapter Dawn sees -------------------------------------------------------------------
DIVE_BACKEND=webgpu timeout 60 node bin/dive.js backend --json > "$tmp/adapter.json" 2> "$tmp/adapter.err" || true

# --- parity ------------------------------------------------------------------------------------
timeout 150 npx vitest run tests/backend/webgpu.test.ts --reporter=json --outputFile="$tmp/parity.json" > "$tmp/parity.log" 2>&1
echo $? > "$tmp/parity.rc"

# --- bench: one dive bench per workload (its own limit), webgpu and wasm -----------------------
IFS=, read -r -a list <<< "$workloads"
for w in "${list[@]}"; do
  timeout 120 node bin/dive.js bench --workload "$w" --backend wasm,webgpu --steps "$steps" --warmup "$warmup" --warmup-seconds "$warmupSeconds" --json > "$tmp/bench-$w.json" 2> "$tmp/bench-$w.err"
  echo $? > "$tmp/bench-$w.rc"
done

# --- one JSON ------------------------------------------------------------------------------------
node - "$tmp" "$out" "$started" "$workloads" <<'EOF'
const fs = require('fs');
const [dir, out, started, workloads] = process.argv.slice(2);
const read = (f) => (fs.existsSync(`${dir}/${f}`) ? fs.readFileSync(`${dir}/${f}`, 'utf8') : '');
const json = (f) => { try { return JSON.parse(read(f)); } catch { return null; } };
const tail = (s) => s.split('\n').filter((l) => l && !/^Warning: maxDynamic/.test(l)).slice(-8).join('\n');
const inventory = {};
let key = null;
for (const line of read('inventory.txt').split('\n')) {
  const m = /^== (.*)$/.exec(line);
  if (m) { key = m[1]; inventory[key] = []; } else if (key && line.trim()) inventory[key].push(line.trim());
}
const adapter = json('adapter.json');
const p = json('parity.json');
const parity = p
  ? { passed: p.numPassedTests, failed: p.numFailedTests, skipped: p.numPendingTests + (p.numTodoTests ?? 0), exitCode: Number(read('parity.rc')),
      tests: p.testResults.flatMap((f) => f.assertionResults.map((a) => ({ name: a.title, status: a.status, ms: a.duration, failure: a.failureMessages?.[0]?.split('\n')[0] }))) }
  : { error: tail(read('parity.log')) || 'no result', exitCode: Number(read('parity.rc')) };
const bench = workloads.split(',').map((w) => {
  const b = json(`bench-${w}.json`);
  const rc = Number(read(`bench-${w}.rc`));
  if (!b) return { workload: w, exitCode: rc, error: rc === 124 ? 'timed out (120 s)' : tail(read(`bench-${w}.err`)) };
  const byBackend = Object.fromEntries(b.results.map((r) => [r.backend, r.status === 'ok' ? { medianMs: r.medianMs, p10Ms: r.p10Ms, p90Ms: r.p90Ms, gflops: r.gflops, firstLoss: r.firstLoss, lastLoss: r.lastLoss, peakRssMiB: r.peakRssMiB } : { status: r.status, reason: r.reason }]));
  const ratio = byBackend.wasm?.medianMs && byBackend.webgpu?.medianMs ? byBackend.wasm.medianMs / byBackend.webgpu.medianMs : null;
  return { workload: w, exitCode: rc, results: byBackend, webgpuSpeedupOverWasm: ratio };
});
const report = {
  schema: 1,
  when: new Date().toISOString(),
  seconds: Math.round(Date.now() / 1000 - Number(started)),
  inventory,
  adapter: adapter ? { active: adapter.active, ...adapter.details } : { error: tail(read('adapter.err')) },
  parity,
  bench,
};
fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(`gpu-check: wrote ${out} in ${report.seconds} s — adapter: ${report.adapter.adapter ?? report.adapter.error}; parity: ${p ? `${parity.passed} passed, ${parity.failed} failed, ${parity.skipped} skipped` : 'no result'}; bench: ${bench.map((b) => `${b.workload} ${b.webgpuSpeedupOverWasm ? `${b.webgpuSpeedupOverWasm.toFixed(2)}× wasm` : b.error ?? 'no ratio'}`).join(', ')}`);
EOF
