#!/bin/sh
# test/golden/config/run.sh — `chela config check` on each cases/NAME.ini (extra arguments in
# cases/NAME.args) must print exactly cases/NAME.exp: stdout, stderr and the exit code.
# Two more cases need no file: no config at all (defaults), and an explicit missing file.
# CHELA_UPDATE_GOLDEN=1 rewrites the .exp files (review the diff before committing).
set -u
SUITE=golden_config
cd "${CHELA_TOP:?}"
. test/lib.sh
dir=test/golden/config/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A fixed environment: the same output on every machine.
run_check() { # name args...
	name=$1; shift
	env -i PATH=/usr/bin:/bin HOME=/home/golden CHELA_GATEWAY_TOKEN=gw-secret ANTHROPIC_API_KEY=sk-ant-secret \
		TELEGRAM_BOT_TOKEN=tg-secret DISCORD_BOT_TOKEN=dc-secret CHELA_GOLDEN_TOKEN=api-secret \
		"$CHELA_BIN" config check "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	rc=$?
	{ cat "$tmp/$name.out"; echo "--- stderr"; cat "$tmp/$name.err"; echo "--- exit $rc"; } > "$tmp/$name.got"
}

compare() { # name
	t_golden "$1" "$dir/$1.exp" "$tmp/$1.got"
	# No secret value may ever be printed.
	if grep -Eq 'gw-secret|sk-ant-secret|tg-secret|dc-secret|api-secret' "$tmp/$1.got"; then
		t_fail "$1: secrets" "a secret value appears in the output"
	fi
}

for ini in "$dir"/*.ini; do
	name=$(basename "$ini" .ini)
	args=""
	[ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
	# shellcheck disable=SC2086
	run_check "$name" --config "$ini" $args
	compare "$name"
done
run_check no_config_file --state /nonexistent/state
compare no_config_file
run_check missing_explicit_file --config "$dir/does-not-exist.ini"
compare missing_explicit_file

# The distinct-errors promise: at least 10 broken configs, each with its own message.
# (JSON cases print their errors on stdout, so they are left out of this count.)
broken=$(grep -l -- '--- exit 78' "$dir"/*.exp | xargs grep -l '^config: ')
nbroken=$(echo "$broken" | wc -l)
ndistinct=$(for f in $broken; do grep -m1 '^config: ' "$f" | sed 's/^config: [^ ]*: //'; done | sort -u | wc -l)
if [ "$nbroken" -ge 10 ] && [ "$ndistinct" -eq "$nbroken" ]; then
	t_ok "distinct errors ($nbroken broken configs, $ndistinct distinct first errors)"
else
	t_fail "distinct errors" "$nbroken broken configs but $ndistinct distinct first errors"
fi
[ "$T_FAILS" -eq 0 ]
