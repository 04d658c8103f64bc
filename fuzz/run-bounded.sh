#!/usr/bin/env bash
# A bounded run of every fuzz target, as CI does it (.ci/run): installs cargo-fuzz if it is
# missing, builds all targets once, then runs each on a scratch copy of its committed seeds
# for FUZZ_SECONDS seconds (default 5; three times that for manifest, scenario and
# pipeline, whose seeds alone take seconds to replay in a dev build). Any panic, hang (one
# input over 10 s, 30 s in a dev build) or OOM (over 2 GiB) fails the script; libFuzzer
# saves the input under fuzz/artifacts/<target>/.
#
# Works on the stable toolchain: no sanitizer (`-s none`). The default dev build is the
# quickest to build, which is what a short CI run needs; FUZZ_BUILD=release builds with
# optimisations (slower to build, about ten times faster to run). Debug assertions and
# overflow checks are on in both. FUZZ_TARGET_DIR sets cargo's target folder (default
# fuzz/target).
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-5}"
case "${FUZZ_BUILD:-dev}" in
  # An unoptimised build runs about ten times slower: one input may take 30 s, not 10.
  dev) mode=(--dev) timeout=30 ;;
  release) mode=(--release --debug-assertions) timeout=10 ;;
  *) echo "error: FUZZ_BUILD must be dev or release, got ${FUZZ_BUILD}" >&2; exit 2 ;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

mode+=(--target-dir "${FUZZ_TARGET_DIR:-target}")
cargo fuzz build -s none "${mode[@]}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in $(cargo fuzz list); do
  mkdir -p "$scratch/$target"
  cp corpus/"$target"/seed-* "$scratch/$target/"
  case "$target" in
    manifest | scenario | pipeline) secs=$((seconds * 3)) ;;
    *) secs="$seconds" ;;
  esac
  log="$scratch/$target.log"
  if ! cargo fuzz run -s none "${mode[@]}" "$target" "$scratch/$target" -- \
    -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "error: fuzz target $target failed (its input is saved under fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  echo "fuzz: $target: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') inputs in ${secs} s, no failure"
done
