#!/bin/sh
# test/integration/image_units.sh — the systemd units: they verify with systemd-analyze, restart the
# way SPEC.md says, and exit status 78 (invalid config) really reaches systemd — from the bare
# binary and through `docker run --rm` of the image — so RestartPreventExitStatus=78 stops the loop.
SUITE=image_units
. "$CHELA_TOP/test/lib.sh"
cd "$CHELA_TOP" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for u in chela.service chela-bare.service; do
	for k in 'Restart=always' 'RestartSec=10' 'RestartPreventExitStatus=78'; do
		if grep -qx "$k" "docker/$u"; then t_ok "$u has $k"; else t_fail "$u $k" "missing"; fi
	done
	# Verify a copy whose binary paths exist on this host.
	sed "s|/usr/local/bin/chela|$CHELA_BIN|g" "docker/$u" > "$tmp/$u"
	if command -v systemd-analyze >/dev/null 2>&1; then
		t_run "systemd-analyze verify $u" systemd-analyze verify "$tmp/$u"
	fi
done
t_match "container unit runs the hardened image" \
	'--read-only.*--cap-drop ALL --security-opt no-new-privileges:true' "$(tr -d '\\\n' < docker/chela.service)"
t_match "container unit mounts the socket with the docker gid" '--group-add \$\{DOCKER_GID\}' "$(cat docker/chela.service)"

# The DOCKER-USER rules of docker/docker-user-rules.sh, applied in a throwaway network namespace
# (never the host's firewall): they load, in the order the README explains.
if command -v unshare >/dev/null 2>&1 && command -v iptables >/dev/null 2>&1; then
	rules=$(EXT_IF=eth0 ALLOW_CIDR=192.168.1.0/24 SANDBOX_BRIDGE=br-chela unshare -n sh docker/docker-user-rules.sh 2>&1)
	t_match "DOCKER-USER: replies first" '^-N DOCKER-USER -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN' \
		"$(echo "$rules" | head -n 2 | tr '\n' ' ')"
	t_match "DOCKER-USER: allowed CIDR before the drop" \
		'-s 192.168.1.0/24 -i eth0 -p tcp .*--ctorigdstport 18789 .*-j RETURN -A DOCKER-USER -i eth0 -p tcp .*--ctorigdstport 18789 .*-j DROP' \
		"$(echo "$rules" | tr '\n' ' ')"
	t_match "DOCKER-USER: sandbox bridge kept off private ranges" '-d 169.254.0.0/16 -i br-chela .*-j DROP' "$rules"
fi

printf '[gateway]\nbnd = lan\n' > "$tmp/bad.ini"
"$CHELA_BIN" gateway --config "$tmp/bad.ini" > "$tmp/out" 2>&1
t_eq "bare gateway exits 78 on an invalid config" "78" "$?"
t_match "and names file:line and key" 'bad.ini:2.*bnd' "$(cat "$tmp/out")"
if [ "${CHELA_PROFILE:-release}" = release ] && docker image inspect chela:latest >/dev/null 2>&1; then
	docker run --rm -e CHELA_CONFIG=/etc/passwd chela:latest gateway > "$tmp/out" 2>&1
	t_eq "docker run of the image passes exit 78 through" "78" "$?"
fi
[ "$T_FAILS" -eq 0 ]
