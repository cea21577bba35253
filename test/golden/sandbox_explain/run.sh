#!/bin/sh
# test/golden/sandbox_explain/run.sh — `chela sandbox explain` on each cases/NAME.ini (extra
# arguments in cases/NAME.args), for the agent's main session and for another session
# (telegram:dm:42), as text (NAME.txt.exp) and --json (NAME.json.exp): stdout, stderr and the
# exit code of both sessions in one file. A few bad requests go to errors.exp. "@TMP@" in a case
# stands for the temp dir, where the bind sources are made.
#
# Deterministic on purpose: a fixed environment, a state dir under the temp dir, no engine
# (DOCKER_HOST points at a socket that does not exist, so the live state is always "unknown"),
# and the temp dir and config hashes (which cover the mount paths under it) replaced in the
# output. CHELA_UPDATE_GOLDEN=1 rewrites the .exp files — read the diff before committing.
set -u
SUITE=golden_sandbox_explain
cd "${CHELA_TOP:?}"
. test/lib.sh
dir=test/golden/sandbox_explain/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

explain() { # args... → stdout, stderr and exit code, made deterministic, on stdout
	env -i PATH=/usr/bin:/bin HOME=/home/golden DOCKER_HOST="unix://$tmp/no-engine.sock" \
		"$CHELA_BIN" sandbox explain --state "$tmp/state" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	{ cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; echo "--- exit $rc"; } |
		sed -e "s|$tmp|<tmp>|g" -e 's/[0-9a-f]\{64\}/<hash>/g'
}

compare() { # name file
	t_golden "$1" "$dir/$1.exp" "$2"
	if grep -q 'do-not-print-me' "$2"; then
		t_fail "$1: secrets" "a secret env value appears in the output"
	fi
}

# Bind sources must exist (and are resolved): the cases name them as @TMP@/..., made here.
mkdir -p "$tmp/data" "$tmp/cache" "$tmp/shared" "$tmp/work"
for src in "$dir"/*.ini; do
	name=$(basename "$src" .ini)
	ini=$tmp/$name.ini
	sed "s|@TMP@|$tmp|g" "$src" > "$ini"
	args=""
	[ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
	for fmt in txt json; do
		flag=""
		[ "$fmt" = json ] && flag=--json
		{
			echo "=== main session"
			# shellcheck disable=SC2086
			explain --config "$ini" $args $flag
			echo "=== session telegram:dm:42"
			# shellcheck disable=SC2086
			explain --config "$ini" $args --session telegram:dm:42 $flag
		} > "$tmp/$name.$fmt"
		compare "$name.$fmt" "$tmp/$name.$fmt"
	done
	# The JSON must parse, and its tool lines must be what the text view prints (one document,
	# two views).
	# shellcheck disable=SC2086
	explain --config "$ini" $args --json | sed '/^--- stderr/,$d' > "$tmp/doc.json"
	# shellcheck disable=SC2086
	explain --config "$ini" $args | sed -n '/^tools:$/,/^to change this:$/p' | sed '1d;$d;s/^  //' > "$tmp/doc.txt"
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=open(sys.argv[2]).read().splitlines()
assert len(d["tools"]["list"]) == 6 and d["tools"]["lines"] == t, (d["tools"]["lines"], t)' \
		"$tmp/doc.json" "$tmp/doc.txt" 2> "$tmp/py.err"; then
		t_ok "$name: json parses; its six tools are the text view's lines"
	else
		t_fail "$name: json" "$(tail -n 3 "$tmp/py.err")"
	fi
done

# Bad requests: an unknown agent, an agent that contradicts the session key, an unknown option.
ini=$tmp/01_off_defaults.ini
{
	echo "=== unknown agent"
	explain --config "$ini" --agent nobody
	echo "=== session of another agent"
	explain --config "$ini" --agent main --session agent:work:main
	echo "=== unknown option"
	explain --config "$ini" --bogus
} > "$tmp/errors"
compare errors "$tmp/errors"
[ "$T_FAILS" -eq 0 ]
