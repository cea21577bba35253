# test/lib.sh — helpers for shell tests (sourced). Each check prints one line,
# "ok <suite>: <name>" or "not ok <suite>: <name>: <why>", which test/run.sh counts.
#   SUITE=docker_exec; . test/lib.sh
#   t_ok NAME | t_fail NAME WHY | t_eq NAME WANT GOT | t_match NAME REGEX TEXT | t_run NAME CMD...
#   t_golden NAME EXPECTED-FILE GOT-FILE
T_FAILS=0
t_ok() { printf 'ok %s: %s\n' "${SUITE:-shell}" "$1"; }
t_fail() { printf 'not ok %s: %s: %s\n' "${SUITE:-shell}" "$1" "$(printf '%s' "$2" | tr '\n' ' ' | cut -c1-400)"; T_FAILS=$((T_FAILS + 1)); }
t_eq() { if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "want '$2', got '$3'"; fi; }
t_match() { if printf '%s' "$3" | grep -Eq -- "$2"; then t_ok "$1"; else t_fail "$1" "'$3' does not match /$2/"; fi; }
t_nomatch() { if printf '%s' "$3" | grep -Eq -- "$2"; then t_fail "$1" "'$3' matches /$2/"; else t_ok "$1"; fi; }
t_run() { n=$1; shift; if out=$("$@" 2>&1); then t_ok "$n"; else t_fail "$n" "exit $?: $out"; fi; }
# t_golden NAME EXP GOT — the file GOT must equal the expected file EXP. CHELA_UPDATE_GOLDEN=1
# first copies GOT over EXP (then read the diff before committing: a golden file is a claim).
t_golden() {
	if [ "${CHELA_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$3" "$2"; fi
	if [ ! -f "$2" ]; then
		t_fail "$1" "no $2 (run with CHELA_UPDATE_GOLDEN=1 once and review it)"
	elif t_diff=$(diff -u "$2" "$3"); then
		t_ok "$1"
	else
		t_fail "$1" "$(printf '%s\n' "$t_diff" | head -n 12)"
	fi
}
