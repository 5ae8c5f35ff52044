#!/usr/bin/env bash
# Runs clang-tidy-19 with the repository's .clang-tidy over the runtime's and the CLI's sources,
# as the build's compile database compiles them. Any warning fails (WarningsAsErrors: '*').
set -euo pipefail
source_dir=$1
build_dir=$2
clang_tidy=${3:-clang-tidy-19}
mapfile -t files < <(python3 - "$source_dir" "$build_dir/compile_commands.json" <<'PY'
import json, os, sys
source = os.path.realpath(sys.argv[1])
wanted = [os.path.join(source, d) + os.sep for d in ("runtime", os.path.join("tool", "cli"))]
seen = set()
for entry in json.load(open(sys.argv[2])):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    if any(path.startswith(w) for w in wanted) and path not in seen:
        seen.add(path)
        print(path)
PY
)
[ ${#files[@]} -gt 0 ] || { echo "check_lint: no runtime sources in the compile database" >&2; exit 1; }
# GCC's -Wno-attributes=picocache::cached is unknown to clang: not our code's fault.
"$clang_tidy" -p "$build_dir" --quiet --extra-arg=-Wno-unknown-warning-option "${files[@]}"
echo "check_lint: ${#files[@]} files clean under .clang-tidy"
