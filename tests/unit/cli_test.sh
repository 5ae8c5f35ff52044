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
# A row: id, code version (12 hex digits of the fingerprint, "version N", or "-"), last use, size,
# the last writer's maxsize and ttl (slow_square: maxsize 20, no ttl).
row='^[0-9a-f]{32} +([0-9a-f]{12}|-) +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC +'
limits=' +20 +none'
head -1 out | grep -Eq '^ID +VERSION +LAST USED +ENTRIES +MAXSIZE +TTL +FUNCTION$' || { cat out; fail "unexpected list header"; }
grep -Eq "${row}5${limits} +slow_square long \(long\)$" out || { cat out; fail "list does not show slow_square with 5 entries"; }

PICOCACHE_URL=sqlite:other.db "$client" sequence 3 >/dev/null
"$cli" --url sqlite:other.db list | grep -Eq " +3${limits} +slow_square" || fail "--url is not used"
PICOCACHE_URL=sqlite:other.db "$cli" list | grep -Eq " +3${limits} +slow_square" || fail "PICOCACHE_URL is not used"

"$cli" clear no::such >out 2>err && fail "clearing an unknown function succeeded"
grep -q "no cached function matches 'no::such'" err || { cat err; fail "unclear message for an unknown function"; }
"$cli" clear slow_square >out || fail "clear failed"
grep -qx "cleared 5 entries of slow_square long (long)" out || { cat out; fail "unexpected clear output"; }
"$cli" list | grep -qx "no cached functions" || fail "the function is still listed after clear"
"$client" sequence 5 | grep -qx "hits=0 misses=5" || fail "entries survived the clear"

# Code versions. An older build's version (cache_client old-version D: 3 entries, last used D
# days ago) unused for 8 days is dropped by the next run of the current one (default: 7 days).
rm -f picocache.db picocache.db-*
"$client" old-version 8
"$client" sequence 5 >/dev/null
"$cli" list >out
[ "$(grep -c 'slow_square long (long)$' out)" -eq 1 ] || { cat out; fail "a version unused for 8 days was kept"; }
# One last used 2 days ago is kept: list shows a row per version, the most recent first.
"$client" old-version 2
"$client" sequence 5 >/dev/null
"$cli" list >out
[ "$(grep -c 'slow_square long (long)$' out)" -eq 2 ] || { cat out; fail "list does not show both versions"; }
grep -Eq "${row}5${limits} +slow_square long \(long\)$" out || { cat out; fail "the current version is not listed"; }
grep -Eq '^[0-9a-f]{32} +version 0 +[0-9-]{10} [0-9:]{5} UTC +3 +50 +90min +slow_square long \(long\)$' out ||
  { cat out; fail "the older version is not listed as version 0 with 3 entries, maxsize 50, ttl 90min"; }
grep slow_square out | head -1 | grep -q "version 0" && { cat out; fail "the older version is listed first"; }
# prune keeps the most recently used version only, and says what it removed.
"$cli" prune >out || fail "prune failed"
grep -Eqx 'removed 3 entries of slow_square long \(long\) \(version 0, last used [0-9-]{10} [0-9:]{5} UTC\)' out ||
  { cat out; fail "unexpected prune output"; }
"$cli" list >out
[ "$(grep -c 'slow_square long (long)$' out)" -eq 1 ] || { cat out; fail "prune left more than one version"; }
grep -Eq "${row}5${limits} +slow_square" out || { cat out; fail "prune did not keep the current version"; }
"$cli" prune | grep -qx "nothing to prune: no function has more than one version" ||
  fail "a second prune found something"
"$client" sequence 5 | grep -qx "hits=5 misses=0" || fail "prune removed the current version's entries"
# clear NAME clears every version.
"$client" old-version 2
"$cli" clear slow_square >out || fail "clear failed"
[ "$(grep -c '^cleared' out)" -eq 2 ] || { cat out; fail "clear NAME did not clear both versions"; }
"$cli" list | grep -qx "no cached functions" || fail "a version survived clear NAME"

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
