#!/bin/sh
# bench/docker_exec.sh — chela's Docker client beside the docker CLI, on the same engine:
#   warm: `echo hi` in a running container, median of RUNS (50): chela's docker_exec_run (one
#         process, bench/exec_bench.c) vs `docker exec` (a CLI process per call, as a caller of
#         the CLI would pay). Target: chela ≤ 1/3 of the CLI's time.
#   cold: create + start + first exec with the sandbox's hardened flags, median of COLD (10),
#         vs `docker run --rm` with the same flags running `echo hi`.
# Uses the test busybox image (built locally from Debian's busybox-static; never pulled).
# Figures are noisy on a shared machine; they are printed, never asserted.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. bench/lib.sh
RUNS=${RUNS:-50}
COLD=${COLD:-10}
: > bench/results/docker_exec.txt

sh test/docker_up.sh >/dev/null || { echo "bench docker_exec: no Docker engine" >&2; exit 1; }
img=$(sh test/images/busybox/build.sh) || exit 1
drv=build/bench/exec_bench
build_bench_tool bench/exec_bench.c "$drv" || exit 1
flags="--read-only --tmpfs /tmp:rw,nosuid,nodev,size=64m --network none --cap-drop ALL \
--security-opt no-new-privileges --pids-limit 256"
name=chela-bench-warm-$$
# shellcheck disable=SC2086
docker run -d --name "$name" $flags "$img" sleep 3600 >/dev/null || exit 1
trap 'docker rm -f "$name" >/dev/null 2>&1' EXIT

# Warm: a few unmeasured rounds first so neither side pays first-use costs.
"$drv" warm "$name" 3 >/dev/null || exit 1
chela=$("$drv" warm "$name" "$RUNS" | median) || exit 1
chela_grp=$("$drv" warm "$name" "$RUNS" group | median) || exit 1
docker exec "$name" echo hi >/dev/null
i=0
cli=$(while [ $i -lt "$RUNS" ]; do
	t0=$(date +%s%N)
	docker exec "$name" echo hi >/dev/null || exit 1
	echo "$(( ($(date +%s%N) - t0) / 1000 ))" | awk '{printf "%.3f\n", $1 / 1000}'
	i=$((i + 1))
done | median)
bench_say docker_exec "warm exec (echo hi), median of $RUNS: chela ${chela} ms (as the exec tool runs it, with" \
	"the process-group wrapper: ${chela_grp} ms) — docker exec CLI ${cli} ms" \
	"($(awk -v a="$chela" -v b="$cli" 'BEGIN {printf "%.1f", b / a}')x; target >= 3x)"

# Cold: chela's create + start + first exec (and its remove, reported apart).
cold=$("$drv" cold "$img" "$COLD") || exit 1
c_med=$(echo "$cold" | awk '{print $1}' | median)
r_med=$(echo "$cold" | awk '{print $2}' | median)
i=0
run=$(while [ $i -lt "$COLD" ]; do
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	docker run --rm $flags "$img" echo hi >/dev/null || exit 1
	echo "$(( ($(date +%s%N) - t0) / 1000 ))" | awk '{printf "%.3f\n", $1 / 1000}'
	i=$((i + 1))
done | median)
bench_say docker_exec "cold sandbox, median of $COLD: chela create + start + first exec ${c_med} ms" \
	"(+ remove ${r_med} ms) — docker run --rm (create, start, run, wait, remove) ${run} ms"
if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q runsc; then
	cold=$("$drv" cold "$img" 3 runsc 2>&1) &&
		bench_say docker_exec "cold sandbox under gVisor (runsc), median of 3: $(echo "$cold" | awk '{print $1}' | median) ms" ||
		bench_say docker_exec "cold sandbox under gVisor: failed: $(echo "$cold" | tail -n 1)"
fi
bench_say docker_exec "(2 shared cores, other builds running: noisy — compare the ratios, not the ms)"
