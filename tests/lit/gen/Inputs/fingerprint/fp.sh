#!/bin/sh
# Prints the code version picocache-gen gives `compute` in <dir>/main.cpp.
#   fp.sh <picocache-gen> <dir> [compile flags...]
gen=$1 dir=$2
shift 2
# The flags first: an -I given there finds its outside.hpp before the default one.
"$gen" "$dir/main.cpp" -o "$dir/main.out.cpp" --project-root "$dir" -- -std=c++17 "$@" \
  -I"$(dirname "$0")/../outside" || exit 1
grep -o '"compute", "int32 (int32)", "[^"]*"' "$dir/main.out.cpp" | sed 's/.*, //'
