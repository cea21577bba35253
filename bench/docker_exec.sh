#!/bin/sh
# bench/docker_exec.sh — chela's Docker client beside the docker CLI, on the same engine:
#   warm: `echo hi` in a running sandbox, median of RUNS (50), four ways:
#         - the exec tool through tools_invoke (policy, sandbox_ensure, the pooled shell): what
#           one agent tool call costs the gateway (bench/exec_bench.c, one process, as the
#           gateway is);
#         - chela's client alone: through the pooled shell, and as an exec of its own (with and
#           without the process-group wrapper) — where the time goes;
#         - `docker exec` (a CLI process per call, as a caller of the CLI pays), on the same
#           container the tool uses. Target: the tool call ≤ 1/3 of the CLI's time.
#         With runsc registered, the client's shell and own exec beside the CLI under gVisor.
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
prefix=chela-bench-$$-
work=$(mktemp -d /tmp/chela-bench-exec.XXXXXX)
trap 'docker ps -aq --filter "name=^/$prefix" | xargs -r docker rm -f >/dev/null 2>&1; rm -rf "$work"' EXIT
cat > "$work/chela.ini" <<EOF
[agents.defaults]
workspace = $work/ws
[agents.defaults.sandbox]
mode = all
[agents.defaults.sandbox.docker]
image = $img
container_prefix = $prefix
EOF

# The tool's first call creates the sandbox (unmeasured); later ones find it running.
"$drv" tool "$work/chela.ini" "$work/state" bench 3 >/dev/null || exit 1
tool=$("$drv" tool "$work/chela.ini" "$work/state" bench "$RUNS" | median) || exit 1
name=$(docker ps --filter "name=^/$prefix" --format '{{.Names}}' | head -n 1)
[ -n "$name" ] || { echo "bench docker_exec: the exec tool made no container" >&2; exit 1; }
# client CONTAINER MODE N / cli CONTAINER N: median ms of N `echo hi` runs after 3 unmeasured ones.
client() { "$drv" warm "$1" 3 "$2" >/dev/null && "$drv" warm "$1" "$3" "$2" | median; }
cli() {
	docker exec "$1" echo hi >/dev/null
	i=0
	while [ $i -lt "$2" ]; do
		t0=$(date +%s%N)
		docker exec "$1" echo hi >/dev/null || exit 1
		echo "$(( ($(date +%s%N) - t0) / 1000 ))" | awk '{printf "%.3f\n", $1 / 1000}'
		i=$((i + 1))
	done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b / a}'; }
client_shell=$(client "$name" shell "$RUNS") && client_group=$(client "$name" group "$RUNS") &&
	client_bare=$(client "$name" bare "$RUNS") && cli=$(cli "$name" "$RUNS") || exit 1
bench_say docker_exec "warm exec (echo hi), median of $RUNS: the exec tool (policy + sandbox check + pooled" \
	"shell) ${tool} ms — docker exec CLI ${cli} ms ($(ratio "$tool" "$cli")x; target >= 3x)"
bench_say docker_exec "  chela's client alone: pooled shell ${client_shell} ms; an exec of its own ${client_group} ms" \
	"with the process-group wrapper, ${client_bare} ms bare (the engine's exec create/start/inspect)"
if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q runsc; then
	# under gVisor every engine exec starts a process through the sentry: the shell saves more
	g=${prefix}runsc
	n=$((RUNS / 2))
	# shellcheck disable=SC2086
	docker run -d --name "$g" --runtime runsc $flags "$img" sleep 3600 >/dev/null &&
		g_shell=$(client "$g" shell "$n") && g_group=$(client "$g" group "$n") && g_cli=$(cli "$g" "$n") &&
		bench_say docker_exec "warm exec under gVisor (runsc), median of $n: pooled shell ${g_shell} ms, an exec" \
			"of its own ${g_group} ms — docker exec CLI ${g_cli} ms ($(ratio "$g_shell" "$g_cli")x)" ||
		bench_say docker_exec "warm exec under gVisor: failed"
fi

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
