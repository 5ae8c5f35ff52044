#!/bin/sh
# compare.sh same|differ <label> <file a> <file b>: the two code versions are (not) equal.
what=$1 label=$2 a=$(cat "$3") b=$(cat "$4")
case "$a$b" in *'"fp:'*) ;; *) echo "$label: no fingerprint in $3 or $4"; exit 1 ;; esac
if [ "$what" = same ] && [ "$a" != "$b" ]; then echo "$label: changed ($a, $b)"; exit 1; fi
if [ "$what" = differ ] && [ "$a" = "$b" ]; then echo "$label: unchanged ($a)"; exit 1; fi
echo "$label: $what"
