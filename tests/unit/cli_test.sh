#!/usr/bin/env bash
# The command-line tool on a store that cache_client filled: list, clear one function, errors,
# the store kinds, a command's counters; and the tool built with the test-only `testmem:` store.
#   cli_test.sh <picocache> <cache_client> <picocache built with testmem>
set -euo pipefail
cli=$1 client=$2 cli_with_test_store=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$cli" list >out 2>err && fail "list without a database succeeded"
grep -q "no such database file: picocache.db" err || { cat err; fail "unclear message without a database"; }
[ ! -e picocache.db ] || fail "list created picocache.db"

"$client" sequence 5 >/dev/null
"$cli" list >out || fail "list failed"
grep -Eq "^[0-9a-f]{32} +5 +slow_square long \(long\)$" out || { cat out; fail "list does not show slow_square with 5 entries"; }

PICOCACHE_URL=sqlite:other.db "$client" sequence 3 >/dev/null
"$cli" --url sqlite:other.db list | grep -Eq " +3 +slow_square" || fail "--url is not used"
PICOCACHE_URL=sqlite:other.db "$cli" list | grep -Eq " +3 +slow_square" || fail "PICOCACHE_URL is not used"

"$cli" clear no::such >out 2>err && fail "clearing an unknown function succeeded"
grep -q "no cached function matches 'no::such'" err || { cat err; fail "unclear message for an unknown function"; }
"$cli" clear slow_square >out || fail "clear failed"
grep -qx "cleared 5 entries of slow_square long (long)" out || { cat out; fail "unexpected clear output"; }
"$cli" list | grep -qx "no cached functions" || fail "the function is still listed after clear"
"$client" sequence 5 | grep -qx "hits=0 misses=5" || fail "entries survived the clear"

"$cli" --url "redis://u:hunter2@host:bad" list >out 2>err && fail "a bad URL was accepted"
grep -q "hunter2" err && fail "the password was printed"
grep -q "port" err || { cat err; fail "the bad port is not named"; }
"$cli" frobnicate >out 2>err && fail "an unknown command succeeded"
grep -q "usage:" err || fail "no usage for an unknown command"
"$cli" stores >out || fail "stores failed"
grep -Eq "^sqlite +sqlite:PATH" out || { cat out; fail "stores does not list sqlite"; }
grep -q "testmem" out && fail "the test store leaked into the real tool"
"$cli_with_test_store" stores | grep -Eq "^testmem +testmem:NAME$" || fail "a registered store is not listed"
"$cli_with_test_store" --url testmem:x list | grep -qx "no cached functions" ||
  fail "a registered store cannot be listed"
"$cli" --url nosuch:x list >out 2>err && fail "an unknown scheme was accepted"
grep -q "expected one of sqlite:PATH" err || { cat err; fail "the known forms are not listed"; }

# stats: the command's own counters; a store that is no database counts one error.
"$cli" stats -- "$client" sequence 2 >out || fail "stats failed"
grep -qx "errors 0" out || { cat out; fail "stats of a working run"; }
echo "not a database" >broken.db
rc=0
PICOCACHE_URL=sqlite:broken.db "$cli" stats -- "$client" sequence 2 >out 2>err || rc=$?
[ "$rc" -eq 2 ] || fail "stats did not pass on the command's exit status (2: it warned), got $rc"
grep -qx "errors 1" out || { cat out err; fail "the failed open is not counted"; }
grep -qx "dropped_writes 2" out || { cat out err; fail "the two unstored results are not counted"; }
echo "cli: ok"
