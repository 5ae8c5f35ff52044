#!/usr/bin/env bash
# Configures and builds PicoCache's runtime and tests with clang-19 and a sanitizer, in its own
# build directory, then runs the given ctest selection there.
#   subbuild.sh asan|tsan SOURCE_DIR BUILD_DIR LAUNCHER "TARGETS" [ctest ARGS... | run BINARIES...]
# asan: ASan+UBSan and libFuzzer coverage (the fuzz targets are built there too).
# tsan: ThreadSanitizer. After the build: `ctest ARGS` runs ctest in BUILD_DIR, `run BINARIES`
# runs each (paths relative to BUILD_DIR) and fails if one does; nothing more builds only.
# PICOCACHE_SUBBUILD_OPTIONS: more -D options for the sub-build's cmake (e.g. WITH_REDIS=OFF).
set -euo pipefail
kind=$1 source=$2 build=$3 launcher=$4 targets=$5
shift 5
case "$kind" in
  asan) flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link" ;;
  tsan) flags="-fsanitize=thread" ;;
  *) echo "subbuild.sh: unknown kind $kind" >&2; exit 64 ;;
esac
flags="$flags -fno-omit-frame-pointer -g -O1"
cmake -S "$source" -B "$build" -G Ninja -Wno-dev \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher -DCMAKE_C_COMPILER_LAUNCHER=$launcher} \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="$flags" -DCMAKE_C_FLAGS_DEBUG="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="${flags%%-fno-omit*}" -DCMAKE_SHARED_LINKER_FLAGS="${flags%%-fno-omit*}" \
  -DPICOCACHE_BUILD_TOOL=OFF -DPICOCACHE_BUILD_BENCH=OFF -DPICOCACHE_BUILD_EXAMPLES=OFF \
  -DPICOCACHE_BUILD_TESTS=ON -DPICOCACHE_SUBBUILD="$kind" ${PICOCACHE_SUBBUILD_OPTIONS:-} >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
# shellcheck disable=SC2086 # a list of targets
nice -n 5 cmake --build "$build" -j2 --target $targets
[ $# -eq 0 ] && exit 0
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# die_after_fork=0: a forked child may start threads (the single-flight renewer), which is safe
# here: the child resets every lock it inherits (fork hooks) before it does.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:die_after_fork=0}"
mode=$1
shift
if [ "$mode" = ctest ]; then exec ctest --test-dir "$build" --output-on-failure "$@"; fi
failed=0
for binary in "$@"; do
  echo "== $binary"
  "$build/$binary" || { echo "FAILED: $binary" >&2; failed=1; }
done
exit $failed
