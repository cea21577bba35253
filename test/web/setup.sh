#!/bin/sh
# test/web/setup.sh — make sure the npm dependencies of the browser and client tests are installed
# in test/web/node_modules at the versions package.json pins: playwright-core (drives Chromium)
# and openai (the stock OpenAI client, for the gateway's /v1/chat/completions). Runs `npm ci` only
# when one is missing or stale, so repeated test runs do not touch the network.
set -eu
cd "$(dirname "$0")"
stale=""
for pkg in playwright-core openai; do
	want=$(sed -n 's/.*"'"$pkg"'": *"\([^"]*\)".*/\1/p' package.json | head -n 1)
	have=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' "node_modules/$pkg/package.json" 2>/dev/null || true)
	if [ -z "$want" ] || [ "$want" != "$have" ]; then stale="$stale $pkg@$want"; fi
done
[ -z "$stale" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "test/web/setup.sh: npm not found: apt-get install -y npm" >&2; exit 1; }
echo "test/web/setup.sh: installing$stale (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
