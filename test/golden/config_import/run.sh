#!/bin/sh
# test/golden/config_import/run.sh — `chela config import` through the CLI on every OpenClaw config
# here: stdout must equal <name>.exp, stderr <name>.report, and `chela config check --config`
# must accept the result (with the ${VAR}s it references set, as a .env would).
# (test/unit/test_config_import.c checks the same files through the C API.)
SUITE=golden_config_import
. "$CHELA_TOP/test/lib.sh"
dir="$CHELA_TOP/test/golden/config_import"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$dir"/*.json5 "$dir"/*.json; do
	[ -f "$f" ] || continue
	name=$(basename "$f"); stem=${name%.*}
	if ! "$CHELA_BIN" config import "$f" > "$tmp/$stem.ini" 2> "$tmp/$stem.report"; then
		t_fail "$name import" "$(cat "$tmp/$stem.report")"
		continue
	fi
	if cmp -s "$tmp/$stem.ini" "$dir/$stem.exp"; then t_ok "$name ini"; else
		t_fail "$name ini" "$(diff "$dir/$stem.exp" "$tmp/$stem.ini" | head -n 6)"; fi
	if cmp -s "$tmp/$stem.report" "$dir/$stem.report"; then t_ok "$name report"; else
		t_fail "$name report" "$(diff "$dir/$stem.report" "$tmp/$stem.report" | head -n 6)"; fi
	vars=$(grep -o '\${[A-Za-z_][A-Za-z0-9_]*}' "$tmp/$stem.ini" | tr -d '${}' | sort -u)
	for v in $vars; do export "$v=dummy-for-check"; done
	if out=$(CHELA_STATE_DIR="$tmp/state" "$CHELA_BIN" config check --config "$tmp/$stem.ini" 2>&1); then
		t_ok "$name config check"
	else
		t_fail "$name config check" "$out"
	fi
done
# Bad input is an error naming line and column, exit 2-ish, never a crash.
printf '{ gateway: { port: 1,, } }' > "$tmp/bad.json5"
out=$("$CHELA_BIN" config import "$tmp/bad.json5" 2>&1); rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ]; then t_ok "bad json5 exits $rc"; else t_fail "bad json5 exit" "rc=$rc"; fi
t_match "bad json5 names line and column" 'line 1, column 22' "$out"
[ "$T_FAILS" -eq 0 ]
