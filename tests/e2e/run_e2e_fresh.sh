#!/usr/bin/env bash
# End-to-end (issue #14): stored results follow the code. tests/e2e/fresh_project, built against
# the installed package (Ninja), is edited with sed between builds as a user would edit it, and
# each run checks which bodies ran again:
#   run_e2e_fresh.sh <repo> <picocache-build-dir> <work-dir>
#   1. build, run: every body runs; run again: none
#   2. a token of area's body changes: area alone runs again
#   3. a comment of perimeter is rewritten and its lines reflowed: nothing runs
#   4. the header helper perimeter calls changes: perimeter alone runs again
#   5. volume (version = "1") changes its body: nothing runs; its version becomes 2: volume runs
#   6. `picocache list` shows two versions of each function; `picocache prune` leaves one each,
#      and the next run finds every result
set -euo pipefail
repo=$1 picocache_build=$2 work=$3

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cmake --install "$picocache_build" --prefix "$work/prefix" >"$work/install.log"
cli="$work/prefix/bin/picocache"
cp -r "$repo/tests/e2e/fresh_project" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  >"$work/configure.log"
mkdir "$work/run"
export PICOCACHE_URL="sqlite:$work/run/picocache.db"

step=0
# build_and_run <expected bodies, one per line or empty>: rebuilds, runs, compares the bodies
# that ran (sorted) and the results with the first run's.
build_and_run() {
  step=$((step + 1))
  cmake --build "$work/build" >"$work/build.$step.log" 2>&1 || { cat "$work/build.$step.log"; fail "step $step: build failed"; }
  (cd "$work/run" && "$work/build/fresh" >"out.$step" 2>"err.$step") || { cat "$work/run/err.$step"; fail "step $step: run failed"; }
  local ran
  ran=$(grep '^body: ' "$work/run/err.$step" | sort || true)
  [ "$ran" = "$1" ] || { cat "$work/run/err.$step"; fail "step $step: bodies that ran: '${ran}', expected '$1'"; }
  diff -u "$work/run/out.1" "$work/run/out.$step" || fail "step $step: the results changed"
}
edit() {  # edit <file> <sed script>: the edit must change the file
  local before
  before=$(cksum <"$work/src/$1")
  sed -i "$2" "$work/src/$1"
  [ "$(cksum <"$work/src/$1")" != "$before" ] || fail "the edit '$2' of $1 changed nothing"
}

all=$'body: area(3, 4)\nbody: perimeter(3, 4)\nbody: volume(3)'
build_and_run "$all"
grep -qx "area(3, 4) = 12" "$work/run/out.1" || { cat "$work/run/out.1"; fail "wrong area"; }
grep -qx "perimeter(3, 4) = 14" "$work/run/out.1" || { cat "$work/run/out.1"; fail "wrong perimeter"; }
grep -qx "volume(3) = 27" "$work/run/out.1" || { cat "$work/run/out.1"; fail "wrong volume"; }
build_and_run ""

edit shapes.cpp 's|return w \* h;  // EDIT-AREA|return h * w;  // EDIT-AREA|'
build_and_run "body: area(3, 4)"

edit shapes.cpp 's|// EDIT-COMMENT: a comment the test rewrites.|/* EDIT-COMMENT, rewritten\n     over two lines. */|; s|^  std::fprintf(stderr, "body: perimeter(%d, %d)\\n", w, h);|  std::fprintf(stderr,\n               "body: perimeter(%d, %d)\\n",\n    w,   h);|'
build_and_run ""
grep -q "shapes.cpp" "$work/build.$step.log" || fail "the comment edit did not rebuild shapes.cpp"

edit include/scale.hpp 's|return x \* 10; }  // EDIT-SCALE|return 10 * x; }  // EDIT-SCALE|'
build_and_run "body: perimeter(3, 4)"

edit shapes.cpp 's|return w \* w \* w;  // EDIT-VOLUME|return w * (w * w);  // EDIT-VOLUME|'
build_and_run ""
edit shapes.cpp 's|version = "1"|version = 2|'
build_and_run "body: volume(3)"

(cd "$work/run" && "$cli" list) >"$work/list.before" || fail "picocache list failed"
for name in area perimeter volume; do
  rows=$(grep -cE " $name int(32)? \\(" "$work/list.before" || true)
  [ "$rows" -eq 2 ] || { cat "$work/list.before"; fail "list shows $rows versions of $name, expected 2"; }
done
(cd "$work/run" && "$cli" prune) >"$work/prune.out" || { cat "$work/prune.out"; fail "picocache prune failed"; }
(cd "$work/run" && "$cli" list) >"$work/list.after" || fail "picocache list failed"
for name in area perimeter volume; do
  rows=$(grep -cE " $name int(32)? \\(" "$work/list.after" || true)
  [ "$rows" -eq 1 ] || { cat "$work/list.after"; fail "after prune, list shows $rows versions of $name, expected 1"; }
done
build_and_run ""

echo "e2e fresh (installed, Ninja): ok"
