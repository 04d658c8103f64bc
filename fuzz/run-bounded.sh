#!/usr/bin/env bash
# A bounded run of every fuzz target, as CI does it (.ci/run): installs cargo-fuzz if it is
# missing, builds all targets once, then runs each for FUZZ_SECONDS seconds (default 5) on
# a scratch copy of its committed seeds. Any panic, hang (> 10 s for one input) or OOM
# (> 2 GiB) fails the script; libFuzzer saves the input under fuzz/artifacts/<target>/.
#
# Works on the stable toolchain: no sanitizer (`-s none`). FUZZ_BUILD=release builds with
# optimisations (slower to build, faster to run); the default `dev` build is quicker to
# build, which is what a short CI run needs. Debug assertions and overflow checks are on
# in both.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-5}"
case "${FUZZ_BUILD:-dev}" in
  dev) mode=(--dev) ;;
  release) mode=(--release --debug-assertions) ;;
  *) echo "error: FUZZ_BUILD must be dev or release, got ${FUZZ_BUILD}" >&2; exit 2 ;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cargo fuzz build -s none "${mode[@]}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in $(cargo fuzz list); do
  mkdir -p "$scratch/$target"
  cp corpus/"$target"/seed-* "$scratch/$target/"
  log="$scratch/$target.log"
  if ! cargo fuzz run -s none "${mode[@]}" "$target" "$scratch/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "error: fuzz target $target failed (its input is saved under fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  echo "fuzz: $target: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') inputs in ${seconds} s, no failure"
done
