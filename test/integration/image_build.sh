#!/bin/sh
# test/integration/image_build.sh — build both images with docker/build-images.sh (real engine) and
# check what the packaging promises: FROM scratch, non-root, healthcheck, labels, volumes, size
# budget; the sandbox image runs the tools an agent needs under chela's default hardening.
SUITE=image_build
. "$CHELA_TOP/test/lib.sh"
cd "$CHELA_TOP" || exit 1
VERSION=$(cat VERSION)

. "$CHELA_TOP/test/image_lib.sh"
image_release_only
if ! out=$(sh docker/build-images.sh 2>&1); then
	t_fail "build-images.sh" "$out"
	exit 1
fi
t_ok "build-images.sh builds chela:$VERSION and chela-sandbox:bookworm-slim"

insp() { docker image inspect -f "$2" "$1" 2>&1; }
t_eq "chela:latest and chela:$VERSION are one image" "$(insp chela:latest '{{.Id}}')" "$(insp "chela:$VERSION" '{{.Id}}')"
size=$(insp chela:latest '{{.Size}}')
if [ "$size" -le $((2 * 1024 * 1024)) ]; then t_ok "image is $size bytes (budget 2 MiB)"; else
	t_fail "image size" "$size bytes is over the 2 MiB budget"; fi
t_eq "two layers (two COPYs), no base image" "2" "$(insp chela:latest '{{len .RootFS.Layers}}')"
t_eq "runs as 10001:10001" "10001:10001" "$(insp chela:latest '{{.Config.User}}')"
t_eq "healthcheck" "[CMD /chela health]" "$(insp chela:latest '{{.Config.Healthcheck.Test}}')"
t_eq "entrypoint" "[/chela]" "$(insp chela:latest '{{.Config.Entrypoint}}')"
t_eq "cmd" "[gateway --bind lan]" "$(insp chela:latest '{{.Config.Cmd}}')"
t_eq "port" "map[18789/tcp:{}]" "$(insp chela:latest '{{.Config.ExposedPorts}}')"
t_eq "volumes" "map[/data:{} /workspace:{}]" "$(insp chela:latest '{{.Config.Volumes}}')"
t_match "state dir env" 'CHELA_STATE_DIR=/data' "$(insp chela:latest '{{.Config.Env}}')"
t_eq "label version" "$VERSION" "$(insp chela:latest '{{index .Config.Labels "org.opencontainers.image.version"}}')"
t_eq "label revision" "$(git rev-parse HEAD)" "$(insp chela:latest '{{index .Config.Labels "org.opencontainers.image.revision"}}')"
t_match "label source" '^https://' "$(insp chela:latest '{{index .Config.Labels "org.opencontainers.image.source"}}')"
t_match "label licenses" '.' "$(insp chela:latest '{{index .Config.Labels "org.opencontainers.image.licenses"}}')"

t_match "docker run chela:latest version" "^chela $VERSION " "$(docker run --rm chela:latest version 2>&1 | head -n 1)"
# Nothing else is in the image: no shell to exec into.
if docker run --rm --entrypoint /bin/sh chela:latest -c true >/dev/null 2>&1; then
	t_fail "no shell in the image" "/bin/sh ran"
else
	t_ok "no shell in the image"
fi
# The CA bundle is the host's, so outbound TLS to model providers verifies.
ctr=$(docker create chela:latest)
docker cp "$ctr:/etc/ssl/certs/ca-certificates.crt" build/image-ca.crt >/dev/null 2>&1
docker rm "$ctr" >/dev/null
if cmp -s build/image-ca.crt /etc/ssl/certs/ca-certificates.crt; then t_ok "CA bundle present"; else
	t_fail "CA bundle" "missing or different from the build host's"; fi
rm -f build/image-ca.crt
# The binary is not writable by the runtime user, even without --read-only.
t_match "/chela owned by root, state dirs by 10001" '^0:0 10001:10001 10001:10001$' \
	"$(ctr=$(docker create chela:latest); docker export "$ctr" | tar -tvf - --numeric-owner 2>/dev/null |
	   awk '$6 == "chela" {a=$2} $6 == "data/" {b=$2} $6 == "workspace/" {c=$2} END {gsub("/", ":", a); gsub("/", ":", b); gsub("/", ":", c); print a, b, c}';
	   docker rm "$ctr" >/dev/null)"

# --- sandbox image ---
S=chela-sandbox:bookworm-slim
t_eq "sandbox cmd" "[sleep infinity]" "$(insp $S '{{.Config.Cmd}}')"
t_eq "sandbox label" "1" "$(insp $S '{{index .Config.Labels "chela.sandbox.image"}}')"
run_sbx() { docker run --rm --read-only --tmpfs /tmp --network none --cap-drop ALL \
	--security-opt no-new-privileges:true --pids-limit 256 "$S" sh -c "$1" 2>&1; }
t_eq "python3 in sandbox" "42" "$(run_sbx 'python3 -c "print(6*7)"')"
t_match "git in sandbox" '^git version 2\.' "$(run_sbx 'git --version')"
t_eq "coreutils/findutils/grep/sed in sandbox" "b" "$(run_sbx 'printf "a\nb\n" > /tmp/x && find /tmp -name x | xargs grep b | sed s/x//')"
t_match "setsid and ps in sandbox" 'procps' "$(run_sbx 'setsid true && ps --version')"
t_match "CA certificates in sandbox" '^[0-9]{3,}$' "$(run_sbx 'grep -c BEGIN /etc/ssl/certs/ca-certificates.crt')"
t_eq "sandbox has no docs or man pages" "0" "$(run_sbx 'find /usr/share/doc /usr/share/man -mindepth 1 | wc -l')"
t_eq "sandbox carries no apt source" "" "$(run_sbx 'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v "^#"')"
ssize=$(insp $S '{{.Size}}')
if [ "$ssize" -le $((250 * 1024 * 1024)) ]; then t_ok "sandbox image is $((ssize / 1048576)) MiB (budget 250 MiB)"; else
	t_fail "sandbox size" "$ssize bytes"; fi
[ "$T_FAILS" -eq 0 ]
