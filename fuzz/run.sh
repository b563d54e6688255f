#!/usr/bin/env bash
# Usage: fuzz/run.sh [SECONDS] [TARGET…]
# Builds every fuzz target once, then runs each for SECONDS (default 600) one after
# another and prints its final statistics. On the stable toolchain RUSTC_BOOTSTRAP lets
# cargo-fuzz pass its sanitizer flags. New inputs go to fuzz/corpus/<target>/, crashes to
# fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
[ "$#" -gt 0 ] && targets=("$@") || targets=(deadline targets division workbook)
RUSTC_BOOTSTRAP=1 cargo fuzz build -O
bin=fuzz/target/x86_64-unknown-linux-gnu/release
for target in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$target"
  echo "== $target: $(ls "fuzz/corpus/$target" | wc -l) inputs before, ${seconds} s from $(date -u +%H:%M:%S)"
  started=$(date +%s)
  # libFuzzer stops itself after -max_total_time; `timeout` (SIGINT: final statistics
  # still printed) guards against its clock running slow on a loaded machine.
  timeout --signal=INT "$((seconds + 30))" \
    "$bin/$target" "fuzz/corpus/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=4096 -artifact_prefix="fuzz/artifacts/$target/" 2>&1 \
    | grep -E "^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|Done|artifact_prefix|Test unit written)" || true
  echo "== $target: ran $(($(date +%s) - started)) s; $(ls "fuzz/corpus/$target" | wc -l) inputs, $(du -sk "fuzz/corpus/$target" | cut -f1) KiB after; artifacts: $(ls "fuzz/artifacts/$target" | wc -l)"
done
