#!/usr/bin/env bash
# Runs clang-tidy-19 with the repository's .clang-tidy over the runtime's and the CLI's sources,
# as the build's compile database compiles them. Any warning fails (WarningsAsErrors: '*').
set -euo pipefail
source_dir=$1
build_dir=$2
clang_tidy=${3:-clang-tidy-19}
# One compile command per file: the database lists the runtime's files twice (the static and the
# shared library), and clang-tidy would check each file once per command.
db_dir=$(mktemp -d)
trap 'rm -rf "$db_dir"' EXIT
mapfile -t files < <(python3 - "$source_dir" "$build_dir/compile_commands.json" "$db_dir" <<'PY'
import json, os, sys
source = os.path.realpath(sys.argv[1])
wanted = [os.path.join(source, d) + os.sep for d in ("runtime", os.path.join("tool", "cli"))]
seen, entries = set(), []
for entry in json.load(open(sys.argv[2])):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    if any(path.startswith(w) for w in wanted) and path not in seen:
        seen.add(path)
        entries.append(entry)
        print(path)
json.dump(entries, open(os.path.join(sys.argv[3], "compile_commands.json"), "w"))
PY
)
[ ${#files[@]} -gt 0 ] || { echo "check_lint: no runtime sources in the compile database" >&2; exit 1; }
# GCC's -Wno-attributes=picocache::cached is unknown to clang: not our code's fault.
"$clang_tidy" -p "$db_dir" --quiet --extra-arg=-Wno-unknown-warning-option "${files[@]}"
echo "check_lint: ${#files[@]} files clean under .clang-tidy"
