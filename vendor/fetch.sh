#!/bin/sh
# vendor/fetch.sh — fetch, verify and unpack chela's third-party sources.
#
# Contract: for every package in vendor/vendor.lock, vendor/<package>/ ends up holding
# Debian's source tree with Debian's patches applied, built only from files whose sha256
# matches the lock. Downloads are kept in vendor/.downloads/ and verified on every run (so a
# tampered tarball stops the build, naming the file); a package already unpacked from the
# same verified files is left alone (a second run is a no-op). Nothing here is committed.
#
# Sources come from `apt-get source`. When a needed suite has no deb-src entry and we run as
# root, one is added, pointing at the mirror this machine already uses; otherwise the exact
# commands to run are printed and we fail.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
lock="$here/vendor.lock"
dl="$here/.downloads"

die() { echo "vendor: $*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

packages() { grep -v '^[[:space:]]*#' "$lock" | awk 'NF' | awk '{print $1, $2, $3}' | sort -u; }

files_of() { grep -v '^[[:space:]]*#' "$lock" | awk -v p="$1" '$1 == p {print $4, $5}'; }

# The mirror this machine already talks to, read from its apt configuration.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ {print $2; exit}' "$f"
	done | head -n 1
	grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2; exit}'
}

ensure_deb_src() { # $1 package, $2 version, $3 suite
	if apt-cache showsrc "$1" 2>/dev/null | grep -qx "Version: $2"; then return 0; fi
	mirror=$(apt_mirror | head -n 1)
	[ -n "$mirror" ] || mirror="<your Debian mirror>"
	entry="Types: deb-src
URIs: $mirror
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
	if [ "$(id -u)" -ne 0 ]; then
		echo "vendor: $1 $2 needs a deb-src entry for $3. As root, run:" >&2
		printf "  printf '%%s\\\\n' '%s' > /etc/apt/sources.list.d/chela-src.sources && apt-get update\n" \
			"$(echo "$entry" | sed 's/$/\\n/' | tr -d '\n')" >&2
		exit 1
	fi
	echo "vendor: adding deb-src entry for $3 (/etc/apt/sources.list.d/chela-src.sources)"
	printf '%s\n' "$entry" > /etc/apt/sources.list.d/chela-src.sources
	apt-get update -qq >/dev/null 2>&1 || apt-get update
	apt-cache showsrc "$1" 2>/dev/null | grep -qx "Version: $2" ||
		die "$1 $2 is not in the $3 sources of $mirror"
}

verify_files() { # $1 package; prints nothing, dies on the first mismatch
	files_of "$1" | while read -r f sum; do
		p="$dl/$1/$f"
		[ -f "$p" ] || die "missing $p"
		got=$(sha256_of "$p")
		[ "$got" = "$sum" ] || die "checksum mismatch for $p: expected $sum, got $got (delete it to fetch again)"
	done
}

all_present() { # $1 package
	files_of "$1" | while read -r f sum; do [ -f "$dl/$1/$f" ] || exit 1; done
}

command -v dpkg-source >/dev/null 2>&1 || die "dpkg-source not found: apt-get install dpkg-dev"

packages | while read -r pkg ver suite; do
	mkdir -p "$dl/$pkg"
	if ! all_present "$pkg"; then
		ensure_deb_src "$pkg" "$ver" "$suite"
		echo "vendor: fetching $pkg $ver ($suite)"
		(cd "$dl/$pkg" && apt-get source --download-only -qq "$pkg=$ver" >/dev/null 2>&1) ||
			(cd "$dl/$pkg" && apt-get source --download-only "$pkg=$ver") ||
			die "apt-get source $pkg=$ver failed"
	fi
	verify_files "$pkg"
	stamp="$here/$pkg/.chela-stamp"
	want=$(files_of "$pkg" | tr '\n' ' ')
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then continue; fi
	echo "vendor: unpacking $pkg $ver with Debian's patches"
	rm -rf "$here/$pkg" "$dl/$pkg/tree"
	dsc=$(files_of "$pkg" | awk '$1 ~ /\.dsc$/ {print $1}')
	# Our own sha256 check above is the authority; --no-check only skips the OpenPGP signature.
	# Unpack beside the downloads: dpkg-source drops copies of the tarballs next to its target.
	(cd "$dl/$pkg" && dpkg-source --no-check -x "$dsc" tree >/dev/null) ||
		die "dpkg-source could not unpack $dsc"
	mv "$dl/$pkg/tree" "$here/$pkg"
	printf '%s' "$want" > "$stamp"
done
