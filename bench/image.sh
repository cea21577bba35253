#!/bin/sh
# bench/image.sh — the packaging figures, each beside what OpenClaw ships:
#   image size (uncompressed and as a docker save .tar.gz), `docker run` to healthy, sandbox image
#   size and a sandbox container's run time. Needs the images (./build.sh image) and an engine.
#   RUNS=5 by default; results also go to bench/results/image.txt.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
RUNS=${RUNS:-5}
out=bench/results/image.txt
mkdir -p bench/results
: > "$out"
say() { printf 'bench image: %s\n' "$*" | tee -a "$out"; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

for img in chela:latest chela-sandbox:bookworm-slim; do
	docker image inspect "$img" >/dev/null 2>&1 || { echo "bench image: $img missing: run ./build.sh image" >&2; exit 1; }
done

size=$(docker image inspect -f '{{.Size}}' chela:latest)
gz=$(docker save chela:latest | gzip -n | wc -c)
say "chela image: $size bytes uncompressed ($(( (size + 1023) / 1024 )) KiB, budget 2048 KiB), $gz bytes as docker save .tar.gz" \
	"— OpenClaw's official image: ~2.5 GB"
bin=$(stat -c %s build/chela 2>/dev/null || echo 0)
ca=$(stat -c %s /etc/ssl/certs/ca-certificates.crt)
say "  of which: binary $bin bytes, CA bundle $ca bytes"

# docker run -d → health status healthy, polled every 50 ms; and container start → first passing
# probe from the engine's own timestamps.
runs="" starts=""
i=0
while [ $i -lt "$RUNS" ]; do
	name="chela-bench-$$-$i"
	t0=$(now_ms)
	docker run -d --name "$name" --read-only --tmpfs /tmp --cap-drop ALL \
		--security-opt no-new-privileges:true chela:latest >/dev/null || exit 1
	while [ "$(docker inspect -f '{{.State.Health.Status}}' "$name")" != healthy ]; do
		[ $(($(now_ms) - t0)) -gt 30000 ] && { echo "bench image: $name never healthy" >&2; docker rm -f "$name" >/dev/null; exit 1; }
		sleep 0.05
	done
	runs="$runs $(($(now_ms) - t0))"
	st=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$name")" +%s%3N)
	hl=$(docker inspect -f '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End.Format "2006-01-02T15:04:05.000Z07:00"}}{{"\n"}}{{end}}{{end}}' "$name" | head -n 1)
	starts="$starts $(($(date -d "$hl" +%s%3N) - st))"
	docker rm -f "$name" >/dev/null
	i=$((i + 1))
done
say "docker run -d → healthy: median $(echo $runs | tr ' ' '\n' | median) ms over $RUNS runs (each:$runs ms)"
say "  container start → first passing /chela health probe: median $(echo $starts | tr ' ' '\n' | median) ms (HEALTHCHECK interval 1 s)"

ssize=$(docker image inspect -f '{{.Size}}' chela-sandbox:bookworm-slim)
sgz=$(stat -c %s build/images/chela-sandbox-bookworm-slim.tar.gz 2>/dev/null || echo "?")
say "sandbox image chela-sandbox:bookworm-slim: $ssize bytes ($((ssize / 1048576)) MiB) uncompressed, $sgz bytes saved .tar.gz (debootstrap minbase + python3-minimal, git, ca-certificates, procps)"

sb=""
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(now_ms)
	docker run --rm --read-only --tmpfs /tmp --network none --cap-drop ALL chela-sandbox:bookworm-slim true || exit 1
	sb="$sb $(($(now_ms) - t0))"
	i=$((i + 1))
done
say "sandbox container docker run --rm … true: median $(echo $sb | tr ' ' '\n' | median) ms over $RUNS runs"
