#!/bin/sh
# test/fuzz/run.sh DIR TARGET|all SECONDS — fuzz for real; findings land in build/fuzz/findings.
set -u
dir=$1 which=$2 secs=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	[ "$which" = all ] || [ "$which" = "$name" ] || [ "fuzz_$which" = "$name" ] || continue
	corpus="$top/test/fuzz/corpus/${name#fuzz_}"
	work="$top/build/fuzz/work/$name"
	mkdir -p "$work" "$top/build/fuzz/findings"
	echo "fuzz: $name for ${secs}s"
	set -- "$work"
	[ -d "$corpus" ] && set -- "$work" "$corpus"
	"$f" -max_total_time="$secs" -artifact_prefix="$top/build/fuzz/findings/$name-" "$@" 2>&1 | tail -n 3 || rc=1
done
exit $rc
