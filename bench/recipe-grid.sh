#!/usr/bin/env bash
# The training-recipe evidence of docs/design.md ("Training recipe"): `dive train` runs of one
# model on one data set under one recipe variant, one JSON line per seed (validation MSE of the
# selected checkpoint, the untrained model's, selected epoch, stop reason, test RRSE).
#
#   bench/recipe-grid.sh OUT.jsonl DATA MODEL HORIZON SEEDS NAME CONFIG_JSON [more dive train flags]
#   e.g. bench/recipe-grid.sh recipe.jsonl gaitndd deepdive 100 2 revin-plateau \
#          '{"model":{"revin":"affine"},"train":{"maxBatchesPerEpoch":150,"lrSchedule":{"kind":"plateau"}}}'
#
# Seeds 1..SEEDS; epoch cap 60 (EPOCHS=…). The data come from DIVE_DATA_MIRROR / the usual
# locations (dive data list). Summarise with bench/recipe-table.py OUT.jsonl.
set -euo pipefail
out=$(realpath -m "$1"); data=$2; model=$3; h=$4; seeds=$5; name=$6; cfg=$7; shift 7
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%s\n' "$cfg" > "$tmp/config.json"
for s in $(seq 1 "$seeds"); do
  node "$here/bin/dive.js" train --model "$model" --data "$data" --horizon "$h" --epochs "${EPOCHS:-60}" --seed "$s" \
    --config "$tmp/config.json" --json "$@" 2>/dev/null > "$tmp/run.json"
  python3 - "$tmp/run.json" "$name" "$data" "$model" "$s" >> "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps(dict(name=sys.argv[2], data=sys.argv[3], model=sys.argv[4], seed=int(sys.argv[5]), epochs=r['epochs'], best=r['bestEpoch'],
  init=r['initialValForecastMse'], imp=r['improvedOnInitial'], stop=r['stopReason'], val=r['metrics']['bestValForecastMse'],
  rrse=r['test']['forecast']['original']['rrse'], mse=r['test']['forecast']['normalised']['mse'], sec=r['seconds'])))
PY
done
