#!/bin/sh
# test/images/busybox/build.sh — build chela-test-busybox:latest FROM scratch with Debian's
# static busybox, without any registry. Idempotent: the image carries the busybox binary's
# sha256 as a label and is rebuilt only when that changes (or the image is missing).
# Prints the image name on stdout; progress and errors go to stderr.
#
#   img=$(sh test/images/busybox/build.sh) || exit 1
set -eu
IMAGE=${CHELA_TEST_IMAGE:-chela-test-busybox:latest}
BUSYBOX=${BUSYBOX:-/bin/busybox}
# Applets the tests use, linked by name; `busybox --install` would also work, but an explicit
# list keeps the image's contents visible here.
APPLETS="sh ash ls cat echo printf id sleep kill setsid tar ps ip env true false head tail wc tr \
dd yes seq grep sed mkdir rm touch chmod stat uname hostname whoami test [ sort cut nproc mount \
find xargs pgrep pkill timeout date readlink ln cp mv du df base64 sha256sum md5sum od"

die() { echo "test/images/busybox: $*" >&2; exit 1; }

[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: apt-get install busybox-static"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || die "$BUSYBOX is not statically linked (install busybox-static)"
command -v docker >/dev/null 2>&1 || die "docker CLI missing"

sum=$(sha256sum "$BUSYBOX" | cut -d' ' -f1)
have=$(docker image inspect --format '{{index .Config.Labels "chela.busybox.sha256"}}' "$IMAGE" 2>/dev/null || true)
if [ "$have" = "$sum" ]; then
	echo "$IMAGE"
	exit 0
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/etc" "$ctx/rootfs/workspace" "$ctx/rootfs/proc" \
	"$ctx/rootfs/sys" "$ctx/rootfs/dev"
cp "$BUSYBOX" "$ctx/rootfs/bin/busybox"
for a in $APPLETS; do ln -s busybox "$ctx/rootfs/bin/$a"; done
chmod 1777 "$ctx/rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$ctx/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ctx/rootfs/etc/group"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
ENV PATH=/bin
LABEL chela.busybox.sha256="$sum" org.opencontainers.image.title="chela test busybox"
CMD ["/bin/sh"]
DOCKERFILE
echo "test/images/busybox: building $IMAGE" >&2
# The classic builder reads the context as a tar; no base image is fetched for FROM scratch.
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$ctx" >/dev/null || die "docker build failed"
echo "$IMAGE"
