#!/usr/bin/env bash
# The command-line tool on a store that cache_client filled: list, clear one function, errors.
#   cli_test.sh <picocache> <cache_client>
set -euo pipefail
cli=$1 client=$2
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
echo "cli: ok"
