#!/usr/bin/env bash
# A benchmark of this tree against an earlier commit, side by side on the same machine: builds the
# commit in a worktree under .tmp/bench-base-<commit>, then runs the benchmark alternately in both
# trees (base, this, base, this, ...), so that a machine that grows busier or quieter during the run
# weighs on both alike. Each run's first two lines of output are collected.
# Usage: bench/compare-refs.sh <commit> <rounds> <benchmark command...>
#   e.g. bench/compare-refs.sh a186f57 2 node dist/bench/fleet-scale.js --sizes 1,100
set -euo pipefail
base_ref=$1 rounds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$root" rev-parse --short "$base_ref")
base="$root/.tmp/bench-base-$commit"
if [ ! -d "$base" ]; then
  git -C "$root" worktree add --detach "$base" "$commit" >/dev/null
fi
(cd "$base" && eval "$(tools/env.sh)" && npm run build >/dev/null)
for round in $(seq 1 "$rounds"); do
  for tree in "$base" "$root"; do
    label=$([ "$tree" = "$root" ] && echo "this tree" || echo "$commit")
    # Benchmarks write their results file in their tree: keep the committed one of each.
    out=$(cd "$tree" && eval "$(tools/env.sh)" && "$@" 2>&1 | awk 'NR <= 2' | tr '\n' ' ')
    git -C "$tree" checkout -q -- bench/results
    echo "round $round, $label: $out"
  done
done
