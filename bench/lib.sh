# bench/lib.sh — helpers the bench scripts share (POSIX sh; source it after cd to the top).
# Benchmarks print figures; they never pass or fail on a number (machines differ).
#   bench_say NAME TEXT...   print "bench NAME: TEXT" and append it to bench/results/NAME.txt
#   median                   the median of the numbers on stdin (one a line)
#   now_ms                   wall clock in milliseconds
#   rss_kib PID              resident set size of a process, KiB (0 when it is gone)
#   build_bench_tool SRC OUT compile a bench driver against build/libchela.a (release flags)
mkdir -p bench/results
bench_say() {
	n=$1
	shift
	printf 'bench %s: %s\n' "$n" "$*" | tee -a "bench/results/$n.txt"
}
median() { sort -n | awk '{a[NR] = $1} END {if (NR == 0) print "n/a"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
now_ms() { date +%s%3N; }
rss_kib() { awk '/^VmRSS:/ {print $2; found = 1} END {if (!found) print 0}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The same include flags and libraries as build.sh's unit tests, so the driver sees the
# library exactly as chela does.
build_bench_tool() {
	[ -f build/libchela.a ] || { echo "bench: build/libchela.a missing: run ./build.sh first" >&2; return 1; }
	mkdir -p "$(dirname "$2")"
	if [ ! -x "$2" ] || [ "$1" -nt "$2" ] || [ build/libchela.a -nt "$2" ]; then
		musl-gcc -std=c11 -Os -D_GNU_SOURCE -Isrc -Ivendor/bearssl/inc -Ivendor/cjson -Ivendor/libinih -Ibuild/gen \
			-o "$2" "$1" build/libchela.a build/vendor/libbearssl.a build/vendor/libcjson.a \
			build/vendor/libinih.a -static || return 1
	fi
}
