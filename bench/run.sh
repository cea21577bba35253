#!/bin/sh
# bench/run.sh [NAME...] — run every bench/<name>.sh (or the named ones), one after another so
# they do not compete for the CPU. Each prints its own "bench <name>: ..." lines and keeps them in
# bench/results/<name>.txt. A bench that cannot run (no engine, no image) says why and the
# others still run; the exit code is 1 when any failed. Called by `./build.sh bench`.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
rc=0
for s in bench/*.sh; do
	name=$(basename "$s" .sh)
	case $name in run | lib) continue ;; esac # the runner and the shared helpers
	if [ $# -gt 0 ]; then
		want=0
		for n in "$@"; do [ "$n" = "$name" ] && want=1; done
		[ $want = 1 ] || continue
	fi
	echo "== bench $name"
	sh "$s" || { echo "bench $name: did not complete (exit $?)"; rc=1; }
done
exit $rc
