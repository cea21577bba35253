#!/bin/sh
# test/fuzz/replay.sh DIR — run each libFuzzer target in DIR over its seed corpus
# (test/fuzz/corpus/<target>/) once, as a regression test; a target with no corpus gets
# 2000 generated inputs. One "ok"/"not ok" line per target.
set -u
dir=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus="$top/test/fuzz/corpus/${name#fuzz_}"
	if [ -d "$corpus" ]; then
		set -- -runs=0 "$corpus"
	else
		set -- -runs=2000
	fi
	if res=$("$f" "$@" 2>&1); then
		echo "ok fuzz: $name replays its corpus"
	else
		echo "not ok fuzz: $name: $(echo "$res" | grep -m1 -E 'ERROR|SUMMARY|panic' )"
	fi
done
