#!/usr/bin/env bash
# Installs what PicoCache needs to build and test on Debian bookworm (or an Ubuntu with
# LLVM 19 packages). Runs apt-get as root; uses sudo when started as another user.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config python3
  clang-19 llvm-19-dev libclang-19-dev libclang-cpp19-dev clang-tidy-19 clang-format-19 llvm-19-tools git
  libclang-rt-19-dev  # ASan, UBSan, TSan and libFuzzer runtimes for tests/sanitize and tests/fuzz
  libsqlite3-dev libhiredis-dev libfmt-dev libxxhash-dev libb2-dev libpq-dev libmemcached-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server postgresql-15 memcached
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
