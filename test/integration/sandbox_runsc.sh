#!/bin/sh
# sandbox_runsc: a sandbox with `runtime = runsc` runs under gVisor — through the same path the
# agent uses (`chela tool exec`: policy → sandbox decision → container create → exec). Inside,
# the kernel must be gVisor's (it reports Linux 4.4.0, whatever the host runs) and the only
# network interface lo. test/docker_up.sh registers runsc with the arguments this machine needs
# (--platform=ptrace --network=none); without them the container does not start.
SUITE=sandbox_runsc
. "$CHELA_TOP/test/lib.sh"
tmp=$(mktemp -d)
prefix=chela-runsc-$$-
cleanup() {
	docker ps -aq --filter "name=$prefix" | xargs -r docker rm -f >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
	t_fail "runsc registered" "the engine lists no runsc runtime (test/docker_up.sh registers it when runsc is installed)"
	exit 1
fi
t_ok "runsc registered with the engine"
img=$(sh "$CHELA_TOP/test/images/busybox/build.sh") || { t_fail "test image" "could not build it"; exit 1; }
cat > "$tmp/chela.ini" <<INI
[agents.defaults.sandbox]
mode = all
[agents.defaults.sandbox.docker]
image = $img
runtime = runsc
container_prefix = $prefix
INI
run() { "$CHELA_BIN" tool exec --config "$tmp/chela.ini" --state "$tmp/state" --session gvisor --args "$1" 2>"$tmp/err"; }

out=$(run '{"command":"cat /proc/version"}')
t_match "exec runs in the sandbox" '"ok":true.*"ran_in":"sandbox"' "$out $(cat "$tmp/err")"
t_match "the kernel is gVisor's (Linux 4.4.0), not the host's ($(uname -r))" 'Linux version 4\.4\.0 ' "$out"
name=$(docker ps --filter "name=$prefix" --format '{{.Names}}' | head -n 1)
t_eq "the container's runtime is runsc" runsc "$(docker inspect -f '{{.HostConfig.Runtime}}' "$name" 2>/dev/null)"
out=$(run '{"command":"ip -o link | cut -d: -f2 | tr -d \" \" | tr \"\\n\" ,"}')
t_match "no network interface but lo" '"stdout":"lo,"' "$out"
out=$(run '{"command":"echo x > /etc/probe 2>/dev/null && echo writable || echo read-only"}')
t_match "the root file system is read-only under gVisor too" '"stdout":"read-only\\n"' "$out"
[ "$T_FAILS" -eq 0 ]
