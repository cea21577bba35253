#!/bin/sh
# docker/docker-user-rules.sh — firewall rules for a host that runs chela in Docker.
#
# Docker publishes ports with DNAT in the nat table and forwards the traffic through FORWARD, so
# it never meets the INPUT chain where UFW (and most host firewalls) put their rules: `ufw deny
# 18789` does nothing for a published container port. Docker leaves one chain for the admin:
# DOCKER-USER, consulted before its own rules. This script rebuilds it:
#   1. replies to connections already allowed pass;
#   2. the gateway port (as published, before DNAT) is reachable only from ALLOW_CIDR;
#   3. optionally (SANDBOX_BRIDGE), sandbox containers on that bridge cannot open connections to
#      private address ranges — the LAN, the host, cloud metadata — even when network = <that
#      network> gives them the internet.
#
#   EXT_IF=eth0 ALLOW_CIDR=192.168.1.0/24 PORT=18789 SANDBOX_BRIDGE=br-chela sh docker-user-rules.sh
#
# Run as root after Docker starts (a systemd ExecStartPost, or netfilter-persistent save to keep
# them). With the default compose file (127.0.0.1:18789) the port is not published outside at all
# and only rule 3 matters. IPv6: repeat with ip6tables if the daemon has ipv6 enabled.
set -eu
EXT_IF=${EXT_IF:-eth0}
ALLOW_CIDR=${ALLOW_CIDR:-192.168.0.0/16}
PORT=${PORT:-18789}
SANDBOX_BRIDGE=${SANDBOX_BRIDGE:-}
IPT=${IPTABLES:-iptables}

$IPT -N DOCKER-USER 2>/dev/null || true
$IPT -F DOCKER-USER
$IPT -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
# --ctorigdstport matches the port the client dialled (the published one), not the container's.
$IPT -A DOCKER-USER -i "$EXT_IF" -p tcp -m conntrack --ctdir ORIGINAL --ctorigdstport "$PORT" \
	-s "$ALLOW_CIDR" -j RETURN
$IPT -A DOCKER-USER -i "$EXT_IF" -p tcp -m conntrack --ctdir ORIGINAL --ctorigdstport "$PORT" -j DROP
if [ -n "$SANDBOX_BRIDGE" ]; then
	for net in 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 169.254.0.0/16 100.64.0.0/10; do
		$IPT -A DOCKER-USER -i "$SANDBOX_BRIDGE" -d "$net" -m conntrack --ctstate NEW -j DROP
	done
fi
$IPT -A DOCKER-USER -j RETURN
$IPT -S DOCKER-USER
