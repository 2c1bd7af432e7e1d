#!/usr/bin/env bash
# The model-comparison matrix of docs/results-models.md: every model × data set × seed, one
# `dive train --json` process at a time (the machine is shared), then one Markdown table.
#
#   bench/models-matrix.sh [OUT_DIR]          default OUT_DIR: bench/out/models-matrix
#
# Environment (defaults in brackets):
#   SEEDS ["0 1 2"]   EPOCHS [15]   MODELS ["deepdive deepdive-a beta-tcvae persistence linear"]
#   DATASETS ["ett-h1 gaitndd synthetic"]   HORIZON_ETT [24]   CONFIG [none: the defaults]
#   TAG [none]: a variant name for runs with CONFIG; files become <model>@<TAG>_s<seed>.json and
#   the table row is labelled model@TAG, so variants and defaults can share one OUT_DIR.
# Each run writes OUT_DIR/<data>/<model>_s<seed>.json (the RunReport) and is skipped when that
# file exists, so an interrupted matrix resumes. Wall-clock seconds per run go to
# OUT_DIR/wall.tsv. The table (bench/models-table.js) goes to OUT_DIR/table.md and stdout.
# Run `npm run build` first: the CLI runs from dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench/out/models-matrix}
SEEDS=${SEEDS:-"0 1 2"}
EPOCHS=${EPOCHS:-15}
MODELS=${MODELS:-"deepdive deepdive-a beta-tcvae persistence linear"}
DATASETS=${DATASETS:-"ett-h1 gaitndd synthetic"}
HORIZON_ETT=${HORIZON_ETT:-24}
mkdir -p "$OUT"
[ -f dist/lib/cli/main.js ] || { echo "models-matrix: dist/ is missing; run 'npm run build'" >&2; exit 2; }
for data in $DATASETS; do
  mkdir -p "$OUT/$data"
  for model in $MODELS; do
    for seed in $SEEDS; do
      row="$model${TAG:+@$TAG}"
      file="$OUT/$data/${row}_s${seed}.json"
      [ -s "$file" ] && continue
      args=(train --model "$model" --data "$data" --epochs "$EPOCHS" --seed "$seed" --json)
      [ "$data" = ett-h1 ] && args+=(--horizon "$HORIZON_ETT")
      [ -n "${CONFIG:-}" ] && args+=(--config "$CONFIG")
      start=$(date +%s.%N)
      if node bin/dive.js "${args[@]}" > "$file.tmp" 2> "$OUT/$data/${row}_s${seed}.log"; then
        mv "$file.tmp" "$file"
      else
        echo "models-matrix: $data $row seed $seed failed (see $OUT/$data/${row}_s${seed}.log)" >&2
        rm -f "$file.tmp"
        continue
      fi
      printf '%s\t%s\t%s\t%.1f\n' "$data" "$row" "$seed" "$(echo "$(date +%s.%N) - $start" | bc)" >> "$OUT/wall.tsv"
      echo "models-matrix: $data $row seed $seed done" >&2
    done
  done
done
node bench/models-table.js "$OUT" | tee "$OUT/table.md"
