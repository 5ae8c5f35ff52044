#!/usr/bin/env bash
# Fails when a tracked C++ source differs from what clang-format-19 makes of it (.clang-format).
# Lit inputs are left out: their CHECK lines pin line numbers and layouts on purpose.
set -euo pipefail
source_dir=$1
clang_format=${2:-clang-format-19}
cd "$source_dir"
mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.h' '*.cc' ':!:tests/lit/**')
[ ${#files[@]} -gt 0 ] || { echo "check_format: no tracked sources under $source_dir" >&2; exit 1; }
"$clang_format" --dry-run -Werror "${files[@]}"
echo "check_format: ${#files[@]} files formatted as .clang-format says"
