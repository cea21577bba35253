#!/bin/sh
# test/web/setup.sh — make sure playwright-core (the only npm dependency of the browser tests) is
# installed in test/web/node_modules at the version package-lock.json pins. Runs `npm ci` only
# when it is missing or stale, so repeated test runs do not touch the network.
set -eu
cd "$(dirname "$0")"
want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' package.json | head -n 1)
have=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' node_modules/playwright-core/package.json 2>/dev/null || true)
[ -n "$want" ] && [ "$want" = "$have" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "test/web/setup.sh: npm not found: apt-get install -y npm" >&2; exit 1; }
echo "test/web/setup.sh: installing playwright-core $want (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
