#!/bin/sh
# test/integration/image_compose.sh — docker/compose.yml on the real engine, exactly as a user runs
# it (`docker compose up -d`, or Debian's docker-compose v1): healthy within 5 s, hardened as
# promised, the socket's group reaches the gateway, and `down && up` keeps the state volume.
SUITE=image_compose
. "$CHELA_TOP/test/lib.sh"
cd "$CHELA_TOP" || exit 1

. "$CHELA_TOP/test/image_lib.sh"
image_release_only
image_find_compose
image_ensure --only chela chela:latest

# The user's project directory: compose.yml as shipped plus a .env for this host.
proj=$(mktemp -d /tmp/chela-compose.XXXXXX)
name="chelatest$$"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
gid=$(stat -c %g /var/run/docker.sock)
cp docker/compose.yml "$proj/compose.yml"
printf 'DOCKER_GID=%s\nCHELA_PORT=%s\nCHELA_CONTAINER_NAME=%s\n' "$gid" "$port" "$name" > "$proj/.env"
cleanup() { (cd "$proj" && compose -p "$name" down -v >/dev/null 2>&1); rm -rf "$proj"; }
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }
# Polls the health status; prints the milliseconds it took, or fails after $1 seconds.
wait_healthy() {
	t0=$(now_ms)
	while :; do
		s=$(docker inspect -f '{{.State.Health.Status}}' "$name" 2>/dev/null)
		[ "$s" = healthy ] && { echo $(($(now_ms) - t0)); return 0; }
		[ $(($(now_ms) - t0)) -gt $(($1 * 1000)) ] && { echo "status '$s' after $1 s"; return 1; }
		sleep 0.1
	done
}

# Container start → first passing probe, from the engine's own timestamps (not load-sensitive
# compose start-up); the wall time of `up -d` itself is reported beside it.
start_to_healthy_ms() {
	st=$(date -d "$(ci '{{.State.StartedAt}}')" +%s%3N)
	hl=$(ci '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End.Format "2006-01-02T15:04:05.000Z07:00"}}{{"\n"}}{{end}}{{end}}' | head -n 1)
	[ -n "$hl" ] && echo $(($(date -d "$hl" +%s%3N) - st))
}
ci() { docker inspect -f "$1" "$name" 2>&1; }
t0=$(now_ms)
if ! out=$(cd "$proj" && compose -p "$name" up -d 2>&1); then
	t_fail "compose up -d" "$out"
	exit 1
fi
up_ms=$(($(now_ms) - t0))
if ms=$(wait_healthy 15); then
	total=$(($(now_ms) - t0))
	sh_ms=$(start_to_healthy_ms)
	if [ -n "$sh_ms" ] && [ "$sh_ms" -ge 0 ] && [ "$sh_ms" -le 5000 ]; then
		t_ok "healthy $sh_ms ms after the container started (budget 5000; up -d took $up_ms ms, up -d to healthy $total ms)"
	else
		t_fail "healthy within 5 s" "container start to healthy: '$sh_ms' ms; up -d to healthy $total ms"
	fi
else
	t_fail "healthy" "$ms; logs: $(docker logs "$name" 2>&1 | tail -n 5)"
	exit 1
fi

t_eq "GET /healthz on 127.0.0.1:$port" '{"ok":true,"status":"live"}' "$(curl -s --max-time 3 "http://127.0.0.1:$port/healthz")"
t_match "web page loads" '^200 text/html' "$(curl -s -o /dev/null --max-time 3 -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/")"

t_eq "runs as non-root 10001:10001" "10001:10001" "$(ci '{{.Config.User}}')"
t_eq "read-only root" "true" "$(ci '{{.HostConfig.ReadonlyRootfs}}')"
t_eq "cap_drop ALL" "[ALL]" "$(ci '{{.HostConfig.CapDrop}}')"
t_eq "no-new-privileges" "[no-new-privileges:true]" "$(ci '{{.HostConfig.SecurityOpt}}')"
t_eq "restart unless-stopped" "unless-stopped" "$(ci '{{.HostConfig.RestartPolicy.Name}}')"
t_eq "port bound to loopback only" "127.0.0.1" "$(ci '{{(index (index .HostConfig.PortBindings "18789/tcp") 0).HostIp}}')"
t_match "docker socket mounted" '/var/run/docker.sock' "$(ci '{{range .Mounts}}{{.Destination}} {{end}}')"
t_match "state and workspace volumes" '/data .*/workspace|/workspace .*/data' "$(ci '{{range .Mounts}}{{.Destination}} {{end}}')"
# The process really holds the socket's group (group_add), so it can use the socket.
pid=$(ci '{{.State.Pid}}')
t_match "gateway process holds the socket's gid $gid" "^Groups:.*\\b$gid\\b" "$(grep '^Groups:' "/proc/$pid/status")"
t_match "gateway process uid is 10001" '^Uid:[[:space:]]+10001[[:space:]]' "$(grep '^Uid:' "/proc/$pid/status")"
t_eq "gateway process has no capabilities" "0000000000000000" "$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")"

# State persists across down && up: the generated token lives in the data volume.
vol="${name}_chela-data"
read_token() { docker run --rm -v "$vol:/data:ro" --network none chela-sandbox:bookworm-slim cat /data/gateway.token 2>&1; }
tok1=$(read_token)
t_match "token generated into the data volume" '^[0-9a-f]{32,}$' "$tok1"
(cd "$proj" && compose -p "$name" down >/dev/null 2>&1)
t_eq "down removes the container" "" "$(docker ps -aq --filter "name=^/${name}\$")"
if ! out=$(cd "$proj" && compose -p "$name" up -d 2>&1); then t_fail "compose up -d again" "$out"; exit 1; fi
if ms=$(wait_healthy 10); then t_ok "healthy again after down && up ($ms ms)"; else t_fail "healthy again" "$ms"; fi
t_eq "state kept across down && up" "$tok1" "$(read_token)"
t_nomatch "no new token on the second start" 'token_generated' "$(docker logs "$name" 2>&1)"
[ "$T_FAILS" -eq 0 ]
