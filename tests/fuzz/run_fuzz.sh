#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time over its committed seed corpus, keeping what it
# finds in a scratch corpus beside the binary (the committed one is only read).
#   run_fuzz.sh FUZZER SEED_DIR SECONDS [extra libFuzzer flags...]
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
shift 3
work="$(dirname "$fuzzer")/corpus-$(basename "$fuzzer")"
artifacts="$(dirname "$fuzzer")/artifacts-$(basename "$fuzzer")"
mkdir -p "$work" "$artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$work" "$seeds"
