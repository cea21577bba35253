#!/bin/sh
# test/integration/image_sandbox.sh — the containerised gateway drives sibling sandboxes through the
# mounted socket: `docker compose up -d` with sandbox mode = all and workspace_access = rw, then
# tools run by the gateway container (`docker exec chela /chela tool ...`) must
#   - run in a sibling container created through /var/run/docker.sock,
#   - see the gateway's /workspace volume at /workspace (bind source translated to the host path),
#   - not see the gateway's /data (config, token) nor the host's filesystem.
SUITE=image_sandbox
. "$CHELA_TOP/test/lib.sh"
cd "$CHELA_TOP" || exit 1

. "$CHELA_TOP/test/image_lib.sh"
image_release_only
image_find_compose
image_ensure chela:latest chela-sandbox:bookworm-slim

proj=$(mktemp -d /tmp/chela-sbx.XXXXXX)
name="chelasbx$$"
prefix="chela-sbx-t$$-"
cp docker/compose.yml "$proj/compose.yml"
printf 'DOCKER_GID=%s\nCHELA_PORT=%s\nCHELA_CONTAINER_NAME=%s\n' "$(stat -c %g /var/run/docker.sock)" \
	"$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" \
	"$name" > "$proj/.env"
printf '[agents.defaults]\nworkspace = /workspace\n\n[agents.defaults.sandbox]\nmode = all\nworkspace_access = rw\n\n[agents.defaults.sandbox.docker]\ncontainer_prefix = %s\n' \
	"$prefix" > "$proj/chela.ini"
chmod 0644 "$proj/chela.ini"
# The user's way to give the gateway a config: one more line under volumes.
sed -i 's|^      - chela-data:/data .*|&\n      - ./chela.ini:/data/chela.ini:ro|' "$proj/compose.yml"
cleanup() {
	docker ps -aq --filter "name=^/$prefix" | xargs -r docker rm -f >/dev/null 2>&1
	(cd "$proj" && compose -p "$name" down -v >/dev/null 2>&1)
	rm -rf "$proj"
}
trap cleanup EXIT INT TERM

if ! out=$(cd "$proj" && compose -p "$name" up -d 2>&1); then t_fail "compose up -d" "$out"; exit 1; fi
compose_wait_healthy "$name" ""

tool() { docker exec "$name" /chela tool "$1" --session main --args "$2" 2>&1; }
out=$(tool write '{"path":"from-gateway.txt","content":"written by a sandboxed tool"}')
t_match "write runs sandboxed" '"ok":true' "$out"
sbx=$(docker ps -q --filter "name=^/$prefix" --filter label=chela.sandbox=1)
if [ -n "$sbx" ]; then t_ok "sibling sandbox container created through the socket"; else
	t_fail "sibling sandbox" "no running container named $prefix*: $out"; fi
out=$(tool exec '{"command":"cat /workspace/from-gateway.txt; echo; ls /data 2>&1; test -e /var/run/docker.sock && echo SOCKET; ls /home /root 2>&1 | wc -l"}')
t_match "sandbox sees the gateway's workspace at /workspace" 'written by a sandboxed tool' "$out"
# The negative checks mean something only when the command really ran in the sandbox.
if printf '%s' "$out" | grep -q 'written by a sandboxed tool'; then
	t_match "sandbox does not see the gateway's /data" "ls: cannot access '/data'" "$out"
	t_nomatch "sandbox has no Docker socket" 'SOCKET' "$out"
else
	t_fail "sandbox isolation" "cannot check: the exec did not run in a sandbox"
fi
if [ -n "$sbx" ]; then
	src=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/workspace"}}{{.Source}}{{end}}{{end}}' "$sbx")
	vol=$(docker volume inspect -f '{{.Mountpoint}}' "${name}_chela-workspace")
	t_eq "bind source translated to the host path of the workspace volume" "$vol" "$src"
	t_eq "the file is in the gateway's volume on the host" "written by a sandboxed tool" "$(cat "$vol/from-gateway.txt" 2>&1)"
	t_eq "sandbox root is read-only" "true" "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$sbx")"
	t_eq "sandbox has no network" "none" "$(docker inspect -f '{{.HostConfig.NetworkMode}}' "$sbx")"
	t_match "sandbox binds nothing else from the host" '^/workspace $' \
		"$(docker inspect -f '{{range .Mounts}}{{if eq .Type "bind"}}{{.Destination}} {{end}}{{end}}' "$sbx")"
fi
[ "$T_FAILS" -eq 0 ]
