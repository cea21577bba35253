#!/bin/sh
# test/docker_up.sh — make sure a Docker engine answers, starting one if none does.
#
# Registers gVisor's runsc in /etc/docker/daemon.json when runsc is installed, then starts
# dockerd in the background (log: build/dockerd.log) and waits for it. runsc gets
# --platform=ptrace (no KVM here) and --network=none: this engine hands containers a network
# namespace runsc refuses ("cannot run with network enabled in root network namespace"), so
# gVisor sandboxes get no network of their own — what a sandbox's default network=none wants.
# Exit 0 when `docker version` answers; 1 (with the reason) otherwise. Never pulls anything.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
log="$top/build/dockerd.log"
mkdir -p "$top/build"

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

register_runsc() {
	command -v runsc >/dev/null 2>&1 || return 0
	[ "$(id -u)" -eq 0 ] || return 0
	mkdir -p /etc/docker
	python3 - "$(command -v runsc)" <<'PY'
import json, os, sys
path = "/etc/docker/daemon.json"
cfg = {}
if os.path.exists(path):
    with open(path) as f:
        text = f.read().strip()
        cfg = json.loads(text) if text else {}
want = {"path": sys.argv[1], "runtimeArgs": ["--platform=ptrace", "--network=none"]}
if cfg.get("runtimes", {}).get("runsc") != want:
    cfg.setdefault("runtimes", {})["runsc"] = want
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2)
    print("docker_up: registered runsc in", path)
    sys.exit(3)
PY
	return $?
}

register_runsc
changed=$?
if answers; then
	if [ "$changed" -eq 3 ] && [ -f /var/run/docker.pid ]; then
		kill -HUP "$(cat /var/run/docker.pid)" 2>/dev/null && sleep 1 # reload runtimes
	fi
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "docker_up: no Docker engine answers and we are not root: start one (sudo systemctl start docker)" >&2
	exit 1
fi
command -v dockerd >/dev/null 2>&1 || { echo "docker_up: dockerd not installed (apt-get install docker.io)" >&2; exit 1; }
echo "docker_up: starting dockerd (log: $log)"
nohup dockerd >"$log" 2>&1 &
i=0
while [ $i -lt 60 ]; do
	answers && exit 0
	sleep 0.5
	i=$((i + 1))
done
echo "docker_up: dockerd did not answer within 30 s; last lines of $log:" >&2
tail -n 20 "$log" >&2
exit 1
