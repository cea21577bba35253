#!/bin/sh
# docker/build-images.sh — build chela's two images without any registry (POSIX sh, run as root).
#
#   sh docker/build-images.sh [--save] [--rebuild] [--only chela|sandbox]
#
#   chela:<version>, chela:latest     FROM scratch: build/chela + the host's CA bundle
#   chela-sandbox:bookworm-slim       debootstrap (minbase) of Debian bookworm, `docker import`ed
#   --save     also write `docker save` tarballs and SHA256SUMS into build/images/ (air-gapped)
#   --rebuild  rebuild the sandbox image even when it exists (it is cached by presence: the
#              debootstrap takes minutes and ~300 MB of downloads)
#
# Called by `./build.sh image` after build/chela is built. Nothing is pulled: the chela image
# starts FROM scratch and the sandbox root filesystem comes from the Debian mirror this host's
# apt already uses (read from its sources at run time, never written down anywhere).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
VERSION=$(cat VERSION 2>/dev/null || echo 0.0.0)
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_URL=${CHELA_SOURCE_URL:-https://github.com/chela-dev/chela}
LICENSE=${CHELA_LICENSE:-MIT}
SANDBOX_IMAGE=chela-sandbox:bookworm-slim
SANDBOX_SUITE=bookworm
# What the sandbox needs beyond minbase (which already has coreutils, findutils, grep, sed, tar,
# util-linux for setsid, dash as sh): the tools an agent's exec calls expect.
SANDBOX_PACKAGES=python3-minimal,git,ca-certificates,procps,less,xz-utils
CA_BUNDLE=${CHELA_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
OUT=build/images

save=0 rebuild=0 only=all
while [ $# -gt 0 ]; do
	case $1 in
	--save) save=1 ;;
	--rebuild) rebuild=1 ;;
	--only) shift; only=${1:-} ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-images: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case $only in all | chela | sandbox) ;; *) echo "build-images: --only takes chela or sandbox" >&2; exit 2 ;; esac

say() { printf 'image: %s\n' "$*"; }
die() { printf 'image: %s\n' "$*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers on the socket (start one: sh test/docker_up.sh)"

# --- chela:<version> ---------------------------------------------------------------------------
build_chela_image() {
	[ -x build/chela ] || die "build/chela is missing: run ./build.sh first"
	[ -s "$CA_BUNDLE" ] || die "no CA bundle at $CA_BUNDLE (apt-get install ca-certificates)"
	file build/chela 2>/dev/null | grep -q 'statically linked' ||
		die "build/chela is not statically linked; a FROM scratch image cannot run it"
	ctx=build/image-ctx
	rm -rf "$ctx"
	mkdir -p "$ctx/root/etc/ssl/certs" "$ctx/state/data" "$ctx/state/workspace" "$ctx/state/tmp"
	cp build/chela "$ctx/root/chela"
	chmod 0755 "$ctx/root/chela"
	cp "$CA_BUNDLE" "$ctx/root/etc/ssl/certs/ca-certificates.crt"
	chmod 0644 "$ctx/root/etc/ssl/certs/ca-certificates.crt"
	# Names for the numeric ids, so `docker exec ... id` and libc lookups print something sane.
	printf 'root:x:0:0:root:/:/chela\nchela:x:10001:10001:chela:/data:/chela\n' > "$ctx/root/etc/passwd"
	printf 'root:x:0:\nchela:x:10001:\n' > "$ctx/root/etc/group"
	chmod 1777 "$ctx/state/tmp"
	cp docker/Dockerfile "$ctx/Dockerfile"
	say "building chela:$VERSION (revision $REVISION)"
	# The classic builder works offline with FROM scratch; BuildKit may try to resolve frontends.
	DOCKER_BUILDKIT=0 docker build -q \
		--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" \
		--build-arg "SOURCE_URL=$SOURCE_URL" --build-arg "LICENSE=$LICENSE" --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		-t "chela:$VERSION" -t chela:latest "$ctx" >/dev/null 2>build/image-build.log ||
		die "docker build of chela failed (see build/image-build.log)"
	size=$(docker image inspect -f '{{.Size}}' chela:latest)
	say "chela:$VERSION chela:latest $size bytes ($(( (size + 1023) / 1024 )) KiB; budget 2048 KiB)"
}

# --- chela-sandbox:bookworm-slim -----------------------------------------------------------------
# The first deb URI of this host's apt configuration that serves the suite. Printed, never stored.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822 stanzas: blank-line separated; want Types: deb, a Suites: line naming the suite.
		awk -v suite="$SANDBOX_SUITE" '
			BEGIN { RS = ""; FS = "\n" }
			{
				deb = 0; uri = ""; ok = 0
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb = 1
					if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
					if ($i ~ /^Suites:/ && $i ~ ("[ \t]" suite "([ \t]|$)")) ok = 1
				}
				if (deb && ok && uri != "") { print uri; exit }
			}' "$f"
	done | head -n 1 | grep . && return 0
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v suite="$SANDBOX_SUITE" '$1 == "deb" {
			i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /^\[/ || $i ~ /\]$/) i++
			if ($(i + 1) == suite) { print $i; exit } }' "$f"
	done | head -n 1 | grep .
}

build_sandbox_image() {
	if [ "$rebuild" -eq 0 ] && docker image inspect "$SANDBOX_IMAGE" >/dev/null 2>&1; then
		say "$SANDBOX_IMAGE exists (cached; --rebuild to redo the debootstrap)"
		return 0
	fi
	command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing: apt-get install -y debootstrap"
	mirror=$(apt_mirror) || die "cannot find a deb source for $SANDBOX_SUITE in /etc/apt/sources.list*"
	root=$(mktemp -d /var/tmp/chela-sandbox-root.XXXXXX)
	# shellcheck disable=SC2064
	trap "rm -rf '$root'" EXIT INT TERM
	say "debootstrap --variant=minbase $SANDBOX_SUITE (takes a few minutes)"
	debootstrap --variant=minbase --include="$SANDBOX_PACKAGES" \
		"$SANDBOX_SUITE" "$root" "$mirror" > build/sandbox-debootstrap.log 2>&1 ||
		die "debootstrap failed (see build/sandbox-debootstrap.log)"
	slim_rootfs "$root"
	say "importing $SANDBOX_IMAGE"
	tar --numeric-owner --xattrs -C "$root" -c . | docker import \
		--change 'CMD ["sleep","infinity"]' \
		--change 'WORKDIR /workspace' \
		--change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change "LABEL org.opencontainers.image.title=chela-sandbox org.opencontainers.image.version=$SANDBOX_SUITE-slim org.opencontainers.image.source=$SOURCE_URL org.opencontainers.image.revision=$REVISION org.opencontainers.image.licenses=$LICENSE chela.sandbox.image=1" \
		-m "chela sandbox: Debian $SANDBOX_SUITE minbase + $SANDBOX_PACKAGES" \
		- "$SANDBOX_IMAGE" >/dev/null || die "docker import failed"
	rm -rf "$root"
	trap - EXIT INT TERM
	size=$(docker image inspect -f '{{.Size}}' "$SANDBOX_IMAGE")
	say "$SANDBOX_IMAGE $size bytes ($(( size / 1048576 )) MiB)"
}

# Drop what an agent's tools never read: docs, man pages, locales, apt caches and lists, logs.
# Keeps the image small; `apt-get update` in a setup_command brings the lists back when needed.
slim_rootfs() {
	r=$1
	rm -rf "$r/usr/share/doc"/* "$r/usr/share/man"/* "$r/usr/share/info"/* "$r/usr/share/lintian" \
		"$r/usr/share/linda" "$r/var/cache/apt"/*.bin "$r/var/cache/apt/archives"/*.deb \
		"$r/var/lib/apt/lists"/* "$r/var/log"/* "$r/var/cache/debconf"/*-old "$r/tmp"/* \
		"$r/etc/machine-id" "$r/etc/hostname"
	find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
	find "$r/usr/lib" -name '__pycache__' -type d -prune -exec rm -rf {} + 2>/dev/null || true
	# Keep dpkg from re-installing what we removed if a setup_command installs packages later.
	mkdir -p "$r/etc/dpkg/dpkg.cfg.d"
	printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' \
		'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
		'path-include /usr/share/locale/locale.alias' > "$r/etc/dpkg/dpkg.cfg.d/01-chela-slim"
	# The mirror debootstrap used must not ship inside the image: leave apt without sources.
	: > "$r/etc/apt/sources.list"
	mkdir -p "$r/workspace"
	chmod 0755 "$r/workspace"
}

# --- air-gapped tarballs -----------------------------------------------------------------------
save_images() {
	mkdir -p "$OUT"
	say "docker save -> $OUT/"
	docker save "chela:$VERSION" chela:latest | gzip -n > "$OUT/chela-$VERSION.tar.gz.tmp"
	mv "$OUT/chela-$VERSION.tar.gz.tmp" "$OUT/chela-$VERSION.tar.gz"
	docker save "$SANDBOX_IMAGE" | gzip -n > "$OUT/chela-sandbox-bookworm-slim.tar.gz.tmp"
	mv "$OUT/chela-sandbox-bookworm-slim.tar.gz.tmp" "$OUT/chela-sandbox-bookworm-slim.tar.gz"
	(cd "$OUT" && sha256sum "chela-$VERSION.tar.gz" chela-sandbox-bookworm-slim.tar.gz > SHA256SUMS)
	while read -r sum name; do
		say "$name $(stat -c %s "$OUT/$name") bytes sha256 $sum"
	done < "$OUT/SHA256SUMS"
	say "on the offline host: sha256sum -c SHA256SUMS && docker load -i <tarball> (both)"
}

[ "$only" = sandbox ] || build_chela_image
[ "$only" = chela ] || build_sandbox_image
[ "$save" -eq 0 ] || save_images
