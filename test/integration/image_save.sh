#!/bin/sh
# test/integration/image_save.sh — the air-gapped path: `build-images.sh --save` writes `docker save`
# tarballs of both images plus SHA256SUMS; they verify, list the right tags, and `docker load` takes
# them back (the engine is the only thing an offline host needs).
SUITE=image_save
. "$CHELA_TOP/test/lib.sh"
cd "$CHELA_TOP" || exit 1
VERSION=$(cat VERSION)

. "$CHELA_TOP/test/image_lib.sh"
image_release_only
if ! out=$(sh docker/build-images.sh --save 2>&1); then
	t_fail "build-images.sh --save" "$out"
	exit 1
fi
t_ok "build-images.sh --save"
cd build/images || exit 1
for f in "chela-$VERSION.tar.gz" chela-sandbox-bookworm-slim.tar.gz SHA256SUMS; do
	if [ -s "$f" ]; then t_ok "$f written"; else t_fail "$f" "missing or empty"; fi
done
t_run "sha256sum -c SHA256SUMS" sha256sum -c SHA256SUMS
t_match "chela tarball holds both tags" "chela:$VERSION.*chela:latest|chela:latest.*chela:$VERSION" \
	"$(tar -xzOf "chela-$VERSION.tar.gz" manifest.json)"
t_match "sandbox tarball holds its tag" 'chela-sandbox:bookworm-slim' "$(tar -xzOf chela-sandbox-bookworm-slim.tar.gz manifest.json)"
id=$(docker image inspect -f '{{.Id}}' chela:latest)
t_match "docker load restores chela" "Loaded image: chela:$VERSION" "$(docker load -i "chela-$VERSION.tar.gz" 2>&1)"
t_eq "loaded image is the built one" "$id" "$(docker image inspect -f '{{.Id}}' "chela:$VERSION")"
t_match "docker load restores the sandbox" 'Loaded image: chela-sandbox:bookworm-slim' \
	"$(docker load -i chela-sandbox-bookworm-slim.tar.gz 2>&1)"
[ "$T_FAILS" -eq 0 ]
