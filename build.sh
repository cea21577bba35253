#!/bin/sh
# build.sh — the one build entry point for chela (POSIX sh).
#
#   ./build.sh            vendor sources + build/chela (static musl), prints its size
#   ./build.sh test       install what is missing, start Docker if needed, build, run every test
#   ./build.sh asan       the same tests against an ASan/UBSan build (clang, glibc)
#   ./build.sh fuzz [TARGET] [SECONDS]   run libFuzzer targets (default: all, 20 s each)
#   ./build.sh bench      run bench/*.sh, printing chela's figures beside the thing it replaces
#   ./build.sh image [--save]            build the chela and sandbox images (see docker/)
#   ./build.sh clean
#
# Sources are discovered: every src/**/*.c is part of chela (src/cli/main.c holds main()),
# every test/unit/test_*.c is a unit-test program, every test/fuzz/fuzz_*.c a libFuzzer target,
# every test/integration/*.sh an integration test. Warnings are errors on src/ only.
set -eu

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
VERSION=$(cat VERSION 2>/dev/null || echo 0.0.0)
REVISION=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

# inih is compiled with these and chela's config loader must see the same ones.
INIH_DEFS="-DINI_HANDLER_LINENO=1 -DINI_CALL_HANDLER_ON_NEW_SECTION=1 -DINI_MAX_LINE=4096 \
-DINI_STOP_ON_FIRST_ERROR=0 -DINI_ALLOW_MULTILINE=0 -DINI_ALLOW_BOM=1 -DINI_USE_STACK=1"
INCS="-Isrc -Ivendor/bearssl/inc -Ivendor/cjson -Ivendor/libinih"
WARN="-Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wstrict-prototypes -Wvla -Wno-unused-parameter"

say() { printf '%s\n' "$*"; }
die() { printf 'build: %s\n' "$*" >&2; exit 1; }

# --- profiles -------------------------------------------------------------------------------
# release: musl-gcc, -static, size-minded and hardened. asan/fuzz: clang against glibc,
# because the sanitizer runtimes do not exist for musl.
profile() {
	PROFILE=$1
	case $1 in
	release)
		CC=${CC_RELEASE:-musl-gcc}
		B=build
		OPT="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
-fno-unwind-tables -fstack-protector-strong -fstack-clash-protection -fno-plt -pipe"
		LDF="-static -Wl,--gc-sections -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--build-id=none -s"
		;;
	asan)
		CC=clang
		B=build/asan
		OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
		LDF="-fsanitize=address,undefined"
		;;
	fuzz)
		CC=clang
		B=build/fuzz
		OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -DCHELA_FUZZING=1"
		LDF="-fsanitize=fuzzer,address,undefined"
		;;
	*) die "unknown profile $1" ;;
	esac
	DEFS="-D_GNU_SOURCE $INIH_DEFS"
	CFLAGS_SRC="-std=c11 $OPT $WARN $DEFS $INCS -I$B/gen"
	CFLAGS_VENDOR="-std=c99 $OPT -w $DEFS $INCS -Ivendor/bearssl/src"
}

# compile LIST-FILE OBJDIR FLAGS...: compiles each listed .c into OBJDIR mirroring its path,
# skipping objects newer than their source and every header in src/.
compile_list() {
	list=$1; objdir=$2; shift 2
	newest_h=$(find src "$B/gen" -name '*.h' -newer "$objdir/.stamp" 2>/dev/null | head -n 1 || true)
	[ -f "$objdir/.stamp" ] || newest_h=always
	mkdir -p "$objdir"
	: > "$objdir/.todo"
	while read -r c; do
		o="$objdir/${c%.c}.o"
		if [ -n "$newest_h" ] || [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then echo "$c" >> "$objdir/.todo"; fi
	done < "$list"
	if [ -s "$objdir/.todo" ]; then
		export CC OBJDIR="$objdir" CFL="$*"
		# shellcheck disable=SC2016
		xargs -P "$JOBS" -n 1 sh -c 'o="$OBJDIR/${1%.c}.o"; mkdir -p "$(dirname "$o")"; $CC $CFL -c "$1" -o "$o" || exit 255' _ < "$objdir/.todo" ||
			die "compilation failed"
	fi
	touch "$objdir/.stamp"
}

objs_of() { sed "s|^|$2/|; s|\\.c\$|.o|" "$1"; }

build_vendor() {
	./vendor/fetch.sh
	mkdir -p "$B/vendor"
	find vendor/bearssl/src -name '*.c' | sort > "$B/vendor/bearssl.list"
	echo vendor/cjson/cJSON.c > "$B/vendor/cjson.list"
	echo vendor/libinih/ini.c > "$B/vendor/inih.list"
	for lib in bearssl cjson inih; do
		a="$B/vendor/lib$lib.a"
		compile_list "$B/vendor/$lib.list" "$B/vendor/obj" $CFLAGS_VENDOR
		if [ ! -f "$a" ] || [ -n "$(find "$B/vendor/obj" -name '*.o' -newer "$a" | head -n 1)" ]; then
			rm -f "$a"
			# shellcheck disable=SC2046
			ar rcs "$a" $(objs_of "$B/vendor/$lib.list" "$B/vendor/obj")
		fi
	done
	VENDOR_LIBS="$B/vendor/libbearssl.a $B/vendor/libcjson.a $B/vendor/libinih.a"
}

# Embedded assets (the web page) become C arrays under build/gen so the binary needs no files.
build_assets() {
	mkdir -p "$B/gen"
	# Version and flags for `chela version`, as a header (flags hold spaces, -D cannot carry them).
	info="$B/gen/build_info.h"
	{
		printf '#define CHELA_VERSION "%s"\n#define CHELA_REVISION "%s"\n' "$VERSION" "$REVISION"
		printf '#define CHELA_BUILD_CC "%s"\n' "$CC"
		printf '#define CHELA_BUILD_FLAGS "%s"\n' "$(echo "$OPT $LDF" | tr -s '\t ' '  ')"
		printf '#define CHELA_VENDOR_VERSIONS "%s"\n' \
			"$(grep -v '^#' vendor/vendor.lock | awk 'NF {print $1 " " $2 " (" $3 ")"}' | sort -u | paste -sd';' | sed 's/;/; /g')"
	} > "$info.tmp"
	if cmp -s "$info.tmp" "$info"; then rm -f "$info.tmp"; else mv "$info.tmp" "$info"; fi
	gen="$B/gen/assets.c"
	if [ -d src/gateway/assets ]; then
		if [ ! -f "$gen" ] || [ -n "$(find src/gateway/assets -newer "$gen" | head -n 1)" ]; then
			sh src/gateway/embed.sh src/gateway/assets > "$gen.tmp" && mv "$gen.tmp" "$gen"
		fi
	else
		printf '%s\n' '#include <stddef.h>' 'const unsigned char *chela_asset_find(const char *n, size_t *l);' \
			'const unsigned char *chela_asset_find(const char *n, size_t *l) { (void)n; *l = 0; return NULL; }' > "$gen"
	fi
}

build_chela() {
	build_vendor
	build_assets
	find src -name '*.c' | sort > "$B/src.list"
	echo "$B/gen/assets.c" >> "$B/src.list"
	compile_list "$B/src.list" "$B/obj" $CFLAGS_SRC
	grep -v '^src/cli/main\.c$' "$B/src.list" > "$B/lib.list"
	rm -f "$B/libchela.a"
	# shellcheck disable=SC2046
	ar rcs "$B/libchela.a" $(objs_of "$B/lib.list" "$B/obj")
	# The fuzz profile only needs the library: libFuzzer brings its own main().
	[ "$PROFILE" = fuzz ] && return 0
	# shellcheck disable=SC2086
	$CC $OPT -o "$B/chela" "$B/obj/src/cli/main.o" "$B/libchela.a" $VENDOR_LIBS $LDF
	if [ "$PROFILE" = release ]; then
		size=$(stat -c %s "$B/chela")
		say "build: $B/chela $size bytes ($(( (size + 1023) / 1024 )) KiB; budget 1024 KiB)"
	fi
}

build_unit_tests() {
	mkdir -p "$B/test"
	for t in test/unit/test_*.c; do
		[ -f "$t" ] || continue
		exe="$B/test/$(basename "${t%.c}")"
		if [ ! -f "$exe" ] || [ "$t" -nt "$exe" ] || [ "$B/libchela.a" -nt "$exe" ] || [ test/unit/harness.h -nt "$exe" ]; then
			# shellcheck disable=SC2086
			$CC $CFLAGS_SRC -Itest/unit -o "$exe" "$t" "$B/libchela.a" $VENDOR_LIBS $LDF || die "cannot build $t"
		fi
	done
}

build_fuzzers() {
	profile fuzz
	build_chela >/dev/null
	mkdir -p "$B/bin"
	for f in test/fuzz/fuzz_*.c; do
		[ -f "$f" ] || continue
		exe="$B/bin/$(basename "${f%.c}")"
		if [ ! -f "$exe" ] || [ "$f" -nt "$exe" ] || [ "$B/libchela.a" -nt "$exe" ]; then
			# shellcheck disable=SC2086
			$CC $CFLAGS_SRC -o "$exe" "$f" "$B/libchela.a" $VENDOR_LIBS $LDF || die "cannot build $f"
		fi
	done
}

# --- dependencies and services ---------------------------------------------------------------
# Debian packages the build and the tests need, as package[:command]: a package is wanted when
# it is not installed and (if a command is named) that command is not on PATH either, so a
# Docker or Node.js installed some other way is used as it is. Installed when missing (as root);
# otherwise the exact command is printed and we stop.
DEPS_BUILD="musl-tools:musl-gcc dpkg-dev:dpkg-source"
DEPS_TEST="clang:clang libclang-rt-14-dev docker.io:dockerd busybox-static runsc:runsc iproute2:ip procps:ps \
file:file binutils:readelf python3:python3 openssl:openssl curl:curl wrk:wrk hyperfine:hyperfine \
chromium:chromium nodejs:node npm:npm debootstrap:debootstrap docker-compose:docker-compose"

ensure_deps() {
	missing=""
	for spec in "$@"; do
		p=${spec%%:*}
		c=${spec#*:}
		[ "$c" != "$spec" ] && command -v "$c" >/dev/null 2>&1 && continue
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages:$missing — run as root: apt-get update && apt-get install -y$missing"
	fi
	say "build: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
		die "apt-get install$missing failed"
}

cmd_build() { ensure_deps $DEPS_BUILD; profile release; build_chela; }

run_tests() { # $1: profile whose chela binary the tests drive
	ensure_deps $DEPS_BUILD $DEPS_TEST
	sh test/docker_up.sh || die "no Docker engine: the Docker tests cannot run (see build/dockerd.log)"
	profile "$1"
	build_chela
	build_unit_tests
	CHELA_BIN="$top/$B/chela" CHELA_TEST_BIN_DIR="$top/$B/test" CHELA_PROFILE="$1" \
		CHELA_FUZZ_DIR="$top/build/fuzz/bin" sh test/run.sh "$@"
}

case ${1:-build} in
build) cmd_build ;;
test) shift; cmd_build; build_fuzzers; run_tests release "$@" ;;
asan) shift; ensure_deps $DEPS_BUILD; run_tests asan "$@" ;;
fuzz)
	shift
	ensure_deps $DEPS_BUILD clang:clang libclang-rt-14-dev
	build_fuzzers
	sh test/fuzz/run.sh "$B/bin" "${1:-all}" "${2:-20}"
	;;
bench) shift; cmd_build; sh bench/run.sh "$@" ;;
image) shift; cmd_build; sh docker/build-images.sh "$@" ;;
clean) rm -rf build ;;
-h | --help | help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown command '$1' (try ./build.sh --help)" ;;
esac
