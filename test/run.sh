#!/bin/sh
# test/run.sh — run every test and end with one line: "N passed, N failed".
#
# Called by ./build.sh test|asan with CHELA_BIN (the chela under test), CHELA_TEST_BIN_DIR (unit
# test programs) and CHELA_FUZZ_DIR (libFuzzer targets). Every test program or script prints
# lines "ok ..." / "not ok ..."; this script counts them. A program that crashes or exits
# non-zero without printing a "not ok" line counts as one failure, so nothing fails silently.
# An optional argument filters suites by substring (e.g. ./build.sh test config).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
filter=${2:-${1:-}}
case $filter in release | asan) filter="" ;; esac
out="$top/build/test-results.txt"
: > "$out"
export CHELA_BIN CHELA_TEST_BIN_DIR CHELA_FUZZ_DIR CHELA_PROFILE
export CHELA_TOP="$top"

run_suite() { # name command...
	name=$1; shift
	case $name in *"$filter"*) ;; *) return 0 ;; esac
	log="$top/build/test-logs/$(echo "$name" | tr '/ ' '__').log"
	mkdir -p "$top/build/test-logs"
	"$@" > "$log" 2>&1
	rc=$?
	grep -E '^(ok|not ok) ' "$log" | tee -a "$out" | grep '^not ok' || true
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		echo "not ok $name: exited $rc without reporting a failure (see $log)" | tee -a "$out"
	fi
	if ! grep -qE '^(ok|not ok) ' "$log"; then
		echo "not ok $name: reported no result (see $log)" | tee -a "$out"
	fi
}

for t in "$CHELA_TEST_BIN_DIR"/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done
for s in test/golden/*/run.sh; do
	[ -f "$s" ] || continue
	run_suite "golden/$(basename "$(dirname "$s")")" sh "$s"
done
for s in test/integration/*.sh; do
	[ -f "$s" ] || continue
	run_suite "integration/$(basename "$s" .sh)" sh "$s"
done
# Fuzz targets replay their seed corpus (and any crashes found before) as regression tests.
if [ "${CHELA_PROFILE:-release}" = release ] && [ -d "${CHELA_FUZZ_DIR:-/nonexistent}" ]; then
	run_suite "fuzz/corpus" sh test/fuzz/replay.sh "$CHELA_FUZZ_DIR"
fi

passed=$(grep -c '^ok ' "$out")
failed=$(grep -c '^not ok ' "$out")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
