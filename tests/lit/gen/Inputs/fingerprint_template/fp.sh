#!/bin/sh
# Prints the code version picocache-gen gives the n-th cached function of <dir>/main.cpp (1:
# `measure`, 2: `Box::weigh`).
#   fp.sh <picocache-gen> <dir> <n>
gen=$1 dir=$2 n=$3
"$gen" "$dir/main.cpp" -o "$dir/main.out.cpp" --project-root "$dir" -- -std=c++17 || exit 1
grep -o '"fp:[0-9a-f]*"' "$dir/main.out.cpp" | sed -n "${n}p"
