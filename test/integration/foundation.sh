#!/bin/sh
# test/integration/foundation.sh — the build's promises: a static binary that runs alone
# (empty chroot and FROM scratch image), exit codes, --help everywhere, pinned vendor sources
# whose tampering stops the build, and a no-op second fetch.
set -u
SUITE=foundation
cd "${CHELA_TOP:?}"
. test/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; docker rmi -f chela-test-scratch:latest >/dev/null 2>&1' EXIT

if [ "${CHELA_PROFILE:-release}" = release ]; then
	t_match "file says statically linked" "statically linked" "$(file "$CHELA_BIN")"
	t_match "readelf finds no dynamic section" "no dynamic section" "$(readelf -d "$CHELA_BIN" 2>&1)"
	size=$(stat -c %s "$CHELA_BIN")
	if [ "$size" -le 1048576 ]; then t_ok "binary is $size bytes (budget 1 MiB)"; else t_fail "binary size" "$size bytes > 1 MiB"; fi

	mkdir -p "$tmp/root"
	cp "$CHELA_BIN" "$tmp/root/chela"
	t_match "runs in an empty chroot" "^chela [0-9]" "$(chroot "$tmp/root" /chela version 2>&1)"

	mkdir -p "$tmp/ctx"
	cp "$CHELA_BIN" "$tmp/ctx/chela"
	printf 'FROM scratch\nCOPY chela /chela\nENTRYPOINT ["/chela"]\n' > "$tmp/ctx/Dockerfile"
	if docker build -q -t chela-test-scratch:latest "$tmp/ctx" > "$tmp/build.log" 2>&1; then
		t_match "runs in a FROM scratch container" "^chela [0-9]" \
			"$(docker run --rm --network none chela-test-scratch:latest version 2>&1)"
	else
		t_fail "runs in a FROM scratch container" "docker build failed: $(cat "$tmp/build.log")"
	fi
fi

"$CHELA_BIN" no-such-command > /dev/null 2>&1
t_eq "unknown command exits 2" 2 $?
"$CHELA_BIN" > /dev/null 2>&1
t_eq "no command exits 2" 2 $?
for c in gateway agent tool sandbox config doctor health version; do
	out=$("$CHELA_BIN" "$c" --help 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q "usage: chela $c"; then t_ok "$c --help"; else t_fail "$c --help" "exit $rc: $out"; fi
done
printf '[gateway]\nport = x\n' > "$tmp/bad.ini"
"$CHELA_BIN" config check --config "$tmp/bad.ini" > /dev/null 2>&1
t_eq "invalid config exits 78" 78 $?
t_match "version names the vendored libraries" "bearssl 0.6.*cjson 1.7.18.*libinih 59" "$("$CHELA_BIN" version)"

# Vendor: a second fetch is a no-op; a tampered download stops the build naming the file.
t_eq "second vendor fetch is a no-op" "" "$(sh vendor/fetch.sh 2>&1)"
mkdir -p "$tmp/v/vendor"
cp vendor/fetch.sh vendor/vendor.lock "$tmp/v/vendor/"
cp -r vendor/.downloads "$tmp/v/vendor/.downloads"
victim=$(ls "$tmp"/v/vendor/.downloads/cjson/*.orig.tar.gz)
printf 'x' >> "$victim"
out=$(sh "$tmp/v/vendor/fetch.sh" 2>&1)
rc=$?
if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q "checksum mismatch for .*$(basename "$victim")"; then
	t_ok "tampered tarball stops the fetch, naming the file"
else
	t_fail "tampered tarball stops the fetch" "exit $rc: $out"
fi
[ "$T_FAILS" -eq 0 ]
